using System.Text;
using BackupDr.Core.Aws;
using BackupDr.Core.Operations;
using BackupDr.Sandbox;

namespace BackupDr.Core.Tests.FanOut;

/// <summary>
/// Every backup starts exactly once: throttling storms, 5xx bursts and lost answers (the call took effect, the answer
/// never came) against the sandbox, counted in the sandbox's own job list, never in what the client believes.
/// </summary>
public sealed class FanOutExactlyOnceSandboxTests
{
    private const string Account = "123456789012";
    private const string Region = "us-east-1";

    private static CancellationToken Ct => new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token;

    private static List<string> SeedVolumes(SandboxServer server, int count, int offset = 0)
    {
        var ids = Enumerable.Range(offset, count).Select(i => "vol-" + i.ToString("x17")).ToList();
        var json = new StringBuilder("{\"regions\":[{\"region\":\"" + Region + "\",\"volumes\":[");
        json.Append(string.Join(",", ids.Select(id => $"{{\"id\":\"{id}\",\"size\":8}}")));
        json.Append("]}]}");
        server.SeedFromJson(json.ToString());
        return ids.Select(id => $"arn:aws:ec2:{Region}:{Account}:volume/{id}").ToList();
    }

    private static AwsClientSet Clients(SandboxServer server, RetryPolicy? policy = null)
    {
        var ctx = AwsContext.Resolve(new AwsContextOptions { Region = Region, AccessKey = "AKIDFANOUT", SecretKey = "s", EndpointUrl = server.Endpoint.ToString() }, new DictionaryEnvironment());
        if (policy == null)
        {
            return AwsClientFactory.Default.Create(ctx, null);
        }

        var transport = new AwsTransport(ctx, null, policy, null, new AdaptiveRateLimiters());
        return new AwsClientSet(ctx, new BackupClient(transport), new RdsClient(transport), new SdkEc2Client(ctx, policy), new StsClient(transport), new CloudWatchClient(transport), _ => throw new NotSupportedException(), transport);
    }

    private static List<BackupStartPlan> Plans(IEnumerable<string> arns) =>
        arns.Select(a => BackupStarter.Plan(new BackupStartOptions { ResourceArn = a, IamRoleArn = $"arn:aws:iam::{Account}:role/backup" }, Region, DateTime.UtcNow)).ToList();

    private static async Task<List<ParallelOutcome<BackupStartPlan, BackupStartResult>>> StartAll(AwsClientSet clients, List<BackupStartPlan> plans, int limit = 16)
    {
        var outcomes = new List<ParallelOutcome<BackupStartPlan, BackupStartResult>>();
        await foreach (var o in BackupStarter.StartManyAsync(clients.Backup, plans, limit, Ct))
        {
            outcomes.Add(o);
        }

        return outcomes;
    }

    private static void AssertOneJobPerResource(SandboxServer server, IReadOnlyCollection<string> arns)
    {
        var jobs = server.BackupJobs();
        var perResource = jobs.GroupBy(j => j.ResourceArn).ToDictionary(g => g.Key, g => g.Count());
        var duplicates = perResource.Where(kv => kv.Value > 1).Select(kv => $"{kv.Key} x{kv.Value}").ToList();
        Assert.True(duplicates.Count == 0, "duplicate jobs: " + string.Join(", ", duplicates));
        Assert.Equal(arns.OrderBy(a => a), perResource.Keys.OrderBy(a => a));
    }

    [Fact]
    public async Task A_throttling_storm_over_300_resources_starts_each_backup_once_and_every_start_succeeds()
    {
        using var server = SandboxServer.StartNew(new SandboxOptions { JobDuration = TimeSpan.FromMinutes(10), RandomSeed = 3 });
        var arns = SeedVolumes(server, 300);
        server.Configure(o => { o.ThrottleRate = 150; o.ThrottleBurst = 5; });
        using var clients = Clients(server);

        var outcomes = await StartAll(clients, Plans(arns), limit: 32);

        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(300, outcomes.Count);
        Assert.True(server.RequestLog.Count(r => r.Status == 429) > 0, "the storm throttled nothing: the test proves nothing");
        AssertOneJobPerResource(server, arns);
        Assert.Equal(300, outcomes.Select(o => o.Result.Job.JobId).Distinct().Count());
    }

    [Fact]
    public async Task A_5xx_burst_and_lost_answers_on_StartBackupJob_start_no_second_backup()
    {
        using var server = SandboxServer.StartNew(new SandboxOptions { JobDuration = TimeSpan.FromMinutes(10), RandomSeed = 5 });
        var arns = SeedVolumes(server, 200);
        server.Configure(o => o.ErrorRate = 0.1);

        // 50 lost answers spread over the run: two in every eight starts that reach the handler are carried out and
        // then answered 503, so the retry must get the job already started.
        var rules = Enumerable.Range(0, 25).Select(i => server.AddFault(new SandboxFaultRule("StartBackupJob", 2, 503, skip: i * 8, service: "backup") { AfterEffect = true })).ToList();
        using var clients = Clients(server, new RetryPolicy { MaxAttempts = 10, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(50) });

        var outcomes = await StartAll(clients, Plans(arns));

        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(50, server.Faults.Sum(f => f.Fired));
        Assert.True(server.RequestLog.Count(r => r.Operation == "StartBackupJob" && r.Status == 503) >= 50);
        AssertOneJobPerResource(server, arns);
        Assert.Equal(25, rules.Count);
    }

    [Fact]
    public async Task A_start_whose_answer_is_slower_than_the_attempt_timeout_is_retried_with_its_token_and_gets_the_same_job()
    {
        using var server = SandboxServer.StartNew(new SandboxOptions { JobDuration = TimeSpan.FromMinutes(10), RandomSeed = 9 });
        var arns = SeedVolumes(server, 1);
        server.AddFault(new SandboxFaultRule("StartBackupJob", 1, 503) { AfterEffect = true, AfterEffectDelay = TimeSpan.FromSeconds(2) });
        using var clients = Clients(server, new RetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(5), AttemptTimeout = TimeSpan.FromMilliseconds(500) });

        var result = await BackupStarter.StartAsync(clients.Backup, Plans(arns).Single(), Ct);

        Assert.Null(result.DescribeError);
        var job = Assert.Single(server.BackupJobs());
        Assert.Equal(job.JobId, result.Job.JobId);

        // The slow first answer is logged when it is finally sent, after the retry's.
        for (var i = 0; i < 50 && server.RequestLog.Count(r => r.Operation == "StartBackupJob") < 2; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(2, server.RequestLog.Count(r => r.Operation == "StartBackupJob"));
        Assert.Single(server.BackupJobs());
    }

    [Fact]
    public async Task Every_retry_of_a_start_sends_the_same_idempotency_token()
    {
        using var server = SandboxServer.StartNew(new SandboxOptions { JobDuration = TimeSpan.FromMinutes(10) });
        var arns = SeedVolumes(server, 1);
        var plan = Plans(arns).Single();
        server.AddFault("StartBackupJob", 2, 429);
        server.AddFault(new SandboxFaultRule("StartBackupJob", 1, 500) { AfterEffect = true });
        using var clients = Clients(server, new RetryPolicy { MaxAttempts = 5, BaseDelay = TimeSpan.FromMilliseconds(5) });

        var result = await BackupStarter.StartAsync(clients.Backup, plan, Ct);

        var job = Assert.Single(server.BackupJobs());
        Assert.Equal(plan.Request.IdempotencyToken, job.IdempotencyToken);
        Assert.Equal(job.JobId, result.Job.JobId);
        Assert.Equal(4, server.RequestLog.Count(r => r.Operation == "StartBackupJob"));
    }

    [Fact]
    public async Task The_sandbox_answers_a_repeated_start_with_the_same_token_and_request_with_the_job_it_started()
    {
        using var server = SandboxServer.StartNew(new SandboxOptions { JobDuration = TimeSpan.FromMinutes(10) });
        var arns = SeedVolumes(server, 2);
        using var clients = Clients(server);
        var plans = Plans(arns);

        var first = await clients.Backup.StartBackupJobAsync(plans[0].Request, Ct);
        var again = await clients.Backup.StartBackupJobAsync(plans[0].Request, Ct);
        var other = await clients.Backup.StartBackupJobAsync(plans[1].Request, Ct);

        Assert.Equal(first.BackupJobId, again.BackupJobId);
        Assert.NotEqual(first.BackupJobId, other.BackupJobId);
        Assert.Equal(2, server.BackupJobs().Count);
    }

    [Fact]
    public async Task A_rerun_of_the_whole_fan_out_the_same_day_starts_nothing_new()
    {
        using var server = SandboxServer.StartNew(new SandboxOptions { JobDuration = TimeSpan.FromMinutes(10) });
        var arns = SeedVolumes(server, 50);
        using var clients = Clients(server);

        var first = await StartAll(clients, Plans(arns));
        var second = await StartAll(clients, Plans(arns));

        Assert.Equal(first.Select(o => o.Result.Job.JobId).OrderBy(x => x), second.Select(o => o.Result.Job.JobId).OrderBy(x => x));
        AssertOneJobPerResource(server, arns);
    }

    [Fact]
    public async Task One_failing_resource_is_its_own_outcome_and_the_rest_are_started()
    {
        using var server = SandboxServer.StartNew(new SandboxOptions { JobDuration = TimeSpan.FromMinutes(10) });
        var arns = SeedVolumes(server, 20);
        var missing = $"arn:aws:ec2:{Region}:{Account}:volume/vol-0ffffffffffffffff";
        using var clients = Clients(server);

        var outcomes = await StartAll(clients, Plans(arns.Append(missing)), limit: 4);

        var failed = Assert.Single(outcomes, o => o.Error != null);
        Assert.Equal(missing, failed.Item.Request.ResourceArn);
        Assert.Equal(20, outcomes.Count(o => o.Error == null));
        AssertOneJobPerResource(server, arns);
    }

    [Fact]
    public async Task Cancelling_a_fan_out_ends_it_promptly()
    {
        using var server = SandboxServer.StartNew(new SandboxOptions { JobDuration = TimeSpan.FromMinutes(10), Latency = TimeSpan.FromMilliseconds(200) });
        var arns = SeedVolumes(server, 100);
        using var clients = Clients(server);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in BackupStarter.StartManyAsync(clients.Backup, Plans(arns), 4, cts.Token))
            {
            }
        });

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.True(server.BackupJobs().Count < 100);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public async Task A_throttle_limit_outside_1_to_64_is_refused_before_anything_is_sent(int limit)
    {
        using var server = SandboxServer.StartNew(new SandboxOptions());
        using var clients = Clients(server);
        var ex = Assert.Throws<DrValidationException>(() => BackupStarter.StartManyAsync(clients.Backup, new List<BackupStartPlan>(), limit, Ct));
        Assert.Equal("InvalidThrottleLimit", ex.ErrorId);
        await Task.Yield();
        Assert.Empty(server.RequestLog);
    }
}
