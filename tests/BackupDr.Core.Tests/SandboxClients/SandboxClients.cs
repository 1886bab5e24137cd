using BackupDr.Core.Aws;
using BackupDr.Sandbox;

namespace BackupDr.Core.Tests.SandboxClients;

/// <summary>An in-process sandbox plus our typed clients (AwsClientFactory.Default) pointed at it.</summary>
public sealed class SandboxClients : IDisposable
{
    public const string Account = "123456789012";
    public const string Role = "arn:aws:iam::123456789012:role/backup";
    public const string Region = "us-east-1";
    public const string DrRegion = "us-west-2";

    public SandboxClients(Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions { JobDuration = TimeSpan.Zero, RandomSeed = 7, Clock = () => DateTime.UtcNow };
        configure?.Invoke(options);
        Server = SandboxServer.StartNew(options);
        var ctx = AwsContext.Resolve(
            new AwsContextOptions { Region = Region, AccessKey = "AKIDCLIENTS", SecretKey = "any-secret", EndpointUrl = Server.Endpoint.ToString() },
            new DictionaryEnvironment());
        Set = AwsClientFactory.Default.Create(ctx, null);
    }

    public SandboxServer Server { get; }
    public AwsClientSet Set { get; }
    public IBackupApi Backup => Set.Backup;
    public IRdsApi Rds => Set.Rds;
    public IEc2Api Ec2 => Set.Ec2;
    public AwsClientSet Dr => Set.ForRegion(DrRegion);

    public static CancellationToken Ct => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public static string VolumeArn(string id, string region = Region) => $"arn:aws:ec2:{region}:{Account}:volume/{id}";

    public static string DbArn(string id, string region = Region) => $"arn:aws:rds:{region}:{Account}:db:{id}";

    public static string VaultArn(string name, string region = Region) => $"arn:aws:backup:{region}:{Account}:backup-vault:{name}";

    public async Task<string> NewVolume(int size = 8, string? tagKey = null, string? tagValue = null, IEc2Api? ec2 = null)
    {
        var api = ec2 ?? Ec2;
        var v = await api.CreateVolumeAsync(
            new CreateVolumeRequest
            {
                AvailabilityZone = api.Context.Region + "a",
                Size = size,
                VolumeType = "gp3",
                Tags = tagKey == null ? null : new List<BackupDr.Core.Model.ResourceTag> { new(tagKey, tagValue!) },
            },
            Ct);
        return v.VolumeId;
    }

    public Task NewDb(string id, IList<BackupDr.Core.Model.ResourceTag>? tags = null) =>
        Rds.CreateDBInstanceAsync(new CreateDbInstanceRequest { DBInstanceIdentifier = id, AllocatedStorage = 20, MasterUsername = "admin", MasterUserPassword = "secret123", Tags = tags }, Ct);

    public static async Task<List<T>> All<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var x in source.WithCancellation(Ct))
        {
            list.Add(x);
        }

        return list;
    }

    public void Dispose()
    {
        Set.Dispose();
        Server.Dispose();
    }
}
