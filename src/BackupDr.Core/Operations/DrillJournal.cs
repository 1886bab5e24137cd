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
        /// <remarks>
        /// Once the file has grown past <see cref="CompactAbove"/>, it is compacted (<see cref="Compact"/>), so a journal
        /// holds only a few hundred lines beyond the restores still pending, however many drills ran
        /// (DrillJournalGrowsForever). Compacting is housekeeping: when it cannot run, the finished restore still counts.
        /// </remarks>
        public void RestoreFinished(string drillId, string resourceArn)
        {
            if (Append(w => Common(w, Finished, drillId, resourceArn)) <= CompactAbove)
            {
                return;
            }

            try
            {
                Compact();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // The journal is still whole; the next finished restore tries again.
            }
        }

        /// <summary>Restores started and not finished, oldest first; none when the file does not exist.</summary>
        public IReadOnlyList<PendingDrillRestore> Pending()
        {
            byte[] content;
            lock (Gate)
            {
                if (!File.Exists(Path))
                {
                    return Array.Empty<PendingDrillRestore>();
                }

                content = WhenFree(() =>
                {
                    using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    return ReadAll(stream);
                });
            }

            return Fold(Lines(content), keep: null);
        }

        /// <summary>
        /// The journal's size above which a finished restore compacts it (64 KiB: a few hundred lines). Below it the
        /// file is left as it is; long.MaxValue turns compaction off.
        /// </summary>
        public long CompactAbove { get; set; } = 64 * 1024;

        /// <summary>
        /// Drops the lines of every restore that has finished, keeping those still pending byte for byte and in order,
        /// and returns how many lines it dropped. It needs the file to itself: when another process has it open, it
        /// returns 0 and the next finished restore tries again. The kept lines go out in one write from the start of the
        /// file and the file is then cut to their length; a process killed between the two leaves the kept lines followed
        /// by the old file's tail, which folds to the same pending restores (KilledWhileCompacting).
        /// </summary>
        public int Compact()
        {
            lock (Gate)
            {
                if (!File.Exists(Path))
                {
                    return 0;
                }

                FileStream stream;
                try
                {
                    stream = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
                }
                catch (IOException)
                {
                    return 0;
                }

                using (stream)
                {
                    var content = ReadAll(stream);
                    var compacted = Compacted(content, out var dropped);
                    if (dropped == 0)
                    {
                        return 0;
                    }

                    stream.Position = 0;
                    stream.Write(compacted, 0, compacted.Length);
                    stream.Flush(flushToDisk: true);
                    stream.SetLength(compacted.Length);
                    stream.Flush(flushToDisk: true);
                    return dropped;
                }
            }
        }

        /// <summary>The journal's content with the lines of finished restores (and unreadable lines) dropped.</summary>
        internal static byte[] Compacted(byte[] content, out int dropped)
        {
            var lines = Lines(content);
            var kept = new HashSet<int>();
            Fold(lines, kept);
            dropped = 0;
            using var output = new MemoryStream(content.Length);
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                if (kept.Contains(i))
                {
                    output.Write(content, line.Offset, line.Count);
                    output.WriteByte((byte)'\n');
                }
                else if (!IsBlank(line))
                {
                    dropped++;
                }
            }

            return output.ToArray();
        }

        /// <summary>
        /// Replays the journal's lines into the restores still open, oldest first; with <paramref name="keep"/>, also
        /// collects the indexes of the lines those restores stand on (their "started" and "job" lines).
        /// </summary>
        private static IReadOnlyList<PendingDrillRestore> Fold(IReadOnlyList<ArraySegment<byte>> lines, HashSet<int>? keep)
        {
            var open = new Dictionary<string, PendingDrillRestore>(StringComparer.Ordinal);
            var linesOf = keep == null ? null : new Dictionary<string, List<int>>(StringComparer.Ordinal);
            var order = new List<string>();
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                if (IsBlank(line))
                {
                    continue;
                }

                JsonDocument doc;
                try
                {
                    doc = JsonDocument.Parse(line.AsMemory());
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
                        LineOf(linesOf, key, i);
                    }
                    else if (kind == JobStarted && open.TryGetValue(key, out var pending))
                    {
                        pending.RestoreJobId = Str(e, "RestoreJobId");
                        LineOf(linesOf, key, i);
                    }
                    else if (kind == Finished)
                    {
                        open.Remove(key);
                        linesOf?.Remove(key);
                    }
                }
            }

            var result = new List<PendingDrillRestore>();
            foreach (var key in order)
            {
                if (open.TryGetValue(key, out var p))
                {
                    result.Add(p);
                    if (keep != null && linesOf!.TryGetValue(key, out var indexes))
                    {
                        keep.UnionWith(indexes);
                    }
                }
            }

            return result;
        }

        private static void LineOf(Dictionary<string, List<int>>? linesOf, string key, int index)
        {
            if (linesOf == null)
            {
                return;
            }

            if (!linesOf.TryGetValue(key, out var indexes))
            {
                linesOf[key] = indexes = new List<int>();
            }

            indexes.Add(index);
        }

        /// <summary>The content's lines without their line feeds; the last one may be cut short.</summary>
        private static List<ArraySegment<byte>> Lines(byte[] content)
        {
            var lines = new List<ArraySegment<byte>>();
            var start = 0;
            for (var i = 0; i < content.Length; i++)
            {
                if (content[i] == (byte)'\n')
                {
                    lines.Add(new ArraySegment<byte>(content, start, i - start));
                    start = i + 1;
                }
            }

            if (start < content.Length)
            {
                lines.Add(new ArraySegment<byte>(content, start, content.Length - start));
            }

            return lines;
        }

        private static bool IsBlank(ArraySegment<byte> line)
        {
            foreach (var b in line)
            {
                if (b != (byte)' ' && b != (byte)'\r' && b != (byte)'\t')
                {
                    return false;
                }
            }

            return true;
        }

        private static byte[] ReadAll(FileStream stream)
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }

        /// <summary>
        /// Runs a file operation, waiting out another process's compaction (it holds the file alone for milliseconds;
        /// the open then fails with a sharing violation): up to about two seconds, then the error stands.
        /// </summary>
        private static T WhenFree<T>(Func<T> operation)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return operation();
                }
                catch (IOException) when (attempt < 100)
                {
                    System.Threading.Thread.Sleep(20);
                }
            }
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

        /// <summary>
        /// One whole line per write, in append mode (so lines of several processes do not interleave), flushed to disk;
        /// returns the file's length after it.
        /// </summary>
        private long Append(Action<Utf8JsonWriter> write)
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

                return WhenFree(() =>
                {
                    using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(flushToDisk: true);
                    return stream.Length;
                });
            }
        }
    }
}
