using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using BackupDr.Core.Model;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// EC2 over the ec2 protocol: form-encoded POSTs (Action + Version 2016-11-15) with flattened lists
    /// (VolumeId.1, Filter.1.Value.1, Tag.1.Key), XML answers in lowerCamel with &lt;xSet&gt;&lt;item&gt; lists.
    /// </summary>
    public sealed class Ec2Client : QueryProtocolClient, IEc2Api, IEc2DryRunApi
    {
        public Ec2Client(IAwsTransport transport)
            : base(transport, AwsService.Ec2, pageSizeMember: "MaxResults", tokenMember: "NextToken", answerTokenMember: "nextToken", pageSizeRange: "5-1000")
        {
        }

        public IAsyncEnumerable<Ec2Instance> DescribeInstancesAsync(IEnumerable<string>? instanceIds, IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken)
        {
            var ids = instanceIds?.ToList();
            var filterList = filters?.ToList();
            return ListAsync(
                "DescribeInstances",
                q =>
                {
                    q.AddList("InstanceId", ids);
                    AddFilters(q, filterList);
                },
                pageable: ids == null || ids.Count == 0,
                root => root.Items("reservationSet", "item").SelectMany(ReadReservation),
                cancellationToken);
        }

        public IAsyncEnumerable<Ec2Volume> DescribeVolumesAsync(IEnumerable<string>? volumeIds, IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken)
        {
            var ids = volumeIds?.ToList();
            var filterList = filters?.ToList();
            return ListAsync(
                "DescribeVolumes",
                q =>
                {
                    q.AddList("VolumeId", ids);
                    AddFilters(q, filterList);
                },
                pageable: ids == null || ids.Count == 0,
                root => root.Items("volumeSet", "item").Select(ReadVolume),
                cancellationToken);
        }

        public IAsyncEnumerable<Ec2TagDescription> DescribeTagsAsync(IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken)
        {
            var filterList = filters?.ToList();
            return ListAsync(
                "DescribeTags",
                q => AddFilters(q, filterList),
                pageable: true,
                root => root.Items("tagSet", "item").Select(ReadTagDescription),
                cancellationToken);
        }

        public IAsyncEnumerable<Ec2Snapshot> DescribeSnapshotsAsync(IEnumerable<string>? snapshotIds, IEnumerable<string>? ownerIds, IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken)
        {
            var ids = snapshotIds?.ToList();
            var owners = ownerIds?.ToList();
            var filterList = filters?.ToList();
            return ListAsync(
                "DescribeSnapshots",
                q =>
                {
                    q.AddList("Owner", owners);
                    q.AddList("SnapshotId", ids);
                    AddFilters(q, filterList);
                },
                pageable: ids == null || ids.Count == 0,
                root => root.Items("snapshotSet", "item").Select(ReadSnapshot),
                cancellationToken);
        }

        /// <summary>Sends a ClientToken always (the caller's or a new GUID), so a transport retry never makes a second volume.</summary>
        public async Task<Ec2Volume> CreateVolumeAsync(CreateVolumeRequest request, CancellationToken cancellationToken)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            Require(request.AvailabilityZone, nameof(request.AvailabilityZone));
            if (request.Size == null && string.IsNullOrEmpty(request.SnapshotId))
            {
                throw new ArgumentException("CreateVolume needs a Size or a SnapshotId.", nameof(request));
            }

            var q = Query("CreateVolume")
                .Add("AvailabilityZone", request.AvailabilityZone)
                .Add("Encrypted", request.Encrypted)
                .Add("Iops", request.Iops)
                .Add("Size", request.Size)
                .Add("SnapshotId", request.SnapshotId)
                .Add("VolumeType", request.VolumeType);
            AddTagSpecification(q, "volume", request.Tags);
            q.Add("ClientToken", string.IsNullOrEmpty(request.ClientToken) ? Guid.NewGuid().ToString() : request.ClientToken);
            var root = await CallAsync(q, cancellationToken).ConfigureAwait(false);
            return ReadVolume(root);
        }

        public async Task DeleteVolumeAsync(string volumeId, CancellationToken cancellationToken)
        {
            Require(volumeId, nameof(volumeId));
            await CallAsync(Query("DeleteVolume").Add("VolumeId", volumeId), cancellationToken).ConfigureAwait(false);
        }

        public async Task CreateTagsAsync(IEnumerable<string> resourceIds, IEnumerable<ResourceTag> tags, CancellationToken cancellationToken)
        {
            var ids = RequireList(resourceIds, nameof(resourceIds));
            var list = RequireList(tags, nameof(tags));
            var q = Query("CreateTags").AddList("ResourceId", ids);
            q.AddStructList("Tag", list, (p, t) => q.Add(p + ".Key", t.Key).Add(p + ".Value", t.Value ?? string.Empty));
            await CallAsync(q, cancellationToken).ConfigureAwait(false);
        }

        public async Task DeleteTagsAsync(IEnumerable<string> resourceIds, IEnumerable<ResourceTag> tags, CancellationToken cancellationToken)
        {
            var ids = RequireList(resourceIds, nameof(resourceIds));

            // An empty tag list would delete every tag of the resources: never do that by accident.
            var list = RequireList(tags, nameof(tags));
            var q = Query("DeleteTags").AddList("ResourceId", ids);
            q.AddStructList("Tag", list, (p, t) => q.Add(p + ".Key", t.Key).Add(p + ".Value", string.IsNullOrEmpty(t.Value) ? null : t.Value));
            await CallAsync(q, cancellationToken).ConfigureAwait(false);
        }

        public async Task<Ec2Snapshot> CreateSnapshotAsync(string volumeId, string? description, IEnumerable<ResourceTag>? tags, CancellationToken cancellationToken)
        {
            Require(volumeId, nameof(volumeId));
            var q = Query("CreateSnapshot")
                .Add("Description", description)
                .Add("VolumeId", volumeId);
            AddTagSpecification(q, "snapshot", tags);
            var root = await CallAsync(q, cancellationToken).ConfigureAwait(false);
            return ReadSnapshot(root);
        }

        public async Task<string> CopySnapshotAsync(string sourceSnapshotId, string sourceRegion, string? description, bool? encrypted, string? kmsKeyId, CancellationToken cancellationToken)
        {
            Require(sourceSnapshotId, nameof(sourceSnapshotId));
            Require(sourceRegion, nameof(sourceRegion));
            var q = Query("CopySnapshot")
                .Add("Description", description)
                .Add("Encrypted", encrypted)
                .Add("KmsKeyId", kmsKeyId)
                .Add("SourceRegion", sourceRegion)
                .Add("SourceSnapshotId", sourceSnapshotId);
            var root = await CallAsync(q, cancellationToken).ConfigureAwait(false);
            return NullIfEmpty(root.Str("snapshotId"))
                ?? throw new AwsServiceException(AwsService.Ec2.Name, q.Action, 200, "MalformedResponse", "The CopySnapshot answer has no snapshotId.", null, Context.Region);
        }

        /// <summary>
        /// DescribeVolumes with DryRun=true: EC2 checks the permission and answers DryRunOperation (allowed) or
        /// UnauthorizedOperation (denied, thrown as usual); an endpoint that ignores DryRun and answers the call counts as allowed.
        /// </summary>
        public async Task<bool> DryRunDescribeVolumesAsync(CancellationToken cancellationToken)
        {
            try
            {
                await CallAsync(Query("DescribeVolumes").Add("DryRun", true).Add("MaxResults", 5), cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (AwsServiceException ex) when (ex.ErrorCode == "DryRunOperation")
            {
                return true;
            }
        }

        /// <summary>EC2 puts the result members directly in the &lt;ActionResponse&gt; root.</summary>
        private protected override XElement ResultOf(XElement root, string action) => root;

        private static void AddFilters(QueryParams q, IEnumerable<Ec2Filter>? filters) =>
            q.AddStructList("Filter", filters, (p, f) => q.Add(p + ".Name", f.Name).AddList(p + ".Value", f.Values));

        private static void AddTagSpecification(QueryParams q, string resourceType, IEnumerable<ResourceTag>? tags)
        {
            var list = tags?.ToList();
            if (list == null || list.Count == 0)
            {
                return;
            }

            q.Add("TagSpecification.1.ResourceType", resourceType);
            q.AddStructList("TagSpecification.1.Tag", list, (p, t) => q.Add(p + ".Key", t.Key).Add(p + ".Value", t.Value ?? string.Empty));
        }

        private static List<T> RequireList<T>(IEnumerable<T>? items, string parameterName)
        {
            var list = (items ?? throw new ArgumentNullException(parameterName)).ToList();
            if (list.Count == 0)
            {
                throw new ArgumentException($"{parameterName} needs at least one item.", parameterName);
            }

            return list;
        }

        private static List<ResourceTag> ReadTags(XElement parent) =>
            parent.Items("tagSet", "item").Select(t => new ResourceTag(t.Str("key") ?? string.Empty, t.Str("value") ?? string.Empty)).ToList();

        private IEnumerable<Ec2Instance> ReadReservation(XElement reservation)
        {
            var ownerId = S(reservation, "ownerId");
            return reservation.Items("instancesSet", "item").Select(i => ReadInstance(i, ownerId));
        }

        private Ec2Instance ReadInstance(XElement e, string? ownerId) => new Ec2Instance
        {
            InstanceId = e.Str("instanceId") ?? string.Empty,
            Region = Context.Region,
            InstanceType = S(e, "instanceType"),
            State = e.El("instanceState") is XElement st ? S(st, "name") : null,
            AvailabilityZone = e.El("placement") is XElement pl ? S(pl, "availabilityZone") : null,
            LaunchTime = e.Date("launchTime"),
            OwnerId = ownerId,
            VolumeIds = e.Items("blockDeviceMapping", "item")
                .Select(m => m.El("ebs") is XElement ebs ? S(ebs, "volumeId") : null)
                .Where(v => v != null)
                .Select(v => v!)
                .ToList(),
            Tags = ReadTags(e),
        };

        private Ec2Volume ReadVolume(XElement e) => new Ec2Volume
        {
            VolumeId = e.Str("volumeId") ?? string.Empty,
            Region = Context.Region,
            Size = e.Int("size"),
            VolumeType = S(e, "volumeType"),
            State = S(e, "status"),
            AvailabilityZone = S(e, "availabilityZone"),
            CreateTime = e.Date("createTime"),
            SnapshotId = S(e, "snapshotId"),
            Encrypted = e.Bool("encrypted"),
            Iops = e.Int("iops"),
            Attachments = e.Items("attachmentSet", "item").Select(a => new VolumeAttachment
            {
                InstanceId = S(a, "instanceId"),
                Device = S(a, "device"),
                State = S(a, "status"),
            }).ToList(),
            Tags = ReadTags(e),
        };

        private Ec2Snapshot ReadSnapshot(XElement e) => new Ec2Snapshot
        {
            SnapshotId = e.Str("snapshotId") ?? string.Empty,
            Region = Context.Region,
            VolumeId = S(e, "volumeId"),
            State = S(e, "status"),
            StartTime = e.Date("startTime"),
            Progress = S(e, "progress"),
            VolumeSize = e.Int("volumeSize"),
            Description = S(e, "description"),
            OwnerId = S(e, "ownerId"),
            Encrypted = e.Bool("encrypted"),
            Tags = ReadTags(e),
        };

        private static Ec2TagDescription ReadTagDescription(XElement e) => new Ec2TagDescription
        {
            ResourceId = e.Str("resourceId") ?? string.Empty,
            ResourceType = S(e, "resourceType"),
            Key = e.Str("key") ?? string.Empty,
            Value = e.Str("value") ?? string.Empty,
        };
    }
}
