using System.Runtime.CompilerServices;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using BackupDr.Core.Tests.Operations.Fakes;

namespace BackupDr.Core.Tests.Operations;

public class BackupReportTests
{
    private static readonly DateTime Now = new(2025, 6, 10, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>Generates jobs on the fly in pages of 100 (never a list), as the real client streams pages.</summary>
    private static async IAsyncEnumerable<BackupJob> Generate(int count, string region, Func<int, BackupJob> make, [EnumeratorCancellation] CancellationToken ct = default)
    {
        for (var i = 0; i < count; i++)
        {
            if (i % 100 == 0)
            {
                await Task.Yield();
                ct.ThrowIfCancellationRequested();
            }

            var job = make(i);
            job.Region = region;
            yield return job;
        }
    }

    private static BackupJob Job(int i, string region) => new()
    {
        JobId = $"{region}-{i}",
        // 5 resources, states cycle: 0,1,2 COMPLETED (2 with issues), 3 FAILED, 4 RUNNING
        ResourceArn = $"arn:aws:ec2:{region}:123456789012:volume/vol-000000000000000{i % 5}",
        ResourceType = "EBS",
        State = (i % 5) switch { 3 => "FAILED", 4 => "RUNNING", _ => "COMPLETED" },
        MessageCategory = i % 5 == 2 ? "WARNING" : "SUCCESS",
        StatusMessage = i % 5 == 3 ? "Insufficient privileges" : null,
        BackupSizeInBytes = 10,
        CreationDate = Now.AddDays(-(i % 3)).AddMinutes(-i % 60),
        CompletionDate = i % 5 < 3 ? Now.AddDays(-(i % 3)).AddMinutes(i % 50) : null,
    };

    [Fact]
    public async Task Counts_all_25000_jobs_with_bounded_failed_list()
    {
        var api = new FakeBackupApi();
        api.BackupJobs = (f, ct) => Generate(25_000, "us-east-1", i => Job(i, "us-east-1"), ct);
        var report = await new BackupReportBuilder(_ => api, new FakeClock(Now)).BuildAsync(new BackupReportOptions { Regions = { "us-east-1" }, BackupVaultName = "Default" }, default);

        Assert.Equal(25_000, report.TotalJobs);
        Assert.Equal(15_000, report.TotalsByState["COMPLETED"]);
        Assert.Equal(5_000, report.TotalsByState["FAILED"]);
        Assert.Equal(5_000, report.TotalsByState["RUNNING"]);
        Assert.Equal(5_000, report.CompletedWithIssues);
        Assert.Equal(150_000, report.BytesBackedUp);
        Assert.Equal(0.75, report.SuccessRate!.Value, 6);
        Assert.Equal(1_000, report.FailedJobs.Count);
        Assert.Equal(4_000, report.FailedJobsNotListed);
        Assert.All(report.FailedJobs, f => Assert.Equal(("FAILED", "Insufficient privileges", "us-east-1"), (f.State, f.StatusMessage, f.Region)));
        Assert.Equal(25_000, report.JobsPerDay.Values.Sum(d => d.Values.Sum()));
        Assert.Equal(5, report.Resources.Count);
        Assert.True(report.IsComplete);
        Assert.Empty(report.Warnings);

        var filter = Assert.Single(api.BackupJobFilters);
        Assert.Equal((Now.AddDays(-7), "Default"), (filter.CreatedAfter!.Value, filter.BackupVaultName));
    }

    [Fact]
    public async Task Per_resource_last_success_and_age()
    {
        var api = new FakeBackupApi();
        const string R = "arn:aws:rds:us-east-1:123456789012:db:orders";
        const string Never = "arn:aws:rds:us-east-1:123456789012:db:never";
        var jobs = new[]
        {
            new BackupJob { JobId = "1", ResourceArn = R, State = "COMPLETED", CreationDate = Now.AddDays(-3), CompletionDate = Now.AddDays(-3).AddHours(1) },
            new BackupJob { JobId = "2", ResourceArn = R, State = "COMPLETED", CreationDate = Now.AddDays(-1), CompletionDate = Now.AddHours(-20) },
            new BackupJob { JobId = "3", ResourceArn = R, State = "FAILED", CreationDate = Now.AddHours(-2) },
            new BackupJob { JobId = "4", ResourceArn = Never, State = "ABORTED", CreationDate = Now.AddHours(-2) },
        };
        api.BackupJobs = (f, ct) => Generate(jobs.Length, "us-east-1", i => jobs[i], ct);
        var report = await new BackupReportBuilder(_ => api, new FakeClock(Now)).BuildAsync(new BackupReportOptions { Regions = { "us-east-1" } }, default);

        var orders = report.Resources.Single(r => r.ResourceArn == R);
        Assert.Equal((Now.AddHours(-20), TimeSpan.FromHours(20), 3L, 1L), (orders.LastSuccessfulBackup, orders.Age!.Value, orders.JobCount, orders.FailedCount));
        var never = report.Resources.Single(r => r.ResourceArn == Never);
        Assert.Null(never.LastSuccessfulBackup);
        Assert.Null(never.Age);
        Assert.Equal(0.5, report.SuccessRate);
    }

    [Fact]
    public async Task Regions_are_listed_in_parallel()
    {
        // Each region's stream waits until both have started: a sequential builder would never finish.
        var started = 0;
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<BackupJob> Gate(string region, [EnumeratorCancellation] CancellationToken ct = default)
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                bothStarted.SetResult();
            }

            await bothStarted.Task.WaitAsync(ct);
            await foreach (var j in Generate(300, region, i => Job(i, region), ct))
            {
                yield return j;
            }
        }

        var apis = new Dictionary<string, FakeBackupApi> { ["us-east-1"] = new("us-east-1"), ["eu-west-1"] = new("eu-west-1") };
        foreach (var kv in apis)
        {
            kv.Value.BackupJobs = (f, ct) => Gate(kv.Key, ct);
        }

        var build = new BackupReportBuilder(r => apis[r], new FakeClock(Now)).BuildAsync(new BackupReportOptions { Regions = { "us-east-1", "eu-west-1" } }, default);
        var report = await build.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(600, report.TotalJobs);
        Assert.Equal(new[] { "eu-west-1", "us-east-1" }, report.FailedJobs.Select(f => f.Region).Distinct().OrderBy(r => r));
        Assert.Equal(10, report.Resources.Count);
        Assert.True(report.IsComplete);
    }

    [Fact]
    public async Task Failing_region_makes_report_incomplete_with_region_error()
    {
        var ok = new FakeBackupApi("us-east-1") { BackupJobs = (f, ct) => Generate(50, "us-east-1", i => Job(i, "us-east-1"), ct) };
        async IAsyncEnumerable<BackupJob> Fail([EnumeratorCancellation] CancellationToken ct = default)
        {
            await Task.Yield();
            yield return Job(0, "eu-west-1");
            throw new AwsServiceException("backup", "ListBackupJobs", 403, "AccessDeniedException", "not allowed", "rid-9", "eu-west-1");
        }

        var bad = new FakeBackupApi("eu-west-1") { BackupJobs = (f, ct) => Fail(ct) };
        var report = await new BackupReportBuilder(r => r == "us-east-1" ? ok : bad, new FakeClock(Now)).BuildAsync(new BackupReportOptions { Regions = { "us-east-1", "eu-west-1" } }, default);

        Assert.False(report.IsComplete);
        var err = Assert.Single(report.RegionErrors);
        Assert.Equal(("eu-west-1", "AccessDeniedException", DrErrorKind.PermissionDenied, 1L), (err.Region, err.ErrorId, err.Kind, err.JobsCountedBeforeFailure));
        Assert.Contains(report.Warnings, w => w.Contains("RegionErrors"));
        Assert.Equal(51, report.TotalJobs);
    }

    [Fact]
    public async Task Since_older_than_30_days_warns_and_future_since_sends_nothing()
    {
        var api = new FakeBackupApi { BackupJobs = (f, ct) => Generate(0, "us-east-1", i => Job(i, "us-east-1"), ct) };
        var builder = new BackupReportBuilder(_ => api, new FakeClock(Now));
        var report = await builder.BuildAsync(new BackupReportOptions { Regions = { "us-east-1" }, Since = Now.AddDays(-45) }, default);
        Assert.Contains(report.Warnings, w => w.Contains("30 days"));
        Assert.Null(report.SuccessRate);

        var calls = api.Calls.Count;
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => builder.BuildAsync(new BackupReportOptions { Regions = { "us-east-1" }, Since = Now.AddDays(1) }, default));
        Assert.Equal("SinceInFuture", ex.ErrorId);
        Assert.Equal(calls, api.Calls.Count);
    }

    [Fact]
    public async Task Cancellation_is_not_reported_as_a_region_error()
    {
        using var cts = new CancellationTokenSource();
        var api = new FakeBackupApi { BackupJobs = (f, ct) => Generate(1_000_000, "us-east-1", i => { if (i == 500) { cts.Cancel(); } return Job(i, "us-east-1"); }, ct) };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new BackupReportBuilder(_ => api, new FakeClock(Now)).BuildAsync(new BackupReportOptions { Regions = { "us-east-1" } }, cts.Token));
    }
}

public class BackupReportHtmlTests
{
    private static readonly DateTime Now = new(2025, 6, 10, 12, 0, 0, DateTimeKind.Utc);

    private static BackupReport Report() => new()
    {
        Since = Now.AddDays(-7),
        GeneratedAt = Now,
        Regions = new[] { "us-east-1" },
        TotalJobs = 3,
        TotalsByState = new Dictionary<string, long> { ["COMPLETED"] = 2, ["FAILED"] = 1 },
        SuccessRate = 2.0 / 3,
        FailedJobs = new[] { new FailedBackupJob { JobId = "j1", State = "FAILED", StatusMessage = "<script>alert('x')</script>", Region = "us-east-1", CreationDate = Now } },
        JobsPerDay = new SortedDictionary<DateTime, IReadOnlyDictionary<string, long>>
        {
            [Now.Date.AddDays(-1)] = new Dictionary<string, long> { ["COMPLETED"] = 1 },
            [Now.Date] = new Dictionary<string, long> { ["COMPLETED"] = 1, ["FAILED"] = 1 },
        },
        Resources = new[] { new ResourceBackupSummary { ResourceArn = "arn:aws:rds:us-east-1:123456789012:db:a&b", LastSuccessfulBackup = Now.AddHours(-5), Age = TimeSpan.FromHours(5) } },
    };

    [Fact]
    public void Contains_a_stacked_svg_bar_chart_with_one_rect_per_day_and_state()
    {
        var html = BackupReportHtml.Render(Report());
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<svg", html);
        Assert.Equal(3, CountOf(html, "<rect class=\"bar\""));
        Assert.Contains("06-09", html);
        Assert.Contains("06-10", html);
    }

    [Fact]
    public void Encodes_values_and_has_no_scripts_or_external_assets()
    {
        var html = BackupReportHtml.Render(Report());
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html);
        Assert.Contains("db:a&amp;b", html);
        Assert.DoesNotContain("src=", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty));
    }

    [Fact]
    public void Incomplete_report_says_so()
    {
        var r = Report();
        r.RegionErrors = new[] { new RegionError { Region = "eu-west-1", ErrorId = "AccessDeniedException", Message = "denied", Kind = DrErrorKind.PermissionDenied } };
        var html = BackupReportHtml.Render(r);
        Assert.Contains("Incomplete report", html);
        Assert.Contains("eu-west-1: AccessDeniedException", html);
        Assert.DoesNotContain("Incomplete report", BackupReportHtml.Render(Report()));
    }

    private static int CountOf(string s, string what)
    {
        var n = 0;
        for (var i = s.IndexOf(what, StringComparison.Ordinal); i >= 0; i = s.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
