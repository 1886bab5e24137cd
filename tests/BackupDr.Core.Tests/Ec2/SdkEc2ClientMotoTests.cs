using System.Xml.Linq;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Ec2;

/// <summary>SdkEc2Client (AWSSDK.EC2) against moto_server. Every test tags what it makes with a unique value: the server is shared.</summary>
[Collection("Moto")]
public sealed class SdkEc2ClientMotoTests
{
    /// <summary>One of moto's default AMIs (moto/ec2/resources/amis.json).</summary>
    private const string MotoAmi = "ami-12c6146b";

    private readonly MotoFixture _fixture;

    public SdkEc2ClientMotoTests(MotoFixture fixture)
    {
        _fixture = fixture;
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>RunInstances is not on IEc2Api (BackupDr never launches instances), so tests send it on the raw wire.</summary>
    private static async Task<List<string>> RunInstancesAsync(IAwsTransport transport, string runTag, int count = 1)
    {
        var response = await transport.SendAsync(
            new QueryParams(AwsService.Ec2, "RunInstances")
                .Add("ImageId", MotoAmi)
                .Add("InstanceType", "t3.micro")
                .Add("MinCount", count)
                .Add("MaxCount", count)
                .Add("Placement.AvailabilityZone", "us-east-1b")
                .Add("TagSpecification.1.ResourceType", "instance")
                .Add("TagSpecification.1.Tag.1.Key", "run")
                .Add("TagSpecification.1.Tag.1.Value", runTag)
                .ToRequest(),
            CancellationToken.None);
        var doc = XmlRead.Parse(response.Body);
        return doc.Root!.Items("instancesSet", "item").Select(i => i.Str("instanceId")!).ToList();
    }

    [MotoFact]
    public async Task Volume_create_describe_and_tags_round_trip()
    {
        using var transport = _fixture.Server.Transport();
        using var ec2 = new SdkEc2Client(transport.Context);
        var ct = CancellationToken.None;
        var run = Unique("vol");

        var created = await ec2.CreateVolumeAsync(
            new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 12, VolumeType = "gp3", Encrypted = true, Tags = new List<ResourceTag> { new("run", run), new("dr:tier", "Gold") } },
            ct);
        Assert.StartsWith("vol-", created.VolumeId);
        Assert.Equal("us-east-1", created.Region);
        Assert.Equal(12, created.Size);
        Assert.Equal("gp3", created.VolumeType);
        Assert.Equal("us-east-1a", created.AvailabilityZone);
        Assert.True(created.Encrypted);
        Assert.NotNull(created.CreateTime);
        Assert.Equal(new[] { "dr:tier=Gold", $"run={run}" }, created.Tags.Select(t => t.ToString()).OrderBy(s => s, StringComparer.Ordinal));

        var byId = Assert.Single(await QueryAssert.ToListAsync(ec2.DescribeVolumesAsync(new[] { created.VolumeId }, null, ct)));
        Assert.Equal(created.VolumeId, byId.VolumeId);
        Assert.Equal("available", byId.State);
        Assert.Empty(byId.Attachments);
        var byFilter = Assert.Single(await QueryAssert.ToListAsync(ec2.DescribeVolumesAsync(null, new[] { new Ec2Filter("tag:run", run), new Ec2Filter("size", "12") }, ct)));
        Assert.Equal(created.VolumeId, byFilter.VolumeId);
        Assert.Empty(await QueryAssert.ToListAsync(ec2.DescribeVolumesAsync(null, new[] { new Ec2Filter("tag:run", run), new Ec2Filter("size", "13") }, ct)));

        await ec2.CreateTagsAsync(new[] { created.VolumeId }, new[] { new ResourceTag("owner", "team a"), new ResourceTag("empty", "") }, ct);
        var rows = await QueryAssert.ToListAsync(ec2.DescribeTagsAsync(new[] { new Ec2Filter("resource-id", created.VolumeId) }, ct));
        Assert.Equal(new[] { "dr:tier=Gold", "empty=", "owner=team a", $"run={run}" }, rows.Select(r => $"{r.Key}={r.Value}").OrderBy(s => s, StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal((created.VolumeId, "volume"), (r.ResourceId, r.ResourceType)));

        // Deleting with a wrong value keeps the tag; with no value deletes it whatever its value.
        await ec2.DeleteTagsAsync(new[] { created.VolumeId }, new[] { new ResourceTag("owner", "someone else"), new ResourceTag("dr:tier", ""), new ResourceTag("empty", "") }, ct);
        var after = await QueryAssert.ToListAsync(ec2.DescribeTagsAsync(new[] { new Ec2Filter("resource-id", created.VolumeId) }, ct));
        Assert.Equal(new[] { "owner=team a", $"run={run}" }, after.Select(r => $"{r.Key}={r.Value}").OrderBy(s => s, StringComparer.Ordinal));
    }

    [MotoFact]
    public async Task Snapshot_create_describe_and_copy_in_region_and_across_regions()
    {
        using var east = _fixture.Server.Transport();
        using var west = _fixture.Server.Transport("us-west-2");
        using var ec2 = new SdkEc2Client(east.Context);
        using var ec2West = new SdkEc2Client(west.Context);
        var ct = CancellationToken.None;
        var run = Unique("snap");

        var volume = await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 9 }, ct);
        var snap = await ec2.CreateSnapshotAsync(volume.VolumeId, "nightly " + run, new[] { new ResourceTag("run", run) }, ct);
        Assert.StartsWith("snap-", snap.SnapshotId);
        Assert.Equal(volume.VolumeId, snap.VolumeId);
        Assert.Equal("us-east-1", snap.Region);
        Assert.Equal(9, snap.VolumeSize);
        Assert.Equal("nightly " + run, snap.Description);
        Assert.Equal("123456789012", snap.OwnerId);
        Assert.NotNull(snap.StartTime);
        Assert.Equal($"run={run}", Assert.Single(snap.Tags).ToString());

        var byId = Assert.Single(await QueryAssert.ToListAsync(ec2.DescribeSnapshotsAsync(new[] { snap.SnapshotId }, null, null, ct)));
        Assert.Equal(snap.SnapshotId, byId.SnapshotId);
        Assert.Equal("completed", byId.State);
        var bySelfAndTag = Assert.Single(await QueryAssert.ToListAsync(ec2.DescribeSnapshotsAsync(null, new[] { "self" }, new[] { new Ec2Filter("tag:run", run) }, ct)));
        Assert.Equal(snap.SnapshotId, bySelfAndTag.SnapshotId);

        var localCopyId = await ec2.CopySnapshotAsync(snap.SnapshotId, "us-east-1", "local copy " + run, null, null, ct);
        Assert.NotEqual(snap.SnapshotId, localCopyId);
        var localCopy = Assert.Single(await QueryAssert.ToListAsync(ec2.DescribeSnapshotsAsync(new[] { localCopyId }, null, null, ct)));
        Assert.Equal("local copy " + run, localCopy.Description);
        Assert.Equal(9, localCopy.VolumeSize);

        var drCopyId = await ec2West.CopySnapshotAsync(snap.SnapshotId, "us-east-1", "dr copy " + run, null, null, ct);
        var drCopy = Assert.Single(await QueryAssert.ToListAsync(ec2West.DescribeSnapshotsAsync(new[] { drCopyId }, null, null, ct)));
        Assert.Equal("us-west-2", drCopy.Region);
        Assert.Equal("dr copy " + run, drCopy.Description);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => QueryAssert.ToListAsync(ec2.DescribeSnapshotsAsync(new[] { drCopyId }, null, null, ct)));
        Assert.Equal("InvalidSnapshot.NotFound", ex.ErrorCode);
    }

    [MotoFact]
    public async Task DescribeInstances_by_id_and_filter_reads_instances_and_their_volumes()
    {
        using var transport = _fixture.Server.Transport();
        using var ec2 = new SdkEc2Client(transport.Context);
        var ct = CancellationToken.None;
        var run = Unique("inst");
        var ids = await RunInstancesAsync(transport, run, count: 2);
        Assert.Equal(2, ids.Count);

        var byId = Assert.Single(await QueryAssert.ToListAsync(ec2.DescribeInstancesAsync(new[] { ids[0] }, null, ct)));
        Assert.Equal(ids[0], byId.InstanceId);
        Assert.Equal("us-east-1", byId.Region);
        Assert.Equal("t3.micro", byId.InstanceType);
        Assert.Equal("running", byId.State);
        Assert.Equal("us-east-1b", byId.AvailabilityZone);
        Assert.Equal("123456789012", byId.OwnerId);
        Assert.NotNull(byId.LaunchTime);
        Assert.Equal($"run={run}", Assert.Single(byId.Tags).ToString());
        var rootVolume = Assert.Single(byId.VolumeIds);

        // The volume the instance reports is attached to it.
        var volume = Assert.Single(await QueryAssert.ToListAsync(ec2.DescribeVolumesAsync(new[] { rootVolume }, null, ct)));
        Assert.Equal(ids[0], Assert.Single(volume.Attachments).InstanceId);
        Assert.Equal("in-use", volume.State);

        var byTag = await QueryAssert.ToListAsync(ec2.DescribeInstancesAsync(null, new[] { new Ec2Filter("tag:run", run) }, ct));
        Assert.Equal(ids.OrderBy(i => i, StringComparer.Ordinal), byTag.Select(i => i.InstanceId).OrderBy(i => i, StringComparer.Ordinal));
    }

    [MotoFact]
    public async Task DescribeInstances_pages_over_reservations_with_PageSize()
    {
        using var transport = _fixture.Server.Transport();
        var recorder = new RecordingHandler();
        using var ec2 = new SdkEc2Client(transport.Context, handler: recorder) { PageSize = 1 };
        var run = Unique("page");
        var launched = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            launched.AddRange(await RunInstancesAsync(transport, run));
        }

        var listed = (await QueryAssert.ToListAsync(ec2.DescribeInstancesAsync(null, new[] { new Ec2Filter("tag:run", run) }, CancellationToken.None)))
            .Select(i => i.InstanceId).ToList();

        Assert.Equal(launched, listed);
        Assert.Equal(3, recorder.Bodies.Count);
        Assert.All(recorder.Bodies, b => Assert.Contains("MaxResults=1", b));
        Assert.All(recorder.Bodies, b => Assert.Contains("Action=DescribeInstances", b));
        Assert.DoesNotContain("NextToken=", recorder.Bodies[0]);
        Assert.Contains("NextToken=", recorder.Bodies[1]);
        Assert.Contains("NextToken=", recorder.Bodies[2]);
    }

    [MotoFact]
    public async Task Unknown_volume_and_snapshot_are_not_found_errors()
    {
        using var transport = _fixture.Server.Transport();
        using var ec2 = new SdkEc2Client(transport.Context);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => QueryAssert.ToListAsync(ec2.DescribeVolumesAsync(new[] { "vol-00000000" }, null, CancellationToken.None)));
        Assert.Equal("InvalidVolume.NotFound", ex.ErrorCode);
        Assert.Equal(400, ex.StatusCode);
        Assert.False(string.IsNullOrEmpty(ex.RequestId));
        Assert.True(ex.IsNotFound);

        var snapEx = await Assert.ThrowsAsync<AwsServiceException>(() => ec2.CreateSnapshotAsync("vol-00000000", null, null, CancellationToken.None));
        Assert.Equal("InvalidVolume.NotFound", snapEx.ErrorCode);
    }
}
