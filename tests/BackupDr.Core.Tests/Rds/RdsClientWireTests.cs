using System.Net;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Rds;

public sealed class RdsClientWireTests
{
    private const string Ns = "http://rds.amazonaws.com/doc/2014-10-31/";
    private const string Arn1 = "arn:aws:rds:us-east-1:123456789012:db:db1";

    private readonly StubHandler _stub = new();

    private RdsClient Client(int? pageSize = null) => new(Wire.Transport(_stub)) { PageSize = pageSize };

    private static string Answer(string action, string result, string requestId = "7c8a-rid") =>
        $"<{action}Response xmlns=\"{Ns}\"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>{requestId}</RequestId></ResponseMetadata></{action}Response>";

    private static string NoResult(string action) =>
        $"<{action}Response xmlns=\"{Ns}\"><ResponseMetadata><RequestId>rid-{action}</RequestId></ResponseMetadata></{action}Response>";

    private void Ok(string body) => _stub.Respond(HttpStatusCode.OK, body, "text/xml");

    private static string Instance(string id, string extra = "", string status = "available") =>
        $"<DBInstance><DBInstanceIdentifier>{id}</DBInstanceIdentifier><DBInstanceClass>db.t3.micro</DBInstanceClass><Engine>postgres</Engine>" +
        $"<DBInstanceStatus>{status}</DBInstanceStatus><DBInstanceArn>arn:aws:rds:us-east-1:123456789012:db:{id}</DBInstanceArn>{extra}</DBInstance>";

    private const string FullInstance =
        "<DBInstance><DBInstanceIdentifier>db1</DBInstanceIdentifier><DBInstanceClass>db.m5.large</DBInstanceClass><Engine>postgres</Engine>" +
        "<DBInstanceStatus>available</DBInstanceStatus><MasterUsername>admin</MasterUsername>" +
        "<Endpoint><Address>db1.abc.us-east-1.rds.amazonaws.com</Address><Port>5432</Port><HostedZoneId>Z2R2ITUGPM61AM</HostedZoneId></Endpoint>" +
        "<AllocatedStorage>100</AllocatedStorage><InstanceCreateTime>2026-11-20T08:15:30.123Z</InstanceCreateTime>" +
        "<DBSubnetGroup><DBSubnetGroupName>private-a</DBSubnetGroupName><SubnetGroupStatus>Complete</SubnetGroupStatus></DBSubnetGroup>" +
        "<AvailabilityZone>us-east-1b</AvailabilityZone><MultiAZ>true</MultiAZ><EngineVersion>16.3</EngineVersion>" +
        "<ReadReplicaDBInstanceIdentifiers><ReadReplicaDBInstanceIdentifier>db1-r1</ReadReplicaDBInstanceIdentifier><ReadReplicaDBInstanceIdentifier>arn:aws:rds:us-west-2:123456789012:db:db1-r2</ReadReplicaDBInstanceIdentifier></ReadReplicaDBInstanceIdentifiers>" +
        "<StorageType>gp3</StorageType><StorageEncrypted>true</StorageEncrypted><DBInstanceArn>arn:aws:rds:us-east-1:123456789012:db:db1</DBInstanceArn>" +
        "<TagList><Tag><Key>dr:tier</Key><Value>Gold</Value></Tag><Tag><Key>owner</Key><Value>team a</Value></Tag></TagList></DBInstance>";

    [Fact]
    public async Task CreateDBInstance_sends_every_member_with_tags_as_Tags_Tag_N()
    {
        Ok(Answer("CreateDBInstance", Instance("db1", status: "creating")));
        var db = await Client().CreateDBInstanceAsync(
            new CreateDbInstanceRequest
            {
                DBInstanceIdentifier = "db1",
                DBInstanceClass = "db.t3.micro",
                Engine = "postgres",
                AllocatedStorage = 20,
                MasterUsername = "admin",
                MasterUserPassword = "s3cr&t=pw",
                DBName = "app",
                DBSubnetGroupName = "private-a",
                AvailabilityZone = "us-east-1a",
                Tags = new List<ResourceTag> { new("dr:tier", "Gold"), new("owner", "team a") },
            },
            CancellationToken.None);

        QueryAssert.Request(_stub.Requests.Single(), "rds",
            ("Action", "CreateDBInstance"), ("Version", "2014-10-31"),
            ("DBName", "app"), ("DBInstanceIdentifier", "db1"), ("AllocatedStorage", "20"), ("DBInstanceClass", "db.t3.micro"),
            ("Engine", "postgres"), ("MasterUsername", "admin"), ("MasterUserPassword", "s3cr&t=pw"),
            ("AvailabilityZone", "us-east-1a"), ("DBSubnetGroupName", "private-a"),
            ("Tags.Tag.1.Key", "dr:tier"), ("Tags.Tag.1.Value", "Gold"), ("Tags.Tag.2.Key", "owner"), ("Tags.Tag.2.Value", "team a"));
        Assert.Equal("https://rds.us-east-1.amazonaws.com/", _stub.Requests.Single().Uri.ToString());
        Assert.Equal("db1", db.DBInstanceIdentifier);
        Assert.Equal("creating", db.DBInstanceStatus);
        Assert.Equal("us-east-1", db.Region);
    }

    [Fact]
    public async Task CreateDBInstance_never_echoes_the_password_from_an_error()
    {
        _stub.Respond(HttpStatusCode.BadRequest,
            "<ErrorResponse xmlns=\"" + Ns + "\"><Error><Type>Sender</Type><Code>InvalidParameterValue</Code><Message>The parameter MasterUserPassword 'hunter2xyz' is not valid.</Message></Error><RequestId>r-9</RequestId></ErrorResponse>",
            "text/xml");
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => Client().CreateDBInstanceAsync(
            new CreateDbInstanceRequest { DBInstanceIdentifier = "db1", MasterUsername = "admin", MasterUserPassword = "hunter2xyz" },
            CancellationToken.None));

        Assert.Equal("InvalidParameterValue", ex.ErrorCode);
        Assert.Equal("r-9", ex.RequestId);
        Assert.DoesNotContain("hunter2xyz", ex.Message);
        Assert.DoesNotContain("hunter2xyz", ex.AwsMessage);
        Assert.DoesNotContain("hunter2xyz", ex.ToString());
    }

    [Fact]
    public async Task CreateDBInstance_validates_before_sending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client().CreateDBInstanceAsync(new CreateDbInstanceRequest(), CancellationToken.None));
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public async Task DescribeDBInstances_by_id_parses_every_member()
    {
        Ok(Answer("DescribeDBInstances", "<DBInstances>" + FullInstance + "</DBInstances>"));
        var all = await QueryAssert.ToListAsync(Client().DescribeDBInstancesAsync("db1", CancellationToken.None));

        QueryAssert.Request(_stub.Requests.Single(), "rds", ("Action", "DescribeDBInstances"), ("Version", "2014-10-31"), ("DBInstanceIdentifier", "db1"));
        var db = Assert.Single(all);
        Assert.Equal("db1", db.DBInstanceIdentifier);
        Assert.Equal(Arn1, db.DBInstanceArn);
        Assert.Equal("us-east-1", db.Region);
        Assert.Equal("db.m5.large", db.DBInstanceClass);
        Assert.Equal("postgres", db.Engine);
        Assert.Equal("16.3", db.EngineVersion);
        Assert.Equal("available", db.DBInstanceStatus);
        Assert.Equal("us-east-1b", db.AvailabilityZone);
        Assert.Equal("private-a", db.DBSubnetGroupName);
        Assert.Equal("db1.abc.us-east-1.rds.amazonaws.com", db.EndpointAddress);
        Assert.Equal(5432, db.EndpointPort);
        Assert.Equal(100, db.AllocatedStorage);
        Assert.Equal("gp3", db.StorageType);
        Assert.True(db.MultiAZ);
        Assert.True(db.StorageEncrypted);
        Assert.Equal(new DateTime(2026, 11, 20, 8, 15, 30, 123, DateTimeKind.Utc), db.InstanceCreateTime);
        Assert.Equal(DateTimeKind.Utc, db.InstanceCreateTime!.Value.Kind);
        Assert.Null(db.DBClusterIdentifier);
        Assert.Null(db.ReadReplicaSourceDBInstanceIdentifier);
        Assert.Equal(new[] { "db1-r1", "arn:aws:rds:us-west-2:123456789012:db:db1-r2" }, db.ReadReplicaDBInstanceIdentifiers);
        Assert.Equal(new[] { "dr:tier=Gold", "owner=team a" }, db.TagList.Select(t => t.ToString()));
    }

    [Fact]
    public async Task DescribeDBInstances_with_an_empty_list_yields_nothing()
    {
        Ok(Answer("DescribeDBInstances", "<DBInstances/>"));
        Assert.Empty(await QueryAssert.ToListAsync(Client().DescribeDBInstancesAsync(null, CancellationToken.None)));
        QueryAssert.Request(_stub.Requests.Single(), "rds", ("Action", "DescribeDBInstances"), ("Version", "2014-10-31"));
    }

    [Fact]
    public async Task DescribeDBInstances_missing_optional_members_read_as_null_and_empty()
    {
        Ok(Answer("DescribeDBInstances", "<DBInstances><DBInstance><DBInstanceIdentifier>bare</DBInstanceIdentifier><DBClusterIdentifier/></DBInstance></DBInstances>"));
        var db = Assert.Single(await QueryAssert.ToListAsync(Client().DescribeDBInstancesAsync(null, CancellationToken.None)));

        Assert.Equal("bare", db.DBInstanceIdentifier);
        Assert.Equal("us-east-1", db.Region);
        Assert.Null(db.DBInstanceArn);
        Assert.Null(db.EndpointAddress);
        Assert.Null(db.EndpointPort);
        Assert.Null(db.MultiAZ);
        Assert.Null(db.InstanceCreateTime);
        Assert.Null(db.DBClusterIdentifier);
        Assert.Null(db.DBSubnetGroupName);
        Assert.Empty(db.ReadReplicaDBInstanceIdentifiers);
        Assert.Empty(db.TagList);
    }

    [Fact]
    public async Task DescribeDBInstances_follows_Marker_over_three_pages_in_order_with_PageSize()
    {
        Ok(Answer("DescribeDBInstances", "<DBInstances>" + Instance("a") + Instance("b") + "</DBInstances><Marker>m-1</Marker>"));
        Ok(Answer("DescribeDBInstances", "<Marker>m/2+=</Marker><DBInstances>" + Instance("c") + "</DBInstances>"));
        Ok(Answer("DescribeDBInstances", "<DBInstances>" + Instance("d") + "</DBInstances>"));

        var ids = (await QueryAssert.ToListAsync(Client(pageSize: 20).DescribeDBInstancesAsync(null, CancellationToken.None))).Select(d => d.DBInstanceIdentifier);

        Assert.Equal(new[] { "a", "b", "c", "d" }, ids);
        Assert.Equal(3, _stub.Requests.Count);
        QueryAssert.Request(_stub.Requests[0], "rds", ("Action", "DescribeDBInstances"), ("Version", "2014-10-31"), ("MaxRecords", "20"));
        QueryAssert.Request(_stub.Requests[1], "rds", ("Action", "DescribeDBInstances"), ("Version", "2014-10-31"), ("MaxRecords", "20"), ("Marker", "m-1"));
        QueryAssert.Request(_stub.Requests[2], "rds", ("Action", "DescribeDBInstances"), ("Version", "2014-10-31"), ("MaxRecords", "20"), ("Marker", "m/2+="));
    }

    [Fact]
    public async Task DescribeDBInstances_streams_page_by_page()
    {
        Ok(Answer("DescribeDBInstances", "<DBInstances>" + Instance("a") + "</DBInstances><Marker>m-1</Marker>"));
        Ok(Answer("DescribeDBInstances", "<DBInstances>" + Instance("b") + "</DBInstances>"));

        await using var e = Client().DescribeDBInstancesAsync(null, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await e.MoveNextAsync());
        Assert.Equal("a", e.Current.DBInstanceIdentifier);
        Assert.Single(_stub.Requests);
        Assert.True(await e.MoveNextAsync());
        Assert.Equal("b", e.Current.DBInstanceIdentifier);
        Assert.Equal(2, _stub.Requests.Count);
        Assert.False(await e.MoveNextAsync());
    }

    [Fact]
    public async Task DescribeDBSnapshots_cancelled_mid_listing_stops_before_the_next_page()
    {
        Ok(Answer("DescribeDBSnapshots", "<DBSnapshots><DBSnapshot><DBSnapshotIdentifier>s1</DBSnapshotIdentifier></DBSnapshot></DBSnapshots><Marker>m-1</Marker>"));
        Ok(Answer("DescribeDBSnapshots", "<DBSnapshots><DBSnapshot><DBSnapshotIdentifier>s2</DBSnapshotIdentifier></DBSnapshot></DBSnapshots>"));
        using var cts = new CancellationTokenSource();
        var seen = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var s in Client().DescribeDBSnapshotsAsync(null, null, CancellationToken.None).WithCancellation(cts.Token))
            {
                seen.Add(s.DBSnapshotIdentifier);
                cts.Cancel();
            }
        });

        Assert.Equal(new[] { "s1" }, seen);
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task DescribeDBInstances_not_found_is_an_AwsServiceException_with_code_status_and_request_id()
    {
        _stub.Respond(HttpStatusCode.NotFound,
            "<ErrorResponse xmlns=\"" + Ns + "\"><Error><Type>Sender</Type><Code>DBInstanceNotFound</Code><Message>DBInstance nope not found.</Message></Error><RequestId>5e2b-err</RequestId></ErrorResponse>",
            "text/xml");

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => QueryAssert.ToListAsync(Client().DescribeDBInstancesAsync("nope", CancellationToken.None)));

        Assert.Equal("DBInstanceNotFound", ex.ErrorCode);
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal("5e2b-err", ex.RequestId);
        Assert.Equal("DescribeDBInstances", ex.Operation);
        Assert.Equal("DBInstance nope not found.", ex.AwsMessage);
        Assert.True(ex.IsNotFound);
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task DescribeDBClusters_parses_members_and_sends_the_identifier()
    {
        Ok(Answer("DescribeDBClusters",
            "<DBClusters><DBCluster><DBClusterIdentifier>c1</DBClusterIdentifier><DBClusterArn>arn:aws:rds:us-east-1:123456789012:cluster:c1</DBClusterArn>" +
            "<Engine>aurora-postgresql</Engine><Status>available</Status><ClusterCreateTime>2026-01-02T03:04:05Z</ClusterCreateTime>" +
            "<DBClusterMembers><DBClusterMember><DBInstanceIdentifier>c1-w</DBInstanceIdentifier><IsClusterWriter>true</IsClusterWriter></DBClusterMember>" +
            "<DBClusterMember><DBInstanceIdentifier>c1-r</DBInstanceIdentifier><IsClusterWriter>false</IsClusterWriter></DBClusterMember></DBClusterMembers>" +
            "<TagList><Tag><Key>k</Key><Value>v</Value></Tag></TagList></DBCluster></DBClusters>"));

        var c = Assert.Single(await QueryAssert.ToListAsync(Client(pageSize: 50).DescribeDBClustersAsync("c1", CancellationToken.None)));

        QueryAssert.Request(_stub.Requests.Single(), "rds", ("Action", "DescribeDBClusters"), ("Version", "2014-10-31"), ("DBClusterIdentifier", "c1"), ("MaxRecords", "50"));
        Assert.Equal("c1", c.DBClusterIdentifier);
        Assert.Equal("arn:aws:rds:us-east-1:123456789012:cluster:c1", c.DBClusterArn);
        Assert.Equal("us-east-1", c.Region);
        Assert.Equal("aurora-postgresql", c.Engine);
        Assert.Equal("available", c.Status);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), c.ClusterCreateTime);
        Assert.Equal(new[] { "c1-w", "c1-r" }, c.DBClusterMembers);
        Assert.Equal("k=v", Assert.Single(c.TagList).ToString());
    }

    [Fact]
    public async Task Tag_operations_use_ResourceName_Tags_Tag_N_and_TagKeys_member_N()
    {
        Ok(NoResult("AddTagsToResource"));
        Ok(Answer("ListTagsForResource", "<TagList><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value/></Tag></TagList>"));
        Ok(NoResult("RemoveTagsFromResource"));
        var client = Client();

        await client.AddTagsToResourceAsync(Arn1, new[] { new ResourceTag("a", "1"), new ResourceTag("b", "") }, CancellationToken.None);
        var tags = await client.ListTagsForResourceAsync(Arn1, CancellationToken.None);
        await client.RemoveTagsFromResourceAsync(Arn1, new[] { "a", "b" }, CancellationToken.None);

        QueryAssert.Request(_stub.Requests[0], "rds", ("Action", "AddTagsToResource"), ("Version", "2014-10-31"), ("ResourceName", Arn1),
            ("Tags.Tag.1.Key", "a"), ("Tags.Tag.1.Value", "1"), ("Tags.Tag.2.Key", "b"), ("Tags.Tag.2.Value", ""));
        QueryAssert.Request(_stub.Requests[1], "rds", ("Action", "ListTagsForResource"), ("Version", "2014-10-31"), ("ResourceName", Arn1));
        QueryAssert.Request(_stub.Requests[2], "rds", ("Action", "RemoveTagsFromResource"), ("Version", "2014-10-31"), ("ResourceName", Arn1),
            ("TagKeys.member.1", "a"), ("TagKeys.member.2", "b"));
        Assert.Equal(new[] { "a=1", "b=" }, tags.Select(t => t.ToString()));
    }

    [Fact]
    public async Task ListTagsForResource_with_no_tags_is_empty()
    {
        Ok(Answer("ListTagsForResource", "<TagList/>"));
        Assert.Empty(await Client().ListTagsForResourceAsync(Arn1, CancellationToken.None));
    }

    [Fact]
    public async Task CreateDBSnapshot_and_DescribeDBSnapshots_round_the_wire()
    {
        const string snapshot =
            "<DBSnapshot><DBSnapshotIdentifier>snap1</DBSnapshotIdentifier><DBInstanceIdentifier>db1</DBInstanceIdentifier>" +
            "<SnapshotCreateTime>2026-11-21T10:00:00.5Z</SnapshotCreateTime><Engine>postgres</Engine><AllocatedStorage>20</AllocatedStorage>" +
            "<Status>creating</Status><PercentProgress>40</PercentProgress><SnapshotType>manual</SnapshotType><Encrypted>false</Encrypted>" +
            "<DBSnapshotArn>arn:aws:rds:us-east-1:123456789012:snapshot:snap1</DBSnapshotArn><TagList><Tag><Key>k</Key><Value>v</Value></Tag></TagList></DBSnapshot>";
        Ok(Answer("CreateDBSnapshot", snapshot));
        Ok(Answer("DescribeDBSnapshots", "<DBSnapshots>" + snapshot + "</DBSnapshots>"));
        var client = Client();

        var created = await client.CreateDBSnapshotAsync("snap1", "db1", new[] { new ResourceTag("k", "v") }, CancellationToken.None);
        var listed = Assert.Single(await QueryAssert.ToListAsync(client.DescribeDBSnapshotsAsync(null, "db1", CancellationToken.None)));

        QueryAssert.Request(_stub.Requests[0], "rds", ("Action", "CreateDBSnapshot"), ("Version", "2014-10-31"), ("DBSnapshotIdentifier", "snap1"),
            ("DBInstanceIdentifier", "db1"), ("Tags.Tag.1.Key", "k"), ("Tags.Tag.1.Value", "v"));
        QueryAssert.Request(_stub.Requests[1], "rds", ("Action", "DescribeDBSnapshots"), ("Version", "2014-10-31"), ("DBInstanceIdentifier", "db1"));
        foreach (var s in new[] { created, listed })
        {
            Assert.Equal("snap1", s.DBSnapshotIdentifier);
            Assert.Equal("db1", s.DBInstanceIdentifier);
            Assert.Equal("us-east-1", s.Region);
            Assert.Equal("creating", s.Status);
            Assert.Equal(40, s.PercentProgress);
            Assert.Equal("manual", s.SnapshotType);
            Assert.Equal(20, s.AllocatedStorage);
            Assert.False(s.Encrypted);
            Assert.Equal(new DateTime(2026, 11, 21, 10, 0, 0, 500, DateTimeKind.Utc), s.SnapshotCreateTime);
            Assert.Equal("arn:aws:rds:us-east-1:123456789012:snapshot:snap1", s.DBSnapshotArn);
            Assert.Null(s.SourceRegion);
            Assert.Equal("k=v", Assert.Single(s.TagList).ToString());
        }
    }

    [Fact]
    public async Task CopyDBSnapshot_cross_region_sends_the_source_arn_and_reads_source_members()
    {
        const string source = "arn:aws:rds:us-west-2:123456789012:snapshot:snap1";
        Ok(Answer("CopyDBSnapshot",
            "<DBSnapshot><DBSnapshotIdentifier>snap1-dr</DBSnapshotIdentifier><Status>pending</Status><SourceRegion>us-west-2</SourceRegion>" +
            "<SourceDBSnapshotIdentifier>" + source + "</SourceDBSnapshotIdentifier><Encrypted>true</Encrypted></DBSnapshot>"));

        var copy = await Client().CopyDBSnapshotAsync(source, "snap1-dr", "us-west-2", "alias/dr", CancellationToken.None);

        QueryAssert.Request(_stub.Requests.Single(), "rds", ("Action", "CopyDBSnapshot"), ("Version", "2014-10-31"),
            ("SourceDBSnapshotIdentifier", source), ("TargetDBSnapshotIdentifier", "snap1-dr"), ("KmsKeyId", "alias/dr"));
        Assert.Equal("snap1-dr", copy.DBSnapshotIdentifier);
        Assert.Equal("us-east-1", copy.Region);
        Assert.Equal("us-west-2", copy.SourceRegion);
        Assert.Equal(source, copy.SourceDBSnapshotIdentifier);
        Assert.True(copy.Encrypted);
    }

    [Theory]
    [InlineData("snap1", "us-west-2")]
    [InlineData("arn:aws:rds:eu-west-1:123456789012:snapshot:snap1", "us-west-2")]
    public async Task CopyDBSnapshot_cross_region_without_a_matching_arn_is_refused_before_sending(string source, string sourceRegion)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Client().CopyDBSnapshotAsync(source, "t", sourceRegion, null, CancellationToken.None));
        Assert.Equal("sourceDBSnapshotIdentifier", ex.ParamName);
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public async Task CopyDBSnapshot_same_region_sends_only_the_identifiers()
    {
        Ok(Answer("CopyDBSnapshot", "<DBSnapshot><DBSnapshotIdentifier>t</DBSnapshotIdentifier></DBSnapshot>"));
        await Client().CopyDBSnapshotAsync("snap1", "t", "us-east-1", null, CancellationToken.None);
        QueryAssert.Request(_stub.Requests.Single(), "rds", ("Action", "CopyDBSnapshot"), ("Version", "2014-10-31"),
            ("SourceDBSnapshotIdentifier", "snap1"), ("TargetDBSnapshotIdentifier", "t"));
    }

    [Fact]
    public async Task RestoreDBInstanceFromDBSnapshot_sends_every_member()
    {
        Ok(Answer("RestoreDBInstanceFromDBSnapshot", Instance("db1-restored")));
        var db = await Client().RestoreDBInstanceFromDBSnapshotAsync(
            new RestoreDbInstanceFromSnapshotRequest
            {
                DBInstanceIdentifier = "db1-restored",
                DBSnapshotIdentifier = "snap1",
                DBInstanceClass = "db.t3.small",
                DBSubnetGroupName = "dr-subnets",
                AvailabilityZone = "us-east-1c",
                MultiAZ = false,
                Tags = new List<ResourceTag> { new("drill", "2026-11") },
            },
            CancellationToken.None);

        QueryAssert.Request(_stub.Requests.Single(), "rds", ("Action", "RestoreDBInstanceFromDBSnapshot"), ("Version", "2014-10-31"),
            ("DBInstanceIdentifier", "db1-restored"), ("DBSnapshotIdentifier", "snap1"), ("DBInstanceClass", "db.t3.small"),
            ("AvailabilityZone", "us-east-1c"), ("DBSubnetGroupName", "dr-subnets"), ("MultiAZ", "false"),
            ("Tags.Tag.1.Key", "drill"), ("Tags.Tag.1.Value", "2026-11"));
        Assert.Equal("db1-restored", db.DBInstanceIdentifier);
        Assert.Equal("us-east-1", db.Region);
    }

    [Fact]
    public async Task ReadReplica_and_promote_and_delete_send_their_members()
    {
        const string source = "arn:aws:rds:us-west-2:123456789012:db:db1";
        Ok(Answer("CreateDBInstanceReadReplica", Instance("db1-r", "<ReadReplicaSourceDBInstanceIdentifier>" + source + "</ReadReplicaSourceDBInstanceIdentifier>")));
        Ok(Answer("PromoteReadReplica", Instance("db1-r", status: "modifying")));
        Ok(Answer("DeleteDBInstance", Instance("db1-r", status: "deleting")));
        Ok(Answer("DeleteDBInstance", Instance("db2")));
        var client = Client();

        var replica = await client.CreateDBInstanceReadReplicaAsync("db1-r", source, "db.t3.micro", "us-west-2", CancellationToken.None);
        var promoted = await client.PromoteReadReplicaAsync("db1-r", CancellationToken.None);
        var deleted = await client.DeleteDBInstanceAsync("db1-r", skipFinalSnapshot: true, finalDBSnapshotIdentifier: null, CancellationToken.None);
        await client.DeleteDBInstanceAsync("db2", skipFinalSnapshot: false, finalDBSnapshotIdentifier: "db2-final", CancellationToken.None);

        QueryAssert.Request(_stub.Requests[0], "rds", ("Action", "CreateDBInstanceReadReplica"), ("Version", "2014-10-31"),
            ("DBInstanceIdentifier", "db1-r"), ("SourceDBInstanceIdentifier", source), ("DBInstanceClass", "db.t3.micro"));
        QueryAssert.Request(_stub.Requests[1], "rds", ("Action", "PromoteReadReplica"), ("Version", "2014-10-31"), ("DBInstanceIdentifier", "db1-r"));
        QueryAssert.Request(_stub.Requests[2], "rds", ("Action", "DeleteDBInstance"), ("Version", "2014-10-31"), ("DBInstanceIdentifier", "db1-r"), ("SkipFinalSnapshot", "true"));
        QueryAssert.Request(_stub.Requests[3], "rds", ("Action", "DeleteDBInstance"), ("Version", "2014-10-31"), ("DBInstanceIdentifier", "db2"),
            ("SkipFinalSnapshot", "false"), ("FinalDBSnapshotIdentifier", "db2-final"));
        Assert.Equal(source, replica.ReadReplicaSourceDBInstanceIdentifier);
        Assert.Equal("us-east-1", replica.Region);
        Assert.Equal("us-east-1", promoted.Region);
        Assert.Equal("modifying", promoted.DBInstanceStatus);
        Assert.Equal("deleting", deleted.DBInstanceStatus);
    }

    [Fact]
    public async Task DeleteDBInstance_contradictory_final_snapshot_arguments_send_nothing()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client().DeleteDBInstanceAsync("db1", false, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Client().DeleteDBInstanceAsync("db1", true, "final", CancellationToken.None));
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public async Task CreateDBInstanceReadReplica_cross_region_needs_an_arn()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client().CreateDBInstanceReadReplicaAsync("r", "db1", null, "us-west-2", CancellationToken.None));
        Assert.Empty(_stub.Requests);
    }
}
