using System.Net;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Ec2;

public sealed class SdkEc2ClientWireTests
{
    private const string Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private readonly StubHandler _stub = new();

    private readonly FakeClock _clock = new();

    private SdkEc2Client Client(int? pageSize = null) => new(Wire.Context(), new RetryPolicy(() => 0.5), _stub, _clock) { PageSize = pageSize };

    private static string Answer(string action, string members) =>
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{action}Response xmlns=\"{Ns}\"><requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>{members}</{action}Response>";

    private void Ok(string body) => _stub.Respond(HttpStatusCode.OK, body, "text/xml;charset=UTF-8");

    private static string Volume(string id) => $"<item><volumeId>{id}</volumeId><size>8</size><status>available</status></item>";

    private static (string, string)[] Base(string action, params (string, string)[] rest) =>
        new[] { ("Action", action), ("Version", "2016-11-15") }.Concat(rest).ToArray();

    [Fact]
    public async Task DescribeVolumes_flattens_ids_and_filters_and_sends_no_MaxResults_with_ids()
    {
        Ok(Answer("DescribeVolumes", "<volumeSet/>"));
        var result = await QueryAssert.ToListAsync(Client(pageSize: 50).DescribeVolumesAsync(
            new[] { "vol-1", "vol-2" },
            new[] { new Ec2Filter("tag:dr:tier", "Gold", "Silver"), new Ec2Filter("status", "available") },
            CancellationToken.None));

        Assert.Empty(result);
        QueryAssert.Request(_stub.Requests.Single(), "ec2", Base("DescribeVolumes",
            ("VolumeId.1", "vol-1"), ("VolumeId.2", "vol-2"),
            ("Filter.1.Name", "tag:dr:tier"), ("Filter.1.Value.1", "Gold"), ("Filter.1.Value.2", "Silver"),
            ("Filter.2.Name", "status"), ("Filter.2.Value.1", "available")));
        Assert.Equal("https://ec2.us-east-1.amazonaws.com/", _stub.Requests.Single().Uri.ToString());
    }

    [Fact]
    public async Task DescribeVolumes_parses_every_member()
    {
        Ok(Answer("DescribeVolumes",
            "<volumeSet><item><volumeId>vol-049df61146c4d7901</volumeId><size>100</size><snapshotId>snap-1234567890abcdef0</snapshotId>" +
            "<availabilityZone>us-east-1a</availabilityZone><status>in-use</status><createTime>2026-11-20T21:28:46.000Z</createTime>" +
            "<attachmentSet><item><volumeId>vol-049df61146c4d7901</volumeId><instanceId>i-1234567890abcdef0</instanceId><device>/dev/sdh</device>" +
            "<status>attached</status><attachTime>2026-11-20T21:30:00.000Z</attachTime><deleteOnTermination>false</deleteOnTermination></item></attachmentSet>" +
            "<tagSet><item><key>Name</key><value>data</value></item><item><key>dr:tier</key><value>Gold</value></item></tagSet>" +
            "<volumeType>io1</volumeType><iops>3000</iops><encrypted>true</encrypted><multiAttachEnabled>false</multiAttachEnabled></item></volumeSet>"));

        var v = Assert.Single(await QueryAssert.ToListAsync(Client().DescribeVolumesAsync(null, null, CancellationToken.None)));

        QueryAssert.Request(_stub.Requests.Single(), "ec2", Base("DescribeVolumes"));
        Assert.Equal("vol-049df61146c4d7901", v.VolumeId);
        Assert.Equal("us-east-1", v.Region);
        Assert.Equal(100, v.Size);
        Assert.Equal("snap-1234567890abcdef0", v.SnapshotId);
        Assert.Equal("us-east-1a", v.AvailabilityZone);
        Assert.Equal("in-use", v.State);
        Assert.Equal(new DateTime(2026, 11, 20, 21, 28, 46, DateTimeKind.Utc), v.CreateTime);
        Assert.Equal("io1", v.VolumeType);
        Assert.Equal(3000, v.Iops);
        Assert.True(v.Encrypted);
        var a = Assert.Single(v.Attachments);
        Assert.Equal(("i-1234567890abcdef0", "/dev/sdh", "attached"), (a.InstanceId, a.Device, a.State));
        Assert.Equal(new[] { "Name=data", "dr:tier=Gold" }, v.Tags.Select(t => t.ToString()));
    }

    [Fact]
    public async Task DescribeVolumes_missing_and_empty_optional_members_read_as_null_and_empty()
    {
        Ok(Answer("DescribeVolumes", "<volumeSet><item><volumeId>vol-bare</volumeId><snapshotId/><attachmentSet/></item></volumeSet>"));
        var v = Assert.Single(await QueryAssert.ToListAsync(Client().DescribeVolumesAsync(null, null, CancellationToken.None)));

        Assert.Equal("vol-bare", v.VolumeId);
        Assert.Equal("us-east-1", v.Region);
        Assert.Null(v.SnapshotId);
        Assert.Null(v.Size);
        Assert.Null(v.Encrypted);
        Assert.Null(v.CreateTime);
        Assert.Empty(v.Attachments);
        Assert.Empty(v.Tags);
    }

    [Fact]
    public async Task DescribeVolumes_follows_NextToken_over_three_pages_with_MaxResults()
    {
        Ok(Answer("DescribeVolumes", "<volumeSet>" + Volume("vol-a") + Volume("vol-b") + "</volumeSet><nextToken>t1</nextToken>"));
        Ok(Answer("DescribeVolumes", "<nextToken>t/2=</nextToken><volumeSet>" + Volume("vol-c") + "</volumeSet>"));
        Ok(Answer("DescribeVolumes", "<volumeSet>" + Volume("vol-d") + "</volumeSet><nextToken/>"));

        var ids = (await QueryAssert.ToListAsync(Client(pageSize: 5).DescribeVolumesAsync(null, new[] { new Ec2Filter("status", "available") }, CancellationToken.None)))
            .Select(v => v.VolumeId);

        Assert.Equal(new[] { "vol-a", "vol-b", "vol-c", "vol-d" }, ids);
        Assert.Equal(3, _stub.Requests.Count);
        QueryAssert.Request(_stub.Requests[0], "ec2", Base("DescribeVolumes", ("Filter.1.Name", "status"), ("Filter.1.Value.1", "available"), ("MaxResults", "5")));
        QueryAssert.Request(_stub.Requests[1], "ec2", Base("DescribeVolumes", ("Filter.1.Name", "status"), ("Filter.1.Value.1", "available"), ("MaxResults", "5"), ("NextToken", "t1")));
        QueryAssert.Request(_stub.Requests[2], "ec2", Base("DescribeVolumes", ("Filter.1.Name", "status"), ("Filter.1.Value.1", "available"), ("MaxResults", "5"), ("NextToken", "t/2=")));
    }

    [Fact]
    public async Task DescribeVolumes_cancelled_mid_listing_requests_no_further_page()
    {
        Ok(Answer("DescribeVolumes", "<volumeSet>" + Volume("vol-a") + Volume("vol-b") + "</volumeSet><nextToken>t1</nextToken>"));
        Ok(Answer("DescribeVolumes", "<volumeSet>" + Volume("vol-c") + "</volumeSet>"));
        using var cts = new CancellationTokenSource();
        var seen = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var v in Client().DescribeVolumesAsync(null, null, cts.Token))
            {
                seen.Add(v.VolumeId);
                if (seen.Count == 2)
                {
                    cts.Cancel();
                }
            }
        });

        Assert.Equal(new[] { "vol-a", "vol-b" }, seen);
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task DescribeVolumes_not_found_is_an_AwsServiceException_from_the_ec2_error_dialect()
    {
        _stub.Respond(HttpStatusCode.BadRequest,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>InvalidVolume.NotFound</Code><Message>The volume 'vol-00000000' does not exist.</Message></Error></Errors><RequestID>a1b2-ec2</RequestID></Response>",
            "text/xml;charset=UTF-8");

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => QueryAssert.ToListAsync(Client().DescribeVolumesAsync(new[] { "vol-00000000" }, null, CancellationToken.None)));

        Assert.Equal("InvalidVolume.NotFound", ex.ErrorCode);
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("a1b2-ec2", ex.RequestId);
        Assert.Equal("EC2", ex.Service);
        Assert.Equal("DescribeVolumes", ex.Operation);
        Assert.True(ex.IsNotFound);
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task CreateVolume_sends_members_tag_specification_and_the_callers_client_token()
    {
        Ok(Answer("CreateVolume",
            "<volumeId>vol-1234567890abcdef0</volumeId><size>80</size><snapshotId/><availabilityZone>us-east-1a</availabilityZone>" +
            "<status>creating</status><createTime>2026-11-21T12:00:00.000Z</createTime><volumeType>gp3</volumeType><iops>3000</iops><encrypted>true</encrypted>" +
            "<tagSet><item><key>dr:tier</key><value>Gold</value></item></tagSet>"));

        var v = await Client().CreateVolumeAsync(
            new CreateVolumeRequest
            {
                AvailabilityZone = "us-east-1a",
                Size = 80,
                VolumeType = "gp3",
                Iops = 3000,
                Encrypted = true,
                ClientToken = "restore-42",
                Tags = new List<ResourceTag> { new("dr:tier", "Gold"), new("restored-from", "snap-1") },
            },
            CancellationToken.None);

        QueryAssert.Request(_stub.Requests.Single(), "ec2", Base("CreateVolume",
            ("AvailabilityZone", "us-east-1a"), ("Encrypted", "true"), ("Iops", "3000"), ("Size", "80"), ("VolumeType", "gp3"),
            ("TagSpecification.1.ResourceType", "volume"),
            ("TagSpecification.1.Tag.1.Key", "dr:tier"), ("TagSpecification.1.Tag.1.Value", "Gold"),
            ("TagSpecification.1.Tag.2.Key", "restored-from"), ("TagSpecification.1.Tag.2.Value", "snap-1"),
            ("ClientToken", "restore-42")));
        Assert.Equal("vol-1234567890abcdef0", v.VolumeId);
        Assert.Equal("us-east-1", v.Region);
        Assert.Equal("creating", v.State);
        Assert.Equal(80, v.Size);
        Assert.Null(v.SnapshotId);
        Assert.Equal("dr:tier=Gold", Assert.Single(v.Tags).ToString());
    }

    [Fact]
    public async Task CreateVolume_without_a_token_generates_one_that_survives_a_transport_retry()
    {
        _stub.Respond(HttpStatusCode.ServiceUnavailable, "<Response><Errors><Error><Code>Unavailable</Code><Message>busy</Message></Error></Errors><RequestID>r1</RequestID></Response>", "text/xml");
        Ok(Answer("CreateVolume", "<volumeId>vol-1</volumeId><status>creating</status>"));
        Ok(Answer("CreateVolume", "<volumeId>vol-2</volumeId><status>creating</status>"));
        var client = Client();

        var first = await client.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", SnapshotId = "snap-1" }, CancellationToken.None);
        var second = await client.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", SnapshotId = "snap-1" }, CancellationToken.None);

        Assert.Equal("vol-1", first.VolumeId);
        Assert.Equal("vol-2", second.VolumeId);
        Assert.Equal(3, _stub.Requests.Count);
        var tokens = _stub.Requests.Select(r => r.FormValue("ClientToken")).ToList();
        Assert.True(Guid.TryParse(tokens[0], out _), $"'{tokens[0]}' is not a GUID");
        Assert.Equal(tokens[0], tokens[1]);
        Assert.NotEqual(tokens[0], tokens[2]);
        Assert.True(Guid.TryParse(tokens[2], out _));
        Assert.Null(_stub.Requests[0].FormValue("TagSpecification.1.ResourceType"));
    }

    [Fact]
    public async Task CreateVolume_without_zone_or_size_sends_nothing()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client().CreateVolumeAsync(new CreateVolumeRequest { Size = 8 }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Client().CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a" }, CancellationToken.None));
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public async Task CreateTags_and_DeleteTags_flatten_ResourceId_and_Tag()
    {
        Ok(Answer("CreateTags", "<return>true</return>"));
        Ok(Answer("DeleteTags", "<return>true</return>"));
        var client = Client();

        await client.CreateTagsAsync(new[] { "vol-1", "snap-2" }, new[] { new ResourceTag("a", "1"), new ResourceTag("empty", "") }, CancellationToken.None);
        await client.DeleteTagsAsync(new[] { "vol-1" }, new[] { new ResourceTag("a", "1"), new ResourceTag("any", "") }, CancellationToken.None);

        QueryAssert.Request(_stub.Requests[0], "ec2", Base("CreateTags",
            ("ResourceId.1", "vol-1"), ("ResourceId.2", "snap-2"),
            ("Tag.1.Key", "a"), ("Tag.1.Value", "1"), ("Tag.2.Key", "empty"), ("Tag.2.Value", "")));
        QueryAssert.Request(_stub.Requests[1], "ec2", Base("DeleteTags",
            ("ResourceId.1", "vol-1"), ("Tag.1.Key", "a"), ("Tag.1.Value", "1"), ("Tag.2.Key", "any")));
    }

    [Fact]
    public async Task DeleteTags_with_no_tags_is_refused_because_it_would_delete_every_tag()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client().DeleteTagsAsync(new[] { "vol-1" }, Array.Empty<ResourceTag>(), CancellationToken.None));
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public async Task DescribeTags_pages_and_parses_rows()
    {
        Ok(Answer("DescribeTags",
            "<tagSet><item><resourceId>vol-1</resourceId><resourceType>volume</resourceType><key>dr:tier</key><value>Gold</value></item></tagSet><nextToken>n1</nextToken>"));
        Ok(Answer("DescribeTags",
            "<tagSet><item><resourceId>snap-1</resourceId><resourceType>snapshot</resourceType><key>dr:tier</key><value/></item></tagSet>"));

        var rows = await QueryAssert.ToListAsync(Client(pageSize: 10).DescribeTagsAsync(new[] { new Ec2Filter("key", "dr:tier") }, CancellationToken.None));

        QueryAssert.Request(_stub.Requests[0], "ec2", Base("DescribeTags", ("Filter.1.Name", "key"), ("Filter.1.Value.1", "dr:tier"), ("MaxResults", "10")));
        QueryAssert.Request(_stub.Requests[1], "ec2", Base("DescribeTags", ("Filter.1.Name", "key"), ("Filter.1.Value.1", "dr:tier"), ("MaxResults", "10"), ("NextToken", "n1")));
        Assert.Equal(new[] { ("vol-1", "volume", "dr:tier", "Gold"), ("snap-1", "snapshot", "dr:tier", "") },
            rows.Select(r => (r.ResourceId, r.ResourceType ?? "?", r.Key, r.Value)));
    }

    [Fact]
    public async Task CreateSnapshot_sends_tag_specification_and_parses_the_snapshot()
    {
        Ok(Answer("CreateSnapshot",
            "<snapshotId>snap-066877671789bd71b</snapshotId><volumeId>vol-1</volumeId><status>pending</status><startTime>2026-11-21T12:01:02.345Z</startTime>" +
            "<progress/><ownerId>123456789012</ownerId><volumeSize>8</volumeSize><description>nightly</description><encrypted>false</encrypted>" +
            "<tagSet><item><key>job</key><value>n1</value></item></tagSet>"));

        var s = await Client().CreateSnapshotAsync("vol-1", "nightly", new[] { new ResourceTag("job", "n1") }, CancellationToken.None);

        QueryAssert.Request(_stub.Requests.Single(), "ec2", Base("CreateSnapshot",
            ("Description", "nightly"), ("VolumeId", "vol-1"),
            ("TagSpecification.1.ResourceType", "snapshot"), ("TagSpecification.1.Tag.1.Key", "job"), ("TagSpecification.1.Tag.1.Value", "n1")));
        Assert.Equal("snap-066877671789bd71b", s.SnapshotId);
        Assert.Equal("us-east-1", s.Region);
        Assert.Equal("vol-1", s.VolumeId);
        Assert.Equal("pending", s.State);
        Assert.Null(s.Progress);
        Assert.Equal(new DateTime(2026, 11, 21, 12, 1, 2, 345, DateTimeKind.Utc), s.StartTime);
        Assert.Equal("123456789012", s.OwnerId);
        Assert.Equal(8, s.VolumeSize);
        Assert.Equal("nightly", s.Description);
        Assert.False(s.Encrypted);
        Assert.Equal("job=n1", Assert.Single(s.Tags).ToString());
    }

    [Fact]
    public async Task DescribeSnapshots_sends_owners_ids_and_filters_without_MaxResults_when_ids_are_given()
    {
        Ok(Answer("DescribeSnapshots",
            "<snapshotSet><item><snapshotId>snap-1</snapshotId><volumeId>vol-1</volumeId><status>completed</status><progress>100%</progress></item></snapshotSet>"));

        var s = Assert.Single(await QueryAssert.ToListAsync(Client(pageSize: 5).DescribeSnapshotsAsync(
            new[] { "snap-1" }, new[] { "self" }, new[] { new Ec2Filter("status", "completed") }, CancellationToken.None)));

        QueryAssert.Request(_stub.Requests.Single(), "ec2", Base("DescribeSnapshots",
            ("Owner.1", "self"), ("SnapshotId.1", "snap-1"), ("Filter.1.Name", "status"), ("Filter.1.Value.1", "completed")));
        Assert.Equal(("snap-1", "completed", "100%", "us-east-1"), (s.SnapshotId, s.State, s.Progress, s.Region));
        Assert.Empty(s.Tags);
    }

    [Fact]
    public async Task CopySnapshot_sends_source_region_and_returns_the_new_id()
    {
        Ok(Answer("CopySnapshot", "<snapshotId>snap-copy1</snapshotId><tagSet/>"));

        var id = await Client().CopySnapshotAsync("snap-src", "us-west-2", "dr copy", true, "alias/dr", CancellationToken.None);

        Assert.Equal("snap-copy1", id);
        var sent = _stub.Requests.Single();

        // AWSSDK.EC2 adds what EC2 needs for an encrypted cross-region copy: the destination region and a URL presigned for the source region.
        var presigned = sent.FormValue("PresignedUrl");
        Assert.NotNull(presigned);
        Assert.StartsWith("https://ec2.us-west-2.amazonaws.com/", presigned);
        Assert.Contains("X-Amz-Signature=", presigned);
        Assert.Contains("%2Fus-west-2%2Fec2%2Faws4_request", presigned);
        QueryAssert.Request(sent, "ec2", Base("CopySnapshot",
            ("Description", "dr copy"), ("DestinationRegion", "us-east-1"), ("Encrypted", "true"), ("KmsKeyId", "alias/dr"),
            ("PresignedUrl", presigned!), ("SourceRegion", "us-west-2"), ("SourceSnapshotId", "snap-src")));
    }

    [Fact]
    public async Task DescribeInstances_unnests_reservations_fills_volume_ids_and_follows_NextToken()
    {
        Ok(Answer("DescribeInstances",
            "<reservationSet>" +
            "<item><reservationId>r-1</reservationId><ownerId>111111111111</ownerId><groupSet/><instancesSet>" +
            "<item><instanceId>i-a</instanceId><imageId>ami-1</imageId><instanceState><code>16</code><name>running</name></instanceState>" +
            "<instanceType>m5.large</instanceType><launchTime>2026-11-01T00:00:00.000Z</launchTime>" +
            "<placement><availabilityZone>us-east-1a</availabilityZone><tenancy>default</tenancy></placement>" +
            "<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-root</volumeId><status>attached</status></ebs></item>" +
            "<item><deviceName>/dev/sdf</deviceName><ebs><volumeId>vol-data</volumeId><status>attached</status></ebs></item></blockDeviceMapping>" +
            "<tagSet><item><key>Name</key><value>web</value></item></tagSet></item>" +
            "<item><instanceId>i-b</instanceId><instanceState><code>80</code><name>stopped</name></instanceState><blockDeviceMapping/></item>" +
            "</instancesSet></item>" +
            "</reservationSet><nextToken>page2</nextToken>"));
        Ok(Answer("DescribeInstances",
            "<reservationSet><item><reservationId>r-2</reservationId><ownerId>222222222222</ownerId><instancesSet>" +
            "<item><instanceId>i-c</instanceId><instanceState><code>0</code><name>pending</name></instanceState></item>" +
            "</instancesSet></item></reservationSet>"));

        var all = await QueryAssert.ToListAsync(Client(pageSize: 5).DescribeInstancesAsync(null, new[] { new Ec2Filter("instance-state-name", "running", "stopped", "pending") }, CancellationToken.None));

        Assert.Equal(new[] { "i-a", "i-b", "i-c" }, all.Select(i => i.InstanceId));
        var a = all[0];
        Assert.Equal("us-east-1", a.Region);
        Assert.Equal("m5.large", a.InstanceType);
        Assert.Equal("running", a.State);
        Assert.Equal("us-east-1a", a.AvailabilityZone);
        Assert.Equal(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), a.LaunchTime);
        Assert.Equal("111111111111", a.OwnerId);
        Assert.Equal(new[] { "vol-root", "vol-data" }, a.VolumeIds);
        Assert.Equal("Name=web", Assert.Single(a.Tags).ToString());
        Assert.Equal("stopped", all[1].State);
        Assert.Empty(all[1].VolumeIds);
        Assert.Empty(all[1].Tags);
        Assert.Null(all[1].AvailabilityZone);
        Assert.Equal("222222222222", all[2].OwnerId);
        Assert.All(all, i => Assert.Equal("us-east-1", i.Region));

        var filter = new[] { ("Filter.1.Name", "instance-state-name"), ("Filter.1.Value.1", "running"), ("Filter.1.Value.2", "stopped"), ("Filter.1.Value.3", "pending"), ("MaxResults", "5") };
        QueryAssert.Request(_stub.Requests[0], "ec2", Base("DescribeInstances", filter));
        QueryAssert.Request(_stub.Requests[1], "ec2", Base("DescribeInstances", filter.Append(("NextToken", "page2")).ToArray()));
    }

    [Fact]
    public async Task DescribeInstances_by_id_sends_InstanceId_N()
    {
        Ok(Answer("DescribeInstances", "<reservationSet/>"));
        Assert.Empty(await QueryAssert.ToListAsync(Client(pageSize: 5).DescribeInstancesAsync(new[] { "i-a", "i-b" }, null, CancellationToken.None)));
        QueryAssert.Request(_stub.Requests.Single(), "ec2", Base("DescribeInstances", ("InstanceId.1", "i-a"), ("InstanceId.2", "i-b")));
    }

    [Fact]
    public async Task DryRunDescribeVolumes_sends_DryRun_and_reads_DryRunOperation_as_allowed()
    {
        _stub.Respond((HttpStatusCode)412, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>DryRunOperation</Code><Message>Request would have succeeded, but DryRun flag is set.</Message></Error></Errors><RequestID>r-1</RequestID></Response>", "text/xml;charset=UTF-8");

        Assert.True(await Client().DryRunDescribeVolumesAsync(CancellationToken.None));
        QueryAssert.Request(_stub.Requests.Single(), "ec2", Base("DescribeVolumes", ("DryRun", "true"), ("MaxResults", "5")));
    }

    [Fact]
    public async Task DryRunDescribeVolumes_throws_UnauthorizedOperation_when_denied()
    {
        _stub.Respond(HttpStatusCode.Forbidden, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r-2</RequestID></Response>", "text/xml;charset=UTF-8");

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => Client().DryRunDescribeVolumesAsync(CancellationToken.None));
        Assert.Equal("UnauthorizedOperation", ex.ErrorCode);
        Assert.Single(_stub.Requests);
    }
}
