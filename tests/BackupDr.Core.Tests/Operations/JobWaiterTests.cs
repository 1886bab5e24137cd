using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using BackupDr.Core.Tests.Operations.Fakes;

namespace BackupDr.Core.Tests.Operations;

public class JobWaiterTests
{
    private static readonly DateTime T0 = new(2025, 6, 10, 12, 0, 0, DateTimeKind.Utc);

    private sealed class ListProgress : IProgress<JobProgress>
    {
        public List<JobProgress> Items { get; } = new();
        public void Report(JobProgress value) { lock (Items) { Items.Add(value); } }
    }

    private static BackupJob Backup(string id, string state, double? pct = null) => new() { JobId = id, State = state, PercentDone = pct };

    [Fact]
    public async Task Polls_until_terminal_and_reports_progress_each_poll()
    {
        var api = new FakeBackupApi();
        api.JobAnswers["b1"] = new Queue<DrJob>(new DrJob[] { Backup("b1", "RUNNING", 40), Backup("b1", "COMPLETED", 100) });
        var clock = new FakeClock(T0);
        var progress = new ListProgress();

        var final = await JobWaiter.WaitAsync(Backup("b1", "CREATED"), (j, ct) => JobWaiter.RefreshAsync(api, j, ct), TimeSpan.FromSeconds(30), null, progress, clock, default);

        Assert.Equal("COMPLETED", final.State);
        Assert.Equal(new[] { "CREATED", "RUNNING", "COMPLETED" }, progress.Items.Select(p => p.State));
        Assert.Equal(new double?[] { null, 40, 100 }, progress.Items.Select(p => p.PercentDone));
        Assert.Equal(new[] { TimeSpan.Zero, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60) }, progress.Items.Select(p => p.Elapsed));
        Assert.True(progress.Items.Last().IsCompleted);
        Assert.All(progress.Items, p => Assert.Equal(("b1", DrJobType.Backup), (p.JobId, p.JobType)));
        Assert.Equal(2, api.Calls.Count);
    }

    [Fact]
    public async Task Timeout_throws_JobWaitTimeout_naming_job_and_timeout()
    {
        var clock = new FakeClock(T0);
        var ex = await Assert.ThrowsAsync<DrTimeoutException>(() => JobWaiter.WaitAsync(
            Backup("b9", "RUNNING"), (j, ct) => Task.FromResult<DrJob>(Backup("b9", "RUNNING")), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(70), null, clock, default));
        Assert.Equal(("JobWaitTimeout", DrErrorKind.OperationTimeout, "b9"), (ex.ErrorId, ex.Kind, ex.JobId));
        Assert.Contains("b9", ex.Message);
        Assert.Contains("00:01:10", ex.Message);
        // The last delay is shortened to the deadline: 30 + 30 + 10.
        Assert.Equal(new[] { 30d, 30d, 10d }, clock.Delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task Cancellation_stops_during_the_delay_at_once()
    {
        var clock = new FakeClock(T0) { BlockDelays = true };
        using var cts = new CancellationTokenSource();
        var refreshed = 0;
        var wait = JobWaiter.WaitAsync(Backup("b1", "RUNNING"), (j, ct) => { refreshed++; return Task.FromResult<DrJob>(j); }, TimeSpan.FromHours(1), null, null, clock, cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, refreshed);
    }

    [Fact]
    public async Task RefreshAsync_dispatches_on_job_type()
    {
        var api = new FakeBackupApi();
        api.JobAnswers["r1"] = new Queue<DrJob>(new DrJob[] { new RestoreJob { JobId = "r1", State = "COMPLETED" } });
        api.JobAnswers["c1"] = new Queue<DrJob>(new DrJob[] { new CopyJob { JobId = "c1", State = "COMPLETED" } });
        api.JobAnswers["b1"] = new Queue<DrJob>(new DrJob[] { Backup("b1", "COMPLETED") });
        Assert.IsType<RestoreJob>(await JobWaiter.RefreshAsync(api, new RestoreJob { JobId = "r1" }, default));
        Assert.IsType<CopyJob>(await JobWaiter.RefreshAsync(api, new CopyJob { JobId = "c1" }, default));
        Assert.IsType<BackupJob>(await JobWaiter.RefreshAsync(api, Backup("b1", "RUNNING"), default));
        Assert.Equal(new[] { "DescribeRestoreJob r1", "DescribeCopyJob c1", "DescribeBackupJob b1" }, api.Calls);
    }

    [Fact]
    public async Task WaitAll_waits_for_every_job_with_one_progress_line_each()
    {
        var api = new FakeBackupApi();
        api.JobAnswers["b1"] = new Queue<DrJob>(new DrJob[] { Backup("b1", "COMPLETED") });
        api.JobAnswers["r1"] = new Queue<DrJob>(new DrJob[] { new RestoreJob { JobId = "r1", State = "RUNNING" }, new RestoreJob { JobId = "r1", State = "FAILED", StatusMessage = "no" } });
        var progress = new ListProgress();
        var results = await JobWaiter.WaitAllAsync(new DrJob[] { Backup("b1", "RUNNING"), new RestoreJob { JobId = "r1", State = "PENDING" } },
            (j, ct) => JobWaiter.RefreshAsync(api, j, ct), TimeSpan.FromSeconds(10), null, progress, new FakeClock(T0), default);

        Assert.Equal(new[] { "COMPLETED", "FAILED" }, results.Select(r => r.State));
        Assert.Equal(new[] { 0, 1 }, progress.Items.Select(p => p.Index).Distinct().OrderBy(i => i));
        Assert.All(progress.Items.GroupBy(p => p.Index), g => Assert.Single(g.Select(p => p.JobId).Distinct()));
    }
}
