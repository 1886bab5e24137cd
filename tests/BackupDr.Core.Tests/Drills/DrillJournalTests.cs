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
}
