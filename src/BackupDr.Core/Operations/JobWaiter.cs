using System;
using System.Collections.Generic;
using System.Linq;
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

        /// <summary>Position of the job in a WaitAll batch (0 for a single wait), so each job gets its own progress id.</summary>
        public int Index { get; set; }

        /// <summary>True for the last update of a job (write the Completed progress record).</summary>
        public bool IsCompleted { get; set; }
    }

    /// <summary>Waits for backup, restore and copy jobs by polling; cancellable at once and bounded by a timeout.</summary>
    public static class JobWaiter
    {
        /// <summary>
        /// Polls <paramref name="refresh"/> every <paramref name="pollInterval"/> until the job is terminal, reporting
        /// progress each time; throws DrTimeoutException after <paramref name="timeout"/> and stops at once on cancellation.
        /// </summary>
        public static Task<DrJob> WaitAsync(DrJob job, Func<DrJob, CancellationToken, Task<DrJob>> refresh, TimeSpan pollInterval, TimeSpan? timeout, IProgress<JobProgress>? progress, IAwsClock clock, CancellationToken cancellationToken) =>
            WaitAsync(job, refresh, pollInterval, timeout, progress, clock, 0, cancellationToken);

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
        /// Waits for many jobs concurrently (one progress line each, told apart by Index) and returns them in input
        /// order; the first failure (timeout, AWS error) cancels the other waits and is rethrown.
        /// </summary>
        public static async Task<IReadOnlyList<DrJob>> WaitAllAsync(IReadOnlyList<DrJob> jobs, Func<DrJob, CancellationToken, Task<DrJob>> refresh, TimeSpan pollInterval, TimeSpan? timeout, IProgress<JobProgress>? progress, IAwsClock clock, CancellationToken cancellationToken)
        {
            if (jobs == null)
            {
                throw new ArgumentNullException(nameof(jobs));
            }

            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var tasks = jobs.Select((j, i) => WaitOneCancellingOthers(j, i, linked)).ToList();
                try
                {
                    return await Task.WhenAll(tasks).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // A sibling failed and cancelled the rest: surface the real failure, not the cancellation.
                    var failed = tasks.FirstOrDefault(t => t.IsFaulted);
                    if (failed?.Exception != null)
                    {
                        throw failed.Exception.InnerException ?? failed.Exception;
                    }

                    throw;
                }
            }

            async Task<DrJob> WaitOneCancellingOthers(DrJob job, int index, CancellationTokenSource linked)
            {
                try
                {
                    return await WaitAsync(job, refresh, pollInterval, timeout, progress, clock, index, linked.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    linked.Cancel();
                    throw;
                }
            }
        }

        private static async Task<DrJob> WaitAsync(DrJob job, Func<DrJob, CancellationToken, Task<DrJob>> refresh, TimeSpan pollInterval, TimeSpan? timeout, IProgress<JobProgress>? progress, IAwsClock clock, int index, CancellationToken cancellationToken)
        {
            if (job == null || refresh == null || clock == null)
            {
                throw new ArgumentNullException(job == null ? nameof(job) : refresh == null ? nameof(refresh) : nameof(clock));
            }

            if (pollInterval <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(pollInterval), pollInterval, "The poll interval must be positive.");
            }

            var started = clock.UtcNow;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var elapsed = clock.UtcNow - started;
                progress?.Report(new JobProgress
                {
                    JobId = job.JobId,
                    JobType = job.JobType,
                    State = job.Status,
                    PercentDone = job.IsTerminal && job.Succeeded ? 100 : job.PercentDone,
                    Elapsed = elapsed,
                    Index = index,
                    IsCompleted = job.IsTerminal,
                });

                if (job.IsTerminal)
                {
                    return job;
                }

                var delay = pollInterval;
                if (timeout != null)
                {
                    var remaining = timeout.Value - elapsed;
                    if (remaining <= TimeSpan.Zero)
                    {
                        throw new DrTimeoutException(job.JobId, timeout.Value, job.Status);
                    }

                    if (remaining < delay)
                    {
                        delay = remaining;
                    }
                }

                await clock.Delay(delay, cancellationToken).ConfigureAwait(false);
                job = await refresh(job, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
