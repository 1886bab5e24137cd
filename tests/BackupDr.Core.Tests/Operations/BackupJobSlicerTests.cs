using System.Collections.Concurrent;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using BackupDr.Core.Tests.Operations.Fakes;

namespace BackupDr.Core.Tests.Operations;

/// <summary>
/// BackupJobSlicer over an in-memory ListBackupJobs whose bounds are inclusive or exclusive (AWS does not document
/// which), ordered or not: every job of the window is delivered exactly once, whatever the service does at the edges.
/// </summary>
public sealed class BackupJobSlicerTests
{
    private static readonly DateTime T0 = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>A ListBackupJobs over a fixed list: position tokens, bounds as asked, optionally throttling or slow.</summary>
    private sealed class ListPager : IBackupJobPager
    {
        private readonly List<BackupJob> _jobs;

        public ListPager(IEnumerable<BackupJob> jobs) => _jobs = jobs.ToList();

        public bool InclusiveBounds { get; init; }
        public bool NewestFirst { get; init; } = true;
        public int ThrottleEvery { get; init; }
        public TimeSpan Delay { get; init; }
        public ConcurrentBag<BackupJobFilter> Filters { get; } = new();
        private int _calls;
        public int Calls => _calls;

        public async Task<BackupJobPage> ListBackupJobsPageAsync(BackupJobFilter filter, string? nextToken, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _calls);
            Filters.Add(filter);
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            if (ThrottleEvery > 0 && n % ThrottleEvery == 0)
            {
                throw new AwsServiceException("backup", "ListBackupJobs", 429, "ThrottlingException", "Rate exceeded", null, "us-east-1");
            }

            var matching = _jobs.Where(j => In(j.CreationDate!.Value, filter)).ToList();
            matching = NewestFirst ? matching.OrderByDescending(j => j.CreationDate).ToList() : matching.OrderBy(j => j.JobId.GetHashCode() & 0xff).ThenBy(j => j.JobId).ToList();
            var start = nextToken == null ? 0 : int.Parse(nextToken);
            var size = filter.MaxResults ?? 1000;
            var page = matching.Skip(start).Take(size).ToList();
            return new BackupJobPage(page, start + size < matching.Count ? (start + size).ToString() : null);
        }

        private bool In(DateTime at, BackupJobFilter f) => InclusiveBounds
            ? (f.CreatedAfter == null || at >= f.CreatedAfter) && (f.CreatedBefore == null || at <= f.CreatedBefore)
            : (f.CreatedAfter == null || at > f.CreatedAfter) && (f.CreatedBefore == null || at < f.CreatedBefore);
    }

    private static BackupJob Job(string id, DateTime at) => new() { BackupJobId = id, CreationDate = at, State = "COMPLETED", Region = "us-east-1" };

    /// <summary>Jobs on every whole second of [T0-3 s, T0+67 s] (three each, the slice bounds) and one millisecond either side of each.</summary>
    private static List<BackupJob> EdgeJobs()
    {
        var jobs = new List<BackupJob>();
        for (var s = -3; s <= 67; s++)
        {
            var at = T0.AddSeconds(s);
            for (var k = 0; k < 3; k++)
            {
                jobs.Add(Job($"s{s}-{k}", at));
            }

            jobs.Add(Job($"s{s}-before", at.AddMilliseconds(-1)));
            jobs.Add(Job($"s{s}-after", at.AddMilliseconds(1)));
        }

        return jobs;
    }

    /// <summary>Binary splits down to 2 s slices: every slice bound is a whole second, where three jobs sit exactly.</summary>
    private static BackupJobSlicerOptions EdgeOptions() => new()
    {
        MaxConcurrency = 4, ProbePageSize = 2, PageSize = 4, TargetJobsPerSlice = 3, MaxSplit = 2,
        MinSliceLength = TimeSpan.FromSeconds(2), EdgeOverlap = TimeSpan.FromSeconds(1),
    };

    private static async Task<(List<string> Ids, BackupJobSliceProgress Last)> RunAsync(ListPager pager, BackupJobSlicerOptions options, BackupJobFilter? filter = null, CancellationToken ct = default)
    {
        var ids = new ConcurrentBag<string>();
        BackupJobSliceProgress? last = null;
        var unit = new BackupJobSliceUnit("us-east-1", new FakeBackupApi(), filter ?? new BackupJobFilter(), T0, T0.AddSeconds(64), pager);
        await new BackupJobSlicer(options).RunAsync(new[] { unit }, (_, jobs) =>
        {
            foreach (var j in jobs)
            {
                ids.Add(j.JobId);
            }
        }, new SyncProgress(p => last = p), ct == default ? new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token : ct);
        Assert.Null(unit.Error);
        return (ids.ToList(), last!);
    }

    private static List<string> Expected() =>
        EdgeJobs().Where(j => j.CreationDate >= T0 && j.CreationDate < T0.AddSeconds(64)).Select(j => j.JobId).OrderBy(x => x, StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public async Task Jobs_exactly_on_slice_boundaries_are_counted_once_whether_the_bounds_are_inclusive_or_not(bool inclusive, bool newestFirst)
    {
        var pager = new ListPager(EdgeJobs()) { InclusiveBounds = inclusive, NewestFirst = newestFirst };
        var (ids, last) = await RunAsync(pager, EdgeOptions());

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(Expected(), ids.OrderBy(x => x, StringComparer.Ordinal).ToList());
        Assert.Contains("s0-0", ids);          // on the window's start: in
        Assert.DoesNotContain("s0-before", ids);
        Assert.DoesNotContain("s64-0", ids);   // on the window's end: out (half-open)
        Assert.Contains("s63-after", ids);
        if (newestFirst)
        {
            // The dense window really was cut down to 2 s slices: 32 of them, and their parents.
            Assert.True(last.SlicesDone >= 32, $"{last.SlicesDone} slices");
        }
    }

    [Fact]
    public async Task Every_slice_query_carries_the_unit_filters_including_ByAccountId()
    {
        var pager = new ListPager(EdgeJobs());
        await RunAsync(pager, EdgeOptions(), new BackupJobFilter { AccountId = "*", BackupVaultName = "Main", State = "COMPLETED" });

        Assert.True(pager.Filters.Count > 10);
        Assert.All(pager.Filters, f => Assert.Equal(("*", "Main", "COMPLETED"), (f.AccountId, f.BackupVaultName, f.State)));
        Assert.All(pager.Filters, f => Assert.True(f.CreatedAfter < T0.AddSeconds(64) && f.CreatedBefore > T0));
    }

    [Fact]
    public async Task A_sparse_window_is_one_call()
    {
        var pager = new ListPager(new[] { Job("only", T0.AddSeconds(5)) });
        var (ids, last) = await RunAsync(pager, new BackupJobSlicerOptions());

        Assert.Equal(new[] { "only" }, ids);
        Assert.Equal(1, pager.Calls);
        Assert.Equal(1, last.Pages);
    }

    [Fact]
    public async Task Throttled_pages_are_asked_again_with_less_concurrency_and_the_totals_stay_exact()
    {
        var pager = new ListPager(EdgeJobs()) { ThrottleEvery = 3 };
        var options = EdgeOptions();
        options.ThrottleBackoff = TimeSpan.FromMilliseconds(1);
        options.ThrottleRetries = 10;
        var (ids, last) = await RunAsync(pager, options);

        Assert.Equal(Expected(), ids.OrderBy(x => x, StringComparer.Ordinal).ToList());
        Assert.True(last.Throttles > 0);
        Assert.True(last.Concurrency < options.MaxConcurrency, $"concurrency {last.Concurrency}");
    }

    [Fact]
    public async Task A_unit_that_fails_records_its_error_and_the_other_units_finish()
    {
        var bad = new ListPager(EdgeJobs()) { ThrottleEvery = 1 };
        var good = new ListPager(EdgeJobs());
        var options = EdgeOptions();
        options.ThrottleRetries = 1;
        options.ThrottleBackoff = TimeSpan.FromMilliseconds(1);
        var badUnit = new BackupJobSliceUnit("eu-west-1", new FakeBackupApi("eu-west-1"), new BackupJobFilter(), T0, T0.AddSeconds(64), bad);
        var goodUnit = new BackupJobSliceUnit("us-east-1", new FakeBackupApi(), new BackupJobFilter(), T0, T0.AddSeconds(64), good);
        var counted = new ConcurrentDictionary<string, int>();
        await new BackupJobSlicer(options).RunAsync(new[] { badUnit, goodUnit }, (u, jobs) => counted.AddOrUpdate(u.Key, jobs.Count, (_, n) => n + jobs.Count), null, CancellationToken.None);

        var error = Assert.IsType<AwsServiceException>(badUnit.Error);
        Assert.Equal("ThrottlingException", error.ErrorCode);
        Assert.Null(goodUnit.Error);
        Assert.Equal(Expected().Count, counted["us-east-1"]);
        Assert.Equal(Expected().Count, goodUnit.Jobs);
    }

    [Fact]
    public async Task Cancellation_stops_a_slow_listing_promptly()
    {
        var pager = new ListPager(EdgeJobs()) { Delay = TimeSpan.FromSeconds(20) };
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var started = DateTime.UtcNow;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(pager, EdgeOptions(), ct: cts.Token));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_stream_of_one_unit_yields_every_job_once()
    {
        var pager = new ListPager(EdgeJobs());
        var unit = new BackupJobSliceUnit("us-east-1", new FakeBackupApi(), new BackupJobFilter(), T0, T0.AddSeconds(64), pager);
        var ids = new List<string>();
        await foreach (var j in new BackupJobSlicer(EdgeOptions()).StreamAsync(unit, null, CancellationToken.None))
        {
            ids.Add(j.JobId);
        }

        Assert.Equal(Expected(), ids.OrderBy(x => x, StringComparer.Ordinal).ToList());
    }

    private sealed class SyncProgress(Action<BackupJobSliceProgress> report) : IProgress<BackupJobSliceProgress>
    {
        public void Report(BackupJobSliceProgress value) => report(value);
    }
}
