using System.Runtime.CompilerServices;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using BackupDr.Core.Tests.Operations.Fakes;

namespace BackupDr.Core.Tests.Operations;

/// <summary>AccountReportFanOut over fakes: bounded units, ByAccountId on every listing, per-account totals.</summary>
public sealed class AccountReportFanOutTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Units_run_at_most_ThrottleLimit_at_a_time_and_every_listing_carries_its_ByAccountId()
    {
        var running = 0;
        var peak = 0;
        var apis = new Dictionary<string, FakeBackupApi>();
        async IAsyncEnumerable<BackupJob> Slow(BackupJobFilter f, string region, [EnumeratorCancellation] CancellationToken ct = default)
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            try
            {
                await Task.Delay(50, ct);
                for (var i = 0; i < 3; i++)
                {
                    yield return new BackupJob { JobId = $"{f.AccountId}-{region}-{i}", AccountId = f.AccountId, Region = region, State = i == 2 ? "FAILED" : "COMPLETED", CreationDate = Now.AddHours(-1), ResourceArn = $"arn:aws:rds:{region}:{f.AccountId}:db:d{i}" };
                }
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }

        foreach (var region in new[] { "us-east-1", "eu-west-1" })
        {
            var api = new FakeBackupApi(region);
            api.BackupJobs = (f, ct) => Slow(f, region, ct);
            apis[region] = api;
        }

        var accounts = new[] { "111111111111", "222222222222", "333333333333" };
        var report = await new AccountReportFanOut(r => apis[r], null, null, "aws", new FakeClock(Now)).BuildAsync(
            new AccountReportOptions { AccountIds = accounts, ThrottleLimit = 2, Report = new BackupReportOptions { Regions = { "us-east-1", "eu-west-1" } } },
            null,
            default);

        Assert.Equal(2, peak);
        Assert.Equal(18, report.TotalJobs);
        Assert.Equal(accounts, report.Accounts.Select(a => a.AccountId));
        Assert.All(report.Accounts, a => { Assert.Equal(6, a.TotalJobs); Assert.Equal(2, a.Failed); Assert.Equal(2.0 / 3, a.SuccessRate!.Value, 6); });
        var filters = apis.Values.SelectMany(a => a.BackupJobFilters).ToList();
        Assert.Equal(6, filters.Count);
        Assert.Equal(accounts.OrderBy(a => a), filters.Select(f => f.AccountId!).Distinct().OrderBy(a => a));
        Assert.Equal(4.0 / 6, report.SuccessRate!.Value, 6);
    }

    [Fact]
    public async Task A_failing_unit_is_a_RegionError_naming_account_and_region_and_the_others_still_count()
    {
        var api = new FakeBackupApi("us-east-1");
        async IAsyncEnumerable<BackupJob> List(BackupJobFilter f, [EnumeratorCancellation] CancellationToken ct = default)
        {
            await Task.Yield();
            if (f.AccountId == "222222222222")
            {
                throw new AwsServiceException("backup", "ListBackupJobs", 403, "AccessDeniedException", "not allowed", "rid", "us-east-1");
            }

            yield return new BackupJob { JobId = "j", AccountId = f.AccountId, Region = "us-east-1", State = "COMPLETED", CreationDate = Now.AddHours(-1) };
        }

        api.BackupJobs = (f, ct) => List(f, ct);
        var progress = new List<int>();
        var report = await new AccountReportFanOut(_ => api, null, null, "aws", new FakeClock(Now)).BuildAsync(
            new AccountReportOptions { AccountIds = new[] { "111111111111", "222222222222" }, Report = new BackupReportOptions { Regions = { "us-east-1" } } },
            new SyncProgress(progress),
            default);

        Assert.Equal(1, report.TotalJobs);
        var error = Assert.Single(report.RegionErrors);
        Assert.Equal("222222222222", error.AccountId);
        Assert.Equal("us-east-1", error.Region);
        Assert.Equal(DrErrorKind.PermissionDenied, error.Kind);
        Assert.False(report.IsComplete);
        Assert.False(report.Accounts.Single(a => a.AccountId == "222222222222").IsComplete);
        Assert.True(report.Accounts.Single(a => a.AccountId == "111111111111").IsComplete);
        Assert.Equal(new[] { 1, 2 }, progress.OrderBy(p => p));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public async Task A_ThrottleLimit_outside_1_to_64_is_refused_before_anything_is_listed(int limit)
    {
        var api = new FakeBackupApi("us-east-1");
        var error = await Assert.ThrowsAsync<DrValidationException>(() => new AccountReportFanOut(_ => api, null, null, "aws", new FakeClock(Now)).BuildAsync(
            new AccountReportOptions { AccountIds = new[] { "111111111111" }, ThrottleLimit = limit, Report = new BackupReportOptions { Regions = { "us-east-1" } } },
            null,
            default));

        Assert.Equal("InvalidThrottleLimit", error.ErrorId);
        Assert.Empty(api.BackupJobFilters);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private sealed class SyncProgress : IProgress<int>
    {
        private readonly List<int> _seen;

        public SyncProgress(List<int> seen) => _seen = seen;

        public void Report(int value)
        {
            lock (_seen)
            {
                _seen.Add(value);
            }
        }
    }
}
