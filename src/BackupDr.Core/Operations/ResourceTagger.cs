using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>
    /// Set-DrBackupTag's logic: validate, read current tags from the service that owns the resource, compute
    /// the difference and send only that (EC2 CreateTags/DeleteTags, RDS AddTagsToResource/RemoveTagsFromResource).
    /// </summary>
    public sealed class ResourceTagger
    {
        private readonly IEc2Api? _ec2;
        private readonly IRdsApi? _rds;

        /// <summary>Either client may be null when the caller only tags the other service's resources.</summary>
        public ResourceTagger(IEc2Api? ec2, IRdsApi? rds)
        {
            _ec2 = ec2;
            _rds = rds;
        }

        /// <summary>
        /// Validates the change (tag rules first, before any call), reads the resource's tags and returns the
        /// difference; checks the 50-tag limit against the result. Sends no change.
        /// </summary>
        public async Task<TagChangeResult> PlanAsync(Arn resource, IDictionary<string, string>? set, IEnumerable<string>? removeKeys, CancellationToken cancellationToken)
        {
            if (resource == null)
            {
                throw new ArgumentNullException(nameof(resource));
            }

            var resourceType = Route(resource);
            var removeList = (removeKeys ?? Enumerable.Empty<string>()).ToList();
            TagRules.Validate(set, removeList);

            var current = await ReadTagsAsync(resource, cancellationToken).ConfigureAwait(false);
            var diff = TagPlanner.Compute(current, set, removeList);
            TagRules.ValidateCount(diff.ResultingKeys, resource.Text);
            return new TagChangeResult(resource, resourceType, diff);
        }

        /// <summary>Sends exactly the planned differences (removals first, so a full resource can swap tags); nothing when there are none.</summary>
        public async Task<TagChangeResult> ApplyAsync(TagChangeResult plan, CancellationToken cancellationToken)
        {
            if (plan == null)
            {
                throw new ArgumentNullException(nameof(plan));
            }

            if (!plan.Diff.HasChanges)
            {
                return plan;
            }

            var upserts = plan.Diff.Added.Select(kv => new ResourceTag(kv.Key, kv.Value))
                .Concat(plan.Diff.Changed.Select(c => new ResourceTag(c.Key, c.NewValue)))
                .ToList();
            var removals = plan.Diff.Removed.Keys.ToList();
            var arn = plan.Resource;

            if (arn.Service == "ec2")
            {
                var ec2 = _ec2 ?? throw MissingClient("EC2");
                var ids = new[] { arn.ResourceId };
                if (removals.Count > 0)
                {
                    // An empty value deletes the key whatever its value now is (it may have changed since the plan).
                    await ec2.DeleteTagsAsync(ids, removals.Select(k => new ResourceTag { Key = k }).ToList(), cancellationToken).ConfigureAwait(false);
                }

                if (upserts.Count > 0)
                {
                    await ec2.CreateTagsAsync(ids, upserts, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                var rds = _rds ?? throw MissingClient("RDS");
                if (removals.Count > 0)
                {
                    await rds.RemoveTagsFromResourceAsync(arn.Text, removals, cancellationToken).ConfigureAwait(false);
                }

                if (upserts.Count > 0)
                {
                    await rds.AddTagsToResourceAsync(arn.Text, upserts, cancellationToken).ConfigureAwait(false);
                }
            }

            plan.Applied = true;
            return plan;
        }

        /// <summary>The resource's current tags, from the service that owns it.</summary>
        public async Task<IReadOnlyDictionary<string, string>> ReadTagsAsync(Arn resource, CancellationToken cancellationToken)
        {
            Route(resource);
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            if (resource.Service == "ec2")
            {
                var ec2 = _ec2 ?? throw MissingClient("EC2");
                var filters = new[] { new Ec2Filter("resource-id", resource.ResourceId) };
                await foreach (var t in ec2.DescribeTagsAsync(filters, cancellationToken).ConfigureAwait(false))
                {
                    if (string.Equals(t.ResourceId, resource.ResourceId, StringComparison.Ordinal))
                    {
                        tags[t.Key] = t.Value;
                    }
                }
            }
            else
            {
                var rds = _rds ?? throw MissingClient("RDS");
                foreach (var t in await rds.ListTagsForResourceAsync(resource.Text, cancellationToken).ConfigureAwait(false))
                {
                    tags[t.Key] = t.Value;
                }
            }

            return tags;
        }

        /// <summary>Only EC2 instances/volumes and RDS instances/clusters are tagged here; anything else is refused up front.</summary>
        private static string Route(Arn resource)
        {
            var ok = (resource.Service == "ec2" && (resource.ResourceType == "instance" || resource.ResourceType == "volume"))
                || (resource.Service == "rds" && (resource.ResourceType == "db" || resource.ResourceType == "cluster"));
            if (!ok)
            {
                throw new DrValidationException("UnsupportedResourceType", "ResourceArn", resource.Text,
                    $"Set-DrBackupTag tags EC2 instances and volumes and RDS DB instances and clusters; '{resource.Text}' is a {resource.Service} '{resource.ResourceType}'.");
            }

            return ResourceArns.ResourceTypeOf(resource);
        }

        private static InvalidOperationException MissingClient(string service) =>
            new InvalidOperationException($"ResourceTagger was created without an {service} client.");
    }
}
