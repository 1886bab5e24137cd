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
    /// is still found by the temporary name Test-DrRestore gave it (prefix, source, 4-character suffix). Only resources
    /// carrying the drill tag or such a drill name are ever deleted.
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
