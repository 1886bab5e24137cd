using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>One progress update of a wait: what Write-Progress shows, one line per job.</summary>
    public sealed class JobProgress
    {
        /// <summary>The job id (shown as the status line and used to keep one progress line per job).</summary>
        public string JobId { get; set; } = string.Empty;

        /// <summary>Backup, Restore or Copy.</summary>
        public DrJobType JobType { get; set; }

        /// <summary>The job's state at this poll (COMPLETED_WITH_ISSUES shown as such).</summary>
        public string State { get; set; } = string.Empty;

        /// <summary>Percent done as AWS reports it, when it does.</summary>
        public double? PercentDone { get; set; }

        /// <summary>Time since the wait started.</summary>
        public TimeSpan Elapsed { get; set; }

        /// <summary>Position of the job in the batch (0 for a single wait), so each job gets its own progress id.</summary>
        public int Index { get; set; }

        /// <summary>True for the last update of a job (finished, timed out or given up): write the Completed progress record.</summary>
        public bool IsCompleted { get; set; }

        /// <summary>Jobs of the batch that are no longer waited for (finished, timed out or given up), this one included.</summary>
        public int Done { get; set; }

        /// <summary>Jobs in the batch.</summary>
        public int Total { get; set; }
    }

    /// <summary>How a job's wait ended.</summary>
    public enum JobWaitOutcome
    {
        /// <summary>The job reached a terminal state (COMPLETED, FAILED, ABORTED, EXPIRED, PARTIAL); see the job's state.</summary>
        Finished,

        /// <summary>The deadline passed with the job still running; Error is a DrTimeoutException (JobWaitTimeout) carrying the job.</summary>
        TimedOut,

        /// <summary>Polling the job failed in a way retrying cannot fix (the job does not exist, access denied); Error says why.</summary>
        PollFailed,
    }

    /// <summary>One job whose wait is over, streamed as soon as it is known.</summary>
    public sealed class JobWaitResult
    {
        public JobWaitResult(DrJob job, int index, JobWaitOutcome outcome, Exception? error)
        {
            Job = job;
            Index = index;
            Outcome = outcome;
            Error = error;
        }

        /// <summary>The job as last seen (final when Finished).</summary>
        public DrJob Job { get; }

        /// <summary>Position of the job in the batch given to the waiter.</summary>
        public int Index { get; }

        public JobWaitOutcome Outcome { get; }

        /// <summary>Why the wait ended without the job finishing (TimedOut, PollFailed); null when Finished.</summary>
        public Exception? Error { get; }
    }

    /// <summary>
    /// When a wait polls: fast at first, then backing off by Factor to Max, so a 2 s job is seen done in about
    /// 2 s and an hour-long job costs a poll every Max. Never a fixed interval unless asked for one.
    /// </summary>
    public sealed class PollSchedule
    {
        public PollSchedule(TimeSpan initial, TimeSpan max, double factor = 1.5)
        {
            if (initial <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(initial), initial, "The first poll interval must be positive.");
            }

            if (max < initial)
            {
                throw new ArgumentOutOfRangeException(nameof(max), max, "The longest poll interval must not be shorter than the first.");
            }

            if (factor < 1 || double.IsNaN(factor) || double.IsInfinity(factor))
            {
                throw new ArgumentOutOfRangeException(nameof(factor), factor, "The backoff factor must be 1 or more.");
            }

            Initial = initial;
            Max = max;
            Factor = factor;
        }

        /// <summary>Against AWS: 1 s, 1.5 s, 2.25 s ... up to 30 s between polls.</summary>
        public static PollSchedule Default { get; } = new PollSchedule(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        /// <summary>The same interval every time (what single-job callers that pass an interval ask for).</summary>
        public static PollSchedule Fixed(TimeSpan interval) => new PollSchedule(interval, interval, 1);

        public TimeSpan Initial { get; }
        public TimeSpan Max { get; }
        public double Factor { get; }

        /// <summary>The wait before poll number <paramref name="round"/> (0 = the first poll): min(Max, Initial * Factor^round).</summary>
        public TimeSpan Delay(int round)
        {
            var ms = Initial.TotalMilliseconds * Math.Pow(Factor, Math.Max(0, Math.Min(round, 200)));
            return ms >= Max.TotalMilliseconds ? Max : TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond));
        }

        public override string ToString() => $"{Initial.TotalSeconds:0.###} s x{Factor:0.##} up to {Max.TotalSeconds:0.###} s";
    }

    /// <summary>
    /// Paces the poll calls of one batch: one shared rate that halves when AWS throttles and creeps back up
    /// (+0.5/s) on success (additive increase, multiplicative decrease), so 200 jobs never storm the API.
    /// </summary>
    public sealed class PollPacer
    {
        private readonly object _gate = new object();
        private readonly IAwsClock _clock;
        private double _rate;
        private DateTime _next;

        public PollPacer(IAwsClock clock, double initialRate = 10, double minRate = 0.2, double maxRate = 20)
        {
            _clock = clock ?? throw new ArgumentNullException(nameof(clock));
            if (minRate <= 0 || initialRate < minRate || maxRate < initialRate)
            {
                throw new ArgumentOutOfRangeException(nameof(initialRate), initialRate, "Rates must satisfy 0 < min <= initial <= max.");
            }

            MinRate = minRate;
            MaxRate = maxRate;
            _rate = initialRate;
            _next = DateTime.MinValue;
        }

        public double MinRate { get; }
        public double MaxRate { get; }

        /// <summary>Calls per second allowed now.</summary>
        public double Rate
        {
            get
            {
                lock (_gate)
                {
                    return _rate;
                }
            }
        }

        /// <summary>Times this pacer was told of throttling.</summary>
        public int Throttles { get; private set; }

        /// <summary>Waits for this call's turn (calls are spaced 1/Rate apart); cancellable.</summary>
        public Task WaitTurnAsync(CancellationToken cancellationToken)
        {
            TimeSpan delay;
            lock (_gate)
            {
                var now = _clock.UtcNow;
                var slot = _next > now ? _next : now;
                _next = slot + TimeSpan.FromSeconds(1 / _rate);
                delay = slot - now;
            }

            return delay > TimeSpan.Zero ? _clock.Delay(delay, cancellationToken) : Task.CompletedTask;
        }

        /// <summary>A call went through: raise the rate a little.</summary>
        public void OnSuccess()
        {
            lock (_gate)
            {
                _rate = Math.Min(MaxRate, _rate + 0.5);
            }
        }

        /// <summary>AWS throttled a call: halve the rate and push the next turn out by one (slower) spacing.</summary>
        public void OnThrottled()
        {
            lock (_gate)
            {
                Throttles++;
                _rate = Math.Max(MinRate, _rate / 2);
                var earliest = _clock.UtcNow + TimeSpan.FromSeconds(1 / _rate);
                if (_next < earliest)
                {
                    _next = earliest;
                }
            }
        }

        /// <summary>Tells the pacer how a call ended: success, throttling, or another failure (no change).</summary>
        public void Observe(Exception? error)
        {
            if (error == null)
            {
                OnSuccess();
            }
            else if (error is AwsServiceException aws && RetryPolicy.IsThrottling(aws.ErrorCode ?? string.Empty, aws.StatusCode))
            {
                OnThrottled();
            }
        }
    }

    /// <summary>One poll answer for one job: its fresh state, or why it could not be read this time.</summary>
    public readonly struct JobPollAnswer
    {
        private JobPollAnswer(DrJob? job, Exception? error)
        {
            Job = job;
            Error = error;
        }

        public DrJob? Job { get; }
        public Exception? Error { get; }

        public static JobPollAnswer Of(DrJob job) => new JobPollAnswer(job ?? throw new ArgumentNullException(nameof(job)), null);

        public static JobPollAnswer Failed(Exception error) => new JobPollAnswer(null, error ?? throw new ArgumentNullException(nameof(error)));
    }

    /// <summary>Reads the current state of the jobs still waited for, all at once, so a source can batch (list calls) and pace them.</summary>
    public interface IJobSource
    {
        /// <summary>One answer per job of <paramref name="pending"/>, in the same order; a failed read is an answer, never an exception.</summary>
        Task<IReadOnlyList<JobPollAnswer>> PollAsync(IReadOnlyList<DrJob> pending, PollPacer pacer, CancellationToken cancellationToken);
    }

    /// <summary>Everything a batch wait needs besides the jobs and the source.</summary>
    public sealed class JobWaitOptions
    {
        /// <summary>How long to wait in all; null = no limit. Must be positive when given.</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>When the timeout started counting (a cmdlet that waits twice gives its first wait's start); default: now.</summary>
        public DateTime? Started { get; set; }

        public PollSchedule Schedule { get; set; } = PollSchedule.Default;

        public IProgress<JobProgress>? Progress { get; set; }

        public IAwsClock Clock { get; set; } = SystemClock.Instance;

        /// <summary>The pacer shared by the batch's polls; default: a new one on Clock.</summary>
        public PollPacer? Pacer { get; set; }
    }

    /// <summary>
    /// Waits for backup, restore and copy jobs by polling: one batch, one shared pacer, a failed poll retried at
    /// the next round and never fatal to the batch, each job streamed as soon as it finishes, every job still
    /// running at the deadline a JobWaitTimeout, cancellable at once.
    /// </summary>
    public static class JobWaiter
    {
        /// <summary>
        /// Waits for every job and streams each one as its wait ends (Finished, TimedOut or PollFailed), so no job is
        /// lost: the results account for every input job exactly once. Throws only on cancellation.
        /// </summary>
        public static async IAsyncEnumerable<JobWaitResult> WaitAllAsync(IReadOnlyList<DrJob> jobs, IJobSource source, JobWaitOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (jobs == null || source == null)
            {
                throw new ArgumentNullException(jobs == null ? nameof(jobs) : nameof(source));
            }

            options ??= new JobWaitOptions();
            var timeout = options.Timeout;
            if (timeout != null && timeout.Value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(options), timeout, "The timeout must be positive.");
            }

            var clock = options.Clock ?? SystemClock.Instance;
            var schedule = options.Schedule ?? PollSchedule.Default;
            var pacer = options.Pacer ?? new PollPacer(clock);
            var progress = options.Progress;
            var started = options.Started ?? clock.UtcNow;
            // HugeTimeoutLeaksArgumentOutOfRange regression: -Timeout ([TimeSpan]::MaxValue) overflowed the deadline; a
            // timeout beyond the calendar is no limit.
            var deadline = timeout == null || timeout.Value >= DateTime.MaxValue - started ? (DateTime?)null : started + timeout.Value;
            var total = jobs.Count;
            var done = 0;
            var lastErrors = new Dictionary<int, Exception>();

            var pending = new List<(int Index, DrJob Job)>();
            for (var i = 0; i < jobs.Count; i++)
            {
                var job = jobs[i] ?? throw new ArgumentNullException(nameof(jobs), $"Job {i} is null.");
                if (job.IsTerminal)
                {
                    done++;
                    Report(job, i, true);
                    yield return new JobWaitResult(job, i, JobWaitOutcome.Finished, null);
                }
                else
                {
                    Report(job, i, false);
                    pending.Add((i, job));
                }
            }

            var round = 0;
            var failedRounds = 0;
            while (pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // After a round with failed polls, poll again soon (and back off again) instead of at the long interval.
                var delay = failedRounds > 0 ? schedule.Delay(failedRounds - 1) : schedule.Delay(round);
                if (deadline != null)
                {
                    var remaining = deadline.Value - clock.UtcNow;
                    if (remaining <= TimeSpan.Zero)
                    {
                        foreach (var (index, job) in pending)
                        {
                            done++;
                            Report(job, index, true);
                            lastErrors.TryGetValue(index, out var last);
                            yield return new JobWaitResult(job, index, JobWaitOutcome.TimedOut, new DrTimeoutException(job, timeout!.Value, last));
                        }

                        yield break;
                    }

                    if (remaining < delay)
                    {
                        delay = remaining;
                    }
                }

                await clock.Delay(delay, cancellationToken).ConfigureAwait(false);
                var answers = await source.PollAsync(pending.ConvertAll(p => p.Job), pacer, cancellationToken).ConfigureAwait(false);
                if (answers == null || answers.Count != pending.Count)
                {
                    throw new InvalidOperationException($"The job source answered {answers?.Count ?? 0} polls for {pending.Count} jobs.");
                }

                var anyFailed = false;
                var next = new List<(int Index, DrJob Job)>(pending.Count);
                for (var k = 0; k < pending.Count; k++)
                {
                    var (index, job) = pending[k];
                    var answer = answers[k];
                    if (answer.Error != null)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (IsTransient(answer.Error))
                        {
                            anyFailed = true;
                            lastErrors[index] = answer.Error;
                            next.Add((index, job));
                            continue;
                        }

                        done++;
                        Report(job, index, true);
                        yield return new JobWaitResult(job, index, JobWaitOutcome.PollFailed, answer.Error);
                        continue;
                    }

                    var fresh = answer.Job!;
                    if (string.IsNullOrEmpty(fresh.Region))
                    {
                        fresh.Region = job.Region;
                    }

                    lastErrors.Remove(index);
                    if (fresh.IsTerminal)
                    {
                        done++;
                        Report(fresh, index, true);
                        yield return new JobWaitResult(fresh, index, JobWaitOutcome.Finished, null);
                    }
                    else
                    {
                        Report(fresh, index, false);
                        next.Add((index, fresh));
                    }
                }

                pending = next;
                round++;
                failedRounds = anyFailed ? failedRounds + 1 : 0;
            }

            void Report(DrJob job, int index, bool completed) => progress?.Report(new JobProgress
            {
                JobId = job.JobId,
                JobType = job.JobType,
                State = job.Status,
                PercentDone = job.IsTerminal && job.Succeeded ? 100 : job.PercentDone,
                Elapsed = clock.UtcNow - started,
                Index = index,
                IsCompleted = completed,
                Done = done,
                Total = total,
            });
        }

        /// <summary>
        /// Waits for one job, polling <paramref name="refresh"/> every <paramref name="pollInterval"/>; throws
        /// DrTimeoutException after <paramref name="timeout"/>, and the poll error when polling cannot go on.
        /// </summary>
        public static async Task<DrJob> WaitAsync(DrJob job, Func<DrJob, CancellationToken, Task<DrJob>> refresh, TimeSpan pollInterval, TimeSpan? timeout, IProgress<JobProgress>? progress, IAwsClock clock, CancellationToken cancellationToken)
        {
            if (job == null || refresh == null || clock == null)
            {
                throw new ArgumentNullException(job == null ? nameof(job) : refresh == null ? nameof(refresh) : nameof(clock));
            }

            var options = new JobWaitOptions { Timeout = timeout, Schedule = PollSchedule.Fixed(pollInterval), Progress = progress, Clock = clock };
            await foreach (var result in WaitAllAsync(new[] { job }, new DelegateJobSource(refresh), options, cancellationToken).ConfigureAwait(false))
            {
                if (result.Outcome == JobWaitOutcome.Finished)
                {
                    return result.Job;
                }

                throw result.Error!;
            }

            throw new InvalidOperationException("The wait ended without a result.");
        }

        /// <summary>Reads the job again with the Describe call that fits its type.</summary>
        public static async Task<DrJob> RefreshAsync(IBackupApi api, DrJob job, CancellationToken cancellationToken)
        {
            if (api == null || job == null)
            {
                throw new ArgumentNullException(api == null ? nameof(api) : nameof(job));
            }

            switch (job.JobType)
            {
                case DrJobType.Backup:
                    return await api.DescribeBackupJobAsync(job.JobId, cancellationToken).ConfigureAwait(false);
                case DrJobType.Restore:
                    return await api.DescribeRestoreJobAsync(job.JobId, cancellationToken).ConfigureAwait(false);
                case DrJobType.Copy:
                    return await api.DescribeCopyJobAsync(job.JobId, cancellationToken).ConfigureAwait(false);
                default:
                    throw new ArgumentOutOfRangeException(nameof(job), job.JobType, "Unknown job type.");
            }
        }

        /// <summary>
        /// A poll failure worth another poll: throttling, 5xx, timeouts and network failures (after the transport's own
        /// retries). Anything else (not found, access denied) ends that job's wait with the error.
        /// </summary>
        public static bool IsTransient(Exception error)
        {
            switch (error)
            {
                case AwsServiceException aws:
                    return aws.StatusCode == 0 || RetryPolicy.IsRetryable(aws.ErrorCode ?? string.Empty, aws.StatusCode);
                case TimeoutException _:
                case HttpRequestException _:
                case IOException _:
                    return true;
                case AggregateException agg when agg.InnerException != null:
                    return IsTransient(agg.InnerException);
                default:
                    return false;
            }
        }

        /// <summary>Reads one job with <paramref name="read"/> after its turn from the pacer, and tells the pacer how it went.</summary>
        internal static async Task<JobPollAnswer> PacedReadAsync(Func<CancellationToken, Task<DrJob>> read, PollPacer pacer, CancellationToken cancellationToken)
        {
            await pacer.WaitTurnAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var job = await read(cancellationToken).ConfigureAwait(false);
                pacer.Observe(null);
                return JobPollAnswer.Of(job);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                pacer.Observe(ex);
                return JobPollAnswer.Failed(ex);
            }
        }
    }

    /// <summary>Polls each job with a refresh function, one paced call at a time (tests, single waits).</summary>
    public sealed class DelegateJobSource : IJobSource
    {
        private readonly Func<DrJob, CancellationToken, Task<DrJob>> _refresh;

        public DelegateJobSource(Func<DrJob, CancellationToken, Task<DrJob>> refresh)
        {
            _refresh = refresh ?? throw new ArgumentNullException(nameof(refresh));
        }

        public async Task<IReadOnlyList<JobPollAnswer>> PollAsync(IReadOnlyList<DrJob> pending, PollPacer pacer, CancellationToken cancellationToken)
        {
            var answers = new List<JobPollAnswer>(pending.Count);
            foreach (var job in pending)
            {
                answers.Add(await JobWaiter.PacedReadAsync(ct => _refresh(job, ct), pacer, cancellationToken).ConfigureAwait(false));
            }

            return answers;
        }
    }

    /// <summary>
    /// Polls jobs through AWS Backup: per region and job type, three or more jobs are read with one List call
    /// (ListBackupJobs/ListRestoreJobs/ListCopyJobs created after the oldest, up to 1000 a page) instead of one
    /// Describe each; the rest, and jobs the listing does not show, are described one by one. Every call is paced.
    /// </summary>
    public sealed class BackupJobSource : IJobSource
    {
        private readonly Func<string, IBackupApi> _apiForRegion;
        private readonly HashSet<string> _listRefused = new HashSet<string>(StringComparer.Ordinal);

        /// <param name="apiForRegion">The Backup client of a region (a job's Region; empty means the session's region).</param>
        public BackupJobSource(Func<string, IBackupApi> apiForRegion)
        {
            _apiForRegion = apiForRegion ?? throw new ArgumentNullException(nameof(apiForRegion));
        }

        /// <summary>Groups (region and job type) of at least this many jobs are read with a List call.</summary>
        public int ListThreshold { get; set; } = 3;

        /// <summary>A listing is read at most this far (items) looking for the jobs; the ones not seen are described.</summary>
        public int MaxListedItems { get; set; } = 5000;

        /// <summary>How far before the oldest job's creation the listing starts (clock differences between calls).</summary>
        public TimeSpan ListMargin { get; set; } = TimeSpan.FromMinutes(5);

        public async Task<IReadOnlyList<JobPollAnswer>> PollAsync(IReadOnlyList<DrJob> pending, PollPacer pacer, CancellationToken cancellationToken)
        {
            var answers = new JobPollAnswer?[pending.Count];
            var groups = Enumerable.Range(0, pending.Count).GroupBy(i => (pending[i].Region ?? string.Empty, pending[i].JobType));
            foreach (var group in groups)
            {
                var (region, type) = group.Key;
                var indexes = group.ToList();
                var api = _apiForRegion(region);
                var key = region + "/" + type;
                var toDescribe = indexes;
                if (indexes.Count >= ListThreshold && !_listRefused.Contains(key) && indexes.All(i => pending[i].CreationDate != null))
                {
                    toDescribe = new List<int>();
                    var byId = new Dictionary<string, int>(StringComparer.Ordinal);
                    foreach (var i in indexes)
                    {
                        byId[pending[i].JobId] = i;
                    }

                    var after = indexes.Min(i => pending[i].CreationDate!.Value) - ListMargin;
                    var listError = await ListAsync(api, type, after, byId, pending, answers, pacer, cancellationToken).ConfigureAwait(false);
                    if (listError != null && JobWaiter.IsTransient(listError))
                    {
                        // Describing each job instead would multiply the calls into a service that is already struggling.
                        foreach (var i in byId.Values)
                        {
                            answers[i] = JobPollAnswer.Failed(listError);
                        }
                    }
                    else
                    {
                        if (listError != null)
                        {
                            _listRefused.Add(key);
                        }

                        toDescribe.AddRange(byId.Values.OrderBy(i => i));
                    }
                }

                foreach (var i in toDescribe)
                {
                    var job = pending[i];
                    answers[i] = await JobWaiter.PacedReadAsync(ct => JobWaiter.RefreshAsync(api, job, ct), pacer, cancellationToken).ConfigureAwait(false);
                }
            }

            return answers.Select(a => a!.Value).ToList();
        }

        /// <summary>Reads the listing until every job of <paramref name="byId"/> is seen (removing each found one); returns the error that ended it, if any.</summary>
        private async Task<Exception?> ListAsync(IBackupApi api, DrJobType type, DateTime after, Dictionary<string, int> byId, IReadOnlyList<DrJob> pending, JobPollAnswer?[] answers, PollPacer pacer, CancellationToken cancellationToken)
        {
            await pacer.WaitTurnAsync(cancellationToken).ConfigureAwait(false);
            var seen = 0;
            try
            {
                await foreach (var item in List(api, type, after, cancellationToken).ConfigureAwait(false))
                {
                    if (byId.TryGetValue(item.JobId, out var i))
                    {
                        answers[i] = JobPollAnswer.Of(JobRecords.Overlay(item, pending[i]));
                        byId.Remove(item.JobId);
                    }

                    if (byId.Count == 0 || ++seen >= MaxListedItems)
                    {
                        break;
                    }
                }

                pacer.Observe(null);
                return null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                pacer.Observe(ex);
                return ex;
            }
        }

        private static IAsyncEnumerable<DrJob> List(IBackupApi api, DrJobType type, DateTime after, CancellationToken cancellationToken)
        {
            switch (type)
            {
                case DrJobType.Backup:
                    return Cast(api.ListBackupJobsAsync(new BackupJobFilter { CreatedAfter = after, MaxResults = 1000 }, cancellationToken), cancellationToken);
                case DrJobType.Restore:
                    return Cast(api.ListRestoreJobsAsync(new JobListFilter { CreatedAfter = after, MaxResults = 1000 }, cancellationToken), cancellationToken);
                case DrJobType.Copy:
                    return Cast(api.ListCopyJobsAsync(new JobListFilter { CreatedAfter = after, MaxResults = 1000 }, cancellationToken), cancellationToken);
                default:
                    throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown job type.");
            }
        }

        private static async IAsyncEnumerable<DrJob> Cast<T>(IAsyncEnumerable<T> items, [EnumeratorCancellation] CancellationToken cancellationToken)
            where T : DrJob
        {
            await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
    }

    /// <summary>Merging what a listing says about a job with what an earlier Describe said.</summary>
    public static class JobRecords
    {
        // A listing may leave these out because they are no longer true (a message that went away), so they are never carried over.
        private static readonly HashSet<string> Volatile = new HashSet<string>(StringComparer.Ordinal)
        {
            nameof(DrJob.State), nameof(DrJob.StatusMessage), nameof(DrJob.MessageCategory), nameof(DrJob.PercentDone), nameof(DrJob.CompletionDate),
        };

        /// <summary>
        /// Returns <paramref name="fresh"/> with the properties a List answer lacks (null or empty; e.g. the lifecycle and
        /// encryption of a backup job, which only Describe returns) taken from <paramref name="previous"/>.
        /// </summary>
        public static DrJob Overlay(DrJob fresh, DrJob previous)
        {
            if (fresh == null || previous == null || fresh.GetType() != previous.GetType())
            {
                return fresh!;
            }

            foreach (var p in fresh.GetType().GetProperties())
            {
                if (!p.CanRead || !p.CanWrite || p.GetIndexParameters().Length > 0 || Volatile.Contains(p.Name))
                {
                    continue;
                }

                var value = p.GetValue(fresh);
                if (value == null || (value is string s && s.Length == 0))
                {
                    var old = p.GetValue(previous);
                    if (old != null)
                    {
                        p.SetValue(fresh, old);
                    }
                }
            }

            return fresh;
        }
    }
}
