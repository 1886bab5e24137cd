using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Tests.Operations.Fakes;

/// <summary>Hand-written IEc2Api over an in-memory tag table; every call and filter recorded.</summary>
public sealed class FakeEc2Api : CallRecorder, IEc2Api
{
    public FakeEc2Api(string region = "us-east-1") => Context = TestContexts.For(region);

    public AwsContext Context { get; }

    /// <summary>Tags per resource id.</summary>
    public Dictionary<string, Dictionary<string, string>> Tags { get; } = new();

    public List<List<Ec2Filter>> TagFilters { get; } = new();

    public List<(List<string> Ids, List<ResourceTag> Tags)> Created { get; } = new();

    public List<(List<string> Ids, List<ResourceTag> Tags)> Deleted { get; } = new();

    public IAsyncEnumerable<Ec2TagDescription> DescribeTagsAsync(IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken)
    {
        Record("DescribeTags");
        var list = filters?.ToList() ?? new List<Ec2Filter>();
        TagFilters.Add(list);
        var ids = list.Where(f => f.Name == "resource-id").SelectMany(f => f.Values).ToHashSet();
        var rows = Tags.Where(r => ids.Count == 0 || ids.Contains(r.Key))
            .SelectMany(r => r.Value.Select(kv => new Ec2TagDescription { ResourceId = r.Key, Key = kv.Key, Value = kv.Value }))
            .ToList();
        return Stream(rows, cancellationToken);
    }

    public Task CreateTagsAsync(IEnumerable<string> resourceIds, IEnumerable<ResourceTag> tags, CancellationToken cancellationToken)
    {
        Record("CreateTags");
        var ids = resourceIds.ToList();
        var list = tags.ToList();
        Created.Add((ids, list));
        foreach (var id in ids)
        {
            var current = Tags.TryGetValue(id, out var t) ? t : Tags[id] = new();
            list.ForEach(tag => current[tag.Key] = tag.Value);
        }

        return Task.CompletedTask;
    }

    public Task DeleteTagsAsync(IEnumerable<string> resourceIds, IEnumerable<ResourceTag> tags, CancellationToken cancellationToken)
    {
        Record("DeleteTags");
        var ids = resourceIds.ToList();
        var list = tags.ToList();
        Deleted.Add((ids, list));
        foreach (var id in ids.Where(Tags.ContainsKey))
        {
            list.ForEach(tag => Tags[id].Remove(tag.Key));
        }

        return Task.CompletedTask;
    }

    private T Unscripted<T>(string name)
    {
        Record(name);
        throw new NotImplementedException(name + " is not scripted in FakeEc2Api");
    }

    public IAsyncEnumerable<Ec2Instance> DescribeInstancesAsync(IEnumerable<string>? instanceIds, IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken) => Unscripted<IAsyncEnumerable<Ec2Instance>>("DescribeInstances");
    public IAsyncEnumerable<Ec2Volume> DescribeVolumesAsync(IEnumerable<string>? volumeIds, IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken) => Unscripted<IAsyncEnumerable<Ec2Volume>>("DescribeVolumes");
    public Task DeleteVolumeAsync(string volumeId, CancellationToken cancellationToken) => Unscripted<Task>("DeleteVolume");
    public Task<Ec2Volume> CreateVolumeAsync(CreateVolumeRequest request, CancellationToken cancellationToken) => Unscripted<Task<Ec2Volume>>("CreateVolume");
    public Task<Ec2Snapshot> CreateSnapshotAsync(string volumeId, string? description, IEnumerable<ResourceTag>? tags, CancellationToken cancellationToken) => Unscripted<Task<Ec2Snapshot>>("CreateSnapshot");
    public IAsyncEnumerable<Ec2Snapshot> DescribeSnapshotsAsync(IEnumerable<string>? snapshotIds, IEnumerable<string>? ownerIds, IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken) => Unscripted<IAsyncEnumerable<Ec2Snapshot>>("DescribeSnapshots");
    public Task<string> CopySnapshotAsync(string sourceSnapshotId, string sourceRegion, string? description, bool? encrypted, string? kmsKeyId, CancellationToken cancellationToken) => Unscripted<Task<string>>("CopySnapshot");
}
