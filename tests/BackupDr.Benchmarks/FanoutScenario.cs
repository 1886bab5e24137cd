using System.Diagnostics;
using System.Globalization;
using System.Text;
using BackupDr.Core.Aws;
using BackupDr.Core.Operations;
using BackupDr.Sandbox;

namespace BackupDr.Benchmarks;

/// <summary>
/// 1,000 on-demand backups against a sandbox throttled to 50 calls/s per API operation (StartBackupJob and
/// DescribeBackupJob each have their own bucket, as AWS's per-action quotas do): wall time against the rate-limit
/// bound (1,000 / 50 s), throttles seen, and duplicates counted in the sandbox's own job list. The same run is repeated
/// with the adaptive rate off (retries with jitter only) as the comparison figure.
/// </summary>
public sealed class FanoutScenario : IScenario
{
    private const string Account = "123456789012";
    private const string Region = "us-east-1";

    public string Name => "fanout";

    public string Description => "1,000 backups against a sandbox throttled to 50 calls/s: vs_bound, throttles, duplicates [--count N] [--rate R] [--throttle-limit N] [--latency-ms N]";

    public async Task<IReadOnlyList<KeyValuePair<string, string>>> RunAsync(string[] args, CancellationToken cancel)
    {
        var count = Arg(args, "--count", 1000);
        var rate = Arg(args, "--rate", 50);
        var limit = Arg(args, "--throttle-limit", 16);
        var latencyMs = Arg(args, "--latency-ms", 0);
        var bound = count / (double)rate;
        Console.WriteLine($"fanout: {count} backups, sandbox ThrottleRate {rate}/s per operation (burst 10), latency {latencyMs} ms, -ThrottleLimit {limit}; bound {bound:0.0} s");

        var adaptive = await RunOnce(count, rate, limit, latencyMs, adaptiveRate: true, cancel);
        Print("adaptive rate on ", adaptive, bound);
        var fixedRun = await RunOnce(count, rate, limit, latencyMs, adaptiveRate: false, cancel);
        Print("adaptive rate off", fixedRun, bound);

        return new List<KeyValuePair<string, string>>
        {
            new("vs_bound", F(adaptive.Wall.TotalSeconds / bound)),
            new("wall_s", F(adaptive.Wall.TotalSeconds)),
            new("bound_s", F(bound)),
            new("throttles", adaptive.Throttles.ToString(CultureInfo.InvariantCulture)),
            new("duplicates", adaptive.Duplicates.ToString(CultureInfo.InvariantCulture)),
            new("started", adaptive.Started.ToString(CultureInfo.InvariantCulture)),
            new("failed", adaptive.Failed.ToString(CultureInfo.InvariantCulture)),
            new("vs_bound_fixed", F(fixedRun.Wall.TotalSeconds / bound)),
            new("throttles_fixed", fixedRun.Throttles.ToString(CultureInfo.InvariantCulture)),
            new("failed_fixed", fixedRun.Failed.ToString(CultureInfo.InvariantCulture)),
            new("duplicates_fixed", fixedRun.Duplicates.ToString(CultureInfo.InvariantCulture)),
        };
    }

    private sealed record Run(TimeSpan Wall, int Started, int Failed, long Throttles, int Duplicates, int Jobs, string FirstError);

    private static async Task<Run> RunOnce(int count, int rate, int limit, int latencyMs, bool adaptiveRate, CancellationToken cancel)
    {
        using var server = SandboxServer.StartNew(new SandboxOptions { JobDuration = TimeSpan.FromMinutes(30), RandomSeed = 11 });
        var arns = Seed(server, count);
        server.Configure(o =>
        {
            o.ThrottleRate = rate;
            o.ThrottleBurst = 10;
            o.Latency = TimeSpan.FromMilliseconds(latencyMs);
        });

        var context = AwsContext.Resolve(new AwsContextOptions { Region = Region, AccessKey = "AKIDFANOUTBENCH", SecretKey = "bench", EndpointUrl = server.Endpoint.ToString() });
        var rates = new AdaptiveRateLimiters();
        rates.Settings.Enabled = adaptiveRate;
        using var clients = new AwsClientFactory(rates).Create(context, null);
        var now = DateTime.UtcNow;
        var plans = arns.Select(a => BackupStarter.Plan(new BackupStartOptions { ResourceArn = a, IamRoleArn = $"arn:aws:iam::{Account}:role/backup" }, Region, now)).ToList();

        int started = 0, failed = 0;
        string firstError = string.Empty;
        var watch = Stopwatch.StartNew();
        await foreach (var outcome in BackupStarter.StartManyAsync(clients.Backup, plans, limit, cancel))
        {
            if (outcome.Error == null)
            {
                started++;
            }
            else
            {
                failed++;
                if (firstError.Length == 0)
                {
                    firstError = outcome.Error.Message;
                }
            }
        }

        watch.Stop();
        var throttles = server.RequestLog.LongCount(r => r.Status == 429 || r.ErrorCode == "ThrottlingException");
        var jobs = server.BackupJobs();
        var duplicates = jobs.GroupBy(j => j.ResourceArn, StringComparer.Ordinal).Sum(g => g.Count() - 1);
        return new Run(watch.Elapsed, started, failed, throttles, duplicates, jobs.Count, firstError);
    }

    private static List<string> Seed(SandboxServer server, int count)
    {
        var ids = Enumerable.Range(0, count).Select(i => "vol-" + i.ToString("x17", CultureInfo.InvariantCulture)).ToList();
        var json = new StringBuilder();
        json.Append("{\"regions\":[{\"region\":\"").Append(Region).Append("\",\"volumes\":[");
        json.Append(string.Join(",", ids.Select(id => $"{{\"id\":\"{id}\",\"size\":8}}")));
        json.Append("]}]}");
        server.SeedFromJson(json.ToString());
        return ids.Select(id => $"arn:aws:ec2:{Region}:{Account}:volume/{id}").ToList();
    }

    private static void Print(string label, Run r, double bound) =>
        Console.WriteLine($"  {label}: wall {r.Wall.TotalSeconds:0.00} s ({r.Wall.TotalSeconds / bound:0.00}x bound), started {r.Started}, failed {r.Failed}, throttles {r.Throttles}, jobs in sandbox {r.Jobs}, duplicates {r.Duplicates}{(r.FirstError.Length == 0 ? string.Empty : ", first error: " + r.FirstError)}");

    private static string F(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }
}
