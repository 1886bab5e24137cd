using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>
    /// The drill evidence file: JSON lines, each <c>{"Hash":"&lt;sha256 of the rest&gt;", ...}</c> carrying the SHA-256
    /// of the previous line (PreviousHash) and its 1-based Sequence, so an edited, deleted or reordered line breaks the
    /// chain. Dropping the newest lines is the one change a chain alone cannot show: keep copies of the file elsewhere.
    /// </summary>
    public sealed class DrillLedger
    {
        /// <summary>PreviousHash of the first record.</summary>
        public static readonly string GenesisHash = new string('0', 64);

        private const string Prefix = "{\"Hash\":\"";
        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions { WriteIndented = false };

        public DrillLedger(string path)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new DrValidationException("InvalidLedgerPath", "LedgerPath", path, "-LedgerPath must name a file.");
            }

            Path = System.IO.Path.GetFullPath(path);

            // LedgerPathIsFolder regression: a drill ran its restores and only then failed to append (UnauthorizedAccessException),
            // and Get-DrDrillHistory read a folder as an empty ledger.
            if (Directory.Exists(Path))
            {
                throw new DrValidationException("InvalidLedgerPath", "LedgerPath", path,
                    $"-LedgerPath '{path}' is a folder: give the path of a file in it, e.g. '{System.IO.Path.Combine(Path, "drills.jsonl")}'. Nothing was sent.");
            }
        }

        public string Path { get; }

        /// <summary>%LOCALAPPDATA%/BackupDr/drills.jsonl (~/.local/share/BackupDr/drills.jsonl on Linux).</summary>
        public static string DefaultPath =>
            System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "BackupDr", "drills.jsonl");

        /// <summary>Appends one result after verifying the chain so far (a broken ledger is never extended); returns the record written.</summary>
        public DrillHistoryRecord Append(DrillResult result, DateTime recordedUtc)
        {
            if (result == null)
            {
                throw new ArgumentNullException(nameof(result));
            }

            var dir = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }

            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using (var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read))
                    {
                        var text = new StreamReader(stream, new UTF8Encoding(false), false, 4096, leaveOpen: true).ReadToEnd();
                        var records = Verify(text, Path);
                        var lastLine = LastLine(text);
                        var entry = new LedgerEntry
                        {
                            Sequence = records.Count + 1,
                            PreviousHash = lastLine == null ? GenesisHash : Sha256(lastLine),
                            Recorded = recordedUtc.ToUniversalTime(),
                            Result = Strip(result),
                        };
                        var body = JsonSerializer.Serialize(entry, Json);
                        var hash = Sha256(body);
                        var line = Prefix + hash + "\"," + body.Substring(1);
                        stream.Seek(0, SeekOrigin.End);
                        var needsNewline = text.Length > 0 && !text.EndsWith("\n", StringComparison.Ordinal);
                        var bytes = new UTF8Encoding(false).GetBytes((needsNewline ? "\n" : string.Empty) + line + "\n");
                        stream.Write(bytes, 0, bytes.Length);
                        stream.Flush(true);
                        return ToRecord(entry, hash, records.Count + 1);
                    }
                }
                catch (IOException) when (attempt < 20 && File.Exists(Path))
                {
                    // Another drill is appending: take turns.
                    Thread.Sleep(50);
                }
            }
        }

        /// <summary>Reads and verifies every record; throws LedgerTampered naming the first bad line. A missing file is an empty ledger.</summary>
        public IReadOnlyList<DrillHistoryRecord> Read()
        {
            if (!File.Exists(Path))
            {
                return Array.Empty<DrillHistoryRecord>();
            }

            string text;
            using (var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var reader = new StreamReader(stream, new UTF8Encoding(false)))
            {
                text = reader.ReadToEnd();
            }

            return Verify(text, Path);
        }

        /// <summary>Verifies ledger text: each line's own hash, its link to the line before and its sequence number.</summary>
        public static IReadOnlyList<DrillHistoryRecord> Verify(string text, string path)
        {
            var records = new List<DrillHistoryRecord>();
            var lines = (text ?? string.Empty).Replace("\r\n", "\n").Split('\n');
            string? previous = null;
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                var number = i + 1;
                if (line.Length == 0)
                {
                    if (i == lines.Length - 1)
                    {
                        break; // the newline after the last record
                    }

                    throw Tampered(path, number, "is empty; records are never blank lines, so one was removed or the file was edited");
                }

                if (!line.StartsWith(Prefix, StringComparison.Ordinal) || line.Length < Prefix.Length + 66 || line.Substring(Prefix.Length + 64, 2) != "\",")
                {
                    throw Tampered(path, number, "is not a ledger record (it does not start with its hash)");
                }

                var hash = line.Substring(Prefix.Length, 64);
                var body = "{" + line.Substring(Prefix.Length + 66);
                if (!string.Equals(Sha256(body), hash, StringComparison.OrdinalIgnoreCase))
                {
                    throw Tampered(path, number, "was edited: its content does not match its SHA-256");
                }

                LedgerEntry? entry;
                try
                {
                    entry = JsonSerializer.Deserialize<LedgerEntry>(body, Json);
                }
                catch (JsonException ex)
                {
                    throw Tampered(path, number, "does not parse: " + ex.Message, ex);
                }

                if (entry?.Result == null)
                {
                    throw Tampered(path, number, "holds no drill result");
                }

                var expectedPrevious = previous == null ? GenesisHash : Sha256(previous);
                if (!string.Equals(entry.PreviousHash, expectedPrevious, StringComparison.OrdinalIgnoreCase))
                {
                    throw Tampered(path, number, previous == null
                        ? "is first but does not start the chain: the lines before it were removed"
                        : $"does not follow line {number - 1}: a line was removed, inserted or moved here");
                }

                if (entry.Sequence != number)
                {
                    throw Tampered(path, number, $"has sequence {entry.Sequence} instead of {number}: lines were removed or reordered");
                }

                records.Add(ToRecord(entry, hash, number));
                previous = line;
            }

            return records;
        }

        public static string Sha256(string text)
        {
            using (var sha = SHA256.Create())
            {
                var digest = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
                var sb = new StringBuilder(64);
                foreach (var b in digest)
                {
                    sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                }

                return sb.ToString();
            }
        }

        private static string? LastLine(string text)
        {
            var trimmed = text.TrimEnd('\n', '\r');
            if (trimmed.Length == 0)
            {
                return null;
            }

            var at = trimmed.LastIndexOf('\n');
            return at < 0 ? trimmed : trimmed.Substring(at + 1).TrimEnd('\r');
        }

        private static DrException Tampered(string path, int line, string why, Exception? inner = null) =>
            new DrException("LedgerTampered", "LedgerPath", path, $"The drill ledger {path} fails verification at line {line}: the line {why}. The evidence after this point cannot be trusted.", DrErrorKind.InvalidData, inner);

        /// <summary>A plain DrillResult (never a history record's extra members) for the file.</summary>
        private static DrillResult Strip(DrillResult r) => new DrillResult
        {
            DrillId = r.DrillId, ResourceArn = r.ResourceArn, ResourceType = r.ResourceType, Region = r.Region, Tier = r.Tier,
            RecoveryPointArn = r.RecoveryPointArn, RecoveryPointCreated = r.RecoveryPointCreated, RestoreJobId = r.RestoreJobId,
            RestoredResourceArn = r.RestoredResourceArn, DrillStarted = r.DrillStarted, Rto = r.Rto, RpoAchieved = r.RpoAchieved,
            RtoTarget = r.RtoTarget, RpoTarget = r.RpoTarget, RtoMet = r.RtoMet, RpoMet = r.RpoMet, Verified = r.Verified,
            CleanedUp = r.CleanedUp, Passed = r.Passed, Message = r.Message,
        };

        private static DrillHistoryRecord ToRecord(LedgerEntry e, string hash, int line)
        {
            var r = e.Result!;
            return new DrillHistoryRecord
            {
                Line = line, Recorded = DateTime.SpecifyKind(e.Recorded, DateTimeKind.Utc), Hash = hash, PreviousHash = e.PreviousHash ?? string.Empty,
                DrillId = r.DrillId, ResourceArn = r.ResourceArn, ResourceType = r.ResourceType, Region = r.Region, Tier = r.Tier,
                RecoveryPointArn = r.RecoveryPointArn, RecoveryPointCreated = r.RecoveryPointCreated, RestoreJobId = r.RestoreJobId,
                RestoredResourceArn = r.RestoredResourceArn, DrillStarted = r.DrillStarted, Rto = r.Rto, RpoAchieved = r.RpoAchieved,
                RtoTarget = r.RtoTarget, RpoTarget = r.RpoTarget, RtoMet = r.RtoMet, RpoMet = r.RpoMet, Verified = r.Verified,
                CleanedUp = r.CleanedUp, Passed = r.Passed, Message = r.Message,
            };
        }

        /// <summary>One line's content (everything but its own hash).</summary>
        private sealed class LedgerEntry
        {
            public int Sequence { get; set; }
            public string? PreviousHash { get; set; }
            public DateTime Recorded { get; set; }
            public DrillResult? Result { get; set; }
        }
    }

    /// <summary>Get-DrDrillHistory: the verified ledger, filtered.</summary>
    public sealed class DrillHistoryQuery
    {
        private readonly DrillLedger _ledger;

        public DrillHistoryQuery(DrillLedger ledger)
        {
            _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        }

        /// <summary>Every record (the whole chain verified first), then filtered by resource and time.</summary>
        public IEnumerable<DrillHistoryRecord> Read(string? resourceArn, DateTime? since)
        {
            var all = _ledger.Read();
            foreach (var r in all)
            {
                if (resourceArn != null && !string.Equals(r.ResourceArn, resourceArn, StringComparison.Ordinal))
                {
                    continue;
                }

                if (since != null && r.DrillStarted < since.Value.ToUniversalTime())
                {
                    continue;
                }

                yield return r;
            }
        }
    }
}
