using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Tests.Operations.Fakes;

/// <summary>Hand-written IRdsApi over in-memory instances, clusters and tags; every call recorded.</summary>
public sealed class FakeRdsApi : CallRecorder, IRdsApi
{
    public FakeRdsApi(string region = "us-east-1") => Context = TestContexts.For(region);

    public AwsContext Context { get; }

    public Dictionary<string, DbInstance> Instances { get; } = new();

    public Dictionary<string, DbCluster> Clusters { get; } = new();

    /// <summary>Tags per resource ARN.</summary>
    public Dictionary<string, Dictionary<string, string>> Tags { get; } = new();

    public List<(string Arn, List<ResourceTag> Tags)> Added { get; } = new();

    public List<(string Arn, List<string> Keys)> RemovedKeys { get; } = new();

    public IAsyncEnumerable<DbInstance> DescribeDBInstancesAsync(string? dbInstanceIdentifier, CancellationToken cancellationToken)
    {
        Record($"DescribeDBInstances {dbInstanceIdentifier}");
        if (dbInstanceIdentifier == null)
        {
            return Stream(Instances.Values.ToList(), cancellationToken);
        }

        if (!Instances.TryGetValue(dbInstanceIdentifier, out var db))
        {
            // Like the real client: the named instance not existing is an error, not an empty list.
            throw new AwsServiceException("rds", "DescribeDBInstances", 404, "DBInstanceNotFound", $"DBInstance {dbInstanceIdentifier} not found.", "req-1");
        }

        return Stream(new[] { db }, cancellationToken);
    }

    public IAsyncEnumerable<DbCluster> DescribeDBClustersAsync(string? dbClusterIdentifier, CancellationToken cancellationToken)
    {
        Record($"DescribeDBClusters {dbClusterIdentifier}");
        if (dbClusterIdentifier != null && !Clusters.ContainsKey(dbClusterIdentifier))
        {
            throw new AwsServiceException("rds", "DescribeDBClusters", 404, "DBClusterNotFoundFault", "not found", "req-2");
        }

        return Stream(dbClusterIdentifier == null ? Clusters.Values.ToList() : new List<DbCluster> { Clusters[dbClusterIdentifier] }, cancellationToken);
    }

    public Task AddTagsToResourceAsync(string resourceArn, IEnumerable<ResourceTag> tags, CancellationToken cancellationToken)
    {
        Record($"AddTagsToResource {resourceArn}");
        var list = tags.ToList();
        Added.Add((resourceArn, list));
        var current = Tags.TryGetValue(resourceArn, out var t) ? t : Tags[resourceArn] = new();
        foreach (var tag in list)
        {
            current[tag.Key] = tag.Value;
        }

        return Task.CompletedTask;
    }

    public Task RemoveTagsFromResourceAsync(string resourceArn, IEnumerable<string> tagKeys, CancellationToken cancellationToken)
    {
        Record($"RemoveTagsFromResource {resourceArn}");
        var keys = tagKeys.ToList();
        RemovedKeys.Add((resourceArn, keys));
        if (Tags.TryGetValue(resourceArn, out var current))
        {
            keys.ForEach(k => current.Remove(k));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ResourceTag>> ListTagsForResourceAsync(string resourceArn, CancellationToken cancellationToken)
    {
        Record($"ListTagsForResource {resourceArn}");
        IReadOnlyList<ResourceTag> result = Tags.TryGetValue(resourceArn, out var t) ? t.Select(kv => new ResourceTag(kv.Key, kv.Value)).ToList() : new List<ResourceTag>();
        return Task.FromResult(result);
    }

    private T Unscripted<T>(string name)
    {
        Record(name);
        throw new NotImplementedException(name + " is not scripted in FakeRdsApi");
    }

    public Task<DbInstance> CreateDBInstanceAsync(CreateDbInstanceRequest request, CancellationToken cancellationToken) => Unscripted<Task<DbInstance>>("CreateDBInstance");
    public Task<DbSnapshot> CreateDBSnapshotAsync(string dbSnapshotIdentifier, string dbInstanceIdentifier, IEnumerable<ResourceTag>? tags, CancellationToken cancellationToken) => Unscripted<Task<DbSnapshot>>("CreateDBSnapshot");
    public IAsyncEnumerable<DbSnapshot> DescribeDBSnapshotsAsync(string? dbSnapshotIdentifier, string? dbInstanceIdentifier, CancellationToken cancellationToken) => Unscripted<IAsyncEnumerable<DbSnapshot>>("DescribeDBSnapshots");
    public Task<DbSnapshot> CopyDBSnapshotAsync(string sourceDBSnapshotIdentifier, string targetDBSnapshotIdentifier, string? sourceRegion, string? kmsKeyId, CancellationToken cancellationToken) => Unscripted<Task<DbSnapshot>>("CopyDBSnapshot");
    public Task<DbInstance> RestoreDBInstanceFromDBSnapshotAsync(RestoreDbInstanceFromSnapshotRequest request, CancellationToken cancellationToken) => Unscripted<Task<DbInstance>>("RestoreDBInstanceFromDBSnapshot");
    public Task<DbInstance> CreateDBInstanceReadReplicaAsync(string dbInstanceIdentifier, string sourceDBInstanceIdentifier, string? dbInstanceClass, string? sourceRegion, CancellationToken cancellationToken) => Unscripted<Task<DbInstance>>("CreateDBInstanceReadReplica");
    public Task<DbInstance> PromoteReadReplicaAsync(string dbInstanceIdentifier, CancellationToken cancellationToken) => Unscripted<Task<DbInstance>>("PromoteReadReplica");
    public Task<DbInstance> DeleteDBInstanceAsync(string dbInstanceIdentifier, bool skipFinalSnapshot, string? finalDBSnapshotIdentifier, CancellationToken cancellationToken) => Unscripted<Task<DbInstance>>("DeleteDBInstance");
}
