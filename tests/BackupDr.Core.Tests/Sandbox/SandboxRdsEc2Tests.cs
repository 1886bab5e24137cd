using BackupDr.Core.Aws;

namespace BackupDr.Core.Tests.Sandbox;

public sealed class SandboxRdsEc2Tests
{
    [Fact]
    public async Task Rds_operations_round_trip_in_the_query_dialect()
    {
        using var sb = new SandboxHarness();
        await sb.CreateDb("orders");
        var dup = await sb.QueryError(AwsService.Rds, "CreateDBInstance", pairs: new (string, string?)[] { ("DBInstanceIdentifier", "orders"), ("DBInstanceClass", "db.t3.micro"), ("Engine", "postgres") });
        Assert.Equal(("DBInstanceAlreadyExists", 400), (dup.ErrorCode, dup.StatusCode));
        var missing = await sb.QueryError(AwsService.Rds, "DescribeDBInstances", pairs: ("DBInstanceIdentifier", "nope"));
        Assert.Equal(("DBInstanceNotFound", 404), (missing.ErrorCode, missing.StatusCode));
        var noParam = await sb.QueryError(AwsService.Rds, "CreateDBSnapshot", pairs: ("DBInstanceIdentifier", "orders"));
        Assert.Equal(("MissingParameter", 400), (noParam.ErrorCode, noParam.StatusCode));

        var arn = SandboxHarness.DbArn("orders");
        await sb.Query(AwsService.Rds, "AddTagsToResource", pairs: new (string, string?)[] { ("ResourceName", arn), ("Tags.Tag.1.Key", "tier"), ("Tags.Tag.1.Value", "gold"), ("Tags.member.2.Key", "app"), ("Tags.member.2.Value", "shop") });
        var tags = await sb.Query(AwsService.Rds, "ListTagsForResource", pairs: ("ResourceName", arn));
        Assert.Equal(new[] { "tier=gold", "app=shop" }, tags.Find("TagList")!.Elements().Select(t => t.Str("Key") + "=" + t.Str("Value")));
        await sb.Query(AwsService.Rds, "RemoveTagsFromResource", pairs: new (string, string?)[] { ("ResourceName", arn), ("TagKeys.member.1", "tier") });
        tags = await sb.Query(AwsService.Rds, "ListTagsForResource", pairs: ("ResourceName", arn));
        Assert.Equal(new[] { "app" }, tags.Find("TagList")!.Elements().Select(t => t.Str("Key")));

        var snap = await sb.Query(AwsService.Rds, "CreateDBSnapshot", pairs: new (string, string?)[] { ("DBInstanceIdentifier", "orders"), ("DBSnapshotIdentifier", "s1") });
        Assert.Equal("manual", snap.Find("DBSnapshot")!.Str("SnapshotType"));
        var copy = await sb.Query(AwsService.Rds, "CopyDBSnapshot", "us-west-2", ("SourceDBSnapshotIdentifier", "arn:aws:rds:us-east-1:123456789012:snapshot:s1"), ("TargetDBSnapshotIdentifier", "s1-dr"));
        Assert.Equal("us-east-1", copy.Find("DBSnapshot")!.Str("SourceRegion"));
        var drSnaps = await sb.Query(AwsService.Rds, "DescribeDBSnapshots", "us-west-2");
        Assert.Equal("s1-dr", drSnaps.Find("DBSnapshot")!.Str("DBSnapshotIdentifier"));
        var noSnap = await sb.QueryError(AwsService.Rds, "DescribeDBSnapshots", pairs: ("DBSnapshotIdentifier", "zzz"));
        Assert.Equal(("DBSnapshotNotFound", 404), (noSnap.ErrorCode, noSnap.StatusCode));

        var restored = await sb.Query(AwsService.Rds, "RestoreDBInstanceFromDBSnapshot", "us-west-2", ("DBInstanceIdentifier", "orders-dr"), ("DBSnapshotIdentifier", "s1-dr"));
        Assert.Equal("orders-dr", restored.Find("DBInstance")!.Str("DBInstanceIdentifier"));

        var replica = await sb.Query(AwsService.Rds, "CreateDBInstanceReadReplica", "eu-west-1", ("DBInstanceIdentifier", "orders-ro"), ("SourceDBInstanceIdentifier", arn));
        Assert.Equal(arn, replica.Find("DBInstance")!.Str("ReadReplicaSourceDBInstanceIdentifier"));
        var source = await sb.Query(AwsService.Rds, "DescribeDBInstances", pairs: ("DBInstanceIdentifier", "orders"));
        Assert.Equal("arn:aws:rds:eu-west-1:123456789012:db:orders-ro", source.Find("ReadReplicaDBInstanceIdentifier")!.Value);
        var promoted = await sb.Query(AwsService.Rds, "PromoteReadReplica", "eu-west-1", ("DBInstanceIdentifier", "orders-ro"));
        Assert.Equal("modifying", promoted.Find("DBInstance")!.Str("DBInstanceStatus"));
        var standalone = await sb.Query(AwsService.Rds, "DescribeDBInstances", "eu-west-1", ("DBInstanceIdentifier", "orders-ro"));
        Assert.Null(standalone.Find("DBInstance")!.Str("ReadReplicaSourceDBInstanceIdentifier"));
        Assert.Equal("available", standalone.Find("DBInstance")!.Str("DBInstanceStatus"));
        var notReplica = await sb.QueryError(AwsService.Rds, "PromoteReadReplica", "eu-west-1", ("DBInstanceIdentifier", "orders-ro"));
        Assert.Equal("InvalidDBInstanceState", notReplica.ErrorCode);

        var clusters = await sb.Query(AwsService.Rds, "DescribeDBClusters");
        Assert.Empty(clusters.Find("DBClusters")!.Elements());
        var filtered = await sb.Query(AwsService.Rds, "DescribeDBInstances", pairs: new (string, string?)[] { ("Filters.Filter.1.Name", "db-instance-id"), ("Filters.Filter.1.Values.Value.1", "orders") });
        Assert.Single(filtered.Find("DBInstances")!.Elements());

        await sb.Query(AwsService.Rds, "DeleteDBInstance", pairs: new (string, string?)[] { ("DBInstanceIdentifier", "orders"), ("SkipFinalSnapshot", "true") });
        var after = await sb.Query(AwsService.Rds, "DescribeDBInstances");
        Assert.Empty(after.Find("DBInstances")!.Elements());
        Assert.Equal("http://rds.amazonaws.com/doc/2014-10-31/", after.Root!.Name.NamespaceName);
        Assert.NotNull(after.Find("RequestId"));
    }

    [Fact]
    public async Task Ec2_volumes_snapshots_tags_and_filters()
    {
        using var sb = new SandboxHarness(o => o.SeedPath = null);
        sb.Server.SeedFromJson("""
        { "regions": [ { "region": "us-east-1", "instances": [ { "id": "i-0123456789abcdef0", "tags": { "Name": "web" }, "volumeIds": [] } ] } ] }
        """);
        var v1 = await sb.CreateVolume(tagKey: "tier", tagValue: "gold");
        var v2 = await sb.CreateVolume(size: 20, tagKey: "tier", tagValue: "bronze");
        var doc = await sb.Query(AwsService.Ec2, "DescribeVolumes");
        Assert.Equal("http://ec2.amazonaws.com/doc/2016-11-15/", doc.Root!.Name.NamespaceName);
        Assert.Equal(2, doc.Root.Items("volumeSet", "item").Count());

        async Task<string?[]> VolIds(params (string, string?)[] p) => (await sb.Query(AwsService.Ec2, "DescribeVolumes", pairs: p)).Root!.Items("volumeSet", "item").Select(i => i.Str("volumeId")).ToArray();
        Assert.Equal(new[] { v1 }, await VolIds(("Filter.1.Name", "tag:tier"), ("Filter.1.Value.1", "gold")));
        Assert.Equal(new[] { v1, v2 }, await VolIds(("Filter.1.Name", "tag-key"), ("Filter.1.Value.1", "tier")));
        Assert.Equal(new[] { v2 }, await VolIds(("Filter.1.Name", "volume-id"), ("Filter.1.Value.1", v2)));
        Assert.Equal(new[] { v1, v2 }, await VolIds(("Filter.1.Name", "status"), ("Filter.1.Value.1", "available")));
        Assert.Equal(new[] { v1, v2 }, await VolIds(("Filter.1.Name", "availability-zone"), ("Filter.1.Value.1", "us-east-1a")));

        var notFound = await sb.QueryError(AwsService.Ec2, "DescribeVolumes", pairs: ("VolumeId.1", "vol-nope"));
        Assert.Equal(("InvalidVolume.NotFound", 400), (notFound.ErrorCode, notFound.StatusCode));
        var missing = await sb.QueryError(AwsService.Ec2, "CreateSnapshot");
        Assert.Equal("MissingParameter", missing.ErrorCode);

        await sb.Query(AwsService.Ec2, "CreateTags", pairs: new (string, string?)[] { ("ResourceId.1", v1), ("ResourceId.2", "i-0123456789abcdef0"), ("Tag.1.Key", "env"), ("Tag.1.Value", "prod") });
        var tags = await sb.Query(AwsService.Ec2, "DescribeTags", pairs: new (string, string?)[] { ("Filter.1.Name", "key"), ("Filter.1.Value.1", "env") });
        Assert.Equal(new[] { "instance", "volume" }, tags.Root!.Items("tagSet", "item").Select(i => i.Str("resourceType")).OrderBy(x => x));
        var byType = await sb.Query(AwsService.Ec2, "DescribeTags", pairs: new (string, string?)[] { ("Filter.1.Name", "resource-type"), ("Filter.1.Value.1", "instance") });
        Assert.Equal(new[] { "Name", "env" }, byType.Root!.Items("tagSet", "item").Select(i => i.Str("key")).OrderBy(x => x, StringComparer.Ordinal));
        var byId = await sb.Query(AwsService.Ec2, "DescribeTags", pairs: new (string, string?)[] { ("Filter.1.Name", "resource-id"), ("Filter.1.Value.1", v1) });
        Assert.Equal(2, byId.Root!.Items("tagSet", "item").Count());
        await sb.Query(AwsService.Ec2, "DeleteTags", pairs: new (string, string?)[] { ("ResourceId.1", v1), ("Tag.1.Key", "env") });
        Assert.Empty(await VolIds(("Filter.1.Name", "tag-key"), ("Filter.1.Value.1", "env")));

        var inst = await sb.Query(AwsService.Ec2, "DescribeInstances", pairs: new (string, string?)[] { ("Filter.1.Name", "tag:Name"), ("Filter.1.Value.1", "web") });
        Assert.Equal("running", inst.Find("instanceState")!.Str("name"));
        var noInst = await sb.QueryError(AwsService.Ec2, "DescribeInstances", pairs: ("InstanceId.1", "i-0000"));
        Assert.Equal("InvalidInstanceID.NotFound", noInst.ErrorCode);

        var snap = await sb.Query(AwsService.Ec2, "CreateSnapshot", pairs: new (string, string?)[] { ("VolumeId", v1), ("Description", "manual") });
        var snapId = snap.Root!.Str("snapshotId")!;
        var snaps = await sb.Query(AwsService.Ec2, "DescribeSnapshots", pairs: new (string, string?)[] { ("Owner.1", "self"), ("Filter.1.Name", "volume-id"), ("Filter.1.Value.1", v1) });
        Assert.Equal(snapId, snaps.Root!.Items("snapshotSet", "item").Single().Str("snapshotId"));
        var copied = await sb.Query(AwsService.Ec2, "CopySnapshot", "us-west-2", ("SourceRegion", "us-east-1"), ("SourceSnapshotId", snapId));
        var copyId = copied.Root!.Str("snapshotId")!;
        var west = await sb.Query(AwsService.Ec2, "DescribeSnapshots", "us-west-2", ("SnapshotId.1", copyId));
        Assert.Contains(snapId, west.Root!.Items("snapshotSet", "item").Single().Str("description"));
        var noSnap = await sb.QueryError(AwsService.Ec2, "CopySnapshot", "us-west-2", ("SourceRegion", "us-east-1"), ("SourceSnapshotId", "snap-nope"));
        Assert.Equal("InvalidSnapshot.NotFound", noSnap.ErrorCode);
    }

    [Fact]
    public async Task Unknown_actions_and_wrong_versions_are_refused()
    {
        using var sb = new SandboxHarness();
        var rds = await sb.QueryError(AwsService.Rds, "DescribeEverything");
        Assert.Equal(("InvalidAction", 400), (rds.ErrorCode, rds.StatusCode));
        var ec2 = await sb.QueryError(AwsService.Ec2, "RunInstances");
        Assert.Equal(("InvalidAction", 400), (ec2.ErrorCode, ec2.StatusCode));

        var wrongType = new AwsRequest(AwsService.Rds, "DescribeDBInstances", HttpMethod.Post, "/") { Body = "{}"u8.ToArray(), ContentType = "application/json" };
        var wt = await Assert.ThrowsAsync<AwsServiceException>(() => sb.Transport().SendAsync(wrongType, CancellationToken.None));
        Assert.Equal(400, wt.StatusCode);
    }
}
