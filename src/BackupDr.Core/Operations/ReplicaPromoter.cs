using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>What Invoke-DrFailover was asked to do.</summary>
    public sealed class FailoverOptions
    {
        /// <summary>The read replica in the DR region (this client's region).</summary>
        public string DBInstanceIdentifier { get; set; } = string.Empty;

        /// <summary>The tier whose RPO the lag must meet; null reads it from the replica's (or its source's) DrTier tag.</summary>
        public DrTier? Tier { get; set; }

        /// <summary>The tier objectives (defaults or a -PolicyPath file); a DrRpoMinutes tag on the replica (or its source) overrides the tier's RPO.</summary>
        public TierPolicy Policy { get; set; } = TierPolicy.Default;

        /// <summary>Promote even when the lag exceeds the RPO, cannot be read, or no tier is known.</summary>
        public bool Force { get; set; }

        /// <summary>How long to wait for the promoted instance to become available; null waits without a limit.</summary>
        public TimeSpan? Timeout { get; set; }

        public PollSchedule Schedule { get; set; } = PollSchedule.Default;
    }

    /// <summary>What the checks before a promotion found: the replica, its tier and RPO, and its lag.</summary>
    public sealed class FailoverCheck
    {
        public FailoverCheck(DbInstance replica, DrTier? tier, TimeSpan? rpo, TimeSpan? lag, string? forcedBecause)
            : this(replica, tier, rpo, lag, forcedBecause, rpo == null ? (TierSource?)null : TierSource.Default, null)
        {
        }

        public FailoverCheck(DbInstance replica, DrTier? tier, TimeSpan? rpo, TimeSpan? lag, string? forcedBecause, TierSource? rpoSource, string? notes)
        {
            Replica = replica;
            Tier = tier;
            Rpo = rpo;
            Lag = lag;
            ForcedBecause = forcedBecause;
            RpoSource = rpoSource;
            Notes = notes;
        }

        public DbInstance Replica { get; }
        public DrTier? Tier { get; }

        /// <summary>The effective RPO: the tier's (default or policy file), or the DrRpoMinutes tag of the replica or its source.</summary>
        public TimeSpan? Rpo { get; }

        /// <summary>Where Rpo comes from: Default, File (-PolicyPath) or Tag (DrRpoMinutes).</summary>
        public TierSource? RpoSource { get; }

        /// <summary>A tag problem met on the way (an override that is no number, so the tier's RPO applies); null when none.</summary>
        public string? Notes { get; }

        /// <summary>The newest CloudWatch ReplicaLag (Maximum of the last minute); null when CloudWatch had none.</summary>
        public TimeSpan? Lag { get; }

        /// <summary>Why the promotion goes ahead only because of -Force (null when every check passed).</summary>
        public string? ForcedBecause { get; }

        /// <summary>The ARN (or the identifier when RDS gave none): the ShouldProcess and error target.</summary>
        public string Target => Replica.DBInstanceArn ?? Replica.DBInstanceIdentifier;
    }

    /// <summary>One poll of the promotion wait.</summary>
    public sealed class FailoverProgress
    {
        public FailoverProgress(string dbInstanceIdentifier, string? status, TimeSpan elapsed, bool completed)
        {
            DBInstanceIdentifier = dbInstanceIdentifier;
            Status = status;
            Elapsed = elapsed;
            Completed = completed;
        }

        public string DBInstanceIdentifier { get; }
        public string? Status { get; }
        public TimeSpan Elapsed { get; }
        public bool Completed { get; }
    }

    /// <summary>
    /// Invoke-DrFailover (pilot light): checks that the DB instance is an available read replica whose CloudWatch
    /// ReplicaLag is within its tier's RPO, promotes it (PromoteReadReplica) and waits until it is available as a
    /// standalone instance. Every check runs before anything is changed; -WhatIf runs the checks only.
    /// </summary>
    public sealed class ReplicaPromoter
    {
        /// <summary>How far back the lag is read: RDS publishes ReplicaLag every minute.</summary>
        public static readonly TimeSpan LagWindow = TimeSpan.FromMinutes(5);

        private readonly IRdsApi _rds;
        private readonly ICloudWatchApi _cloudWatch;
        private readonly IAwsClock _clock;
        private readonly Func<string, IRdsApi>? _rdsFor;

        /// <summary><paramref name="rdsForRegion"/> reads the tags of a source in another region (a cross-region replica's source is an ARN); without it only a same-region source is read.</summary>
        public ReplicaPromoter(IRdsApi rds, ICloudWatchApi cloudWatch, IAwsClock? clock = null, Func<string, IRdsApi>? rdsForRegion = null)
        {
            _rds = rds ?? throw new ArgumentNullException(nameof(rds));
            _cloudWatch = cloudWatch ?? throw new ArgumentNullException(nameof(cloudWatch));
            _clock = clock ?? SystemClock.Instance;
            _rdsFor = rdsForRegion;
        }

        /// <summary>The default RPO of a tier (what applies without a policy file or a DrRpoMinutes tag).</summary>
        public static TimeSpan RpoOf(DrTier tier) => DrTiers.DefaultObjectives(tier).Rpo;

        /// <summary>The tier keys failover reads: the tier and the RPO override (the RTO plays no part in a promotion).</summary>
        private static readonly string[] ObjectiveTags = { BackupTagKeys.Tier, TierPolicy.RpoTag };

        /// <summary>
        /// Reads the replica, its tier and its lag, and refuses (NotAReadReplica, ReplicaNotAvailable, TierNotFound,
        /// ReplicaLagUnknown, ReplicaLagExceedsRpo) before anything is changed; -Force overrides the last three.
        /// </summary>
        public async Task<FailoverCheck> CheckAsync(FailoverOptions options, CancellationToken cancellationToken)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            var id = options.DBInstanceIdentifier;
            if (string.IsNullOrWhiteSpace(id))
            {
                throw new DrValidationException("InvalidArgument", "DBInstanceIdentifier", id, "-DBInstanceIdentifier is required.");
            }

            // FailoverIdentifierSent regression: an identifier RDS cannot have was sent to DescribeDBInstances first.
            if (!ResourceArns.IsValidRdsIdentifier(id))
            {
                throw new DrValidationException("InvalidDBInstanceIdentifier", "DBInstanceIdentifier", id,
                    $"'{(id!.Length > 70 ? id.Substring(0, 60) + "..." : id)}' is not an RDS DB instance identifier: 1 to 63 letters, digits and single hyphens, starting with a letter and not ending with a hyphen. Nothing was sent.");
            }

            var region = _rds.Context.Region;
            var replica = await DescribeAsync(id, cancellationToken).ConfigureAwait(false);
            var target = replica.DBInstanceArn ?? id;
            if (string.IsNullOrEmpty(replica.ReadReplicaSourceDBInstanceIdentifier))
            {
                throw new DrException("NotAReadReplica", "DBInstanceIdentifier", target,
                    $"DB instance '{id}' in {region} is not a read replica (it has no ReadReplicaSourceDBInstanceIdentifier), so there is nothing to promote. Pass the replica in the DR region with -DBInstanceIdentifier and -Region.",
                    DrErrorKind.InvalidOperation);
            }

            if (!string.Equals(replica.DBInstanceStatus, "available", StringComparison.OrdinalIgnoreCase))
            {
                throw new DrException("ReplicaNotAvailable", "DBInstanceIdentifier", target,
                    $"Read replica '{id}' in {region} is '{replica.DBInstanceStatus ?? "unknown"}', not 'available'; it cannot be promoted now. Wait until it is available and run again.",
                    DrErrorKind.InvalidOperation);
            }

            var tags = await ObjectiveTagsAsync(replica, cancellationToken).ConfigureAwait(false);
            if (options.Tier != null)
            {
                tags[BackupTagKeys.Tier] = options.Tier.Value.ToString();
            }
            else if (tags.TryGetValue(BackupTagKeys.Tier, out var tierTag))
            {
                DrTiers.Parse(tierTag, "Tier");
            }

            var objectives = (options.Policy ?? TierPolicy.Default).Resolve(tags);
            var tier = objectives.Tier;
            var rpo = objectives.Rpo;
            var source = objectives.Source; // Only DrTier and DrRpoMinutes are passed in, so Tag means the RPO tag.
            var rpoName = source == TierSource.Tag ? $"{tier} RPO of {{0}} (its {TierPolicy.RpoTag} tag)"
                : source == TierSource.File ? $"{tier} RPO of {{0}} (policy {(options.Policy ?? TierPolicy.Default).Path})"
                : $"{tier} RPO of {{0}}";
            var lag = await ReadLagAsync(replica.DBInstanceIdentifier, cancellationToken).ConfigureAwait(false);

            string? forced = null;
            if (tier == null)
            {
                forced = $"'{id}' has no {BackupTagKeys.Tier} tag and no -Tier was given, so its lag was not checked against an RPO";
                if (!options.Force)
                {
                    throw new DrValidationException("TierNotFound", "Tier", target,
                        $"Read replica '{id}' has no {BackupTagKeys.Tier} tag, so its RPO is unknown. Pass -Tier Gold, Silver or Bronze (or tag it with Set-DrBackupTag -Tier), or -Force to promote without the lag check.");
                }
            }
            else if (lag == null)
            {
                forced = $"CloudWatch had no ReplicaLag for '{id}' in the last {LagWindow.TotalMinutes:0} minutes";
                if (!options.Force)
                {
                    throw new DrException("ReplicaLagUnknown", "DBInstanceIdentifier", target,
                        $"CloudWatch has no ReplicaLag datapoint for '{id}' in {region} in the last {LagWindow.TotalMinutes:0} minutes, so the {string.Format(CultureInfo.InvariantCulture, rpoName, Format(rpo!.Value))} cannot be shown to hold. Check replication (or cloudwatch:GetMetricStatistics permission), or pass -Force to promote anyway.",
                        DrErrorKind.InvalidOperation);
                }
            }
            else if (lag.Value > rpo!.Value)
            {
                forced = $"its replica lag of {Format(lag.Value)} exceeds the {string.Format(CultureInfo.InvariantCulture, rpoName, Format(rpo.Value))}";
                if (!options.Force)
                {
                    throw new DrException("ReplicaLagExceedsRpo", "DBInstanceIdentifier", target,
                        $"Read replica '{id}' in {region} lags {Format(lag.Value)} behind its source, more than the {string.Format(CultureInfo.InvariantCulture, rpoName, Format(rpo.Value))}: promoting it now would lose more data than the tier allows. Wait for the lag to fall, or pass -Force to promote anyway.",
                        DrErrorKind.InvalidOperation);
                }
            }

            return new FailoverCheck(replica, tier, rpo, lag, forced, source, objectives.TagProblem);
        }

        /// <summary>The newest ReplicaLag (Maximum per minute) of the instance; null when CloudWatch has no datapoint.</summary>
        public async Task<TimeSpan?> ReadLagAsync(string dbInstanceIdentifier, CancellationToken cancellationToken)
        {
            var now = _clock.UtcNow;
            var stats = await _cloudWatch.GetMetricStatisticsAsync(
                new MetricStatisticsRequest
                {
                    Namespace = "AWS/RDS",
                    MetricName = "ReplicaLag",
                    Dimensions = new List<KeyValuePair<string, string>> { new KeyValuePair<string, string>("DBInstanceIdentifier", dbInstanceIdentifier) },
                    StartTime = now - LagWindow,
                    EndTime = now,
                    Period = 60,
                    Statistics = new List<string> { "Maximum" },
                },
                cancellationToken).ConfigureAwait(false);
            var newest = stats.Datapoints.Where(d => d.Maximum != null).OrderBy(d => d.Timestamp).LastOrDefault();

            // RDS reports -1 while replication is not running: that is no lag to trust.
            return newest == null || newest.Maximum < 0 ? (TimeSpan?)null : TimeSpan.FromSeconds(newest.Maximum!.Value);
        }

        /// <summary>
        /// Promotes the checked replica and waits (with progress) until it is available and no longer a replica. A wait
        /// that runs past -Timeout is FailoverWaitTimeout carrying the result so far; the promotion goes on in AWS.
        /// </summary>
        public async Task<FailoverResult> PromoteAsync(FailoverCheck check, FailoverOptions options, IProgress<FailoverProgress>? progress, CancellationToken cancellationToken)
        {
            if (check == null)
            {
                throw new ArgumentNullException(nameof(check));
            }

            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            var id = check.Replica.DBInstanceIdentifier;
            var started = _clock.UtcNow;
            var result = new FailoverResult
            {
                DBInstanceIdentifier = id,
                DBInstanceArn = check.Replica.DBInstanceArn,
                Region = _rds.Context.Region,
                SourceDBInstanceIdentifier = check.Replica.ReadReplicaSourceDBInstanceIdentifier,
                Tier = check.Tier?.ToString(),
                LagAtPromotion = check.Lag,
                Rpo = check.Rpo,
                RpoSource = check.RpoSource?.ToString(),
                Forced = check.ForcedBecause != null,
                StartTime = started,
            };

            var promoted = await _rds.PromoteReadReplicaAsync(id, cancellationToken).ConfigureAwait(false);
            Fill(result, promoted, started);
            progress?.Report(new FailoverProgress(id, promoted.DBInstanceStatus, TimeSpan.Zero, false));

            var round = 0;
            while (true)
            {
                var elapsed = _clock.UtcNow - started;
                if (options.Timeout != null && elapsed >= options.Timeout.Value)
                {
                    progress?.Report(new FailoverProgress(id, result.State, elapsed, true));
                    throw new DrException("FailoverWaitTimeout", "Timeout", result,
                        $"DB instance '{id}' was still '{result.State ?? "unknown"}' {Format(elapsed)} after PromoteReadReplica (timeout {Format(options.Timeout.Value)}). The promotion goes on in AWS; check it with Get-DrResource -Region {result.Region}, or raise -Timeout next time.",
                        DrErrorKind.OperationTimeout);
                }

                var delay = options.Schedule.Delay(round++);
                if (options.Timeout != null)
                {
                    var left = options.Timeout.Value - elapsed;
                    delay = left < delay ? left : delay;
                }

                await _clock.Delay(delay, cancellationToken).ConfigureAwait(false);
                var current = await DescribeAsync(id, cancellationToken).ConfigureAwait(false);
                Fill(result, current, started);
                var done = string.Equals(current.DBInstanceStatus, "available", StringComparison.OrdinalIgnoreCase)
                    && string.IsNullOrEmpty(current.ReadReplicaSourceDBInstanceIdentifier);
                progress?.Report(new FailoverProgress(id, current.DBInstanceStatus, result.Duration, done));
                if (done)
                {
                    result.Succeeded = true;
                    return result;
                }
            }
        }

        private void Fill(FailoverResult result, DbInstance db, DateTime started)
        {
            result.State = db.DBInstanceStatus;
            result.DBInstanceArn ??= db.DBInstanceArn;
            result.Endpoint = db.EndpointAddress == null ? result.Endpoint : db.EndpointPort == null ? db.EndpointAddress : db.EndpointAddress + ":" + db.EndpointPort.Value.ToString(CultureInfo.InvariantCulture);
            result.Duration = _clock.UtcNow - started;
        }

        private async Task<DbInstance> DescribeAsync(string id, CancellationToken cancellationToken)
        {
            await foreach (var db in _rds.DescribeDBInstancesAsync(id, cancellationToken).ConfigureAwait(false))
            {
                return db;
            }

            throw new DrException("DBInstanceNotFound", "DBInstanceIdentifier", id, $"DB instance '{id}' was not found in {_rds.Context.Region}.", DrErrorKind.ObjectNotFound);
        }

        /// <summary>
        /// The DrTier and DrRpoMinutes tags that apply to the replica: its own, and for a key it lacks, its source's (a
        /// replica created without copying tags still follows its primary's objectives). A source that cannot be read
        /// (gone, another account, no permission) adds nothing: the replica's own tags, -Tier or -Force decide then.
        /// </summary>
        private async Task<Dictionary<string, string>> ObjectiveTagsAsync(DbInstance replica, CancellationToken cancellationToken)
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var t in replica.TagList.Where(t => ObjectiveTags.Contains(t.Key, StringComparer.Ordinal)))
            {
                tags[t.Key] = t.Value;
            }

            if (ObjectiveTags.All(tags.ContainsKey) || string.IsNullOrEmpty(replica.ReadReplicaSourceDBInstanceIdentifier))
            {
                return tags;
            }

            var source = await DescribeSourceAsync(replica.ReadReplicaSourceDBInstanceIdentifier!, cancellationToken).ConfigureAwait(false);
            foreach (var t in source?.TagList.Where(t => ObjectiveTags.Contains(t.Key, StringComparer.Ordinal)) ?? Enumerable.Empty<ResourceTag>())
            {
                if (!tags.ContainsKey(t.Key))
                {
                    tags[t.Key] = t.Value;
                }
            }

            return tags;
        }

        private async Task<DbInstance?> DescribeSourceAsync(string source, CancellationToken cancellationToken)
        {
            var rds = _rds;
            var id = source;
            if (source.StartsWith("arn:", StringComparison.Ordinal))
            {
                if (!Arn.TryParse(source, out var arn) || arn == null)
                {
                    return null;
                }

                id = arn.ResourceId;
                if (!string.Equals(arn.Region, _rds.Context.Region, StringComparison.Ordinal))
                {
                    if (_rdsFor == null)
                    {
                        return null;
                    }

                    rds = _rdsFor(arn.Region);
                }
            }

            try
            {
                await foreach (var db in rds.DescribeDBInstancesAsync(id, cancellationToken).ConfigureAwait(false))
                {
                    return db;
                }
            }
            catch (AwsServiceException)
            {
                // The source is gone (the disaster itself) or not ours to read: its tags add nothing.
            }

            return null;
        }

        /// <summary>"42 s", "3 min 5 s", "1 h 0 min": lag and RPO in words people read at a glance.</summary>
        public static string Format(TimeSpan t)
        {
            if (t < TimeSpan.FromMinutes(1))
            {
                return $"{t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";
            }

            if (t < TimeSpan.FromHours(1))
            {
                return $"{(int)t.TotalMinutes} min {t.Seconds} s";
            }

            return $"{(int)t.TotalHours} h {t.Minutes} min";
        }
    }
}
