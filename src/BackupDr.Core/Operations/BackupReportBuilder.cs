using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>Get-DrBackupReport's parameters, typed.</summary>
    public sealed class BackupReportOptions
    {
        /// <summary>Start of the window (UTC); default: 7 days before now.</summary>
        public DateTime? Since { get; set; }

        /// <summary>Regions to report on, listed in parallel.</summary>
        public IList<string> Regions { get; set; } = new List<string>();

        /// <summary>Only jobs of this vault.</summary>
        public string? BackupVaultName { get; set; }

        /// <summary>Failed jobs listed in full; the rest are counted only (bounded memory).</summary>
        public int MaxFailedJobs { get; set; } = 1000;

        /// <summary>ListBackupJobs ByAccountId: one 12-digit account, or '*' (all accounts of the organization, from its management account).</summary>
        public string? AccountId { get; set; }

        /// <summary>How the window is sliced and paged (concurrency, page sizes); null = the defaults.</summary>
        public BackupJobSlicerOptions? Slicing { get; set; }
    }

    /// <summary>
    /// Builds a BackupReport by slicing each region's window by creation time and paging the slices concurrently
    /// (BackupJobSlicer), aggregating each page as it arrives: memory grows with resources and days, never with the
    /// number of jobs (1,000,000 jobs are fine). The window is [Since, now]: a job created exactly at Since counts.
    /// </summary>
    public sealed class BackupReportBuilder
    {
        /// <summary>How long AWS Backup keeps job history; a window reaching further back is incomplete by nature.</summary>
        public static readonly TimeSpan JobHistoryRetention = TimeSpan.FromDays(30);

        /// <summary>Default report window.</summary>
        public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(7);

        private readonly Func<string, IBackupApi> _apiForRegion;
        private readonly IAwsClock _clock;

        /// <summary>The factory gives a Backup client per region (the cmdlet builds them from one AwsContext).</summary>
        public BackupReportBuilder(Func<string, IBackupApi> apiForRegion, IAwsClock? clock = null)
        {
            _apiForRegion = apiForRegion ?? throw new ArgumentNullException(nameof(apiForRegion));
            _clock = clock ?? SystemClock.Instance;
        }

        /// <summary>
        /// Validates the options (before any call), lists every region concurrently and merges the results; a failing
        /// region is recorded in RegionErrors (IsComplete false) while the others still report. Cancellation stops all.
        /// </summary>
        public Task<BackupReport> BuildAsync(BackupReportOptions options, CancellationToken cancellationToken) =>
            BuildAsync(options, null, cancellationToken);

        /// <summary>As <see cref="BuildAsync(BackupReportOptions, CancellationToken)"/>, reporting pages and jobs so far (from worker threads).</summary>
        public async Task<BackupReport> BuildAsync(BackupReportOptions options, IProgress<BackupJobSliceProgress>? progress, CancellationToken cancellationToken)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            var now = _clock.UtcNow;
            var since = options.Since ?? now - DefaultWindow;
            SinceParser.EnsureNotInFuture(since, now);
            var regions = options.Regions.Where(r => !string.IsNullOrWhiteSpace(r)).Distinct(StringComparer.Ordinal).ToList();
            if (regions.Count == 0)
            {
                throw new DrValidationException("RegionRequired", "Region", null, "Give at least one -Region to report on.");
            }

            if (options.MaxFailedJobs < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.MaxFailedJobs, "MaxFailedJobs must be 0 or more.");
            }

            var warnings = new List<string>();
            if (now - since > JobHistoryRetention)
            {
                warnings.Add($"-Since {since:u} is more than 30 days ago; AWS Backup keeps only 30 days of job history, so older jobs are not in this report.");
            }

            var accumulators = regions.Select(r => new Accumulator(r, options.MaxFailedJobs)).ToList();
            var units = new List<BackupJobSliceUnit>();
            foreach (var a in accumulators)
            {
                IBackupApi api;
                try
                {
                    api = _apiForRegion(a.Region);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    a.Error = ErrorOf(a, ex);
                    continue;
                }

                var filter = new BackupJobFilter { BackupVaultName = options.BackupVaultName, AccountId = options.AccountId };
                units.Add(new BackupJobSliceUnit(a.Region, api, filter, since, null));
            }

            var byUnit = units.ToDictionary(u => u, u => accumulators.First(a => a.Region == u.Key));
            var slicer = new BackupJobSlicer(options.Slicing, _clock);
            await slicer.RunAsync(units, (unit, jobs) =>
            {
                var acc = byUnit[unit];
                lock (acc)
                {
                    foreach (var job in jobs)
                    {
                        acc.Add(job);
                    }
                }
            }, progress, cancellationToken).ConfigureAwait(false);

            foreach (var unit in units)
            {
                var acc = byUnit[unit];
                if (unit.Error != null)
                {
                    acc.Error = ErrorOf(acc, unit.Error);
                }
                else if (acc.Total == 0 && options.BackupVaultName != null)
                {
                    try
                    {
                        acc.VaultMissing = await BackupVaultCheck.IsMissingAsync(unit.Api, options.BackupVaultName, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException) || !cancellationToken.IsCancellationRequested)
                    {
                        acc.Error = ErrorOf(acc, ex);
                    }
                }
            }

            if (options.BackupVaultName != null)
            {
                var missing = accumulators.Where(a => a.VaultMissing).Select(a => a.Region).ToList();
                if (missing.Count == accumulators.Count)
                {
                    // Not one region has the vault: the report could only say "0 jobs", which reads as "all fine".
                    throw BackupVaultCheck.NotFound(options.BackupVaultName, missing);
                }

                warnings.AddRange(missing.Select(r => BackupVaultCheck.MissingInRegionWarning(options.BackupVaultName, r)));
            }

            var merged = new Accumulator(string.Empty, options.MaxFailedJobs);
            foreach (var a in accumulators)
            {
                merged.Merge(a);
            }

            if (accumulators.Any(a => a.Error != null))
            {
                warnings.Add("Some regions could not be listed completely; the totals are a lower bound. See RegionErrors.");
            }

            return merged.ToReport(since, now, options.BackupVaultName, regions, accumulators.Where(a => a.Error != null).Select(a => a.Error!).ToList(), warnings);
        }

        private static RegionError ErrorOf(Accumulator acc, Exception ex) => new RegionError
        {
            Region = acc.Region,
            ErrorId = ex is AwsServiceException aws ? aws.ErrorCode : ex is DrException dr ? dr.ErrorId : ex.GetType().Name,
            Kind = ex is AwsServiceException a2 ? DrErrors.KindOf(a2) : ex is DrException d2 ? d2.Kind : DrErrorKind.InvalidOperation,
            Message = ex.Message,
            JobsCountedBeforeFailure = acc.Total,
            Exception = ex,
        };

        /// <summary>Per-region running totals, fed page by page under its own lock; merged after all regions finish.</summary>
        private sealed class Accumulator
        {
            private readonly int _maxFailed;
            private readonly Dictionary<string, long> _byState = new Dictionary<string, long>(StringComparer.Ordinal);
            private readonly Dictionary<DateTime, Dictionary<string, long>> _perDay = new Dictionary<DateTime, Dictionary<string, long>>();
            private readonly Dictionary<string, ResourceBackupSummary> _resources = new Dictionary<string, ResourceBackupSummary>(StringComparer.Ordinal);
            private readonly List<FailedBackupJob> _failed = new List<FailedBackupJob>();

            public Accumulator(string region, int maxFailed)
            {
                Region = region;
                _maxFailed = maxFailed;
            }

            public string Region { get; }
            public long Total { get; private set; }
            public RegionError? Error { get; set; }

            /// <summary>The vault filter names a vault AWS says does not exist in this region.</summary>
            public bool VaultMissing { get; set; }
            private long _completed;
            private long _finished;
            private long _withIssues;
            private long _bytes;
            private long _failedNotListed;

            public void Add(BackupJob job)
            {
                Total++;
                var state = string.IsNullOrEmpty(job.State) ? "UNKNOWN" : job.State;
                Increment(_byState, state, 1);
                if (job.CreationDate != null)
                {
                    var day = job.CreationDate.Value.Date;
                    if (!_perDay.TryGetValue(day, out var states))
                    {
                        _perDay[day] = states = new Dictionary<string, long>(StringComparer.Ordinal);
                    }

                    Increment(states, state, 1);
                }

                var failed = job.IsTerminal && !job.Succeeded;
                if (job.IsTerminal)
                {
                    _finished++;
                }

                if (job.Succeeded)
                {
                    _completed++;
                    _bytes += job.BackupSizeInBytes ?? 0;
                    if (job.CompletedWithIssues)
                    {
                        _withIssues++;
                    }
                }

                if (failed)
                {
                    if (_failed.Count < _maxFailed)
                    {
                        _failed.Add(new FailedBackupJob
                        {
                            JobId = job.JobId,
                            ResourceArn = job.ResourceArn,
                            State = state,
                            StatusMessage = job.StatusMessage,
                            CreationDate = job.CreationDate,
                            Region = string.IsNullOrEmpty(job.Region) ? Region : job.Region,
                        });
                    }
                    else
                    {
                        _failedNotListed++;
                    }
                }

                if (!string.IsNullOrEmpty(job.ResourceArn))
                {
                    if (!_resources.TryGetValue(job.ResourceArn!, out var r))
                    {
                        _resources[job.ResourceArn!] = r = new ResourceBackupSummary
                        {
                            ResourceArn = job.ResourceArn!,
                            ResourceType = job.ResourceType,
                            Region = string.IsNullOrEmpty(job.Region) ? Region : job.Region,
                        };
                    }

                    r.JobCount++;
                    if (failed)
                    {
                        r.FailedCount++;
                    }

                    var at = job.CompletionDate ?? job.CreationDate;
                    if (job.Succeeded && at != null && (r.LastSuccessfulBackup == null || at > r.LastSuccessfulBackup))
                    {
                        r.LastSuccessfulBackup = at;
                    }
                }
            }

            public void Merge(Accumulator other)
            {
                Total += other.Total;
                _completed += other._completed;
                _finished += other._finished;
                _withIssues += other._withIssues;
                _bytes += other._bytes;
                _failedNotListed += other._failedNotListed;
                foreach (var kv in other._byState)
                {
                    Increment(_byState, kv.Key, kv.Value);
                }

                foreach (var day in other._perDay)
                {
                    if (!_perDay.TryGetValue(day.Key, out var states))
                    {
                        _perDay[day.Key] = states = new Dictionary<string, long>(StringComparer.Ordinal);
                    }

                    foreach (var kv in day.Value)
                    {
                        Increment(states, kv.Key, kv.Value);
                    }
                }

                foreach (var f in other._failed)
                {
                    if (_failed.Count < _maxFailed)
                    {
                        _failed.Add(f);
                    }
                    else
                    {
                        _failedNotListed++;
                    }
                }

                foreach (var kv in other._resources)
                {
                    // The same ARN cannot come from two regions (the region is part of it), except S3-style ARNs; sum those.
                    if (_resources.TryGetValue(kv.Key, out var mine))
                    {
                        mine.JobCount += kv.Value.JobCount;
                        mine.FailedCount += kv.Value.FailedCount;
                        if (kv.Value.LastSuccessfulBackup > (mine.LastSuccessfulBackup ?? DateTime.MinValue))
                        {
                            mine.LastSuccessfulBackup = kv.Value.LastSuccessfulBackup;
                        }
                    }
                    else
                    {
                        _resources[kv.Key] = kv.Value;
                    }
                }
            }

            public BackupReport ToReport(DateTime since, DateTime now, string? vault, IReadOnlyList<string> regions, IReadOnlyList<RegionError> errors, IReadOnlyList<string> warnings)
            {
                foreach (var r in _resources.Values)
                {
                    r.Age = r.LastSuccessfulBackup == null ? (TimeSpan?)null : now - r.LastSuccessfulBackup.Value;
                }

                return new BackupReport
                {
                    Since = since,
                    GeneratedAt = now,
                    BackupVaultName = vault,
                    Regions = regions,
                    TotalJobs = Total,
                    TotalsByState = new SortedDictionary<string, long>(_byState, StringComparer.Ordinal),
                    CompletedWithIssues = _withIssues,
                    SuccessRate = _finished == 0 ? (double?)null : (double)_completed / _finished,
                    BytesBackedUp = _bytes,
                    FailedJobs = _failed,
                    FailedJobsNotListed = _failedNotListed,
                    Resources = _resources.Values.OrderBy(r => r.LastSuccessfulBackup ?? DateTime.MinValue).ThenBy(r => r.ResourceArn, StringComparer.Ordinal).ToList(),
                    JobsPerDay = new SortedDictionary<DateTime, IReadOnlyDictionary<string, long>>(_perDay.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, long>)kv.Value)),
                    RegionErrors = errors,
                    Warnings = warnings,
                };
            }

            private static void Increment(Dictionary<string, long> d, string key, long by) =>
                d[key] = d.TryGetValue(key, out var v) ? v + by : by;
        }
    }
}
