using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using System.Threading;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>
    /// Finds EBS volumes, EC2 instances, RDS instances and Aurora clusters, optionally by tag, so a runbook
    /// can say "back up everything tagged Backup=daily". EC2 filters by tag on the server; RDS lists
    /// carry their tags and are filtered here.
    /// </summary>
    public sealed class ResourceFinder
    {
        public static readonly IReadOnlyList<string> SupportedTypes = new[] { "EBS", "EC2", "RDS", "Aurora" };

        private readonly IEc2Api _ec2;
        private readonly IRdsApi _rds;

        public ResourceFinder(IEc2Api ec2, IRdsApi rds)
        {
            _ec2 = ec2;
            _rds = rds;
        }

        /// <summary>Streams matching resources of the asked types (all supported types when none are given).</summary>
        public async IAsyncEnumerable<DrResource> FindAsync(IReadOnlyDictionary<string, string>? tags, IEnumerable<string>? resourceTypes, string accountId, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var types = new HashSet<string>(resourceTypes?.Select(t => ResourceArns.NormalizeResourceType(t, "ResourceType")) ?? SupportedTypes, StringComparer.OrdinalIgnoreCase);
            foreach (var t in types)
            {
                if (!SupportedTypes.Contains(t, StringComparer.OrdinalIgnoreCase))
                {
                    throw new DrValidationException("UnsupportedResourceType", "ResourceType", t, $"Get-DrResource finds {string.Join(", ", SupportedTypes)} resources; '{t}' is not one of them.", DrErrorKind.InvalidArgument);
                }
            }

            var region = _ec2.Context.Region;
            var partition = _ec2.Context.Partition;
            var filters = tags?.Select(kv => new Ec2Filter("tag:" + kv.Key, kv.Value)).ToList();

            if (types.Contains("EBS"))
            {
                await foreach (var v in _ec2.DescribeVolumesAsync(null, filters, cancellationToken).ConfigureAwait(false))
                {
                    yield return new DrResource
                    {
                        ResourceArn = ResourceArns.VolumeArn(region, accountId, v.VolumeId, partition),
                        ResourceType = "EBS",
                        ResourceId = v.VolumeId,
                        Region = region,
                        State = v.State,
                        Tags = v.Tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal),
                    };
                }
            }

            if (types.Contains("EC2"))
            {
                await foreach (var i in _ec2.DescribeInstancesAsync(null, filters, cancellationToken).ConfigureAwait(false))
                {
                    if (i.State == "terminated" || i.State == "shutting-down")
                    {
                        continue;
                    }

                    yield return new DrResource
                    {
                        ResourceArn = ResourceArns.InstanceArn(region, i.OwnerId ?? accountId, i.InstanceId, partition),
                        ResourceType = "EC2",
                        ResourceId = i.InstanceId,
                        Region = region,
                        State = i.State,
                        Tags = i.Tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal),
                    };
                }
            }

            if (types.Contains("RDS"))
            {
                await foreach (var db in _rds.DescribeDBInstancesAsync(null, cancellationToken).ConfigureAwait(false))
                {
                    if (!string.IsNullOrEmpty(db.DBClusterIdentifier) || !Matches(db.TagList, tags))
                    {
                        continue;
                    }

                    yield return new DrResource
                    {
                        ResourceArn = db.DBInstanceArn ?? ResourceArns.DbArn(region, accountId, db.DBInstanceIdentifier, partition),
                        ResourceType = "RDS",
                        ResourceId = db.DBInstanceIdentifier,
                        Region = region,
                        State = db.DBInstanceStatus,
                        Tags = db.TagList.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal),
                    };
                }
            }

            if (types.Contains("Aurora"))
            {
                await foreach (var c in _rds.DescribeDBClustersAsync(null, cancellationToken).ConfigureAwait(false))
                {
                    if (!Matches(c.TagList, tags))
                    {
                        continue;
                    }

                    yield return new DrResource
                    {
                        ResourceArn = c.DBClusterArn ?? Arn.Build(partition, "rds", region, accountId, "cluster:" + c.DBClusterIdentifier),
                        ResourceType = "Aurora",
                        ResourceId = c.DBClusterIdentifier,
                        Region = region,
                        State = c.Status,
                        Tags = c.TagList.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal),
                    };
                }
            }
        }

        private static bool Matches(IEnumerable<ResourceTag> have, IReadOnlyDictionary<string, string>? want) =>
            want == null || want.All(w => have.Any(t => t.Key == w.Key && t.Value == w.Value));
    }
}
