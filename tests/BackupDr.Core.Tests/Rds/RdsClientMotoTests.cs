using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Rds;

/// <summary>RdsClient against moto_server, the independent peer. Names are unique per test: the server is shared.</summary>
[Collection("Moto")]
public sealed class RdsClientMotoTests
{
    private readonly MotoFixture _fixture;

    public RdsClientMotoTests(MotoFixture fixture)
    {
        _fixture = fixture;
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}".Substring(0, prefix.Length + 13);

    private static CreateDbInstanceRequest NewInstance(string id, params ResourceTag[] tags) => new()
    {
        DBInstanceIdentifier = id,
        DBInstanceClass = "db.t3.micro",
        Engine = "postgres",
        AllocatedStorage = 20,
        MasterUsername = "dradmin",
        MasterUserPassword = "not-a-real-password-1",
        Tags = tags.ToList(),
    };

    [MotoFact]
    public async Task Instance_tags_snapshot_copy_restore_replica_promote_delete_round_trip()
    {
        using var transport = _fixture.Server.Transport();
        var rds = new RdsClient(transport);
        var ct = CancellationToken.None;
        var id = Unique("rt");

        var created = await rds.CreateDBInstanceAsync(NewInstance(id, new ResourceTag("dr:tier", "Gold")), ct);
        Assert.Equal(id, created.DBInstanceIdentifier);
        Assert.Equal("us-east-1", created.Region);
        Assert.Equal("postgres", created.Engine);
        Assert.Equal(20, created.AllocatedStorage);
        Assert.Equal($"arn:aws:rds:us-east-1:123456789012:db:{id}", created.DBInstanceArn);
        Assert.Equal("dr:tier=Gold", Assert.Single(created.TagList).ToString());

        var one = Assert.Single(await QueryAssert.ToListAsync(rds.DescribeDBInstancesAsync(id, ct)));
        Assert.Equal(created.DBInstanceArn, one.DBInstanceArn);
        Assert.NotNull(one.EndpointAddress);
        Assert.NotNull(one.InstanceCreateTime);
        Assert.Contains(await QueryAssert.ToListAsync(rds.DescribeDBInstancesAsync(null, ct)), d => d.DBInstanceIdentifier == id);

        // Tags: add, list, remove.
        var arn = created.DBInstanceArn!;
        await rds.AddTagsToResourceAsync(arn, new[] { new ResourceTag("owner", "team a"), new ResourceTag("drill", "") }, ct);
        var tags = await rds.ListTagsForResourceAsync(arn, ct);
        Assert.Equal(new[] { "dr:tier=Gold", "drill=", "owner=team a" }, tags.Select(t => t.ToString()).OrderBy(s => s, StringComparer.Ordinal));
        await rds.RemoveTagsFromResourceAsync(arn, new[] { "owner", "drill" }, ct);
        Assert.Equal("dr:tier=Gold", Assert.Single(await rds.ListTagsForResourceAsync(arn, ct)).ToString());

        // Snapshot and same-region copy.
        var snapId = id + "-s1";
        var snap = await rds.CreateDBSnapshotAsync(snapId, id, new[] { new ResourceTag("job", "j1") }, ct);
        Assert.Equal(snapId, snap.DBSnapshotIdentifier);
        Assert.Equal(id, snap.DBInstanceIdentifier);
        Assert.Equal("us-east-1", snap.Region);
        Assert.Equal("job=j1", Assert.Single(snap.TagList).ToString());
        Assert.Equal(snapId, Assert.Single(await QueryAssert.ToListAsync(rds.DescribeDBSnapshotsAsync(snapId, null, ct))).DBSnapshotIdentifier);
        Assert.Contains(await QueryAssert.ToListAsync(rds.DescribeDBSnapshotsAsync(null, id, ct)), s => s.DBSnapshotIdentifier == snapId);

        var copy = await rds.CopyDBSnapshotAsync(snapId, id + "-c1", null, null, ct);
        Assert.Equal(id + "-c1", copy.DBSnapshotIdentifier);
        Assert.Equal("us-east-1", copy.Region);
        var ofInstance = await QueryAssert.ToListAsync(rds.DescribeDBSnapshotsAsync(null, id, ct));
        Assert.Equal(new[] { id + "-c1", snapId }, ofInstance.Where(s => s.SnapshotType == "manual").Select(s => s.DBSnapshotIdentifier).OrderBy(s => s, StringComparer.Ordinal));
        Assert.All(ofInstance, s => Assert.Equal(id, s.DBInstanceIdentifier));

        // Restore from the copy.
        var restored = await rds.RestoreDBInstanceFromDBSnapshotAsync(
            new RestoreDbInstanceFromSnapshotRequest { DBInstanceIdentifier = id + "-rs", DBSnapshotIdentifier = id + "-c1", DBInstanceClass = "db.t3.small", Tags = new List<ResourceTag> { new("restored", "yes") } },
            ct);
        Assert.Equal(id + "-rs", restored.DBInstanceIdentifier);
        Assert.Equal("db.t3.small", restored.DBInstanceClass);
        Assert.Equal("us-east-1", restored.Region);
        Assert.Contains(restored.TagList, t => t.Key == "restored" && t.Value == "yes");

        // Read replica, then promote it.
        var replica = await rds.CreateDBInstanceReadReplicaAsync(id + "-rr", id, "db.t3.micro", null, ct);
        Assert.Equal(id + "-rr", replica.DBInstanceIdentifier);
        Assert.Equal(id, replica.ReadReplicaSourceDBInstanceIdentifier);
        Assert.Contains(id + "-rr", Assert.Single(await QueryAssert.ToListAsync(rds.DescribeDBInstancesAsync(id, ct))).ReadReplicaDBInstanceIdentifiers);

        var promoted = await rds.PromoteReadReplicaAsync(id + "-rr", ct);
        Assert.Equal(id + "-rr", promoted.DBInstanceIdentifier);
        Assert.Equal("us-east-1", promoted.Region);
        Assert.Equal(replica.DBInstanceArn, promoted.DBInstanceArn);

        // moto 5.2 only flips an internal flag on promotion and keeps ReadReplicaSourceDBInstanceIdentifier, so the
        // detachment itself is not observable here (the wire test covers the call).

        // Delete: one with a final snapshot, the others without; then they are gone.
        var deleted = await rds.DeleteDBInstanceAsync(id, skipFinalSnapshot: false, finalDBSnapshotIdentifier: id + "-final", ct);
        Assert.Equal(id, deleted.DBInstanceIdentifier);
        Assert.Equal(id + "-final", Assert.Single(await QueryAssert.ToListAsync(rds.DescribeDBSnapshotsAsync(id + "-final", null, ct))).DBSnapshotIdentifier);
        await rds.DeleteDBInstanceAsync(id + "-rs", skipFinalSnapshot: true, finalDBSnapshotIdentifier: null, ct);
        await rds.DeleteDBInstanceAsync(id + "-rr", skipFinalSnapshot: true, finalDBSnapshotIdentifier: null, ct);
        foreach (var gone in new[] { id, id + "-rs", id + "-rr" })
        {
            var ex = await Assert.ThrowsAsync<AwsServiceException>(() => QueryAssert.ToListAsync(rds.DescribeDBInstancesAsync(gone, ct)));
            Assert.Equal("DBInstanceNotFound", ex.ErrorCode);
        }
    }

    [MotoFact]
    public async Task CopyDBSnapshot_cross_region_lands_in_the_target_region()
    {
        using var east = _fixture.Server.Transport();
        using var west = _fixture.Server.Transport("us-west-2");
        var rdsEast = new RdsClient(east);
        var rdsWest = new RdsClient(west);
        var ct = CancellationToken.None;
        var id = Unique("xr");

        await rdsEast.CreateDBInstanceAsync(NewInstance(id), ct);
        var snap = await rdsEast.CreateDBSnapshotAsync(id + "-s", id, null, ct);
        Assert.NotNull(snap.DBSnapshotArn);

        var copy = await rdsWest.CopyDBSnapshotAsync(snap.DBSnapshotArn!, id + "-dr", "us-east-1", null, ct);

        Assert.Equal(id + "-dr", copy.DBSnapshotIdentifier);
        Assert.Equal("us-west-2", copy.Region);
        var inWest = Assert.Single(await QueryAssert.ToListAsync(rdsWest.DescribeDBSnapshotsAsync(id + "-dr", null, ct)));
        Assert.Equal("us-west-2", inWest.Region);
        Assert.StartsWith("arn:aws:rds:us-west-2:", inWest.DBSnapshotArn);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => QueryAssert.ToListAsync(rdsEast.DescribeDBSnapshotsAsync(id + "-dr", null, ct)));
        Assert.Equal("DBSnapshotNotFound", ex.ErrorCode);
    }

    [MotoFact]
    public async Task CreateDBInstanceReadReplica_cross_region_from_an_arn()
    {
        using var east = _fixture.Server.Transport();
        using var west = _fixture.Server.Transport("us-west-2");
        var rdsEast = new RdsClient(east);
        var rdsWest = new RdsClient(west);
        var ct = CancellationToken.None;
        var id = Unique("xrr");

        var source = await rdsEast.CreateDBInstanceAsync(NewInstance(id), ct);
        var replica = await rdsWest.CreateDBInstanceReadReplicaAsync(id + "-w", source.DBInstanceArn!, null, "us-east-1", ct);

        Assert.Equal(id + "-w", replica.DBInstanceIdentifier);
        Assert.Equal("us-west-2", replica.Region);
        Assert.Equal(source.DBInstanceArn, replica.ReadReplicaSourceDBInstanceIdentifier);
        Assert.Single(await QueryAssert.ToListAsync(rdsWest.DescribeDBInstancesAsync(id + "-w", ct)));
    }

    [MotoFact]
    public async Task Unknown_instance_and_snapshot_are_not_found_errors()
    {
        using var transport = _fixture.Server.Transport();
        var rds = new RdsClient(transport);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => QueryAssert.ToListAsync(rds.DescribeDBInstancesAsync(Unique("missing"), CancellationToken.None)));
        Assert.Equal("DBInstanceNotFound", ex.ErrorCode);
        Assert.Equal(404, ex.StatusCode);
        Assert.False(string.IsNullOrEmpty(ex.RequestId));
        Assert.True(ex.IsNotFound);

        var snapEx = await Assert.ThrowsAsync<AwsServiceException>(() => rds.CreateDBSnapshotAsync(Unique("s"), Unique("missing"), null, CancellationToken.None));
        Assert.Equal("DBInstanceNotFound", snapEx.ErrorCode);
    }

    [MotoFact]
    public async Task DescribeDBInstances_pages_with_PageSize_and_yields_each_instance_once()
    {
        using var transport = _fixture.Server.Transport();
        var recorder = new RecordingTransport(transport);
        var rds = new RdsClient(recorder) { PageSize = 1 };
        var ct = CancellationToken.None;
        var prefix = Unique("pg");
        var ids = new[] { prefix + "-a", prefix + "-b", prefix + "-c" };
        foreach (var i in ids)
        {
            await rds.CreateDBInstanceAsync(NewInstance(i), ct);
        }

        recorder.Bodies.Clear();
        var all = (await QueryAssert.ToListAsync(rds.DescribeDBInstancesAsync(null, ct))).Select(d => d.DBInstanceIdentifier).ToList();

        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(ids, all.Where(i => i.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.True(recorder.Bodies.Count >= 3, $"expected one request per instance, got {recorder.Bodies.Count}");
        Assert.All(recorder.Bodies, b => Assert.Contains("MaxRecords=1", b));
        Assert.DoesNotContain("Marker=", recorder.Bodies[0]);
        Assert.All(recorder.Bodies.Skip(1), b => Assert.Contains("Marker=", b));
    }

    [MotoFact]
    public async Task DescribeDBClusters_lists_a_cluster_and_its_members()
    {
        using var transport = _fixture.Server.Transport();
        var rds = new RdsClient(transport);
        var ct = CancellationToken.None;
        var cid = Unique("cl");

        // The interface has no CreateDBCluster (BackupDr never creates clusters), so the test makes one on the raw wire.
        await transport.SendAsync(
            new QueryParams(AwsService.Rds, "CreateDBCluster")
                .Add("DBClusterIdentifier", cid)
                .Add("Engine", "aurora-postgresql")
                .Add("MasterUsername", "dradmin")
                .Add("MasterUserPassword", "not-a-real-password-1")
                .ToRequest(),
            ct);
        await rds.CreateDBInstanceAsync(
            new CreateDbInstanceRequest { DBInstanceIdentifier = cid + "-w", Engine = "aurora-postgresql", DBInstanceClass = "db.r6g.large", DBClusterIdentifier = cid },
            ct);

        var cluster = Assert.Single(await QueryAssert.ToListAsync(rds.DescribeDBClustersAsync(cid, ct)));
        Assert.Equal(cid, cluster.DBClusterIdentifier);
        Assert.Equal("us-east-1", cluster.Region);
        Assert.Equal("aurora-postgresql", cluster.Engine);
        Assert.Equal($"arn:aws:rds:us-east-1:123456789012:cluster:{cid}", cluster.DBClusterArn);
        Assert.NotNull(cluster.ClusterCreateTime);
        Assert.Equal(new[] { cid + "-w" }, cluster.DBClusterMembers);
        Assert.Contains(await QueryAssert.ToListAsync(rds.DescribeDBClustersAsync(null, ct)), c => c.DBClusterIdentifier == cid);
        Assert.Equal(cid, Assert.Single(await QueryAssert.ToListAsync(rds.DescribeDBInstancesAsync(cid + "-w", ct))).DBClusterIdentifier);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => QueryAssert.ToListAsync(rds.DescribeDBClustersAsync(Unique("nocl"), ct)));
        Assert.Equal("DBClusterNotFoundFault", ex.ErrorCode);
    }
}
