using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using static BackupDr.Core.Tests.SandboxClients.SandboxClients;

namespace BackupDr.Core.Tests.SandboxClients;

/// <summary>Every IRdsApi and IEc2Api operation, and STS GetCallerIdentity, of our clients against the sandbox.</summary>
public sealed class RdsEc2StsClientSandboxTests
{
    [Fact]
    public async Task Rds_client_instances_tags_snapshots_copies_restores_replicas_and_deletes()
    {
        using var sb = new SandboxClients();
        var rds = sb.Rds;
        var created = await rds.CreateDBInstanceAsync(new CreateDbInstanceRequest
        {
            DBInstanceIdentifier = "orders", DBInstanceClass = "db.t3.small", Engine = "postgres", AllocatedStorage = 20,
            MasterUsername = "admin", MasterUserPassword = "secret123", Tags = new List<ResourceTag> { new("tier", "gold") },
        }, Ct);
        Assert.Equal(("orders", DbArn("orders"), "db.t3.small", "postgres", 20, Region), (created.DBInstanceIdentifier, created.DBInstanceArn, created.DBInstanceClass, created.Engine, created.AllocatedStorage ?? 0, created.Region));

        var described = Assert.Single(await All(rds.DescribeDBInstancesAsync("orders", Ct)));
        Assert.Equal(("available", Region), (described.DBInstanceStatus, described.Region));
        Assert.NotEqual(default, described.InstanceCreateTime!.Value);
        Assert.Equal("tier=gold", Assert.Single(described.TagList).Key + "=" + described.TagList[0].Value);
        var notFound = await Assert.ThrowsAsync<AwsServiceException>(() => All(rds.DescribeDBInstancesAsync("nope", Ct)));
        Assert.Equal("DBInstanceNotFound", notFound.ErrorCode);
        Assert.True(notFound.IsNotFound);
        var dup = await Assert.ThrowsAsync<AwsServiceException>(() => sb.NewDb("orders"));
        Assert.Equal("DBInstanceAlreadyExists", dup.ErrorCode);

        await rds.AddTagsToResourceAsync(DbArn("orders"), new[] { new ResourceTag("app", "shop"), new ResourceTag("tier", "silver") }, Ct);
        var tags = await rds.ListTagsForResourceAsync(DbArn("orders"), Ct);
        Assert.Equal(new[] { "app=shop", "tier=silver" }, tags.Select(t => t.Key + "=" + t.Value).OrderBy(s => s));
        await rds.RemoveTagsFromResourceAsync(DbArn("orders"), new[] { "tier" }, Ct);
        Assert.Equal(new[] { "app" }, (await rds.ListTagsForResourceAsync(DbArn("orders"), Ct)).Select(t => t.Key));

        var snap = await rds.CreateDBSnapshotAsync("orders-s1", "orders", new[] { new ResourceTag("k", "v") }, Ct);
        Assert.Equal(("orders-s1", "orders", "manual", Region), (snap.DBSnapshotIdentifier, snap.DBInstanceIdentifier, snap.SnapshotType, snap.Region));
        Assert.Equal($"arn:aws:rds:{Region}:{Account}:snapshot:orders-s1", snap.DBSnapshotArn);
        Assert.Equal("orders-s1", Assert.Single(await All(rds.DescribeDBSnapshotsAsync("orders-s1", null, Ct))).DBSnapshotIdentifier);
        Assert.Single(await All(rds.DescribeDBSnapshotsAsync(null, "orders", Ct)));
        Assert.Single(await All(rds.DescribeDBSnapshotsAsync(null, null, Ct)));
        var noSnap = await Assert.ThrowsAsync<AwsServiceException>(() => All(rds.DescribeDBSnapshotsAsync("zzz", null, Ct)));
        Assert.Equal("DBSnapshotNotFound", noSnap.ErrorCode);

        var drRds = sb.Dr.Rds;
        var copied = await drRds.CopyDBSnapshotAsync(snap.DBSnapshotArn!, "orders-s1-dr", Region, null, Ct);
        Assert.Equal(("orders-s1-dr", Region, DrRegion), (copied.DBSnapshotIdentifier, copied.SourceRegion, copied.Region));
        Assert.Equal("orders-s1-dr", Assert.Single(await All(drRds.DescribeDBSnapshotsAsync(null, null, Ct))).DBSnapshotIdentifier);

        var restored = await drRds.RestoreDBInstanceFromDBSnapshotAsync(new RestoreDbInstanceFromSnapshotRequest { DBInstanceIdentifier = "orders-dr", DBSnapshotIdentifier = "orders-s1-dr", DBInstanceClass = "db.t3.medium" }, Ct);
        Assert.Equal(("orders-dr", DbArn("orders-dr", DrRegion), "db.t3.medium", DrRegion), (restored.DBInstanceIdentifier, restored.DBInstanceArn, restored.DBInstanceClass, restored.Region));
        Assert.Contains(await All(drRds.DescribeDBInstancesAsync(null, Ct)), d => d.DBInstanceIdentifier == "orders-dr");

        var replica = await sb.Set.ForRegion("eu-west-1").Rds.CreateDBInstanceReadReplicaAsync("orders-ro", DbArn("orders"), null, Region, Ct);
        Assert.Equal(("orders-ro", DbArn("orders"), "eu-west-1"), (replica.DBInstanceIdentifier, replica.ReadReplicaSourceDBInstanceIdentifier, replica.Region));
        var source = Assert.Single(await All(rds.DescribeDBInstancesAsync("orders", Ct)));
        Assert.Equal(DbArn("orders-ro", "eu-west-1"), Assert.Single(source.ReadReplicaDBInstanceIdentifiers));
        var promoted = await sb.Set.ForRegion("eu-west-1").Rds.PromoteReadReplicaAsync("orders-ro", Ct);
        Assert.Equal("modifying", promoted.DBInstanceStatus);
        var standalone = Assert.Single(await All(sb.Set.ForRegion("eu-west-1").Rds.DescribeDBInstancesAsync("orders-ro", Ct)));
        Assert.Null(standalone.ReadReplicaSourceDBInstanceIdentifier);
        Assert.Empty(Assert.Single(await All(rds.DescribeDBInstancesAsync("orders", Ct))).ReadReplicaDBInstanceIdentifiers);

        Assert.Empty(await All(rds.DescribeDBClustersAsync(null, Ct)));
        var noCluster = await Assert.ThrowsAsync<AwsServiceException>(() => All(rds.DescribeDBClustersAsync("nope", Ct)));
        Assert.Equal("DBClusterNotFoundFault", noCluster.ErrorCode);

        var deleted = await rds.DeleteDBInstanceAsync("orders", true, null, Ct);
        Assert.Equal("orders", deleted.DBInstanceIdentifier);
        Assert.Equal("deleting", deleted.DBInstanceStatus);
        Assert.Empty(await All(rds.DescribeDBInstancesAsync(null, Ct)));
    }

    [Fact]
    public async Task Rds_listing_follows_Marker_over_many_instances()
    {
        using var sb = new SandboxClients();
        for (var i = 0; i < 120; i++)
        {
            await sb.NewDb($"db{i:000}");
        }

        var all = await All(sb.Rds.DescribeDBInstancesAsync(null, Ct));
        Assert.Equal(Enumerable.Range(0, 120).Select(i => $"db{i:000}"), all.Select(d => d.DBInstanceIdentifier).OrderBy(s => s, StringComparer.Ordinal));
        Assert.True(sb.Server.RequestLog.Count(r => r.Operation == "DescribeDBInstances") >= 2, "120 instances take more than one page of 100");
    }

    [Fact]
    public async Task Ec2_client_volumes_tags_snapshots_copies_and_instances()
    {
        using var sb = new SandboxClients();
        sb.Server.SeedFromJson("""
        { "regions": [ { "region": "us-east-1",
            "volumes": [ { "id": "vol-0aaaaaaaaaaaaaaa1", "size": 8, "availabilityZone": "us-east-1a", "instanceId": "i-0123456789abcdef0", "tags": { "Name": "root" } } ],
            "instances": [ { "id": "i-0123456789abcdef0", "instanceType": "t3.micro", "state": "running", "volumeIds": [ "vol-0aaaaaaaaaaaaaaa1" ], "tags": { "Name": "web", "Backup": "daily" } },
                           { "id": "i-0fedcba9876543210", "instanceType": "t3.large", "state": "stopped", "volumeIds": [], "tags": { "Name": "batch" } } ] } ] }
        """);
        var ec2 = sb.Ec2;
        var vol = await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1b", Size = 20, VolumeType = "io2", Iops = 3000, Encrypted = true, ClientToken = "tok-1", Tags = new List<ResourceTag> { new("tier", "gold") } }, Ct);
        Assert.StartsWith("vol-", vol.VolumeId);
        Assert.Equal(("us-east-1b", 20, "io2", Region, true), (vol.AvailabilityZone, vol.Size ?? 0, vol.VolumeType, vol.Region, vol.Encrypted ?? false));
        Assert.NotEqual(default, vol.CreateTime!.Value);
        var retried = await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1b", Size = 20, VolumeType = "io2", Iops = 3000, Encrypted = true, ClientToken = "tok-1" }, Ct);
        Assert.Equal(vol.VolumeId, retried.VolumeId);

        var vols = await All(ec2.DescribeVolumesAsync(null, null, Ct));
        Assert.Equal(new[] { "vol-0aaaaaaaaaaaaaaa1", vol.VolumeId }.OrderBy(s => s), vols.Select(v => v.VolumeId).OrderBy(s => s));
        var root = vols.Single(v => v.VolumeId == "vol-0aaaaaaaaaaaaaaa1");
        Assert.Equal(("in-use", "i-0123456789abcdef0"), (root.State, Assert.Single(root.Attachments).InstanceId));
        Assert.Equal(new[] { vol.VolumeId }, (await All(ec2.DescribeVolumesAsync(null, new[] { new Ec2Filter("tag:tier", "gold") }, Ct))).Select(v => v.VolumeId));
        Assert.Equal("gold", Assert.Single((await All(ec2.DescribeVolumesAsync(new[] { vol.VolumeId }, null, Ct)))).Tags.Single(t => t.Key == "tier").Value);
        var missing = await Assert.ThrowsAsync<AwsServiceException>(() => All(ec2.DescribeVolumesAsync(new[] { "vol-123" }, null, Ct)));
        Assert.Equal("InvalidVolume.NotFound", missing.ErrorCode);
        Assert.True(missing.IsNotFound);

        await ec2.CreateTagsAsync(new[] { vol.VolumeId }, new[] { new ResourceTag("Backup", "daily"), new ResourceTag("tier", "silver") }, Ct);
        var tagRows = await All(ec2.DescribeTagsAsync(new[] { new Ec2Filter("resource-id", vol.VolumeId) }, Ct));
        Assert.Equal(new[] { "Backup=daily", "tier=silver" }, tagRows.Select(t => t.Key + "=" + t.Value).OrderBy(s => s));
        Assert.All(tagRows, t => Assert.Equal((vol.VolumeId, "volume"), (t.ResourceId, t.ResourceType)));
        await ec2.DeleteTagsAsync(new[] { vol.VolumeId }, new[] { new ResourceTag { Key = "tier" }, new ResourceTag("Backup", "weekly") }, Ct);
        tagRows = await All(ec2.DescribeTagsAsync(new[] { new Ec2Filter("resource-id", vol.VolumeId) }, Ct));
        Assert.Equal(new[] { "Backup=daily" }, tagRows.Select(t => t.Key + "=" + t.Value));
        var backupTagged = await All(ec2.DescribeTagsAsync(new[] { new Ec2Filter("key", "Backup") }, Ct));
        Assert.Equal(new[] { "i-0123456789abcdef0", vol.VolumeId }.OrderBy(s => s), backupTagged.Select(t => t.ResourceId).OrderBy(s => s));

        var snap = await ec2.CreateSnapshotAsync(vol.VolumeId, "nightly", new[] { new ResourceTag("k", "v") }, Ct);
        Assert.StartsWith("snap-", snap.SnapshotId);
        Assert.Equal((vol.VolumeId, "nightly", 20, Region, Account), (snap.VolumeId, snap.Description, snap.VolumeSize ?? 0, snap.Region, snap.OwnerId));
        Assert.NotEqual(default, snap.StartTime!.Value);
        var snaps = await All(ec2.DescribeSnapshotsAsync(new[] { snap.SnapshotId }, null, null, Ct));
        Assert.Equal("v", Assert.Single(snaps).Tags.Single(t => t.Key == "k").Value);
        Assert.Single(await All(ec2.DescribeSnapshotsAsync(null, new[] { "self" }, new[] { new Ec2Filter("volume-id", vol.VolumeId) }, Ct)));
        var noSnap = await Assert.ThrowsAsync<AwsServiceException>(() => All(ec2.DescribeSnapshotsAsync(new[] { "snap-0000000000000000" }, null, null, Ct)));
        Assert.Equal("InvalidSnapshot.NotFound", noSnap.ErrorCode);

        var copyId = await sb.Dr.Ec2.CopySnapshotAsync(snap.SnapshotId, Region, "dr copy", null, null, Ct);
        Assert.StartsWith("snap-", copyId);
        Assert.NotEqual(snap.SnapshotId, copyId);
        var drSnap = Assert.Single(await All(sb.Dr.Ec2.DescribeSnapshotsAsync(new[] { copyId }, null, null, Ct)));
        Assert.Equal(("dr copy", DrRegion), (drSnap.Description, drSnap.Region));
        Assert.Empty(await All(sb.Ec2.DescribeSnapshotsAsync(null, new[] { "self" }, new[] { new Ec2Filter("snapshot-id", copyId) }, Ct)));

        var instances = await All(ec2.DescribeInstancesAsync(null, null, Ct));
        Assert.Equal(new[] { "i-0123456789abcdef0", "i-0fedcba9876543210" }, instances.Select(i => i.InstanceId).OrderBy(s => s));
        var web = Assert.Single(await All(ec2.DescribeInstancesAsync(null, new[] { new Ec2Filter("tag:Backup", "daily") }, Ct)));
        Assert.Equal(("i-0123456789abcdef0", "running", "t3.micro", Region, Account), (web.InstanceId, web.State, web.InstanceType, web.Region, web.OwnerId));
        Assert.Equal(new[] { "vol-0aaaaaaaaaaaaaaa1" }, web.VolumeIds);
        Assert.Equal("stopped", Assert.Single(await All(ec2.DescribeInstancesAsync(new[] { "i-0fedcba9876543210" }, null, Ct))).State);
        var noInstance = await Assert.ThrowsAsync<AwsServiceException>(() => All(ec2.DescribeInstancesAsync(new[] { "i-00000000000000000" }, null, Ct)));
        Assert.Equal("InvalidInstanceID.NotFound", noInstance.ErrorCode);
    }

    [Fact]
    public async Task Ec2_listing_follows_NextToken_over_many_volumes()
    {
        using var sb = new SandboxClients();
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add(await sb.NewVolume(tagKey: "batch", tagValue: "b"));
        }

        var all = await All(sb.Ec2.DescribeVolumesAsync(null, new[] { new Ec2Filter("tag:batch", "b") }, Ct));
        Assert.Equal(ids.OrderBy(s => s), all.Select(v => v.VolumeId).OrderBy(s => s));
    }

    [Fact]
    public async Task Sts_GetCallerIdentity_names_the_account_of_the_access_key()
    {
        using var sb = new SandboxClients(o => o.AccountsByAccessKey["AKIDCLIENTS"] = "210987654321");
        var id = await sb.Set.Sts.GetCallerIdentityAsync(Ct);
        Assert.Equal("210987654321", id.Account);
        Assert.StartsWith("arn:aws:", id.Arn);
        Assert.Contains("210987654321", id.Arn);
        Assert.False(string.IsNullOrEmpty(id.UserId));

        using var other = new SandboxClients();
        Assert.Equal(Account, (await other.Set.Sts.GetCallerIdentityAsync(Ct)).Account);
    }

    [Fact]
    public async Task Ec2_dry_run_answers_DryRunOperation_and_Sts_carries_the_sandbox_clock()
    {
        using var sb = new SandboxClients();
        Assert.True(await ((IEc2DryRunApi)sb.Set.Ec2).DryRunDescribeVolumesAsync(Ct));
        var id = await sb.Set.Sts.GetCallerIdentityAsync(Ct);
        Assert.NotNull(id.ServerTime);
        Assert.InRange((id.ServerTime!.Value.UtcDateTime - DateTime.UtcNow).Duration(), TimeSpan.Zero, TimeSpan.FromMinutes(1));
    }
}
