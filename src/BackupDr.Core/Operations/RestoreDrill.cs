using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>Test-DrRestore's settings, typed and checked before anything is sent.</summary>
    public sealed class RestoreDrillOptions
    {
        /// <summary>
        /// The tier objectives drills are graded against (a policy file over BackupDr's defaults); the DrRpoMinutes and
        /// DrRtoMinutes tags of each resource then override its tier's targets. Null: the defaults.
        /// </summary>
        public TierPolicy? Policy { get; set; }

        /// <summary>Start of every name the drill gives (RDS identifiers, the Name tag of volumes).</summary>
        public string NamePrefix { get; set; } = "drill-";

        /// <summary>Pick a random COMPLETED point created within this many days (AWS restore testing's RANDOM_WITHIN_WINDOW); null = the newest.</summary>
        public int? SelectionWindowDays { get; set; }

        /// <summary>Drill this percent (1-100) of the resources, picked at random; null = all.</summary>
        public int? Sample { get; set; }

        /// <summary>The tier to grade against when a resource has no DrTier tag (and the tier -Tier selects by).</summary>
        public DrTier? Tier { get; set; }

        /// <summary>Leave the restored resources in place (still tagged, for Remove-DrDrillResource).</summary>
        public bool KeepRestored { get; set; }

        /// <summary>How long to wait for each restore job (null = no limit), the poll schedule and progress.</summary>
        public TimeSpan? Timeout { get; set; }
        public PollSchedule Schedule { get; set; } = PollSchedule.Default;
        public IProgress<JobProgress>? Progress { get; set; }

        /// <summary>How long verification waits for the restored resource to become available.</summary>
        public TimeSpan VerifyTimeout { get; set; } = TimeSpan.FromMinutes(30);

        /// <summary>How long cleanup may take after a failure or Ctrl+C (a running restore is waited for, then deleted).</summary>
        public TimeSpan CleanupTimeout { get; set; } = TimeSpan.FromMinutes(15);

        /// <summary>At most this many drills run at once (1-32; RunAllAsync).</summary>
        public int ThrottleLimit { get; set; } = RestoreDrill.DefaultThrottleLimit;

        /// <summary>The write-ahead journal of restores (next to the ledger); null writes none.</summary>
        public DrillJournal? Journal { get; set; }

        /// <summary>Drill id; default: drill-yyyyMMddHHmmss-xxxx.</summary>
        public string? DrillId { get; set; }

        public Random? Random { get; set; }
    }

    /// <summary>What a drill is asked to test: a resource, or one recovery point of it.</summary>
    public sealed class DrillTarget
    {
        public string ResourceArn { get; set; } = string.Empty;

        /// <summary>The recovery point to restore (as Get-DrRecoveryPoint emitted it); null = choose one.</summary>
        public RecoveryPoint? Point { get; set; }
    }

    /// <summary>
    /// Test-DrRestore: per resource, picks a COMPLETED recovery point, restores it under a drill name, waits (JobWaiter),
    /// tags what it made with the drill id, verifies it (RDS: available, endpoint, source engine; EBS: available, size;
    /// then the caller's validation), measures RTO and achieved RPO, grades them against the tier and, in a finally
    /// block that also runs on failures and Ctrl+C, deletes what it made unless KeepRestored.
    /// </summary>
    public sealed class RestoreDrill
    {
        /// <summary>Tag every drill resource carries: the drill id.</summary>
        public const string DrillIdTag = "BackupDrDrillId";

        /// <summary>Tag with the drill's start (UTC, ISO 8601), for Remove-DrDrillResource -OlderThan.</summary>
        public const string DrillStartedTag = "BackupDrDrillStarted";

        /// <summary>Tag with the ARN of the resource the drill restored.</summary>
        public const string DrillSourceTag = "BackupDrDrillSource";

        /// <summary>How many drills run at once unless -ThrottleLimit says otherwise.</summary>
        public const int DefaultThrottleLimit = 4;

        /// <summary>The most drills -ThrottleLimit allows at once (each holds a restored copy until it is verified and deleted).</summary>
        public const int MaxThrottleLimit = 32;

        private static readonly Regex PrefixRule = new Regex("^[A-Za-z][A-Za-z0-9-]{0,29}$", RegexOptions.CultureInvariant);

        private readonly Func<string, AwsClientSet> _clients;
        private readonly string _defaultRegion;
        private readonly RestoreDrillOptions _options;
        private readonly IAwsClock _clock;
        private readonly Random _random;

        /// <summary>Checks the options at once (InvalidSample, InvalidSelectionWindow, InvalidNamePrefix).</summary>
        public RestoreDrill(Func<string, AwsClientSet> clients, string defaultRegion, RestoreDrillOptions options, IAwsClock? clock = null)
        {
            _clients = clients ?? throw new ArgumentNullException(nameof(clients));
            _defaultRegion = defaultRegion;
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _clock = clock ?? SystemClock.Instance;
            Validate(options);
            _random = options.Random ?? new Random();
            DrillId = string.IsNullOrEmpty(options.DrillId) ? NewDrillId(_clock.UtcNow, _random) : options.DrillId!;
        }

        public string DrillId { get; }

        /// <summary>The RPO/RTO a drill is graded against: the one place tier targets are read (a policy file plugs in here).</summary>
        public static Func<DrTier, DrTierObjectives> Objectives { get; set; } = DrTiers.DefaultObjectives;

        /// <summary>The local rules of the options; throws DrValidationException and sends nothing.</summary>
        public static void Validate(RestoreDrillOptions options)
        {
            if (options.Sample != null && (options.Sample < 1 || options.Sample > 100))
            {
                throw new DrValidationException("InvalidSample", "Sample", options.Sample, $"-Sample {options.Sample} is not a percentage of the resources: give 1 to 100.");
            }

            if (options.SelectionWindowDays != null && (options.SelectionWindowDays < 1 || options.SelectionWindowDays > 3650))
            {
                throw new DrValidationException("InvalidSelectionWindow", "SelectionWindowDays", options.SelectionWindowDays, $"-SelectionWindowDays {options.SelectionWindowDays} is out of range: give 1 to 3650 days.");
            }

            ValidateNamePrefix(options.NamePrefix, "NamePrefix");
            if (options.ThrottleLimit < 1 || options.ThrottleLimit > MaxThrottleLimit)
            {
                throw new DrValidationException("InvalidThrottleLimit", "ThrottleLimit", options.ThrottleLimit, $"-ThrottleLimit {options.ThrottleLimit} is out of range: give 1 to {MaxThrottleLimit} drills at once.");
            }
        }

        /// <summary>A drill name prefix: 1-30 letters, digits and single hyphens, starting with a letter (InvalidNamePrefix otherwise).</summary>
        public static void ValidateNamePrefix(string? prefix, string parameterName)
        {
            if (prefix == null || !PrefixRule.IsMatch(prefix) || prefix.Contains("--"))
            {
                throw new DrValidationException("InvalidNamePrefix", parameterName, prefix, $"-{parameterName} '{prefix}' cannot start an RDS identifier: 1-30 letters, digits and single hyphens, starting with a letter.");
            }
        }

        /// <summary>Grades measured values against targets: met when within the target; null when either side is unknown.</summary>
        public static bool? Met(TimeSpan? measured, TimeSpan? target) => measured == null || target == null ? (bool?)null : measured.Value <= target.Value;

        /// <summary>Keeps a random Sample percent of the targets (at least one), in their original order; all when Sample is null.</summary>
        public IReadOnlyList<T> SampleOf<T>(IReadOnlyList<T> targets)
        {
            if (_options.Sample == null || targets.Count == 0)
            {
                return targets;
            }

            var keep = Math.Max(1, (int)Math.Ceiling(targets.Count * _options.Sample.Value / 100.0));
            var picked = new HashSet<int>(Enumerable.Range(0, targets.Count).OrderBy(_ => _random.Next()).Take(keep));
            return targets.Where((_, i) => picked.Contains(i)).ToList();
        }

        /// <summary>Local checks of one target (ARN, type EBS/RDS, a given point's status); throws DrValidationException.</summary>
        public Arn Check(DrillTarget target)
        {
            var arn = ResourceArns.ValidateResourceArn(target.ResourceArn, "ResourceArn", null);
            var type = ResourceArns.ResourceTypeOf(arn);
            if (type != "EBS" && type != "RDS")
            {
                throw new DrValidationException("UnsupportedResourceType", "ResourceArn", target.ResourceArn, $"Test-DrRestore drills EBS volumes and RDS DB instances; '{target.ResourceArn}' is {type}.");
            }

            if (target.Point != null)
            {
                RecoveryPointLocator.EnsureUsable(target.Point, "run a restore drill");
            }

            return arn;
        }

        /// <summary>The point a drill would restore (newest COMPLETED, or random within the window); RecoveryPointNotFound when none. Reads only.</summary>
        public async Task<RecoveryPoint> ChoosePointAsync(DrillTarget target, CancellationToken cancellationToken)
        {
            var arn = Check(target);
            if (target.Point != null)
            {
                return target.Point;
            }

            var region = RegionOf(arn);
            var now = _clock.UtcNow;
            var points = new List<RecoveryPoint>();
            await foreach (var p in _clients(region).Backup.ListRecoveryPointsByResourceAsync(target.ResourceArn, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (string.Equals(p.Status, "COMPLETED", StringComparison.OrdinalIgnoreCase) && p.CreationDate != null)
                {
                    p.Region = string.IsNullOrEmpty(p.Region) ? region : p.Region;
                    points.Add(p);
                }
            }

            if (_options.SelectionWindowDays != null)
            {
                var from = now - TimeSpan.FromDays(_options.SelectionWindowDays.Value);
                var inWindow = points.Where(p => p.CreationDate >= from).ToList();
                if (inWindow.Count == 0)
                {
                    throw new DrException("RecoveryPointNotFound", "SelectionWindowDays", target.ResourceArn,
                        $"'{target.ResourceArn}' has no COMPLETED recovery point created in the last {_options.SelectionWindowDays} day(s) in {region}; widen -SelectionWindowDays or back it up (Start-DrBackup -Wait).", DrErrorKind.ObjectNotFound);
                }

                return inWindow[_random.Next(inWindow.Count)];
            }

            return points.OrderByDescending(p => p.CreationDate).FirstOrDefault()
                ?? throw new DrException("RecoveryPointNotFound", "ResourceArn", target.ResourceArn,
                    $"'{target.ResourceArn}' has no COMPLETED recovery point in {region}, so there is nothing to drill; back it up first (Start-DrBackup -Wait).", DrErrorKind.ObjectNotFound);
        }

        /// <summary>
        /// Drills one resource and returns its graded result. Failures after the restore started become a result
        /// with Passed false (never an exception), and what was created is deleted. Ctrl+C cleans up, then throws
        /// OperationCanceledException. <paramref name="validate"/> gets the restored DbInstance or Ec2Volume and returns
        /// null when it passes, else why it failed.
        /// </summary>
        public async Task<DrillResult> RunAsync(DrillTarget target, RecoveryPoint point, Func<object, Task<string?>>? validate, Action<string>? log, CancellationToken cancellationToken)
        {
            var arn = Check(target);
            var type = ResourceArns.ResourceTypeOf(arn);
            var region = RegionOf(arn);
            var clients = _clients(region);
            var result = new DrillResult
            {
                DrillId = DrillId, ResourceArn = target.ResourceArn, ResourceType = type, Region = region, DrillStarted = _clock.UtcNow,
                RecoveryPointArn = point.RecoveryPointArn, RecoveryPointCreated = point.CreationDate,
            };

            // Grading needs the tier first: an unknown DrTier tag fails the drill before anything is restored.
            var tags = await TagsOfAsync(clients, arn, type, cancellationToken).ConfigureAwait(false);
            tags.TryGetValue(BackupTagKeys.Tier, out var tierTag);
            var tier = string.IsNullOrEmpty(tierTag) ? _options.Tier : DrTiers.Parse(tierTag!, "DrTier");
            if (tier != null)
            {
                var policy = _options.Policy;
                if (policy == null)
                {
                    var objectives = Objectives(tier.Value);
                    result.RtoTarget = objectives.Rto;
                    result.RpoTarget = objectives.Rpo;
                }
                else
                {
                    // The effective targets: the policy's tier, then the resource's own override tags (as Get-DrTier shows them).
                    var effective = new Dictionary<string, string>(tags, StringComparer.Ordinal) { [BackupTagKeys.Tier] = tier.Value.ToString() };
                    var resolved = policy.Resolve(effective);
                    result.RtoTarget = resolved.Rto ?? policy.For(tier.Value).Rto;
                    result.RpoTarget = resolved.Rpo ?? policy.For(tier.Value).Rpo;
                }

                result.Tier = tier.Value.ToString();
            }

            var source = await DescribeSourceAsync(clients, arn, type, cancellationToken).ConfigureAwait(false);
            var journal = _options.Journal;
            RestoreJob? job = null;
            string? created = null;
            var failure = (string?)null;
            try
            {
                var restorer = new ResourceRestorer(r => _clients(r).Backup, r => _clients(r).Rds, _defaultRegion, _clock);
                var name = DrillName(arn.ResourceId);
                var request = restorer.Check(new RestoreRequest { RecoveryPointArn = point.RecoveryPointArn, Point = point, Overrides = new RestoreOverrides { TargetName = type == "RDS" ? name : null } });
                var restoreStarted = _clock.UtcNow;

                // Write-ahead: a drill killed from here on leaves this entry, which is how Remove-DrDrillResource finds
                // a volume AWS creates after the drill is gone (the volume never gets the drill's tag).
                journal?.RestoreStarting(new PendingDrillRestore
                {
                    DrillId = DrillId, ResourceArn = target.ResourceArn, RecoveryPointArn = point.RecoveryPointArn, Region = region, ResourceType = type, StartedAt = restoreStarted,
                });
                try
                {
                    job = await restorer.StartAsync(request, log, cancellationToken).ConfigureAwait(false);
                }
                catch (AwsServiceException ex) when (ex.StatusCode >= 400 && ex.StatusCode < 500)
                {
                    // AWS refused the request: no restore job exists, so there is nothing to find later.
                    journal?.RestoreFinished(DrillId, target.ResourceArn);
                    throw;
                }

                journal?.RestoreJobStarted(DrillId, target.ResourceArn, job.RestoreJobId);
                result.RestoreJobId = job.RestoreJobId;
                log?.Invoke($"Drill {DrillId}: restore job {job.RestoreJobId} started for {target.ResourceArn} from {point.RecoveryPointArn}.");

                var finished = await WaitAsync(clients, job, _options.Timeout, _options.Progress, cancellationToken).ConfigureAwait(false);
                job = finished;
                created = finished.CreatedResourceArn;
                if (!finished.Succeeded || string.IsNullOrEmpty(created))
                {
                    failure = $"The restore job {finished.RestoreJobId} ended {finished.State}: {finished.StatusMessage ?? "no resource was created"}.";
                    return result;
                }

                result.RestoredResourceArn = created;
                await TagAsync(clients, created!, type, name, target.ResourceArn, result.DrillStarted, cancellationToken).ConfigureAwait(false);
                var (restored, problem) = await VerifyAsync(clients, created!, type, source, point, cancellationToken).ConfigureAwait(false);
                if (problem == null && validate != null && restored != null)
                {
                    problem = await validate(restored).ConfigureAwait(false);
                    problem = problem == null ? null : "-Validation failed: " + problem;
                }

                if (problem != null)
                {
                    failure = problem;
                    return result;
                }

                result.Verified = true;
                result.Rto = _clock.UtcNow - restoreStarted;
                result.RpoAchieved = point.CreationDate == null ? (TimeSpan?)null : result.DrillStarted - point.CreationDate.Value;
                result.RtoMet = Met(result.Rto, result.RtoTarget);
                result.RpoMet = Met(result.RpoAchieved, result.RpoTarget);
                return result;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                failure = "The drill was stopped (Ctrl+C).";
                throw;
            }
            catch (Exception ex) when (job != null)
            {
                failure = ex.Message;
                return result;
            }
            finally
            {
                if (job != null)
                {
                    await CleanUpAsync(clients, result, job, created, type, log).ConfigureAwait(false);
                    if (result.CleanedUp || _options.KeepRestored)
                    {
                        // Kept copies carry the drill tag; a failed cleanup stays in the journal for Remove-DrDrillResource.
                        journal?.RestoreFinished(DrillId, target.ResourceArn);
                    }
                }

                Finish(result, failure);
            }
        }

        /// <summary>
        /// Drills every (target, point) with at most ThrottleLimit at once, each through <see cref="RunAsync"/> (so each
        /// cleans up after itself, failures and Ctrl+C included). <paramref name="onResult"/> gets each result as soon as
        /// its drill is done and <paramref name="onError"/> each drill that could not run (target ARN); both are called one
        /// at a time, never concurrently, so a caller may append to a ledger from them. Ctrl+C stops starting drills, lets
        /// the running ones clean up, then throws OperationCanceledException.
        /// </summary>
        public async Task RunAllAsync(IReadOnlyList<KeyValuePair<DrillTarget, RecoveryPoint>> drills, Func<object, Task<string?>>? validate, Action<string>? log, Action<DrillResult> onResult, Action<Exception, string> onError, CancellationToken cancellationToken)
        {
            if (drills == null)
            {
                throw new ArgumentNullException(nameof(drills));
            }

            using (var gate = new SemaphoreSlim(_options.ThrottleLimit, _options.ThrottleLimit))
            {
                var report = new object();
                var tasks = drills.Select(async d =>
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        var inFlight = Interlocked.Increment(ref _inFlight);
                        InterlockedMax(ref _peakInFlight, inFlight);
                        try
                        {
                            var result = await RunAsync(d.Key, d.Value, validate, log, cancellationToken).ConfigureAwait(false);
                            lock (report)
                            {
                                onResult(result);
                            }
                        }
                        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                        {
                            lock (report)
                            {
                                onError(ex, d.Key.ResourceArn);
                            }
                        }
                        finally
                        {
                            Interlocked.Decrement(ref _inFlight);
                        }
                    }
                    finally
                    {
                        gate.Release();
                    }
                }).ToList();

                // Every drill ends (its cleanup included) before this returns, also after Ctrl+C.
                await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default))).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
        }

        private int _inFlight;
        private int _peakInFlight;

        /// <summary>The most drills this object ran at once (RunAllAsync): what -ThrottleLimit bounded.</summary>
        public int PeakInFlight => Volatile.Read(ref _peakInFlight);

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }

        /// <summary>Passed and Message from what happened.</summary>
        private void Finish(DrillResult result, string? failure)
        {
            var missed = new List<string>();
            if (result.RtoMet == false)
            {
                missed.Add($"RTO {Format(result.Rto)} exceeds the {result.Tier} target {Format(result.RtoTarget)}");
            }

            if (result.RpoMet == false)
            {
                missed.Add($"RPO {Format(result.RpoAchieved)} exceeds the {result.Tier} target {Format(result.RpoTarget)}");
            }

            var leftover = !result.CleanedUp && !_options.KeepRestored && result.RestoredResourceArn != null;
            result.Passed = failure == null && result.Verified && missed.Count == 0 && !leftover;
            var parts = new List<string>();
            if (failure != null)
            {
                parts.Add(failure);
            }

            parts.AddRange(missed);
            if (leftover)
            {
                parts.Add($"{result.RestoredResourceArn} could not be deleted; Remove-DrDrillResource -DrillId {result.DrillId} removes it");
            }

            if (result.Passed)
            {
                parts.Add($"Restored and verified in {Format(result.Rto)}; recovery point {Format(result.RpoAchieved)} old" + (result.Tier == null ? " (no tier: not graded)" : $"; {result.Tier} targets met"));
            }

            if (_options.KeepRestored && result.RestoredResourceArn != null)
            {
                parts.Add($"kept {result.RestoredResourceArn} (-KeepRestored)");
            }

            result.Message = string.Join("; ", parts) + ".";
        }

        public static string Format(TimeSpan? span)
        {
            if (span == null)
            {
                return "-";
            }

            var s = span.Value;
            return s.TotalDays >= 1 ? s.ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture) : s.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
        }

        /// <summary>Waits for the restore through the shared JobWaiter path; a timeout or a failed poll is thrown.</summary>
        private static async Task<RestoreJob> WaitAsync(AwsClientSet clients, RestoreJob job, TimeSpan? timeout, IProgress<JobProgress>? progress, RestoreDrillOptions options, CancellationToken cancellationToken)
        {
            var waitOptions = new JobWaitOptions { Timeout = timeout, Schedule = options.Schedule, Progress = progress };
            var source = new BackupJobSource(_ => clients.Backup);
            await foreach (var r in JobWaiter.WaitAllAsync(new DrJob[] { job }, source, waitOptions, cancellationToken).ConfigureAwait(false))
            {
                if (r.Outcome == JobWaitOutcome.Finished)
                {
                    return (RestoreJob)r.Job;
                }

                throw r.Error!;
            }

            throw new InvalidOperationException("The wait ended without a result.");
        }

        private Task<RestoreJob> WaitAsync(AwsClientSet clients, RestoreJob job, TimeSpan? timeout, IProgress<JobProgress>? progress, CancellationToken cancellationToken) =>
            WaitAsync(clients, job, timeout, progress, _options, cancellationToken);

        /// <summary>
        /// Deletes what the drill made, on its own token (Ctrl+C already cancelled the drill's): a restore still running
        /// is waited for up to CleanupTimeout first. KeepRestored only tags.
        /// </summary>
        private async Task CleanUpAsync(AwsClientSet clients, DrillResult result, RestoreJob job, string? created, string type, Action<string>? log)
        {
            using (var cts = new CancellationTokenSource(_options.CleanupTimeout))
            {
                try
                {
                    if (string.IsNullOrEmpty(created))
                    {
                        var finished = await WaitAsync(clients, job, _options.CleanupTimeout, null, cts.Token).ConfigureAwait(false);
                        created = finished.Succeeded ? finished.CreatedResourceArn : null;
                        if (string.IsNullOrEmpty(created))
                        {
                            result.CleanedUp = !_options.KeepRestored;
                            return;
                        }

                        result.RestoredResourceArn = created;
                        await TagAsync(clients, created!, type, DrillName(Arn.Parse(result.ResourceArn).ResourceId), result.ResourceArn, result.DrillStarted, cts.Token).ConfigureAwait(false);
                    }

                    if (_options.KeepRestored)
                    {
                        return;
                    }

                    var id = Arn.Parse(created!).ResourceId;
                    if (type == "RDS")
                    {
                        await clients.Rds.DeleteDBInstanceAsync(id, skipFinalSnapshot: true, finalDBSnapshotIdentifier: null, cts.Token).ConfigureAwait(false);
                    }
                    else
                    {
                        await clients.Ec2.DeleteVolumeAsync(id, cts.Token).ConfigureAwait(false);
                    }

                    result.CleanedUp = true;
                    log?.Invoke($"Drill {DrillId}: deleted {created}.");
                }
                catch (AwsServiceException ex) when (ex.IsNotFound)
                {
                    result.CleanedUp = true;
                }
                catch (Exception ex)
                {
                    result.CleanedUp = false;
                    result.RestoredResourceArn ??= created;
                    log?.Invoke($"Drill {DrillId}: cleanup of {created ?? "restore job " + job.RestoreJobId} failed: {ex.Message}");
                }
            }
        }

        private async Task TagAsync(AwsClientSet clients, string created, string type, string name, string sourceArn, DateTime started, CancellationToken cancellationToken)
        {
            var tags = new List<ResourceTag>
            {
                new ResourceTag(DrillIdTag, DrillId),
                new ResourceTag(DrillStartedTag, started.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
                new ResourceTag(DrillSourceTag, sourceArn),
            };
            if (type == "RDS")
            {
                await clients.Rds.AddTagsToResourceAsync(created, tags, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                tags.Add(new ResourceTag("Name", name));
                await clients.Ec2.CreateTagsAsync(new[] { Arn.Parse(created).ResourceId }, tags, cancellationToken).ConfigureAwait(false);
            }
        }

        private readonly Dictionary<string, string> _names = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>prefix + source (shortened) + a 4-character suffix: a fresh RDS identifier of at most 63 characters, remembered per source.</summary>
        private string DrillName(string sourceId)
        {
            lock (_names)
            {
                return DrillNameLocked(sourceId);
            }
        }

        private string DrillNameLocked(string sourceId)
        {
            if (_names.TryGetValue(sourceId, out var known))
            {
                return known;
            }

            const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
            var suffix = new string(Enumerable.Range(0, 4).Select(_ => alphabet[_random.Next(alphabet.Length)]).ToArray());
            var cleaned = new string(sourceId.Select(c => char.IsLetterOrDigit(c) && c < 128 ? char.ToLowerInvariant(c) : '-').ToArray());
            while (cleaned.Contains("--"))
            {
                cleaned = cleaned.Replace("--", "-");
            }

            var prefix = _options.NamePrefix.ToLowerInvariant();
            var room = 63 - prefix.Length - 5;
            cleaned = cleaned.Trim('-');
            if (cleaned.Length > room)
            {
                cleaned = cleaned.Substring(0, room).TrimEnd('-');
            }

            var name = (prefix.EndsWith("-", StringComparison.Ordinal) ? prefix : prefix + "-") + (cleaned.Length == 0 ? "res" : cleaned) + "-" + suffix;
            _names[sourceId] = name;
            return name;
        }

        /// <summary>The resource's tags (RDS ListTagsForResource, EC2 DescribeTags): its DrTier and any RPO/RTO override tags.</summary>
        private static async Task<Dictionary<string, string>> TagsOfAsync(AwsClientSet clients, Arn arn, string type, CancellationToken cancellationToken)
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            if (type == "RDS")
            {
                foreach (var t in await clients.Rds.ListTagsForResourceAsync(arn.Text, cancellationToken).ConfigureAwait(false))
                {
                    tags[t.Key] = t.Value ?? string.Empty;
                }
            }
            else
            {
                await foreach (var t in clients.Ec2.DescribeTagsAsync(new[] { new Ec2Filter("resource-id", arn.ResourceId) }, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    tags[t.Key] = t.Value ?? string.Empty;
                }
            }

            return tags;
        }

        /// <summary>The source as it is now (engine, size) for verification; null when it is gone (then the point's data is used).</summary>
        private static async Task<object?> DescribeSourceAsync(AwsClientSet clients, Arn arn, string type, CancellationToken cancellationToken)
        {
            try
            {
                if (type == "RDS")
                {
                    await foreach (var db in clients.Rds.DescribeDBInstancesAsync(arn.ResourceId, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        return db;
                    }
                }
                else
                {
                    await foreach (var v in clients.Ec2.DescribeVolumesAsync(new[] { arn.ResourceId }, null, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        return v;
                    }
                }
            }
            catch (AwsServiceException ex) when (ex.IsNotFound)
            {
            }

            return null;
        }

        /// <summary>Polls the restored resource until it is available (up to VerifyTimeout) and checks it; returns it and the problem, if any.</summary>
        private async Task<(object? Restored, string? Problem)> VerifyAsync(AwsClientSet clients, string created, string type, object? source, RecoveryPoint point, CancellationToken cancellationToken)
        {
            var id = Arn.Parse(created).ResourceId;
            var deadline = _clock.UtcNow + _options.VerifyTimeout;
            for (var round = 0; ; round++)
            {
                if (type == "RDS")
                {
                    DbInstance? db = null;
                    await foreach (var d in clients.Rds.DescribeDBInstancesAsync(id, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        db = d;
                    }

                    if (db == null)
                    {
                        return (null, $"The restored DB instance {id} does not exist.");
                    }

                    if (string.Equals(db.DBInstanceStatus, "available", StringComparison.OrdinalIgnoreCase))
                    {
                        var engine = (source as DbInstance)?.Engine;
                        if (string.IsNullOrEmpty(db.EndpointAddress))
                        {
                            return (db, $"The restored DB instance {id} is available but has no endpoint.");
                        }

                        if (engine != null && !string.Equals(engine, db.Engine, StringComparison.OrdinalIgnoreCase))
                        {
                            return (db, $"The restored DB instance {id} runs {db.Engine}, the source runs {engine}.");
                        }

                        return (db, null);
                    }

                    if (_clock.UtcNow >= deadline)
                    {
                        return (db, $"The restored DB instance {id} is {db.DBInstanceStatus}, not available, after {Format(_options.VerifyTimeout)}.");
                    }
                }
                else
                {
                    Ec2Volume? volume = null;
                    await foreach (var v in clients.Ec2.DescribeVolumesAsync(new[] { id }, null, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        volume = v;
                    }

                    if (volume == null)
                    {
                        return (null, $"The restored volume {id} does not exist.");
                    }

                    if (string.Equals(volume.State, "available", StringComparison.OrdinalIgnoreCase))
                    {
                        var expected = (source as Ec2Volume)?.Size ?? (point.BackupSizeInBytes is long bytes && bytes > 0 ? (int?)(bytes / (1024L * 1024 * 1024)) : null);
                        if (expected != null && volume.Size != expected)
                        {
                            return (volume, $"The restored volume {id} has {volume.Size} GiB, the source {expected} GiB.");
                        }

                        return (volume, null);
                    }

                    if (_clock.UtcNow >= deadline)
                    {
                        return (volume, $"The restored volume {id} is {volume.State}, not available, after {Format(_options.VerifyTimeout)}.");
                    }
                }

                await _clock.Delay(_options.Schedule.Delay(round), cancellationToken).ConfigureAwait(false);
            }
        }

        private string RegionOf(Arn arn) => string.IsNullOrEmpty(arn.Region) ? _defaultRegion : arn.Region;

        private static string NewDrillId(DateTime now, Random random)
        {
            const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
            return "drill-" + now.ToUniversalTime().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + new string(Enumerable.Range(0, 4).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
        }
    }
}
