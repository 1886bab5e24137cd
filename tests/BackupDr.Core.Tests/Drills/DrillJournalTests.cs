using BackupDr.Core.Operations;

namespace BackupDr.Core.Tests.Drills;

/// <summary>The drill journal folds its events into the restores still open, whatever else the file holds.</summary>
public sealed class DrillJournalTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "BackupDr.Tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private DrillJournal Journal() => DrillJournal.ForLedger(Path.Combine(_folder, "sub", "drills.jsonl"));

    private static PendingDrillRestore Restore(string drill, string arn = "arn:aws:ec2:us-east-1:123456789012:volume/vol-1") => new()
    {
        DrillId = drill, ResourceArn = arn, RecoveryPointArn = "arn:aws:ec2:us-east-1::snapshot/snap-1", Region = "us-east-1", ResourceType = "EBS",
        StartedAt = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc),
    };

    [Fact]
    public void The_journal_sits_beside_the_ledger_and_a_missing_file_has_nothing_pending()
    {
        var journal = Journal();
        Assert.Equal(Path.Combine(_folder, "sub", "drills.jsonl.pending"), journal.Path);
        Assert.Empty(journal.Pending());
    }

    [Fact]
    public void Started_then_job_is_pending_with_its_job_finished_is_gone_and_started_alone_has_no_job()
    {
        var journal = Journal();
        journal.RestoreStarting(Restore("drill-a"));
        journal.RestoreJobStarted("drill-a", Restore("drill-a").ResourceArn, "job-a");
        journal.RestoreStarting(Restore("drill-b"));
        journal.RestoreStarting(Restore("drill-c"));
        journal.RestoreJobStarted("drill-c", Restore("drill-c").ResourceArn, "job-c");
        journal.RestoreFinished("drill-c", Restore("drill-c").ResourceArn);

        var pending = journal.Pending();
        Assert.Equal(new[] { "drill-a", "drill-b" }, pending.Select(p => p.DrillId));
        Assert.Equal("job-a", pending[0].RestoreJobId);
        Assert.Null(pending[1].RestoreJobId);
        Assert.Equal(("EBS", "us-east-1", new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc)), (pending[0].ResourceType, pending[0].Region, pending[0].StartedAt));
    }

    [Fact]
    public void One_drill_over_two_resources_keeps_them_apart()
    {
        var journal = Journal();
        journal.RestoreStarting(Restore("drill-a", "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"));
        journal.RestoreStarting(Restore("drill-a", "arn:aws:rds:us-east-1:123456789012:db:orders"));
        journal.RestoreFinished("drill-a", "arn:aws:ec2:us-east-1:123456789012:volume/vol-1");

        Assert.Equal("arn:aws:rds:us-east-1:123456789012:db:orders", Assert.Single(journal.Pending()).ResourceArn);
    }

    [Fact]
    public void A_line_cut_short_by_a_killed_process_is_skipped_and_the_lines_after_it_count()
    {
        var journal = Journal();
        journal.RestoreStarting(Restore("drill-a"));
        File.AppendAllText(journal.Path, "{\"Event\":\"finished\",\"DrillId\":\"dri");
        File.AppendAllText(journal.Path, "\n");
        journal.RestoreStarting(Restore("drill-b"));

        Assert.Equal(new[] { "drill-a", "drill-b" }, journal.Pending().Select(p => p.DrillId));
    }

    [Fact]
    public async Task Concurrent_drills_lose_no_line()
    {
        var journal = Journal();
        journal.CompactAbove = long.MaxValue; // every line stays, so they can be counted
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            for (var k = 0; k < 20; k++)
            {
                var id = $"drill-{i}-{k}";
                journal.RestoreStarting(Restore(id));
                journal.RestoreJobStarted(id, Restore(id).ResourceArn, "job-" + id);
                if (k % 2 == 0)
                {
                    journal.RestoreFinished(id, Restore(id).ResourceArn);
                }
            }
        })));

        Assert.Equal(16 * 20 * 2 + 16 * 10, File.ReadAllLines(journal.Path).Length);
        Assert.Equal(16 * 10, journal.Pending().Count);
        Assert.All(journal.Pending(), p => Assert.Equal("job-" + p.DrillId, p.RestoreJobId));
    }

    private static IEnumerable<string> Shown(IEnumerable<PendingDrillRestore> pending) =>
        pending.Select(p => $"{p.DrillId} {p.ResourceArn} {p.RecoveryPointArn} {p.StartedAt:O} {p.RestoreJobId ?? "-"}");

    [Fact]
    public void DrillJournalGrowsForever()
    {
        // Before: every drill added three lines for good; a nightly drill of 1,000 resources grew it by about 200 MB a year.
        var journal = Journal();
        journal.CompactAbove = 4096;
        journal.RestoreStarting(Restore("killed"));
        journal.RestoreJobStarted("killed", Restore("killed").ResourceArn, "job-killed");
        long largest = 0;
        for (var i = 0; i < 500; i++)
        {
            var id = "drill-" + i;
            journal.RestoreStarting(Restore(id));
            journal.RestoreJobStarted(id, Restore(id).ResourceArn, "job-" + i);
            journal.RestoreFinished(id, Restore(id).ResourceArn);
            largest = Math.Max(largest, new FileInfo(journal.Path).Length);
        }

        Assert.True(largest < 4096 + 1024, $"the journal grew to {largest} bytes");
        Assert.Equal(new[] { "killed ... job-killed" }, journal.Pending().Select(p => $"{p.DrillId} ... {p.RestoreJobId}"));
        Assert.Equal(File.ReadAllLines(journal.Path).Take(2), File.ReadAllLines(journal.Path).Where(l => l.Contains("\"killed\"")).Take(2));
    }

    [Fact]
    public void Compact_keeps_the_pending_restores_lines_byte_for_byte_in_order_and_drops_the_rest()
    {
        var journal = Journal();
        journal.CompactAbove = long.MaxValue;
        journal.RestoreStarting(Restore("a"));
        journal.RestoreStarting(Restore("b"));
        journal.RestoreJobStarted("b", Restore("b").ResourceArn, "job-b");
        File.AppendAllText(journal.Path, "{\"Event\":\"fini\n");
        journal.RestoreJobStarted("a", Restore("a").ResourceArn, "job-a");
        journal.RestoreFinished("b", Restore("b").ResourceArn);
        journal.RestoreStarting(Restore("c"));
        var before = File.ReadAllLines(journal.Path);
        var pending = Shown(journal.Pending()).ToList();

        Assert.Equal(4, journal.Compact());

        Assert.Equal(new[] { before[0], before[4], before[6] }, File.ReadAllLines(journal.Path));
        Assert.Equal(pending, Shown(journal.Pending()));
        Assert.Equal(0, journal.Compact());
    }

    [Fact]
    public void Compact_empties_a_journal_whose_restores_all_finished_and_a_missing_one_stays_missing()
    {
        var journal = Journal();
        Assert.Equal(0, journal.Compact());
        Assert.False(File.Exists(journal.Path));
        journal.CompactAbove = long.MaxValue;
        journal.RestoreStarting(Restore("a"));
        journal.RestoreFinished("a", Restore("a").ResourceArn);

        Assert.Equal(2, journal.Compact());
        Assert.Equal(0, new FileInfo(journal.Path).Length);
    }

    [Fact]
    public void KilledWhileCompacting_the_kept_lines_over_the_old_tail_fold_to_the_same_restores()
    {
        // Compact writes the kept lines from the start in one write, then cuts the file; killed in between, the file
        // is the kept lines followed by what the old file had beyond them.
        var random = new Random(11);
        for (var round = 0; round < 60; round++)
        {
            var journal = DrillJournal.ForLedger(Path.Combine(_folder, "round" + round, "drills.jsonl"));
            journal.CompactAbove = long.MaxValue;
            var open = new List<string>();
            for (var step = 0; step < 30; step++)
            {
                var choice = random.Next(4);
                if (choice == 0 || open.Count == 0)
                {
                    var id = $"d{round}-{step}";
                    journal.RestoreStarting(Restore(id, "arn:aws:ec2:us-east-1:123456789012:volume/vol-" + random.Next(3)));
                    open.Add(id);
                }
                else
                {
                    var id = open[random.Next(open.Count)];
                    if (choice == 1)
                    {
                        journal.RestoreJobStarted(id, Restore(id).ResourceArn, "job-" + id);
                    }
                    else
                    {
                        journal.RestoreFinished(id, Restore(id).ResourceArn);
                        open.Remove(id);
                    }
                }
            }

            var original = File.ReadAllBytes(journal.Path);
            var expected = Shown(journal.Pending()).ToList();
            var compacted = DrillJournal.Compacted(original, out _);
            var killed = compacted.Concat(original.Skip(compacted.Length)).ToArray();
            File.WriteAllBytes(journal.Path, killed);

            Assert.Equal(expected, Shown(journal.Pending()));
            File.WriteAllBytes(journal.Path, compacted);
            Assert.Equal(expected, Shown(journal.Pending()));
        }
    }

    [Fact]
    public void Compact_leaves_a_journal_another_process_has_open_and_runs_once_it_is_closed()
    {
        var journal = Journal();
        journal.CompactAbove = long.MaxValue;
        journal.RestoreStarting(Restore("a"));
        journal.RestoreFinished("a", Restore("a").ResourceArn);
        var length = new FileInfo(journal.Path).Length;
        using (new FileStream(journal.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            Assert.Equal(0, journal.Compact());
            Assert.Equal(length, new FileInfo(journal.Path).Length);
        }

        Assert.Equal(2, journal.Compact());
    }

    [Fact]
    public async Task A_drill_writing_while_another_process_compacts_waits_for_the_file_and_loses_nothing()
    {
        var journal = Journal();
        journal.RestoreStarting(Restore("a"));
        Task writing;
        using (new FileStream(journal.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            writing = Task.Run(() => journal.RestoreStarting(Restore("b")));
            await Task.Delay(200);
            Assert.False(writing.IsCompleted, "the write went through a file held alone");
        }

        await writing;
        Assert.Equal(new[] { "a", "b" }, journal.Pending().Select(p => p.DrillId));
    }
}
