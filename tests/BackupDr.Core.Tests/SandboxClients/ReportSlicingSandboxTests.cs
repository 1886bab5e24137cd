using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using BackupDr.Core.Aws;
using BackupDr.Core.Operations;
using static BackupDr.Core.Tests.SandboxClients.SandboxClients;

namespace BackupDr.Core.Tests.SandboxClients;

/// <summary>The time-sliced report against the sandbox: exact totals at slice edges, throttling, generated jobs.</summary>
public sealed class ReportSlicingSandboxTests
{
    private static string Iso(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Three jobs on every whole second from T0-3 s to T0+67 s (where the 2 s slices start and end) and one a millisecond either side.</summary>
    private static (string Json, List<(string Id, DateTime At)> Jobs) EdgeSeed(DateTime t0)
    {
        var jobs = new List<(string Id, DateTime At)>();
        for (var s = -3; s <= 67; s++)
        {
            var at = t0.AddSeconds(s);
            for (var k = 0; k < 3; k++)
            {
                jobs.Add(($"s{s}-{k}", at));
            }

            jobs.Add(($"s{s}-before", at.AddMilliseconds(-1)));
            jobs.Add(($"s{s}-after", at.AddMilliseconds(1)));
        }

        var sb = new StringBuilder("{ \"regions\": [ { \"region\": \"us-east-1\", \"vaults\": [ { \"name\": \"Main\" } ], \"backupJobs\": [\n");
        sb.AppendJoin(",\n", jobs.Select(j => $"{{ \"id\": \"{j.Id}\", \"vault\": \"Main\", \"resourceArn\": \"{DbArn("orders")}\", \"state\": \"COMPLETED\", \"createdAt\": \"{Iso(j.At)}\" }}"));
        sb.Append("\n] } ] }");
        return (sb.ToString(), jobs);
    }

    [Fact]
    public async Task Jobs_seeded_exactly_on_the_slice_boundaries_are_listed_once_by_the_sliced_listing()
    {
        using var sb = new SandboxClients();
        var now = DateTime.UtcNow;
        var t0 = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc).AddDays(-1);
        var (json, jobs) = EdgeSeed(t0);
        sb.Server.SeedFromJson(json);
        var options = new BackupJobSlicerOptions
        {
            MaxConcurrency = 4, ProbePageSize = 2, PageSize = 4, TargetJobsPerSlice = 3, MaxSplit = 2,
            MinSliceLength = TimeSpan.FromSeconds(2), EdgeOverlap = TimeSpan.FromSeconds(1),
        };
        var unit = new BackupJobSliceUnit(Region, sb.Backup, new BackupJobFilter { BackupVaultName = "Main" }, t0, t0.AddSeconds(64));
        var ids = new ConcurrentBag<string>();
        BackupJobSliceProgress? last = null;
        await new BackupJobSlicer(options).RunAsync(new[] { unit }, (_, page) =>
        {
            foreach (var j in page)
            {
                ids.Add(j.JobId);
            }
        }, new Progress(p => last = p), Ct);

        Assert.Null(unit.Error);
        var expected = jobs.Where(j => j.At >= t0 && j.At < t0.AddSeconds(64)).Select(j => j.Id).OrderBy(x => x, StringComparer.Ordinal).ToList();
        Assert.Equal(64 * 5, expected.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(expected, ids.OrderBy(x => x, StringComparer.Ordinal).ToList());
        Assert.True(last!.SlicesDone >= 32, $"{last.SlicesDone} slices");
        Assert.True(sb.Server.RequestLog.Count(r => r.Operation == "ListBackupJobs") > 32);
    }

    [Fact]
    public async Task Get_DrBackupJob_window_over_the_sandbox_lists_every_job_of_Since_to_Until_once()
    {
        using var sb = new SandboxClients();
        var now = DateTime.UtcNow;
        var t0 = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc).AddDays(-1);
        var (json, jobs) = EdgeSeed(t0);
        sb.Server.SeedFromJson(json);
        var query = new BackupJobQuery(sb.Backup);
        var options = new BackupJobSlicerOptions { ProbePageSize = 5, PageSize = 20, TargetJobsPerSlice = 15, MinSliceLength = TimeSpan.FromSeconds(1) };
        var ids = new List<string>();
        await foreach (var j in query.ListAsync(new BackupJobFilter { CreatedAfter = t0, CreatedBefore = t0.AddSeconds(64) }, options, null, Ct))
        {
            ids.Add(j.JobId);
        }

        var expected = jobs.Where(j => j.At >= t0 && j.At < t0.AddSeconds(64)).Select(j => j.Id).OrderBy(x => x, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, ids.OrderBy(x => x, StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task Report_over_generated_jobs_has_exact_totals_with_sliced_concurrent_paging()
    {
        using var sb = new SandboxClients();
        var summary = sb.Server.SeedFromJson("{ \"regions\": [ { \"region\": \"us-east-1\", \"vaults\": [ { \"name\": \"Main\" } ], \"generatedBackupJobs\": { \"count\": 20000, \"vault\": \"Main\", \"resources\": 40, \"spreadDays\": 6, \"failedEvery\": 10, \"issuesEvery\": 7 } } ] }");
        Assert.Equal(20000, summary.BackupJobs);
        var progress = new List<BackupJobSliceProgress>();
        var report = await new BackupReportBuilder(r => sb.Set.ForRegion(r).Backup).BuildAsync(
            new BackupReportOptions { Regions = new List<string> { Region }, BackupVaultName = "Main" },
            new Progress(p => { lock (progress) { progress.Add(p); } }),
            Ct);

        Assert.True(report.IsComplete);
        Assert.Equal(20000, report.TotalJobs);
        Assert.Equal(new Dictionary<string, long> { ["COMPLETED"] = 18000, ["FAILED"] = 2000 }.OrderBy(kv => kv.Key), report.TotalsByState.OrderBy(kv => kv.Key));

        // i % 7 == 6 and not a failure (i % 10 == 9): completed with issues.
        Assert.Equal(Enumerable.Range(0, 20000).Count(i => i % 7 == 6 && i % 10 != 9), report.CompletedWithIssues);
        Assert.Equal(18000L * 1073741824L, report.BytesBackedUp);
        Assert.Equal(40, report.Resources.Count);
        Assert.All(report.Resources, r => Assert.Equal(500, r.JobCount));
        var calls = sb.Server.RequestLog.Count(r => r.Operation == "ListBackupJobs");
        Assert.True(calls > 20, $"{calls} calls: the window was cut into slices");
        Assert.Contains(progress, p => p.Jobs > 0 && p.Jobs < 20000);
        Assert.Contains(progress, p => p.Jobs == 20000 && p.UnitsDone == 1);
    }

    [Fact]
    public async Task Report_under_throttling_backs_off_and_keeps_exact_totals()
    {
        using var sb = new SandboxClients(o => { o.ThrottleRate = 20; o.ThrottleBurst = 5; });
        sb.Server.SeedFromJson("{ \"regions\": [ { \"region\": \"us-east-1\", \"generatedBackupJobs\": { \"count\": 6000, \"spreadDays\": 3 } } ] }");
        var throttles = 0L;
        var report = await new BackupReportBuilder(r => sb.Set.ForRegion(r).Backup).BuildAsync(
            new BackupReportOptions { Regions = new List<string> { Region }, Slicing = new BackupJobSlicerOptions { ProbePageSize = 50, PageSize = 200, TargetJobsPerSlice = 150, ThrottleBackoff = TimeSpan.FromMilliseconds(100) } },
            new Progress(p => Interlocked.Exchange(ref throttles, Math.Max(Interlocked.Read(ref throttles), p.Throttles))),
            Ct);

        Assert.True(report.IsComplete, string.Join("; ", report.RegionErrors.Select(e => e.Message)));
        Assert.Equal(6000, report.TotalJobs);
        Assert.Contains(sb.Server.RequestLog, r => r.Operation == "ListBackupJobs" && r.ErrorCode == "ThrottlingException");
    }

    [Fact]
    public async Task Ctrl_C_stops_a_long_report_promptly()
    {
        using var sb = new SandboxClients(o => o.Latency = TimeSpan.FromMilliseconds(300));
        sb.Server.SeedFromJson("{ \"regions\": [ { \"region\": \"us-east-1\", \"generatedBackupJobs\": { \"count\": 50000 } } ] }");
        using var cts = new CancellationTokenSource();
        var builder = new BackupReportBuilder(r => sb.Set.ForRegion(r).Backup);
        var run = builder.BuildAsync(new BackupReportOptions { Regions = new List<string> { Region } }, new Progress(p =>
        {
            if (p.Pages >= 3)
            {
                cts.Cancel();
            }
        }), cts.Token);
        var started = DateTime.UtcNow;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Generated_jobs_are_refused_with_the_line_when_they_name_an_undeclared_vault()
    {
        using var sb = new SandboxClients();
        var ex = Assert.Throws<BackupDr.Sandbox.SandboxSeedException>(() => sb.Server.SeedFromJson("{ \"regions\": [ { \"region\": \"us-east-1\",\n \"generatedBackupJobs\": { \"count\": 10, \"vault\": \"Nope\" } } ] }"));
        Assert.Equal(2, ex.LineNumber);
        Assert.Contains("Nope", ex.Reason);
    }

    private sealed class Progress(Action<BackupJobSliceProgress> report) : IProgress<BackupJobSliceProgress>
    {
        public void Report(BackupJobSliceProgress value) => report(value);
    }
}
