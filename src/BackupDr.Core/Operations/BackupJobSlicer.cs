using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>How the slicer cuts and pages a window; the defaults suit AWS Backup's 1,000-job pages.</summary>
    public sealed class BackupJobSlicerOptions
    {
        /// <summary>Pages fetched at once across every unit (region, account, vault); halved on throttling, regained slowly.</summary>
        public int MaxConcurrency { get; set; } = 32;

        /// <summary>MaxResults of every page but the probe (AWS's maximum is 1,000).</summary>
        public int PageSize { get; set; } = 1000;

        /// <summary>MaxResults of the first call over a whole unit window: small, because a dense window's probe is thrown away.</summary>
        public int ProbePageSize { get; set; } = 100;

        /// <summary>Jobs a slice should hold after a split (below PageSize, so an uneven slice still fits one page).</summary>
        public int TargetJobsPerSlice { get; set; } = 800;

        /// <summary>Most sub-slices one split makes.</summary>
        public int MaxSplit { get; set; } = 512;

        /// <summary>A slice shorter than this is not split again but paged by its NextToken chain.</summary>
        public TimeSpan MinSliceLength { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>
        /// How far each query reaches past its slice on both sides: AWS does not document whether ByCreatedAfter and
        /// ByCreatedBefore include their bound, so every slice asks for a little more and keeps only its own half-open
        /// interval [start, end) by CreationDate; each job is therefore counted by exactly one slice.
        /// </summary>
        public TimeSpan EdgeOverlap { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>Times a page is asked again after the transport's own retries gave up on throttling.</summary>
        public int ThrottleRetries { get; set; } = 6;

        /// <summary>First wait after a throttled page (doubles per retry).</summary>
        public TimeSpan ThrottleBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

        internal void Validate()
        {
            if (MaxConcurrency < 1 || PageSize < 1 || PageSize > 1000 || ProbePageSize < 1 || ProbePageSize > PageSize || TargetJobsPerSlice < 1 || MaxSplit < 2 || ThrottleRetries < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(BackupJobSlicerOptions), "Slicer options out of range (MaxConcurrency >= 1, 1 <= ProbePageSize <= PageSize <= 1000, MaxSplit >= 2).");
            }
        }
    }

    /// <summary>One independently listed window: a client (region, account) with its filter, and the creation-time window [From, To).</summary>
    public sealed class BackupJobSliceUnit
    {
        public BackupJobSliceUnit(string key, IBackupApi api, BackupJobFilter filter, DateTime from, DateTime? to, IBackupJobPager? pager = null)
        {
            Key = key ?? throw new ArgumentNullException(nameof(key));
            Api = api ?? throw new ArgumentNullException(nameof(api));
            Pager = pager ?? api as IBackupJobPager;
            Filter = filter ?? new BackupJobFilter();
            From = from;
            To = to;
        }

        /// <summary>What the unit is (a region, account/region, ...), for progress and errors.</summary>
        public string Key { get; }

        public IBackupApi Api { get; }

        /// <summary>Page-at-a-time listing of the same account and region; null = one NextToken chain through Api.</summary>
        public IBackupJobPager? Pager { get; }

        /// <summary>Every filter but the creation bounds (which the slicer sets per slice); ByAccountId goes through as given.</summary>
        public BackupJobFilter Filter { get; }

        /// <summary>Inclusive start of the window (UTC).</summary>
        public DateTime From { get; }

        /// <summary>Exclusive end of the window (UTC); null = open (everything created since From).</summary>
        public DateTime? To { get; }

        /// <summary>The failure that stopped this unit (the others go on); null when it was listed completely.</summary>
        public Exception? Error { get; internal set; }

        /// <summary>Jobs delivered from this unit so far.</summary>
        public long Jobs => Interlocked.Read(ref JobCount);

        internal long JobCount;
    }

    /// <summary>Where a sliced listing is: pages and jobs so far, slices done and waiting.</summary>
    public sealed class BackupJobSliceProgress
    {
        public long Pages { get; set; }
        public long Jobs { get; set; }
        public int SlicesDone { get; set; }
        public int SlicesPending { get; set; }
        public int Concurrency { get; set; }
        public long Throttles { get; set; }
        public int UnitsDone { get; set; }
        public int Units { get; set; }
    }

    /// <summary>
    /// Lists backup jobs of one or more units (regions, accounts) by cutting each creation-time window into slices paged
    /// concurrently. A unit starts as one slice probed with a small page; a slice whose first page is full is split by
    /// the density that page shows (jobs come newest first) and the page is dropped, so nothing is read twice to be
    /// counted; a sparse slice pages its NextToken chain. Concurrency is bounded and halves when AWS throttles. Pages go
    /// to the caller as they arrive and are not kept: memory does not grow with the number of jobs.
    /// </summary>
    public sealed class BackupJobSlicer
    {
        private readonly BackupJobSlicerOptions _options;
        private readonly IAwsClock _clock;

        public BackupJobSlicer(BackupJobSlicerOptions? options = null, IAwsClock? clock = null)
        {
            _options = options ?? new BackupJobSlicerOptions();
            _options.Validate();
            _clock = clock ?? SystemClock.Instance;
        }

        /// <summary>
        /// Pages every unit; <paramref name="onPage"/> gets each page's jobs of the slice's own interval (called from worker
        /// threads, one page at a time per call, possibly concurrently for different pages). A unit that fails records its
        /// Error and stops while the others go on; cancellation stops everything promptly.
        /// </summary>
        public async Task RunAsync(IReadOnlyList<BackupJobSliceUnit> units, Action<BackupJobSliceUnit, IReadOnlyList<BackupJob>> onPage, IProgress<BackupJobSliceProgress>? progress, CancellationToken cancellationToken)
        {
            if (units == null)
            {
                throw new ArgumentNullException(nameof(units));
            }

            if (onPage == null)
            {
                throw new ArgumentNullException(nameof(onPage));
            }

            var run = new Run(this, units.Count, onPage, progress, cancellationToken);
            await Task.WhenAll(units.Select(u => Task.Run(() => run.UnitAsync(u), cancellationToken))).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        /// <summary>
        /// The jobs of one unit as a stream (Get-DrBackupJob over a window): pages are handed over through a small bounded
        /// buffer, so a slow consumer slows the paging down instead of filling memory. A failure ends the stream with it.
        /// Jobs come slice by slice, not newest first.
        /// </summary>
        public async IAsyncEnumerable<BackupJob> StreamAsync(BackupJobSliceUnit unit, IProgress<BackupJobSliceProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (unit == null)
            {
                throw new ArgumentNullException(nameof(unit));
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var buffer = new PageBuffer(Math.Max(2, _options.MaxConcurrency));
            var producer = Task.Run(async () =>
            {
                try
                {
                    await RunAsync(new[] { unit }, (_, jobs) => buffer.Add(jobs, linked.Token), progress, linked.Token).ConfigureAwait(false);
                    buffer.Complete(unit.Error);
                }
                catch (Exception ex)
                {
                    buffer.Complete(ex);
                }
            });

            try
            {
                while (true)
                {
                    var page = await buffer.TakeAsync(cancellationToken).ConfigureAwait(false);
                    if (page == null)
                    {
                        break;
                    }

                    foreach (var job in page)
                    {
                        yield return job;
                    }
                }
            }
            finally
            {
                linked.Cancel();
                try
                {
                    await producer.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        /// <summary>A copy of the unit's filter with this slice's creation bounds (widened by EdgeOverlap) and page size.</summary>
        internal static BackupJobFilter SliceFilter(BackupJobFilter f, DateTime? after, DateTime? before, int maxResults) => new BackupJobFilter
        {
            ResourceArn = f.ResourceArn,
            State = f.State,
            BackupVaultName = f.BackupVaultName,
            ResourceType = f.ResourceType,
            AccountId = f.AccountId,
            CompleteAfter = f.CompleteAfter,
            CompleteBefore = f.CompleteBefore,
            ParentJobId = f.ParentJobId,
            MessageCategory = f.MessageCategory,
            CreatedAfter = after,
            CreatedBefore = before,
            MaxResults = maxResults,
        };

        /// <summary>A piece [Start, End) of a unit's window; End null = open.</summary>
        private sealed class Slice
        {
            public Slice(BackupJobSliceUnit unit, DateTime start, DateTime? end, bool probe)
            {
                Unit = unit;
                Start = start;
                End = end;
                Probe = probe;
            }

            public BackupJobSliceUnit Unit { get; }
            public DateTime Start { get; }
            public DateTime? End { get; }
            public bool Probe { get; }

            /// <summary>Half-open membership: each job belongs to exactly one slice of a unit.</summary>
            public bool Owns(BackupJob job)
            {
                if (job.CreationDate == null)
                {
                    // No date to place it by: the slice that starts the window takes it.
                    return Start == Unit.From;
                }

                var at = job.CreationDate.Value;
                return at >= Start && (End == null || at < End.Value);
            }
        }

        /// <summary>The state of one RunAsync call.</summary>
        private sealed class Run
        {
            private readonly BackupJobSlicer _owner;
            private readonly BackupJobSlicerOptions _o;
            private readonly Action<BackupJobSliceUnit, IReadOnlyList<BackupJob>> _onPage;
            private readonly IProgress<BackupJobSliceProgress>? _progress;
            private readonly CancellationToken _cancel;
            private readonly AdaptiveLimit _limit;
            private readonly int _units;
            private long _pages;
            private long _jobs;
            private long _throttles;
            private int _slicesDone;
            private int _slicesPending;
            private int _unitsDone;

            public Run(BackupJobSlicer owner, int units, Action<BackupJobSliceUnit, IReadOnlyList<BackupJob>> onPage, IProgress<BackupJobSliceProgress>? progress, CancellationToken cancel)
            {
                _owner = owner;
                _o = owner._options;
                _onPage = onPage;
                _progress = progress;
                _cancel = cancel;
                _units = units;
                _limit = new AdaptiveLimit(_o.MaxConcurrency);
            }

            public async Task UnitAsync(BackupJobSliceUnit unit)
            {
                using var unitCancel = CancellationTokenSource.CreateLinkedTokenSource(_cancel);
                try
                {
                    if (!(unit.Pager is IBackupJobPager pager))
                    {
                        // An api that cannot page one page at a time is listed as one chain (still streamed, still counted once).
                        await ChainOnlyAsync(unit, unitCancel.Token).ConfigureAwait(false);
                        return;
                    }

                    var pending = new List<Task>();
                    var gate = new object();
                    void Spawn(Slice s)
                    {
                        Interlocked.Increment(ref _slicesPending);
                        var t = Task.Run(() => SliceAsync(pager, s, Spawn, unitCancel));
                        lock (gate)
                        {
                            pending.Add(t);
                        }
                    }

                    Spawn(new Slice(unit, unit.From, unit.To, probe: true));

                    // Slices spawn children while they run: wait until a pass finds nothing new.
                    while (true)
                    {
                        Task[] now;
                        lock (gate)
                        {
                            now = pending.ToArray();
                        }

                        try
                        {
                            await Task.WhenAll(now).ConfigureAwait(false);
                        }
                        catch
                        {
                            // Collected below: the first real failure is the unit's error.
                        }

                        lock (gate)
                        {
                            if (pending.Count == now.Length)
                            {
                                break;
                            }
                        }
                    }

                    Task[] all;
                    lock (gate)
                    {
                        all = pending.ToArray();
                    }

                    var failure = all.Where(t => t.IsFaulted).Select(t => t.Exception!.GetBaseException()).FirstOrDefault(e => !(e is OperationCanceledException));
                    if (failure != null)
                    {
                        throw failure;
                    }

                    _cancel.ThrowIfCancellationRequested();
                }
                catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    unit.Error = ex;
                }
                finally
                {
                    Interlocked.Increment(ref _unitsDone);
                    Report();
                }
            }

            private async Task ChainOnlyAsync(BackupJobSliceUnit unit, CancellationToken ct)
            {
                var filter = SliceFilter(unit.Filter, unit.From, unit.To, _o.PageSize);
                filter.MaxResults = unit.Filter.MaxResults;
                var batch = new List<BackupJob>(_o.PageSize);
                try
                {
                    await foreach (var job in unit.Api.ListBackupJobsAsync(filter, ct).WithCancellation(ct).ConfigureAwait(false))
                    {
                        batch.Add(job);
                        if (batch.Count == _o.PageSize)
                        {
                            Deliver(unit, batch);
                            batch = new List<BackupJob>(_o.PageSize);
                        }
                    }
                }
                catch (Exception) when (!ct.IsCancellationRequested && batch.Count > 0)
                {
                    // What was listed before the failure still counts (the report says it is a lower bound).
                    Deliver(unit, batch);
                    throw;
                }

                Deliver(unit, batch);
            }

            private async Task SliceAsync(IBackupJobPager pager, Slice slice, Action<Slice> spawn, CancellationTokenSource unitCancel)
            {
                var ct = unitCancel.Token;
                try
                {
                    var after = slice.Start - _o.EdgeOverlap;
                    var before = slice.End + _o.EdgeOverlap;
                    var first = await PageAsync(pager, SliceFilter(slice.Unit.Filter, after, before, slice.Probe ? _o.ProbePageSize : _o.PageSize), null, ct).ConfigureAwait(false);
                    if (first.NextToken != null)
                    {
                        var parts = SplitCount(slice, first);
                        if (parts >= 2)
                        {
                            foreach (var child in Split(slice, parts))
                            {
                                spawn(child);
                            }

                            return;
                        }
                    }

                    Deliver(slice, first);
                    var token = first.NextToken;
                    while (token != null)
                    {
                        var page = await PageAsync(pager, SliceFilter(slice.Unit.Filter, after, before, _o.PageSize), token, ct).ConfigureAwait(false);
                        Deliver(slice, page);
                        token = page.NextToken;
                    }
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    // One slice failed for good: the rest of this unit stops (its totals would be partial anyway).
                    unitCancel.Cancel();
                    throw;
                }
                finally
                {
                    Interlocked.Decrement(ref _slicesPending);
                    Interlocked.Increment(ref _slicesDone);
                }
            }

            /// <summary>
            /// Parts to cut a slice into whose first page came back full: the page holds the newest jobs of the slice, so
            /// its count over the time it covers is the density; 0 = page the chain instead (little left, too short, or
            /// the answer shows no order to estimate by).
            /// </summary>
            private int SplitCount(Slice slice, BackupJobPage page)
            {
                var now = _owner._clock.UtcNow;
                var end = slice.End ?? (now > slice.Start ? now : slice.Start);
                var length = end - slice.Start;
                if (length < _o.MinSliceLength + _o.MinSliceLength)
                {
                    return 0;
                }

                var own = page.Jobs.Where(j => j.CreationDate != null && slice.Owns(j)).Select(j => j.CreationDate!.Value).ToList();
                if (own.Count == 0)
                {
                    return 2;
                }

                var oldest = own.Min();
                var covered = end - oldest;
                if (covered <= TimeSpan.Zero)
                {
                    covered = TimeSpan.FromMilliseconds(1);
                }

                var estimate = own.Count * (length.TotalMilliseconds / covered.TotalMilliseconds);
                if (estimate <= page.Jobs.Count + _o.PageSize)
                {
                    return 0;
                }

                var parts = (int)Math.Ceiling(estimate / _o.TargetJobsPerSlice);
                var most = (int)Math.Max(2, Math.Min(_o.MaxSplit, length.Ticks / _o.MinSliceLength.Ticks));
                return Math.Max(2, Math.Min(parts, most));
            }

            private IEnumerable<Slice> Split(Slice slice, int parts)
            {
                var now = _owner._clock.UtcNow;
                var end = slice.End ?? now;
                var step = TimeSpan.FromTicks((end - slice.Start).Ticks / parts);

                // Bounds on whole milliseconds (what the wire carries), each child [b(i), b(i+1)); the last keeps the slice's end.
                var bounds = new List<DateTime> { slice.Start };
                for (var i = 1; i < parts; i++)
                {
                    var b = slice.Start + TimeSpan.FromTicks(step.Ticks * i);
                    b = new DateTime(b.Ticks - (b.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
                    if (b > bounds[bounds.Count - 1])
                    {
                        bounds.Add(b);
                    }
                }

                for (var i = 0; i < bounds.Count; i++)
                {
                    yield return new Slice(slice.Unit, bounds[i], i + 1 < bounds.Count ? bounds[i + 1] : slice.End, probe: false);
                }
            }

            private async Task<BackupJobPage> PageAsync(IBackupJobPager pager, BackupJobFilter filter, string? token, CancellationToken ct)
            {
                for (var attempt = 0; ; attempt++)
                {
                    await _limit.WaitAsync(ct).ConfigureAwait(false);
                    var throttled = false;
                    try
                    {
                        var page = await pager.ListBackupJobsPageAsync(filter, token, ct).ConfigureAwait(false);
                        return page;
                    }
                    catch (AwsServiceException ex) when (RetryPolicy.IsThrottling(ex.ErrorCode ?? string.Empty, ex.StatusCode) && attempt < _o.ThrottleRetries && !ct.IsCancellationRequested)
                    {
                        throttled = true;
                        Interlocked.Increment(ref _throttles);
                    }
                    finally
                    {
                        _limit.Release(throttled);
                    }

                    var wait = TimeSpan.FromTicks(Math.Min(_o.ThrottleBackoff.Ticks << Math.Min(attempt, 6), TimeSpan.FromSeconds(20).Ticks));
                    await _owner._clock.Delay(wait, ct).ConfigureAwait(false);
                }
            }

            private void Deliver(Slice slice, BackupJobPage page)
            {
                List<BackupJob>? own = null;
                for (var i = 0; i < page.Jobs.Count; i++)
                {
                    var job = page.Jobs[i];
                    if (!slice.Owns(job))
                    {
                        if (own == null)
                        {
                            own = new List<BackupJob>(page.Jobs.Count);
                            for (var k = 0; k < i; k++)
                            {
                                own.Add(page.Jobs[k]);
                            }
                        }

                        continue;
                    }

                    own?.Add(job);
                }

                Deliver(slice.Unit, own ?? page.Jobs);
            }

            private void Deliver(BackupJobSliceUnit unit, IReadOnlyList<BackupJob> jobs)
            {
                _cancel.ThrowIfCancellationRequested();
                Interlocked.Increment(ref _pages);
                Interlocked.Add(ref _jobs, jobs.Count);
                Interlocked.Add(ref unit.JobCount, jobs.Count);
                if (jobs.Count > 0)
                {
                    _onPage(unit, jobs);
                }

                Report();
            }

            private void Report() => _progress?.Report(new BackupJobSliceProgress
            {
                Pages = Interlocked.Read(ref _pages),
                Jobs = Interlocked.Read(ref _jobs),
                SlicesDone = Volatile.Read(ref _slicesDone),
                SlicesPending = Math.Max(0, Volatile.Read(ref _slicesPending)),
                Concurrency = _limit.Limit,
                Throttles = Interlocked.Read(ref _throttles),
                UnitsDone = Volatile.Read(ref _unitsDone),
                Units = _units,
            });
        }

        /// <summary>
        /// A concurrency bound that follows throttling: a throttled call halves it (at most once per burst of calls in
        /// flight), each run of successes as long as the bound raises it by one, up to the configured maximum.
        /// </summary>
        internal sealed class AdaptiveLimit
        {
            private readonly int _max;
            private readonly object _gate = new object();
            private readonly Queue<TaskCompletionSource<bool>> _waiters = new Queue<TaskCompletionSource<bool>>();
            private int _limit;
            private int _inFlight;
            private int _successes;
            private long _lastCutAt = -1;
            private long _calls;

            public AdaptiveLimit(int max)
            {
                _max = max;
                _limit = max;
            }

            public int Limit
            {
                get
                {
                    lock (_gate)
                    {
                        return _limit;
                    }
                }
            }

            public Task WaitAsync(CancellationToken ct)
            {
                lock (_gate)
                {
                    if (_inFlight < _limit && _waiters.Count == 0)
                    {
                        _inFlight++;
                        _calls++;
                        return Task.CompletedTask;
                    }

                    var tcs = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _waiters.Enqueue(tcs);
                    if (ct.CanBeCanceled)
                    {
                        var reg = ct.Register(() => tcs.TrySetCanceled(ct));
                        tcs.Task.ContinueWith(_ => reg.Dispose(), TaskScheduler.Default);
                    }

                    return tcs.Task;
                }
            }

            public void Release(bool throttled)
            {
                lock (_gate)
                {
                    _inFlight--;
                    if (throttled)
                    {
                        _successes = 0;

                        // Calls already in flight when we cut were sent at the old rate: one cut per wave, not per call.
                        if (_lastCutAt < 0 || _calls - _lastCutAt >= _limit)
                        {
                            _limit = Math.Max(1, _limit / 2);
                            _lastCutAt = _calls;
                        }
                    }
                    else if (_limit < _max && ++_successes >= _limit)
                    {
                        _limit++;
                        _successes = 0;
                    }

                    while (_inFlight < _limit && _waiters.Count > 0)
                    {
                        var next = _waiters.Dequeue();
                        if (next.TrySetResult(true))
                        {
                            _inFlight++;
                            _calls++;
                        }
                    }
                }
            }
        }

        /// <summary>A bounded hand-over of pages from the paging tasks to one consumer.</summary>
        private sealed class PageBuffer
        {
            private readonly Queue<IReadOnlyList<BackupJob>> _pages = new Queue<IReadOnlyList<BackupJob>>();
            private readonly SemaphoreSlim _space;
            private readonly SemaphoreSlim _items = new SemaphoreSlim(0);
            private Exception? _error;

            public PageBuffer(int capacity)
            {
                _space = new SemaphoreSlim(capacity, capacity);
            }

            public void Add(IReadOnlyList<BackupJob> page, CancellationToken ct)
            {
                _space.Wait(ct);
                lock (_pages)
                {
                    _pages.Enqueue(page);
                }

                _items.Release();
            }

            public void Complete(Exception? error)
            {
                lock (_pages)
                {
                    _error = error;
                }

                _items.Release();
            }

            public async Task<IReadOnlyList<BackupJob>?> TakeAsync(CancellationToken ct)
            {
                await _items.WaitAsync(ct).ConfigureAwait(false);
                lock (_pages)
                {
                    if (_pages.Count > 0)
                    {
                        _space.Release();
                        return _pages.Dequeue();
                    }

                    if (_error != null)
                    {
                        throw _error is OperationCanceledException && !ct.IsCancellationRequested ? new OperationCanceledException(ct) : _error;
                    }

                    return null;
                }
            }
        }
    }
}
