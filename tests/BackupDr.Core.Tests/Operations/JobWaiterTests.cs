using System.Runtime.CompilerServices;
using BackupDr.Core.Aws;
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

    /// <summary>A job source scripted per poll round: answer(round, job) decides each job's answer; every poll is logged.</summary>
    private sealed class ScriptedSource : IJobSource
    {
        private readonly Func<int, DrJob, JobPollAnswer> _answer;

        public ScriptedSource(Func<int, DrJob, JobPollAnswer> answer) => _answer = answer;

        public int Rounds { get; private set; }
        public List<string> Polls { get; } = new();

        public async Task<IReadOnlyList<JobPollAnswer>> PollAsync(IReadOnlyList<DrJob> pending, PollPacer pacer, CancellationToken cancellationToken)
        {
            var round = Rounds++;
            var answers = new List<JobPollAnswer>();
            foreach (var job in pending)
            {
                await pacer.WaitTurnAsync(cancellationToken);
                Polls.Add($"{round}:{job.JobId}");
                var answer = _answer(round, job);
                pacer.Observe(answer.Error);
                answers.Add(answer);
            }

            return answers;
        }
    }

    private static BackupJob Backup(string id, string state, double? pct = null) => new() { JobId = id, State = state, PercentDone = pct, Region = "us-east-1" };

    private static AwsServiceException Throttled() => new("Backup", "DescribeBackupJob", 429, "ThrottlingException", "Rate exceeded", "rid");

    private static AwsServiceException Unavailable() => new("Backup", "DescribeBackupJob", 503, "ServiceUnavailableException", "The service is unavailable", "rid");

    private static JobWaitOptions Options(FakeClock clock, TimeSpan? timeout = null, PollSchedule? schedule = null) =>
        new() { Clock = clock, Timeout = timeout, Schedule = schedule ?? PollSchedule.Default, Pacer = new PollPacer(clock, initialRate: 1000, maxRate: 1000) };

    private static async Task<List<JobWaitResult>> All(IAsyncEnumerable<JobWaitResult> results)
    {
        var list = new List<JobWaitResult>();
        await foreach (var r in results)
        {
            list.Add(r);
        }

        return list;
    }

    // ---------- single waits (kept API) ----------

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

    // ---------- batch waits ----------

    [Fact]
    public async Task WaitAll_waits_for_every_job_with_one_progress_line_each()
    {
        var api = new FakeBackupApi();
        api.JobAnswers["b1"] = new Queue<DrJob>(new DrJob[] { Backup("b1", "COMPLETED") });
        api.JobAnswers["r1"] = new Queue<DrJob>(new DrJob[] { new RestoreJob { JobId = "r1", State = "RUNNING" }, new RestoreJob { JobId = "r1", State = "FAILED", StatusMessage = "no" } });
        var progress = new ListProgress();
        var clock = new FakeClock(T0);
        var options = Options(clock);
        options.Progress = progress;
        var results = await All(JobWaiter.WaitAllAsync(new DrJob[] { Backup("b1", "RUNNING"), new RestoreJob { JobId = "r1", State = "PENDING" } }, new BackupJobSource(_ => api), options));

        Assert.Equal(new[] { ("b1", "COMPLETED"), ("r1", "FAILED") }, results.Select(r => (r.Job.JobId, r.Job.State)));
        Assert.All(results, r => Assert.Equal(JobWaitOutcome.Finished, r.Outcome));
        Assert.Equal(new[] { 0, 1 }, progress.Items.Select(p => p.Index).Distinct().OrderBy(i => i));
        Assert.All(progress.Items.GroupBy(p => p.Index), g => Assert.Single(g.Select(p => p.JobId).Distinct()));
        Assert.All(progress.Items.GroupBy(p => p.Index), g => Assert.True(g.Last().IsCompleted));
        Assert.Equal((2, 2), (progress.Items.Last().Done, progress.Items.Last().Total));
    }

    [Fact]
    public async Task Throttled_or_503_poll_ends_a_whole_batch_wait_regression()
    {
        // Issue 8: one throttled or 503 poll ended the wait for all 20 jobs and emitted none.
        var clock = new FakeClock(T0);
        var source = new ScriptedSource((round, job) =>
            round == 0 && job.JobId == "b3" ? JobPollAnswer.Failed(Throttled())
            : round == 0 && job.JobId == "b7" ? JobPollAnswer.Failed(Unavailable())
            : round < 2 ? JobPollAnswer.Of(Backup(job.JobId, "RUNNING"))
            : JobPollAnswer.Of(Backup(job.JobId, "COMPLETED")));
        var jobs = Enumerable.Range(0, 20).Select(i => (DrJob)Backup("b" + i, "CREATED")).ToList();

        var results = await All(JobWaiter.WaitAllAsync(jobs, source, Options(clock)));

        Assert.Equal(jobs.Select(j => j.JobId).OrderBy(id => id), results.Select(r => r.Job.JobId).OrderBy(id => id));
        Assert.All(results, r => Assert.Equal((JobWaitOutcome.Finished, "COMPLETED"), (r.Outcome, r.Job.State)));
    }

    [Fact]
    public async Task Half_of_all_polls_failing_loses_none_of_200_jobs_regression()
    {
        // Issue 8: 0 of 192 jobs were emitted at a 0.5 error rate.
        var random = new Random(42);
        var clock = new FakeClock(T0);
        var source = new ScriptedSource((round, job) =>
            random.NextDouble() < 0.5 ? JobPollAnswer.Failed(random.Next(2) == 0 ? Throttled() : Unavailable())
            : JobPollAnswer.Of(Backup(job.JobId, round < 3 ? "RUNNING" : "COMPLETED")));
        var jobs = Enumerable.Range(0, 200).Select(i => (DrJob)Backup("b" + i, "CREATED")).ToList();

        var results = await All(JobWaiter.WaitAllAsync(jobs, source, Options(clock)));

        Assert.Equal(200, results.Count);
        Assert.Equal(200, results.Select(r => r.Job.JobId).Distinct().Count());
        Assert.All(results, r => Assert.Equal(JobWaitOutcome.Finished, r.Outcome));
    }

    [Fact]
    public async Task Retry_budget_survives_a_storm_longer_than_a_calls_own_retries_regression()
    {
        // A call gives up after 5 attempts within 0.7-2.8 s; the wait must outlast a 10-minute storm.
        var clock = new FakeClock(T0);
        var stormEnds = T0.AddMinutes(10);
        var source = new ScriptedSource((round, job) => clock.UtcNow < stormEnds ? JobPollAnswer.Failed(Unavailable()) : JobPollAnswer.Of(Backup(job.JobId, "COMPLETED")));

        var results = await All(JobWaiter.WaitAllAsync(new DrJob[] { Backup("b1", "RUNNING"), Backup("b2", "RUNNING") }, source, Options(clock, timeout: TimeSpan.FromHours(1))));

        Assert.All(results, r => Assert.Equal(JobWaitOutcome.Finished, r.Outcome));
        Assert.True(source.Rounds > 20, $"{source.Rounds} rounds");
        // Retries back off (never a tight loop) but never wait longer than the schedule's cap.
        Assert.All(clock.Delays.Where(d => d > TimeSpan.FromMilliseconds(10)), d => Assert.InRange(d, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Poll_interval_fixed_at_15s_regression_polls_fast_first_then_backs_off()
    {
        // Issue 7: polling was a fixed 15 s, so a 2 s job took 15 s. Now 1 s, 1.5 s, 2.25 s ... up to 30 s.
        var clock = new FakeClock(T0);
        var source = new ScriptedSource((round, job) => JobPollAnswer.Of(Backup(job.JobId, round < 12 ? "RUNNING" : "COMPLETED")));

        await All(JobWaiter.WaitAllAsync(new DrJob[] { Backup("b1", "RUNNING") }, source, Options(clock)));

        var expected = Enumerable.Range(0, 13).Select(i => Math.Round(Math.Min(30, Math.Pow(1.5, i)), 6)).ToArray();
        Assert.Equal(expected, clock.Delays.Select(d => Math.Round(d.TotalSeconds, 6)).ToArray());
        Assert.True(PollSchedule.Default.Delay(0) < TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Default_polling_against_AWS_is_not_a_fixed_15s()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), PollSchedule.Default.Initial);
        Assert.True(PollSchedule.Default.Delay(1) > PollSchedule.Default.Delay(0));
        Assert.Equal(TimeSpan.FromSeconds(30), PollSchedule.Default.Delay(50));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PollSchedule(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PollSchedule(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Two_second_job_is_seen_done_in_about_two_seconds_not_fifteen()
    {
        var clock = new FakeClock(T0);
        var done = T0.AddSeconds(2);
        var source = new ScriptedSource((round, job) => JobPollAnswer.Of(Backup(job.JobId, clock.UtcNow >= done ? "COMPLETED" : "RUNNING")));

        await All(JobWaiter.WaitAllAsync(new DrJob[] { Backup("b1", "RUNNING") }, source, Options(clock)));

        Assert.InRange(clock.UtcNow - T0, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3.5));
    }

    [Fact]
    public async Task Jobs_emitted_all_at_the_end_regression_streams_each_as_it_finishes()
    {
        var clock = new FakeClock(T0);
        var source = new ScriptedSource((round, job) => JobPollAnswer.Of(Backup(job.JobId, job.JobId == "fast" || round >= 5 ? "COMPLETED" : "RUNNING")));
        var seen = new List<(string Id, int RoundsSoFar)>();

        await foreach (var r in JobWaiter.WaitAllAsync(new DrJob[] { Backup("slow", "RUNNING"), Backup("fast", "RUNNING") }, source, Options(clock)))
        {
            seen.Add((r.Job.JobId, source.Rounds));
        }

        Assert.Equal(new[] { ("fast", 1), ("slow", 6) }, seen);
    }

    [Fact]
    public async Task Timeout_names_1_of_4_jobs_regression_gives_a_JobWaitTimeout_per_running_job_with_the_job()
    {
        // Issue 8: -Wait -Timeout threw one DrTimeoutException naming 1 of 4 jobs and emitted none.
        var clock = new FakeClock(T0);
        var source = new ScriptedSource((round, job) => JobPollAnswer.Of(Backup(job.JobId, job.JobId == "b0" ? "COMPLETED" : "RUNNING", 50)));
        var jobs = Enumerable.Range(0, 4).Select(i => (DrJob)Backup("b" + i, "CREATED")).ToList();

        var results = await All(JobWaiter.WaitAllAsync(jobs, source, Options(clock, timeout: TimeSpan.FromSeconds(10))));

        Assert.Equal(4, results.Count);
        var finished = Assert.Single(results, r => r.Outcome == JobWaitOutcome.Finished);
        Assert.Equal("b0", finished.Job.JobId);
        var timedOut = results.Where(r => r.Outcome == JobWaitOutcome.TimedOut).ToList();
        Assert.Equal(new[] { "b1", "b2", "b3" }, timedOut.Select(r => r.Job.JobId));
        Assert.All(timedOut, r =>
        {
            var ex = Assert.IsType<DrTimeoutException>(r.Error);
            Assert.Equal(("JobWaitTimeout", DrErrorKind.OperationTimeout), (ex.ErrorId, ex.Kind));
            Assert.Same(r.Job, ex.Job);
            Assert.Same(r.Job, ex.Value);
            Assert.Equal("RUNNING", ex.LastState);
        });
        Assert.InRange(clock.UtcNow, T0.AddSeconds(10), T0.AddSeconds(10.1));
    }

    [Fact]
    public async Task Timeout_after_failed_polls_carries_the_last_poll_error()
    {
        var clock = new FakeClock(T0);
        var source = new ScriptedSource((round, job) => JobPollAnswer.Failed(Unavailable()));

        var r = Assert.Single(await All(JobWaiter.WaitAllAsync(new DrJob[] { Backup("b1", "RUNNING") }, source, Options(clock, timeout: TimeSpan.FromSeconds(5)))));

        Assert.Equal(JobWaitOutcome.TimedOut, r.Outcome);
        var ex = Assert.IsType<DrTimeoutException>(r.Error);
        Assert.IsType<AwsServiceException>(ex.InnerException);
        Assert.Contains("last poll failed", ex.Message);
    }

    [Fact]
    public async Task Timeout_counts_from_Started_so_a_second_wait_gets_only_what_is_left()
    {
        var clock = new FakeClock(T0);
        var source = new ScriptedSource((round, job) => JobPollAnswer.Of(Backup(job.JobId, "RUNNING")));
        var options = Options(clock, timeout: TimeSpan.FromSeconds(10));
        options.Started = T0.AddSeconds(-10);

        var r = Assert.Single(await All(JobWaiter.WaitAllAsync(new DrJob[] { Backup("b1", "RUNNING") }, source, options)));

        Assert.Equal(JobWaitOutcome.TimedOut, r.Outcome);
        Assert.Equal(0, source.Rounds);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task Zero_or_negative_timeout_is_refused_before_any_poll(int seconds)
    {
        var source = new ScriptedSource((round, job) => JobPollAnswer.Of(job));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => All(JobWaiter.WaitAllAsync(new DrJob[] { Backup("b1", "RUNNING") }, source, Options(new FakeClock(T0), timeout: TimeSpan.FromSeconds(seconds)))));
        Assert.Empty(source.Polls);
    }

    [Fact]
    public async Task Not_found_ends_only_that_jobs_wait_the_others_finish()
    {
        var clock = new FakeClock(T0);
        var source = new ScriptedSource((round, job) => job.JobId == "gone"
            ? JobPollAnswer.Failed(new AwsServiceException("Backup", "DescribeBackupJob", 404, "ResourceNotFoundException", "no such job", "rid"))
            : JobPollAnswer.Of(Backup(job.JobId, round < 2 ? "RUNNING" : "COMPLETED")));

        var results = await All(JobWaiter.WaitAllAsync(new DrJob[] { Backup("a", "RUNNING"), Backup("gone", "RUNNING"), Backup("b", "RUNNING") }, source, Options(clock)));

        Assert.Equal(new[] { ("gone", JobWaitOutcome.PollFailed), ("a", JobWaitOutcome.Finished), ("b", JobWaitOutcome.Finished) }, results.Select(r => (r.Job.JobId, r.Outcome)));
        Assert.IsType<AwsServiceException>(results[0].Error);
        Assert.Single(source.Polls, p => p.EndsWith(":gone"));
    }

    [Fact]
    public async Task Cancellation_stops_a_batch_wait_at_once()
    {
        var clock = new FakeClock(T0) { BlockDelays = true };
        using var cts = new CancellationTokenSource();
        var source = new ScriptedSource((round, job) => JobPollAnswer.Of(job));
        var wait = All(JobWaiter.WaitAllAsync(new DrJob[] { Backup("b1", "RUNNING"), Backup("b2", "RUNNING") }, source, Options(clock), cts.Token));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(source.Polls);
    }

    [Fact]
    public async Task Already_finished_jobs_are_emitted_without_a_poll()
    {
        var source = new ScriptedSource((round, job) => JobPollAnswer.Of(job));
        var r = Assert.Single(await All(JobWaiter.WaitAllAsync(new DrJob[] { Backup("b1", "COMPLETED") }, source, Options(new FakeClock(T0)))));
        Assert.Equal(JobWaitOutcome.Finished, r.Outcome);
        Assert.Empty(source.Polls);
    }

    // ---------- pacing ----------

    [Fact]
    public async Task Pacer_spaces_calls_at_its_rate_and_halves_it_on_throttling()
    {
        var clock = new FakeClock(T0);
        var pacer = new PollPacer(clock, initialRate: 10, minRate: 0.5, maxRate: 20);
        for (var i = 0; i < 3; i++)
        {
            await pacer.WaitTurnAsync(default);
        }

        Assert.Equal(new[] { 0.1, 0.1 }, clock.Delays.Select(d => Math.Round(d.TotalSeconds, 6)));

        pacer.Observe(Throttled());
        Assert.Equal(5, pacer.Rate);
        pacer.Observe(Throttled());
        pacer.Observe(Throttled());
        pacer.Observe(Throttled());
        pacer.Observe(Throttled());
        Assert.Equal(0.5, pacer.Rate);
        pacer.Observe(Unavailable());
        Assert.Equal(0.5, pacer.Rate);
        pacer.Observe(null);
        Assert.Equal(1.0, pacer.Rate);
        Assert.Equal(5, pacer.Throttles);
    }

    [Fact]
    public async Task Unpaced_polls_regression_one_shared_pacer_spaces_every_poll_of_a_batch()
    {
        // Issue 8: polls were not paced; 200 concurrent waits each polled on their own.
        var clock = new FakeClock(T0);
        var source = new ScriptedSource((round, job) => JobPollAnswer.Of(Backup(job.JobId, round < 1 ? "RUNNING" : "COMPLETED")));
        var options = Options(clock, schedule: PollSchedule.Fixed(TimeSpan.FromSeconds(5)));
        options.Pacer = new PollPacer(clock, initialRate: 2, minRate: 1, maxRate: 2);
        var jobs = Enumerable.Range(0, 5).Select(i => (DrJob)Backup("b" + i, "RUNNING")).ToList();

        await All(JobWaiter.WaitAllAsync(jobs, source, options));

        // Round 1: 5 s, then four 0.5 s turns; round 2 starts 5 s later and is again spaced at 2 calls/s.
        Assert.Equal(new[] { 5, 0.5, 0.5, 0.5, 0.5, 5, 0.5, 0.5, 0.5, 0.5 }, clock.Delays.Select(d => Math.Round(d.TotalSeconds, 6)));
    }

    [Fact]
    public async Task Throttled_polls_slow_the_shared_rate_for_the_whole_batch()
    {
        var clock = new FakeClock(T0);
        var source = new ScriptedSource((round, job) => round == 0 ? JobPollAnswer.Failed(Throttled()) : JobPollAnswer.Of(Backup(job.JobId, "COMPLETED")));
        var pacer = new PollPacer(clock, initialRate: 8, minRate: 0.5, maxRate: 8);
        var options = Options(clock);
        options.Pacer = pacer;

        var results = await All(JobWaiter.WaitAllAsync(Enumerable.Range(0, 4).Select(i => (DrJob)Backup("b" + i, "RUNNING")).ToList(), source, options));

        Assert.Equal(4, results.Count);
        Assert.Equal(4, pacer.Throttles);
        Assert.True(pacer.Rate < 8, $"rate {pacer.Rate}");
    }

    // ---------- AWS Backup source: batched list calls ----------

    private static async IAsyncEnumerable<BackupJob> Stream(IEnumerable<BackupJob> items, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var item in items)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return item;
        }
    }

    [Fact]
    public async Task BackupJobSource_reads_a_batch_with_one_list_call_and_describes_what_it_does_not_list()
    {
        var api = new FakeBackupApi();
        var created = T0.AddMinutes(-1);
        var pending = Enumerable.Range(0, 5).Select(i => (DrJob)new BackupJob { JobId = "b" + i, State = "RUNNING", CreationDate = created.AddSeconds(i), Region = "us-east-1", RecoveryPointLifecycle = new Lifecycle { DeleteAfterDays = 35 } }).ToList();
        api.BackupJobs = (filter, ct) => Stream(Enumerable.Range(0, 4).Select(i => new BackupJob { JobId = "b" + i, State = i == 0 ? "COMPLETED" : "RUNNING", Region = "us-east-1" })
            .Concat(new[] { new BackupJob { JobId = "someone-else", State = "RUNNING" } }), ct);
        api.JobAnswers["b4"] = new Queue<DrJob>(new DrJob[] { Backup("b4", "COMPLETED") });
        var clock = new FakeClock(T0);

        var answers = await new BackupJobSource(_ => api).PollAsync(pending, new PollPacer(clock), default);

        Assert.Equal(new[] { "ListBackupJobs", "DescribeBackupJob b4" }, api.Calls);
        Assert.Equal(created - TimeSpan.FromMinutes(5), api.BackupJobFilters.Single().CreatedAfter);
        Assert.Equal(new[] { "COMPLETED", "RUNNING", "RUNNING", "RUNNING", "COMPLETED" }, answers.Select(a => a.Job!.State));
        // What only Describe returns is kept from the earlier read.
        Assert.Equal(35, ((BackupJob)answers[1].Job!).RecoveryPointLifecycle!.DeleteAfterDays);
    }

    [Fact]
    public async Task BackupJobSource_list_throttled_fails_the_group_for_this_round_without_describing_each()
    {
        var api = new FakeBackupApi();
        var pending = Enumerable.Range(0, 3).Select(i => (DrJob)new BackupJob { JobId = "b" + i, State = "RUNNING", CreationDate = T0, Region = "us-east-1" }).ToList();
        api.BackupJobs = (filter, ct) => throw Throttled();

        var answers = await new BackupJobSource(_ => api).PollAsync(pending, new PollPacer(new FakeClock(T0)), default);

        Assert.Equal(new[] { "ListBackupJobs" }, api.Calls);
        Assert.All(answers, a => Assert.IsType<AwsServiceException>(a.Error));
    }

    [Fact]
    public async Task BackupJobSource_list_refused_falls_back_to_describes()
    {
        var api = new FakeBackupApi();
        var pending = Enumerable.Range(0, 3).Select(i => (DrJob)new BackupJob { JobId = "b" + i, State = "RUNNING", CreationDate = T0, Region = "us-east-1" }).ToList();
        api.BackupJobs = (filter, ct) => throw new AwsServiceException("Backup", "ListBackupJobs", 403, "AccessDeniedException", "not allowed", "rid");
        foreach (var j in pending)
        {
            api.JobAnswers[j.JobId] = new Queue<DrJob>(new DrJob[] { Backup(j.JobId, "RUNNING"), Backup(j.JobId, "COMPLETED") });
        }

        var source = new BackupJobSource(_ => api);
        var pacer = new PollPacer(new FakeClock(T0));
        await source.PollAsync(pending, pacer, default);
        var answers = await source.PollAsync(pending, pacer, default);

        Assert.Equal(new[] { "ListBackupJobs", "DescribeBackupJob b0", "DescribeBackupJob b1", "DescribeBackupJob b2", "DescribeBackupJob b0", "DescribeBackupJob b1", "DescribeBackupJob b2" }, api.Calls);
        Assert.All(answers, a => Assert.Equal("COMPLETED", a.Job!.State));
    }

    [Fact]
    public void Overlay_keeps_describe_only_fields_but_never_a_stale_status_message()
    {
        var previous = new BackupJob { JobId = "b1", State = "RUNNING", StatusMessage = "in progress", IsEncrypted = true, Region = "eu-west-1" };
        var fresh = new BackupJob { JobId = "b1", State = "COMPLETED" };
        var merged = (BackupJob)JobRecords.Overlay(fresh, previous);
        Assert.Equal(("COMPLETED", (string?)null, (bool?)true, "eu-west-1"), (merged.State, merged.StatusMessage, merged.IsEncrypted, merged.Region));
    }

    // ---------- failed jobs ----------

    [Theory]
    [InlineData(DrJobType.Backup, "FAILED", "BackupJobFailed", DrErrorKind.JobFailed)]
    [InlineData(DrJobType.Restore, "FAILED", "RestoreJobFailed", DrErrorKind.JobFailed)]
    [InlineData(DrJobType.Copy, "FAILED", "CopyJobFailed", DrErrorKind.JobFailed)]
    [InlineData(DrJobType.Backup, "EXPIRED", "BackupJobFailed", DrErrorKind.JobFailed)]
    [InlineData(DrJobType.Restore, "ABORTED", "RestoreJobAborted", DrErrorKind.JobAborted)]
    public void Failed_job_raised_as_validation_error_regression_has_its_own_exception_and_id(DrJobType type, string state, string id, DrErrorKind kind)
    {
        DrJob job = type switch
        {
            DrJobType.Restore => new RestoreJob { JobId = "j1", State = state, StatusMessage = "disk full" },
            DrJobType.Copy => new CopyJob { JobId = "j1", State = state, StatusMessage = "disk full" },
            _ => new BackupJob { JobId = "j1", State = state, StatusMessage = "disk full" },
        };
        var ex = new DrJobFailedException(job);
        Assert.IsNotType<DrValidationException>(ex);
        Assert.Equal((id, kind), (ex.ErrorId, ex.Kind));
        Assert.Same(job, ex.Job);
        Assert.Contains("disk full", ex.Message);
    }
}
