using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using BackupDr.Sandbox;

namespace BackupDr.Core.Tests.Ec2;

/// <summary>
/// The sandbox's EC2 checked by AWS's own AmazonEC2Client, used as any SDK user would (no adapter of ours in between).
/// The SDK skips elements it does not know and leaves lists empty when an item list is misnamed, so each test asserts
/// the members the sandbox claims to send arrive filled in.
/// </summary>
public sealed class SandboxAnswersAwsSdkEc2Tests : IDisposable
{
    private readonly SandboxServer _sandbox = SandboxServer.StartNew(new SandboxOptions { JobDuration = TimeSpan.Zero, RandomSeed = 11 });

    public void Dispose() => _sandbox.Dispose();

    private AmazonEC2Client Client(string region = "us-east-1")
    {
        var config = new AmazonEC2Config { RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region) };
        config.ServiceURL = _sandbox.Endpoint.ToString();
        config.AuthenticationRegion = region;
        config.MaxErrorRetry = 0;
        return new AmazonEC2Client(new BasicAWSCredentials("AKIDSDK", "secret"), config);
    }

    private static CancellationToken Ct => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task Volumes_snapshots_and_tags_read_back_complete_through_the_SDK()
    {
        using var ec2 = Client();
        var created = await ec2.CreateVolumeAsync(new CreateVolumeRequest
        {
            AvailabilityZone = "us-east-1a",
            Size = 10,
            VolumeType = VolumeType.Gp3,
            Encrypted = true,
            TagSpecifications = new List<TagSpecification> { new() { ResourceType = ResourceType.Volume, Tags = new List<Tag> { new("dr:tier", "Gold") } } },
        }, Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, created.HttpStatusCode);
        Assert.False(string.IsNullOrEmpty(created.ResponseMetadata.RequestId));
        var v = created.Volume;
        Assert.StartsWith("vol-", v.VolumeId);
        Assert.Equal((10, "gp3", "us-east-1a", true), (v.Size, v.VolumeType.Value, v.AvailabilityZone, v.Encrypted));
        Assert.Equal(VolumeState.Creating, v.State);
        Assert.NotNull(v.CreateTime);
        Assert.Equal("dr:tier=Gold", string.Join(",", v.Tags.Select(t => $"{t.Key}={t.Value}")));

        var described = Assert.Single((await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = new List<string> { v.VolumeId } }, Ct)).Volumes);
        Assert.Equal(VolumeState.Available, described.State);
        Assert.Equal((3000, 125, false), (described.Iops, described.Throughput, described.MultiAttachEnabled));
        Assert.Equal("Gold", Assert.Single(described.Tags).Value);

        var snap = (await ec2.CreateSnapshotAsync(new CreateSnapshotRequest
        {
            VolumeId = v.VolumeId,
            Description = "nightly",
            TagSpecifications = new List<TagSpecification> { new() { ResourceType = ResourceType.Snapshot, Tags = new List<Tag> { new("job", "n1") } } },
        }, Ct)).Snapshot;
        Assert.StartsWith("snap-", snap.SnapshotId);
        Assert.Equal((v.VolumeId, 10, "nightly", "123456789012"), (snap.VolumeId, snap.VolumeSize, snap.Description, snap.OwnerId));
        Assert.Equal(SnapshotState.Pending, snap.State);
        Assert.NotNull(snap.StartTime);
        Assert.Equal("job", Assert.Single(snap.Tags).Key);

        var listed = Assert.Single((await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = new List<string> { "self" }, Filters = new List<Filter> { new("volume-id", new List<string> { v.VolumeId }) } }, Ct)).Snapshots);
        Assert.Equal((SnapshotState.Completed, "100%", StorageTier.Standard), (listed.State, listed.Progress, listed.StorageTier));

        var rows = (await ec2.DescribeTagsAsync(new DescribeTagsRequest { Filters = new List<Filter> { new("resource-id", new List<string> { v.VolumeId }) } }, Ct)).Tags;
        var row = Assert.Single(rows);
        Assert.Equal((v.VolumeId, ResourceType.Volume, "dr:tier", "Gold"), (row.ResourceId, row.ResourceType, row.Key, row.Value));

        Assert.True((await ec2.DeleteTagsAsync(new DeleteTagsRequest { Resources = new List<string> { v.VolumeId }, Tags = new List<Tag> { new() { Key = "dr:tier" } } }, Ct)).HttpStatusCode == System.Net.HttpStatusCode.OK);
        Assert.Empty((await ec2.DescribeTagsAsync(new DescribeTagsRequest { Filters = new List<Filter> { new("resource-id", new List<string> { v.VolumeId }) } }, Ct)).Tags ?? new List<TagDescription>());
    }

    [Fact]
    public async Task Instances_come_in_reservations_with_state_placement_and_block_devices()
    {
        _sandbox.SeedFromJson("""
        { "regions": [ { "region": "us-east-1",
            "volumes": [ { "id": "vol-0aaaaaaaaaaaaaaa1", "size": 8, "availabilityZone": "us-east-1a", "instanceId": "i-0123456789abcdef0" } ],
            "instances": [ { "id": "i-0123456789abcdef0", "instanceType": "t3.micro", "state": "running", "volumeIds": [ "vol-0aaaaaaaaaaaaaaa1" ], "tags": { "Name": "web" } } ] } ] }
        """);
        using var ec2 = Client();
        var reservations = (await ec2.DescribeInstancesAsync(new DescribeInstancesRequest(), Ct)).Reservations;
        Assert.NotEmpty(reservations);
        var reservation = reservations[0];
        Assert.StartsWith("r-", reservation.ReservationId);
        Assert.Equal("123456789012", reservation.OwnerId);
        var i = Assert.Single(reservation.Instances);
        Assert.StartsWith("i-", i.InstanceId);
        Assert.False(string.IsNullOrEmpty(i.ImageId));
        Assert.NotNull(i.InstanceType);
        Assert.NotNull(i.State?.Name);
        Assert.NotNull(i.State!.Code);
        Assert.StartsWith("us-east-1", i.Placement.AvailabilityZone);
        Assert.Equal(Tenancy.Default, i.Placement.Tenancy);
        Assert.NotNull(i.LaunchTime);
        Assert.Equal("/dev/xvda", i.RootDeviceName);
        Assert.Equal(DeviceType.Ebs, i.RootDeviceType);
        Assert.Equal((InstanceType.T3Micro, InstanceStateName.Running, 16), (i.InstanceType, i.State.Name, i.State.Code));
        var root = Assert.Single(i.BlockDeviceMappings);
        Assert.Equal(("/dev/xvda", "vol-0aaaaaaaaaaaaaaa1", AttachmentStatus.Attached), (root.DeviceName, root.Ebs.VolumeId, root.Ebs.Status));
        Assert.Equal("Name=web", string.Join(",", i.Tags.Select(t => $"{t.Key}={t.Value}")));

        var volume = Assert.Single((await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = new List<string> { "vol-0aaaaaaaaaaaaaaa1" } }, Ct)).Volumes);
        Assert.Equal(VolumeState.InUse, volume.State);
        var attachment = Assert.Single(volume.Attachments);
        Assert.Equal(("i-0123456789abcdef0", "/dev/xvda", VolumeAttachmentState.Attached, true), (attachment.InstanceId, attachment.Device, attachment.State, attachment.DeleteOnTermination));
    }

    [Fact]
    public async Task Errors_arrive_as_AmazonEC2Exception_with_code_status_and_the_request_id_the_sandbox_logged()
    {
        using var ec2 = Client();
        var ex = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = new List<string> { "vol-00000000000000000" } }, Ct));

        Assert.Equal("InvalidVolume.NotFound", ex.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal(ErrorType.Unknown, ex.ErrorType);
        Assert.Contains("vol-00000000000000000", ex.Message);
        Assert.False(string.IsNullOrEmpty(ex.RequestId));
        Assert.Equal("InvalidVolume.NotFound", _sandbox.RequestLog.Last().ErrorCode);

        var dry = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeVolumesAsync(new DescribeVolumesRequest { DryRun = true }, Ct));
        Assert.Equal(("DryRunOperation", (System.Net.HttpStatusCode)412), (dry.ErrorCode, dry.StatusCode));
    }

    [Fact]
    public async Task Paging_follows_nextToken_and_a_cross_region_copy_with_the_SDKs_presigned_url_is_accepted()
    {
        using var ec2 = Client();
        var ids = new List<string>();
        for (var n = 0; n < 7; n++)
        {
            ids.Add((await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1b", Size = 1 + n }, Ct)).Volume.VolumeId);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { MaxResults = 5, NextToken = token, Filters = new List<Filter> { new("availability-zone", new List<string> { "us-east-1b" }) } }, Ct);
            seen.AddRange(page.Volumes.Select(x => x.VolumeId));
            token = page.NextToken;
            pages++;
        }
        while (!string.IsNullOrEmpty(token));
        Assert.Equal(2, pages);
        Assert.Equal(ids.OrderBy(x => x, StringComparer.Ordinal), seen.OrderBy(x => x, StringComparer.Ordinal));

        var snap = (await ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = ids[0] }, Ct)).Snapshot;
        using var west = Client("us-west-2");
        var copy = await west.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = "us-east-1", SourceSnapshotId = snap.SnapshotId, Description = "dr" }, Ct);
        Assert.StartsWith("snap-", copy.SnapshotId);
        var drSnap = Assert.Single((await west.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = new List<string> { copy.SnapshotId } }, Ct)).Snapshots);
        Assert.Equal(("dr", 1), (drSnap.Description, drSnap.VolumeSize));
    }
}
