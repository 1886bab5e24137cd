using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Base of every cmdlet that waits for jobs (Wait-DrJob and the -Wait of Start-DrBackup, Restore-DrResource and
    /// Copy-DrRecoveryPoint): -Timeout, and the one wait path. The waiting itself is JobWaiter's (Core); this class
    /// only adapts it to the pipeline: each job written as it finishes, a JobWaitTimeout error record per job still
    /// running at the deadline, one progress line per job, and after Ctrl+C a warning naming the jobs left running.
    /// </summary>
    public abstract class DrJobWaitCmdlet : DrAwsCmdlet
    {
        /// <summary>Progress activity id of a wait's summary line; each job's line is a child of it.</summary>
        protected const int WaitActivityId = 0x0DB0;

        // Jobs started or taken in by this call and not yet written (as a job or an error): what Ctrl+C would lose.
        private readonly List<DrJob> _unreported = new List<DrJob>();
        private readonly Dictionary<int, ProgressRecord> _progress = new Dictionary<int, ProgressRecord>();
        private static long s_progressSources;
        private long _progressSource;
        private DateTime? _waitStarted;
        private bool _stopReported;

        /// <summary>How long to wait in all (seconds or a TimeSpan); default: no limit. Checked before anything is sent.</summary>
        [Parameter]
        [SecondsToTimeSpan]
        [ValidatePositiveTimeSpan]
        public TimeSpan? Timeout { get; set; }

        /// <summary>Notes a job this call started (or took in) and has not written yet, so Ctrl+C can name it.</summary>
        protected void TrackJob(DrJob job)
        {
            if (job != null && !_unreported.Any(j => SameJob(j, job)))
            {
                _unreported.Add(job);
            }
        }

        /// <summary>
        /// Waits for <paramref name="jobs"/> and writes each one as it finishes (a job that did not succeed is also an
        /// error record); a job still running at the deadline (-Timeout, counted from this call's first wait) is a
        /// JobWaitTimeout error record carrying the job. <paramref name="onFinished"/> runs on the pipeline thread
        /// after each finished job is written.
        /// </summary>
        protected void WaitForJobs(IReadOnlyList<DrJob> jobs, string activity, Action<DrJob>? onFinished = null)
        {
            if (jobs == null || jobs.Count == 0)
            {
                return;
            }

            foreach (var job in jobs)
            {
                TrackJob(job);
            }

            _waitStarted ??= DateTime.UtcNow;
            var options = new JobWaitOptions
            {
                Timeout = Timeout,
                Started = _waitStarted,
                Schedule = DrState.PollSchedule,
                Progress = new SyncProgress<JobProgress>(p => Post(() => ShowProgress(p, activity))),
            };
            WriteDebug($"Waiting for {jobs.Count} job(s); polls {options.Schedule}{(Timeout == null ? string.Empty : $", timeout {Timeout}")}.");

            // Resolved here, on the pipeline thread: resolution may write verbose records or terminate.
            var clients = Clients;
            var source = new BackupJobSource(region => clients.ForRegion(string.IsNullOrEmpty(region) ? clients.Context.Region : region).Backup);
            try
            {
                Stream(ct => JobWaiter.WaitAllAsync(jobs, source, options, ct), result =>
                {
                    Untrack(result.Job);
                    if (result.Outcome == JobWaitOutcome.Finished)
                    {
                        WriteJobOutcome(result.Job);
                        onFinished?.Invoke(result.Job);
                    }
                    else
                    {
                        WriteError(DrErrorRecords.From(result.Error!, result.Job));
                    }
                });
            }
            finally
            {
                CompleteProgress();
            }
        }

        /// <summary>Progress for an operation that waits through JobWaiter itself (a drill): the same lines WaitForJobs shows.</summary>
        /// Once Ctrl+C is pressed the updates are dropped: the operation may still be cleaning up, and a refused write must not end the pump.
        protected IProgress<JobProgress> WaitProgress(string activity) => new SyncProgress<JobProgress>(p => Post(() =>
        {
            if (!CancellationToken.IsCancellationRequested)
            {
                ShowProgress(p, activity);
            }
        }));

        /// <summary>Closes the progress lines <see cref="WaitProgress"/> opened.</summary>
        protected void CompleteWaitProgress() => CompleteProgress();

        /// <summary>Writes a finished job; one that did not succeed is also a {Type}JobFailed/{Type}JobAborted error carrying it.</summary>
        protected void WriteJobOutcome(DrJob job)
        {
            WriteObject(job);
            if (!job.Succeeded)
            {
                WriteError(DrErrorRecords.From(new DrJobFailedException(job), job));
            }
            else if (job.CompletedWithIssues)
            {
                WriteWarning($"{job.JobType} job {job.JobId} completed with issues ({job.MessageCategory}): {job.StatusMessage}");
            }
        }

        /// <summary>Ctrl+C: name every job started or waited for that was not written, and close every progress line.</summary>
        protected override void OnStopping()
        {
            if (_stopReported)
            {
                return;
            }

            _stopReported = true;
            if (_unreported.Count > 0)
            {
                var list = string.Join(", ", _unreported.Select(j => $"{j.JobType.ToString().ToLowerInvariant()} job {j.JobId}{(string.IsNullOrEmpty(j.ResourceArn) ? string.Empty : $" ({j.ResourceArn})")}"));
                var byType = _unreported.GroupBy(j => (j.JobType, j.Region)).Select(g => $"Wait-DrJob -JobType {g.Key.JobType}{(string.IsNullOrEmpty(g.Key.Region) ? string.Empty : " -Region " + g.Key.Region)} -JobId {string.Join(",", g.Select(j => j.JobId))}");
                var text = $"Stopped: {_unreported.Count} job(s) keep running in AWS and were not written: {list}. To wait for them: {string.Join("; ", byType)}";
                try
                {
                    // Once Ctrl+C is pressed PowerShell refuses every stream write (WriteWarning included), so the
                    // warning goes to the host directly: the console shows it, a transcript records it.
                    if (!WarningsSilenced())
                    {
                        Host?.UI?.WriteWarningLine(text);
                    }
                }
                catch (Exception ex) when (ex is PipelineStoppedException || ex is InvalidOperationException || ex is NotImplementedException || ex is System.Management.Automation.Host.HostException)
                {
                    // A host without a UI: nothing more can be said.
                }
            }

            CompleteProgress();
        }

        private bool WarningsSilenced()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WarningAction", out var action) && action is ActionPreference bound)
            {
                return bound == ActionPreference.SilentlyContinue || bound == ActionPreference.Ignore;
            }

            var preference = GetVariableValue("WarningPreference");
            return preference is ActionPreference p && (p == ActionPreference.SilentlyContinue || p == ActionPreference.Ignore);
        }

        private void Untrack(DrJob job) => _unreported.RemoveAll(j => SameJob(j, job));

        private static bool SameJob(DrJob a, DrJob b) => a.JobType == b.JobType && string.Equals(a.JobId, b.JobId, StringComparison.Ordinal);

        private void ShowProgress(JobProgress p, string activity)
        {
            if (!_progress.TryGetValue(-1, out var summary))
            {
                summary = new ProgressRecord(WaitActivityId, activity, "Starting");
                _progress[-1] = summary;
            }

            summary.StatusDescription = $"{p.Done} of {p.Total} job(s) done, {Elapsed(p.Elapsed)} elapsed";
            summary.PercentComplete = p.Total == 0 ? -1 : Math.Min(100, p.Done * 100 / p.Total);
            summary.RecordType = ProgressRecordType.Processing;
            WriteProgressRecord(summary);

            if (!_progress.TryGetValue(p.Index, out var record))
            {
                record = new ProgressRecord(WaitActivityId + 1 + p.Index, $"{p.JobType} job {p.JobId}", "Starting") { ParentActivityId = WaitActivityId };
                _progress[p.Index] = record;
            }

            var percent = p.PercentDone.HasValue ? $" {p.PercentDone.Value:0}%" : string.Empty;
            record.StatusDescription = $"{p.State}{percent}, {Elapsed(p.Elapsed)} elapsed";
            record.PercentComplete = p.PercentDone.HasValue ? (int)Math.Max(0, Math.Min(100, p.PercentDone.Value)) : -1;
            record.RecordType = p.IsCompleted ? ProgressRecordType.Completed : ProgressRecordType.Processing;
            WriteProgressRecord(record);
        }

        /// <summary>Writes a Completed record for every line still open (children first), and forgets them.</summary>
        private void CompleteProgress()
        {
            foreach (var entry in _progress.OrderByDescending(e => e.Key))
            {
                if (entry.Value.RecordType != ProgressRecordType.Completed)
                {
                    entry.Value.RecordType = ProgressRecordType.Completed;
                    WriteProgressRecord(entry.Value);
                }
            }

            _progress.Clear();
        }

        /// <summary>
        /// Writes progress under this call's own source id. Once Ctrl+C is pressed PowerShell refuses every stream
        /// write, so the Completed records then go to the host directly, under the same source id, and the host
        /// closes the bars it shows.
        /// </summary>
        private void WriteProgressRecord(ProgressRecord record)
        {
            if (_progressSource == 0)
            {
                _progressSource = (0x0DB0L << 32) + Interlocked.Increment(ref s_progressSources);
            }

            // A copy each time: hosts and $ps.Streams.Progress keep the records they are given.
            var copy = new ProgressRecord(record.ActivityId, record.Activity, record.StatusDescription)
            {
                ParentActivityId = record.ParentActivityId,
                PercentComplete = record.PercentComplete,
                RecordType = record.RecordType,
            };
            try
            {
                CommandRuntime.WriteProgress(_progressSource, copy);
            }
            catch (PipelineStoppedException) when (copy.RecordType == ProgressRecordType.Completed)
            {
                try
                {
                    if (!(GetVariableValue("ProgressPreference") is ActionPreference p && (p == ActionPreference.SilentlyContinue || p == ActionPreference.Ignore)))
                    {
                        Host?.UI?.WriteProgress(_progressSource, copy);
                    }
                }
                catch (Exception ex) when (ex is InvalidOperationException || ex is NotImplementedException || ex is System.Management.Automation.Host.HostException)
                {
                    // A host without a UI shows no bars to close.
                }
            }
        }

        private static string Elapsed(TimeSpan elapsed) => elapsed.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
    }
}
