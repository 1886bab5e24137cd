using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>
    /// Remove-DrDrillResource: finds the DB instances and volumes a drill left (tag BackupDrDrillId), optionally of one
    /// drill or older than a time, and deletes them (DeleteDBInstance without a final snapshot, DeleteVolume). A drill
    /// killed outright between starting its restore and tagging what it made leaves a DB instance without the tag; it
    /// is still found by the temporary name Test-DrRestore gave it (prefix, source, 4-character suffix), and what any
    /// killed drill's restore job created is found through the drill journal (DrillJournal). Only resources carrying the
    /// drill tag, such a drill name, or created by a restore job a drill journalled are ever deleted.
    /// </summary>
    public sealed class DrillResourceCleaner
    {
        private readonly IRdsApi _rds;
        private readonly IEc2Api _ec2;
        private readonly IAwsClock _clock;

        public DrillResourceCleaner(IRdsApi rds, IEc2Api ec2, IAwsClock? clock = null)
        {
            _rds = rds ?? throw new ArgumentNullException(nameof(rds));
            _ec2 = ec2 ?? throw new ArgumentNullException(nameof(ec2));
            _clock = clock ?? SystemClock.Instance;
        }

        /// <summary>Checks the filters before anything is sent: -OlderThan must not be negative.</summary>
        public static void Validate(string? drillId, TimeSpan? olderThan)
        {
            if (olderThan != null && olderThan.Value < TimeSpan.Zero)
            {
                throw new DrValidationException("InvalidOlderThan", "OlderThan", olderThan, $"-OlderThan {olderThan} is negative: give how long ago the drill started, e.g. '1.00:00:00' for a day.");
            }

            if (drillId != null && drillId.Trim().Length == 0)
            {
                throw new DrValidationException("InvalidDrillId", "DrillId", drillId, "-DrillId is empty: give the DrillId of a drill result, or leave it out for every drill.");
            }
        }

        /// <summary>FoundBy of a resource found by its drill tag.</summary>
        public const string ByTag = "Tag";

        /// <summary>FoundBy of an untagged DB instance found by its drill name (a drill killed before it could tag it).</summary>
        public const string ByName = "Name";

        /// <summary>Streams the drill resources of the region that match (DB instances, then volumes); tag matches only.</summary>
        public IAsyncEnumerable<DrillLeftover> FindAsync(string? drillId, TimeSpan? olderThan, string accountId, CancellationToken cancellationToken) =>
            FindAsync(drillId, olderThan, accountId, null, cancellationToken);

        /// <summary>
        /// Streams the drill resources of the region that match (DB instances, then volumes). With a <paramref name="namePrefix"/>
        /// and no <paramref name="drillId"/>, an untagged DB instance named like a drill's restore (prefix-source-xxxx) is found
        /// too (FoundBy Name, DrillId empty, DrillStarted its creation time).
        /// </summary>
        public async IAsyncEnumerable<DrillLeftover> FindAsync(string? drillId, TimeSpan? olderThan, string accountId, string? namePrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Validate(drillId, olderThan);
            var drillName = namePrefix == null ? null : DrillNamePattern(namePrefix);
            var region = _rds.Context.Region;
            var partition = _rds.Context.Partition;
            var now = _clock.UtcNow;
            await foreach (var db in _rds.DescribeDBInstancesAsync(null, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var id = db.TagList.FirstOrDefault(t => t.Key == RestoreDrill.DrillIdTag)?.Value;
                var started = Started(db.TagList) ?? db.InstanceCreateTime;
                if (Matches(id, started, drillId, olderThan, now) && !string.Equals(db.DBInstanceStatus, "deleting", StringComparison.OrdinalIgnoreCase))
                {
                    yield return new DrillLeftover
                    {
                        ResourceArn = db.DBInstanceArn ?? ResourceArns.DbArn(region, accountId, db.DBInstanceIdentifier, partition),
                        ResourceType = "RDS", Region = region, DrillId = id!, DrillStarted = started, State = db.DBInstanceStatus, FoundBy = ByTag,
                    };
                }
                else if (drillName != null && drillId == null && string.IsNullOrEmpty(id) && drillName.IsMatch(db.DBInstanceIdentifier)
                    && string.IsNullOrEmpty(db.ReadReplicaSourceDBInstanceIdentifier)
                    && (olderThan == null || (db.InstanceCreateTime != null && now - db.InstanceCreateTime.Value >= olderThan.Value))
                    && !string.Equals(db.DBInstanceStatus, "deleting", StringComparison.OrdinalIgnoreCase))
                {
                    yield return new DrillLeftover
                    {
                        ResourceArn = db.DBInstanceArn ?? ResourceArns.DbArn(region, accountId, db.DBInstanceIdentifier, partition),
                        ResourceType = "RDS", Region = region, DrillId = string.Empty, DrillStarted = db.InstanceCreateTime, State = db.DBInstanceStatus, FoundBy = ByName,
                    };
                }
            }

            var filters = new[] { drillId == null ? new Ec2Filter("tag-key", RestoreDrill.DrillIdTag) : new Ec2Filter("tag:" + RestoreDrill.DrillIdTag, drillId) };
            await foreach (var v in _ec2.DescribeVolumesAsync(null, filters, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var id = v.Tags.FirstOrDefault(t => t.Key == RestoreDrill.DrillIdTag)?.Value;
                var started = Started(v.Tags) ?? v.CreateTime;
                if (Matches(id, started, drillId, olderThan, now))
                {
                    yield return new DrillLeftover
                    {
                        ResourceArn = ResourceArns.VolumeArn(region, accountId, v.VolumeId, partition),
                        ResourceType = "EBS", Region = region, DrillId = id!, DrillStarted = started, State = v.State, FoundBy = ByTag,
                    };
                }
            }
        }

        /// <summary>FoundBy of what a restore job created for a drill that wrote it in its journal and never cleaned up.</summary>
        public const string ByJournal = "Journal";

        /// <summary>
        /// What the unfinished restores of the journal (this region, the drill and age filters) left: each restore job is
        /// asked for what it created, and that resource is a leftover while it exists (FoundBy Journal). Entries with nothing
        /// left (the job failed, or what it made is gone) go to <paramref name="settled"/>, for the caller to mark finished;
        /// a job still running, or an entry without a job id (the drill ended before AWS answered), is a warning.
        /// </summary>
        public async IAsyncEnumerable<DrillLeftover> FindInJournalAsync(DrillJournal journal, IBackupApi backup, string? drillId, TimeSpan? olderThan, ICollection<KeyValuePair<DrillLeftover?, PendingDrillRestore>> settled, ICollection<string> warnings, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (journal == null)
            {
                throw new ArgumentNullException(nameof(journal));
            }

            Validate(drillId, olderThan);
            var region = _rds.Context.Region;
            var now = _clock.UtcNow;
            foreach (var pending in journal.Pending())
            {
                if (!string.Equals(pending.Region, region, StringComparison.Ordinal)
                    || (drillId != null && !string.Equals(pending.DrillId, drillId, StringComparison.Ordinal))
                    || (olderThan != null && now - pending.StartedAt < olderThan.Value))
                {
                    continue;
                }

                if (string.IsNullOrEmpty(pending.RestoreJobId))
                {
                    warnings.Add($"Drill {pending.DrillId} ended while it was starting a restore of {pending.RecoveryPointArn} ({pending.StartedAt:u}), before AWS gave it the restore job id. "
                        + $"If that restore ran, find it with Get-DrBackupJob -JobType Restore -Region {region} and delete what it created; the entry stays in {journal.Path} until then.");
                    continue;
                }

                RestoreJob job;
                try
                {
                    job = await backup.DescribeRestoreJobAsync(pending.RestoreJobId!, cancellationToken).ConfigureAwait(false);
                }
                catch (AwsServiceException ex) when (ex.IsNotFound)
                {
                    settled.Add(new KeyValuePair<DrillLeftover?, PendingDrillRestore>(null, pending));
                    continue;
                }

                if (!job.IsTerminal)
                {
                    warnings.Add($"The restore job {job.RestoreJobId} of drill {pending.DrillId} is still {job.State}: run Remove-DrDrillResource again once it has finished, to delete what it creates.");
                    continue;
                }

                if (!job.Succeeded || string.IsNullOrEmpty(job.CreatedResourceArn))
                {
                    settled.Add(new KeyValuePair<DrillLeftover?, PendingDrillRestore>(null, pending));
                    continue;
                }

                var created = job.CreatedResourceArn!;
                var state = await StateOfAsync(created, pending.ResourceType, cancellationToken).ConfigureAwait(false);
                if (state == null)
                {
                    settled.Add(new KeyValuePair<DrillLeftover?, PendingDrillRestore>(null, pending));
                    continue;
                }

                var leftover = new DrillLeftover
                {
                    ResourceArn = created, ResourceType = pending.ResourceType, Region = region, DrillId = pending.DrillId, DrillStarted = pending.StartedAt,
                    State = state, FoundBy = ByJournal,
                };
                settled.Add(new KeyValuePair<DrillLeftover?, PendingDrillRestore>(leftover, pending));
                yield return leftover;
            }
        }

        /// <summary>The state of a DB instance or volume; null when it does not exist (or is being deleted).</summary>
        private async Task<string?> StateOfAsync(string resourceArn, string type, CancellationToken cancellationToken)
        {
            var id = Arn.Parse(resourceArn).ResourceId;
            try
            {
                if (type == "RDS")
                {
                    await foreach (var db in _rds.DescribeDBInstancesAsync(id, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        return string.Equals(db.DBInstanceStatus, "deleting", StringComparison.OrdinalIgnoreCase) ? null : db.DBInstanceStatus ?? "available";
                    }
                }
                else
                {
                    await foreach (var v in _ec2.DescribeVolumesAsync(new[] { id }, null, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        return string.Equals(v.State, "deleting", StringComparison.OrdinalIgnoreCase) || string.Equals(v.State, "deleted", StringComparison.OrdinalIgnoreCase) ? null : v.State ?? "available";
                    }
                }
            }
            catch (AwsServiceException ex) when (ex.IsNotFound)
            {
            }

            return null;
        }

        /// <summary>Deletes one leftover; one already gone counts as removed.</summary>
        public async Task<DrillLeftover> RemoveAsync(DrillLeftover leftover, CancellationToken cancellationToken)
        {
            if (leftover == null || (string.IsNullOrEmpty(leftover.DrillId) && !(leftover.FoundBy == ByName && leftover.ResourceType == "RDS")))
            {
                throw new ArgumentException("Only resources found by their drill tag or drill name are removed.", nameof(leftover));
            }

            var id = Arn.Parse(leftover.ResourceArn).ResourceId;
            try
            {
                if (leftover.ResourceType == "RDS")
                {
                    await _rds.DeleteDBInstanceAsync(id, skipFinalSnapshot: true, finalDBSnapshotIdentifier: null, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _ec2.DeleteVolumeAsync(id, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (AwsServiceException ex) when (ex.IsNotFound)
            {
            }

            leftover.Removed = true;
            leftover.State = "deleted";
            return leftover;
        }

        /// <summary>
        /// The identifiers Test-DrRestore gives a restore with this prefix: the prefix (with a hyphen), the source's id
        /// (lower case, single hyphens) and a 4-character suffix, at most 63 characters; RDS identifiers are lower case.
        /// </summary>
        public static Regex DrillNamePattern(string namePrefix)
        {
            RestoreDrill.ValidateNamePrefix(namePrefix, "NamePrefix");
            var p = namePrefix.ToLowerInvariant();
            p = p.EndsWith("-", StringComparison.Ordinal) ? p : p + "-";
            return new Regex("^" + Regex.Escape(p) + "[a-z0-9]+(?:-[a-z0-9]+)*-[a-z0-9]{4}$", RegexOptions.CultureInvariant);
        }

        private static bool Matches(string? id, DateTime? started, string? drillId, TimeSpan? olderThan, DateTime now)
        {
            if (string.IsNullOrEmpty(id))
            {
                return false;
            }

            if (drillId != null && !string.Equals(id, drillId, StringComparison.Ordinal))
            {
                return false;
            }

            return olderThan == null || (started != null && now - started.Value >= olderThan.Value);
        }

        private static DateTime? Started(IEnumerable<ResourceTag> tags)
        {
            var text = tags.FirstOrDefault(t => t.Key == RestoreDrill.DrillStartedTag)?.Value;
            return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTime?)null;
        }
    }
}
