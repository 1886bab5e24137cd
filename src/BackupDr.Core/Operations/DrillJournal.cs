using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace BackupDr.Core.Operations
{
    /// <summary>One restore a drill started and has not yet cleaned up after, as the journal has it.</summary>
    public sealed class PendingDrillRestore
    {
        public string DrillId { get; set; } = string.Empty;

        /// <summary>The resource the drill restored a copy of.</summary>
        public string ResourceArn { get; set; } = string.Empty;

        public string RecoveryPointArn { get; set; } = string.Empty;

        public string Region { get; set; } = string.Empty;

        /// <summary>RDS or EBS.</summary>
        public string ResourceType { get; set; } = string.Empty;

        /// <summary>When the drill was about to start the restore (UTC).</summary>
        public DateTime StartedAt { get; set; }

        /// <summary>The restore job, once StartRestoreJob answered; null when the drill ended before it knew the id.</summary>
        public string? RestoreJobId { get; set; }
    }

    /// <summary>
    /// The write-ahead journal of drill restores, next to the ledger (<c>drills.jsonl.pending</c>): a drill writes
    /// "started" before StartRestoreJob, the job id as soon as AWS answers, and "finished" once it cleaned up. A drill
    /// killed outright (no finally, so no cleanup and, for EBS, no drill tag on the volume AWS creates later) leaves an
    /// entry without "finished", which is how Remove-DrDrillResource finds what it restored. JSON lines, appended one
    /// whole line per write (several drills and processes may share the file); unreadable lines are skipped.
    /// </summary>
    public sealed class DrillJournal
    {
        private const string Started = "started";
        private const string JobStarted = "job";
        private const string Finished = "finished";

        private static readonly object Gate = new object();

        public DrillJournal(string path)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new ArgumentException("The journal needs a path.", nameof(path));
            }

            Path = System.IO.Path.GetFullPath(path);
        }

        /// <summary>The journal of a ledger: the ledger's path with <c>.pending</c> added.</summary>
        public static DrillJournal ForLedger(string ledgerPath) => new DrillJournal(ledgerPath + ".pending");

        public string Path { get; }

        /// <summary>Written before StartRestoreJob is sent.</summary>
        public void RestoreStarting(PendingDrillRestore restore)
        {
            if (restore == null)
            {
                throw new ArgumentNullException(nameof(restore));
            }

            Append(w =>
            {
                Common(w, Started, restore.DrillId, restore.ResourceArn);
                w.WriteString("RecoveryPointArn", restore.RecoveryPointArn);
                w.WriteString("Region", restore.Region);
                w.WriteString("ResourceType", restore.ResourceType);
                w.WriteString("StartedAt", restore.StartedAt.ToUniversalTime());
            });
        }

        /// <summary>Written as soon as StartRestoreJob answered with the job id.</summary>
        public void RestoreJobStarted(string drillId, string resourceArn, string restoreJobId) =>
            Append(w =>
            {
                Common(w, JobStarted, drillId, resourceArn);
                w.WriteString("RestoreJobId", restoreJobId);
            });

        /// <summary>Written when nothing of the drill's restore is left: cleaned up, never started, or kept on purpose (-KeepRestored: then it is tagged).</summary>
        public void RestoreFinished(string drillId, string resourceArn) => Append(w => Common(w, Finished, drillId, resourceArn));

        /// <summary>Restores started and not finished, oldest first; none when the file does not exist.</summary>
        public IReadOnlyList<PendingDrillRestore> Pending()
        {
            var open = new Dictionary<string, PendingDrillRestore>(StringComparer.Ordinal);
            var order = new List<string>();
            string[] lines;
            lock (Gate)
            {
                if (!File.Exists(Path))
                {
                    return Array.Empty<PendingDrillRestore>();
                }

                using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                lines = reader.ReadToEnd().Split('\n');
            }

            foreach (var line in lines)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                JsonDocument doc;
                try
                {
                    doc = JsonDocument.Parse(line);
                }
                catch (JsonException)
                {
                    // A line cut short by a process killed mid-write: the entries around it still count.
                    continue;
                }

                using (doc)
                {
                    var e = doc.RootElement;
                    if (e.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    var kind = Str(e, "Event");
                    var key = Str(e, "DrillId") + "|" + Str(e, "ResourceArn");
                    if (kind == Started)
                    {
                        if (!open.ContainsKey(key))
                        {
                            order.Add(key);
                        }

                        open[key] = new PendingDrillRestore
                        {
                            DrillId = Str(e, "DrillId"),
                            ResourceArn = Str(e, "ResourceArn"),
                            RecoveryPointArn = Str(e, "RecoveryPointArn"),
                            Region = Str(e, "Region"),
                            ResourceType = Str(e, "ResourceType"),
                            StartedAt = e.TryGetProperty("StartedAt", out var at) && at.ValueKind == JsonValueKind.String && at.TryGetDateTime(out var when) ? when.ToUniversalTime() : DateTime.MinValue,
                        };
                    }
                    else if (kind == JobStarted && open.TryGetValue(key, out var pending))
                    {
                        pending.RestoreJobId = Str(e, "RestoreJobId");
                    }
                    else if (kind == Finished)
                    {
                        open.Remove(key);
                    }
                }
            }

            var result = new List<PendingDrillRestore>();
            foreach (var key in order)
            {
                if (open.TryGetValue(key, out var p))
                {
                    result.Add(p);
                }
            }

            return result;
        }

        private static void Common(Utf8JsonWriter w, string kind, string drillId, string resourceArn)
        {
            w.WriteString("Event", kind);
            w.WriteString("DrillId", drillId);
            w.WriteString("ResourceArn", resourceArn);
            w.WriteString("At", DateTime.UtcNow);
        }

        private static string Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? string.Empty : string.Empty;

        /// <summary>One whole line per write, in append mode (so lines of several processes do not interleave), flushed to disk.</summary>
        private void Append(Action<Utf8JsonWriter> write)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                write(w);
                w.WriteEndObject();
            }

            buffer.WriteByte((byte)'\n');
            var bytes = buffer.ToArray();
            lock (Gate)
            {
                var folder = System.IO.Path.GetDirectoryName(Path);
                if (!string.IsNullOrEmpty(folder))
                {
                    Directory.CreateDirectory(folder);
                }

                using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }
        }
    }
}
