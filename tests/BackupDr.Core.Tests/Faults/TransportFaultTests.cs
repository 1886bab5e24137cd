using System.Net;
using System.Text;
using System.Text.Json;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using BackupDr.Sandbox;

namespace BackupDr.Core.Tests.Faults;

/// <summary>
/// Faults against the sandbox through the public client and operation API: dropped connections, answers slower than
/// the per-attempt timeout, 5xx bursts and throttling storms. No backup is started twice (the sandbox's job list is
/// the witness), and what cannot succeed is an AwsServiceException with a stable code.
/// </summary>
public sealed class TransportFaultTests : IDisposable
{
    private const string Region = "us-east-1";
    private const string Account = "123456789012";
    private readonly SandboxServer _server;
    private readonly List<IDisposable> _owned = new();

    public TransportFaultTests()
    {
        _server = SandboxServer.StartNew(new SandboxOptions { JobDuration = TimeSpan.Zero, RandomSeed = 11 });
        var volumes = string.Join(",", Enumerable.Range(1, 40).Select(i => $"{{ \"id\": \"{VolumeId(i)}\", \"size\": 8 }}"));
        _server.SeedFromJson($"{{ \"regions\": [ {{ \"region\": \"{Region}\", \"vaults\": [ {{ \"name\": \"Main\" }} ], \"volumes\": [ {volumes} ] }} ] }}");
    }

    private static CancellationToken Ct => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private static string VolumeId(int i) => $"vol-0e{i:x15}";

    private static string VolumeArn(int i) => $"arn:aws:ec2:{Region}:{Account}:volume/{VolumeId(i)}";

    /// <summary>Our Backup client over a transport with a short per-attempt timeout, so "slower than the timeout" takes no minute.</summary>
    private BackupClient Client(TimeSpan attemptTimeout, int attempts = 5)
    {
        var ctx = AwsContext.Resolve(new AwsContextOptions { Region = Region, AccessKey = "AKIDFAULTS", SecretKey = "secret", EndpointUrl = _server.Endpoint.ToString() }, new DictionaryEnvironment());
        var transport = new AwsTransport(ctx, null, new RetryPolicy { MaxAttempts = attempts, AttemptTimeout = attemptTimeout, BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(1) });
        _owned.Add(transport);
        return new BackupClient(transport);
    }

    private static async Task<BackupJob> Start(IBackupApi api, int volume) =>
        (await BackupStarter.StartAsync(api, BackupStarter.Plan(new BackupStartOptions { ResourceArn = VolumeArn(volume), BackupVaultName = "Main" }, Region, DateTime.UtcNow), Ct)).Job;

    private async Task<Dictionary<string, int>> JobsPerResource()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var job in Client(TimeSpan.FromSeconds(20)).ListBackupJobsAsync(new BackupJobFilter { BackupVaultName = "Main" }, Ct))
        {
            counts[job.ResourceArn!] = counts.TryGetValue(job.ResourceArn!, out var n) ? n + 1 : 1;
        }

        return counts;
    }

    [Fact]
    public async Task A_drop_before_the_call_does_nothing_and_the_retry_starts_the_one_job()
    {
        _server.AddFault("StartBackupJob", 2, SandboxFaultKind.Drop);
        var job = await Start(Client(TimeSpan.FromSeconds(20)), 1);

        Assert.Equal(VolumeArn(1), job.ResourceArn);
        Assert.Equal(2, _server.RequestLog.Count(r => r.Operation == "StartBackupJob" && r.ErrorCode == "ConnectionDropped" && r.Status == 0));
        Assert.Equal(1, (await JobsPerResource())[VolumeArn(1)]);
    }

    [Fact]
    public async Task A_drop_after_the_start_took_effect_is_retried_into_the_same_job_not_a_second_one()
    {
        _server.AddFault("StartBackupJob", 3, SandboxFaultKind.DropAfter);
        var job = await Start(Client(TimeSpan.FromSeconds(20)), 2);

        Assert.Equal(3, _server.RequestLog.Count(r => r.Operation == "StartBackupJob" && r.ErrorCode == "ResponseDropped"));
        Assert.Equal(1, (await JobsPerResource())[VolumeArn(2)]);
        Assert.Equal(job.BackupJobId, (await Start(Client(TimeSpan.FromSeconds(20)), 2)).BackupJobId);
    }

    [Fact]
    public async Task Drops_on_every_attempt_are_a_NetworkError_and_start_nothing()
    {
        _server.AddFault("StartBackupJob", 5, SandboxFaultKind.Drop);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => Start(Client(TimeSpan.FromSeconds(20)), 3));

        Assert.Equal(("NetworkError", 0, 5), (ex.ErrorCode, ex.StatusCode, ex.Attempts));
        Assert.Equal(DrErrorKind.ConnectionError, DrErrors.KindOf(ex));
        Assert.Contains("127.0.0.1", ex.Message, StringComparison.Ordinal);
        Assert.False((await JobsPerResource()).ContainsKey(VolumeArn(3)));
    }

    [Fact]
    public async Task An_answer_slower_than_the_attempt_timeout_is_retried_and_the_late_start_makes_no_second_job()
    {
        // The first StartBackupJob is answered 1.5 s late, after the client gave that attempt up at 300 ms; the
        // sandbox still handles it then, as AWS would. The retry and the late call carry one idempotency token.
        _server.AddFault("StartBackupJob", 1, SandboxFaultKind.Delay, TimeSpan.FromMilliseconds(1500));
        var job = await Start(Client(TimeSpan.FromMilliseconds(300)), 4);
        await Task.Delay(1800);

        Assert.Equal(2, _server.RequestLog.Count(r => r.Operation == "StartBackupJob"));
        Assert.Equal(1, (await JobsPerResource())[VolumeArn(4)]);
        Assert.Equal(job.BackupJobId, (await Start(Client(TimeSpan.FromSeconds(20)), 4)).BackupJobId);
    }

    [Fact]
    public async Task Answers_always_slower_than_the_attempt_timeout_are_a_RequestTimeout_after_every_attempt()
    {
        _server.AddFault("DescribeBackupVault", 3, SandboxFaultKind.Delay, TimeSpan.FromSeconds(2));
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => Client(TimeSpan.FromMilliseconds(200), attempts: 3).DescribeBackupVaultAsync("Main", Ct));

        Assert.Equal(("RequestTimeout", 3), (ex.ErrorCode, ex.Attempts));
        Assert.Equal(DrErrorKind.OperationTimeout, DrErrors.KindOf(ex));
    }

    [Fact]
    public async Task Cancellation_during_a_slow_answer_ends_the_call_at_once()
    {
        _server.AddFault("DescribeBackupVault", 1, SandboxFaultKind.Delay, TimeSpan.FromSeconds(10));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client(TimeSpan.FromSeconds(30)).DescribeBackupVaultAsync("Main", cts.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"cancelled after {watch.Elapsed}");
    }

    [Fact]
    public async Task A_5xx_burst_over_concurrent_starts_leaves_exactly_one_job_per_resource()
    {
        _server.AddFault("StartBackupJob", 8, 500);
        _server.AddFault("DescribeBackupJob", 6, 503);
        var api = Client(TimeSpan.FromSeconds(20));
        var jobs = await Task.WhenAll(Enumerable.Range(10, 10).Select(i => Start(api, i)));

        Assert.Equal(10, jobs.Select(j => j.BackupJobId).Distinct().Count());
        var counts = await JobsPerResource();
        Assert.All(Enumerable.Range(10, 10), i => Assert.Equal(1, counts[VolumeArn(i)]));
    }

    [Fact]
    public async Task A_throttling_storm_over_concurrent_starts_accounts_for_every_resource_and_starts_none_twice()
    {
        _server.Configure(o =>
        {
            o.ThrottleRate = 5;
            o.ThrottleBurst = 2;
        });
        var api = Client(TimeSpan.FromSeconds(20));
        var outcomes = await Task.WhenAll(Enumerable.Range(20, 15).Select(async i =>
        {
            try
            {
                return (i, Job: await Start(api, i), Error: (AwsServiceException?)null);
            }
            catch (AwsServiceException ex)
            {
                return (i, Job: (BackupJob?)null, Error: ex);
            }
        }));
        _server.Configure(o => o.ThrottleRate = 0);

        Assert.Contains(_server.RequestLog, r => r.Status == 429);
        Assert.All(outcomes, o => Assert.True(o.Job != null ^ o.Error != null));
        Assert.All(outcomes.Where(o => o.Error != null), o => Assert.True(RetryPolicy.IsThrottling(o.Error!.ErrorCode, o.Error.StatusCode), o.Error.Message));
        var counts = await JobsPerResource();
        Assert.All(outcomes.Where(o => o.Job != null), o => Assert.Equal(1, counts[VolumeArn(o.i)]));
        Assert.All(outcomes, o => Assert.True(counts.GetValueOrDefault(VolumeArn(o.i)) <= 1, $"{VolumeArn(o.i)} started {counts.GetValueOrDefault(VolumeArn(o.i))} times"));
    }

    [Fact]
    public async Task Fault_kinds_are_added_listed_and_refused_through_the_control_endpoint()
    {
        using var http = new HttpClient { BaseAddress = _server.Endpoint };
        var added = await http.PostAsync("_sandbox/faults", new StringContent("{\"Operation\":\"StartBackupJob\",\"Count\":2,\"Kind\":\"Delay\",\"DelayMs\":1500}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        await http.PostAsync("_sandbox/faults", new StringContent("{\"Operation\":\"ListBackupJobs\",\"Kind\":\"dropafter\"}", Encoding.UTF8, "application/json"));
        using (var doc = JsonDocument.Parse(await http.GetStringAsync("_sandbox/faults")))
        {
            var faults = doc.RootElement.GetProperty("Faults").EnumerateArray().ToList();
            Assert.Equal(("Delay", 1500d, 2), (faults[0].GetProperty("Kind").GetString(), faults[0].GetProperty("DelayMs").GetDouble(), faults[0].GetProperty("Remaining").GetInt32()));
            Assert.Equal("DropAfter", faults[1].GetProperty("Kind").GetString());
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("_sandbox/faults", new StringContent("{\"Operation\":\"X\",\"Kind\":\"Explode\"}", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("_sandbox/faults", new StringContent("{\"Operation\":\"X\",\"Kind\":\"Delay\"}", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Throws<ArgumentException>(() => _server.AddFault("X", 1, SandboxFaultKind.Delay, TimeSpan.FromHours(1)));
    }

    public void Dispose()
    {
        foreach (var d in _owned)
        {
            d.Dispose();
        }

        _server.Dispose();
    }
}
