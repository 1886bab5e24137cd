using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using BackupDr.Core.Aws;
using BackupDr.Sandbox;

namespace BackupDr.Core.Tests.Sandbox;

/// <summary>A controllable clock for job progress.</summary>
public sealed class TestClock
{
    private long _ticks = DateTime.UtcNow.Ticks;

    public DateTime Now => new(Interlocked.Read(ref _ticks), DateTimeKind.Utc);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>A started sandbox plus helpers that talk to it through our own AwsTransport.</summary>
public sealed class SandboxHarness : IDisposable
{
    public const string Account = "123456789012";
    public const string Role = "arn:aws:iam::123456789012:role/backup";

    private readonly List<AwsTransport> _transports = new();

    public SandboxHarness(Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions { JobDuration = TimeSpan.Zero, RandomSeed = 42 };
        options.Clock = () => Clock.Now;
        configure?.Invoke(options);
        Server = SandboxServer.StartNew(options);
    }

    public TestClock Clock { get; } = new();
    public SandboxServer Server { get; }

    public AwsTransport Transport(string region = "us-east-1", string accessKey = "AKIDSANDBOXTEST", int attempts = 1)
    {
        var ctx = AwsContext.Resolve(new AwsContextOptions { Region = region, AccessKey = accessKey, SecretKey = "secret", EndpointUrl = Server.Endpoint.ToString() }, new DictionaryEnvironment());
        var t = new AwsTransport(ctx, null, new RetryPolicy { MaxAttempts = attempts, AttemptTimeout = TimeSpan.FromSeconds(20) });
        lock (_transports)
        {
            _transports.Add(t);
        }

        return t;
    }

    public static AwsRequest JsonRequest(HttpMethod method, string path, object? body = null, params (string Key, string Value)[] query)
    {
        var r = new AwsRequest(AwsService.Backup, "Call", method, path);
        if (body != null)
        {
            r.Body = body is string s ? Encoding.UTF8.GetBytes(s) : JsonSerializer.SerializeToUtf8Bytes(body);
            r.ContentType = "application/json";
        }

        foreach (var (k, v) in query)
        {
            r.AddQuery(k, v);
        }

        return r;
    }

    public async Task<JsonElement> Backup(HttpMethod method, string path, object? body = null, string region = "us-east-1", params (string Key, string Value)[] query)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var response = await Transport(region).SendAsync(JsonRequest(method, path, body, query), cts.Token);
        return JsonRead.Parse(response.Body);
    }

    public async Task<AwsServiceException> BackupError(HttpMethod method, string path, object? body = null, string region = "us-east-1", params (string Key, string Value)[] query)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await Assert.ThrowsAsync<AwsServiceException>(() => Transport(region).SendAsync(JsonRequest(method, path, body, query), cts.Token));
    }

    public async Task<XDocument> Query(AwsService service, string action, string region = "us-east-1", params (string Key, string? Value)[] pairs)
    {
        var q = new QueryParams(service, action);
        foreach (var (k, v) in pairs)
        {
            q.Add(k, v);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var response = await Transport(region).SendAsync(q.ToRequest(), cts.Token);
        return XmlRead.Parse(response.Body);
    }

    public async Task<AwsServiceException> QueryError(AwsService service, string action, string region = "us-east-1", params (string Key, string? Value)[] pairs)
    {
        var q = new QueryParams(service, action);
        foreach (var (k, v) in pairs)
        {
            q.Add(k, v);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await Assert.ThrowsAsync<AwsServiceException>(() => Transport(region).SendAsync(q.ToRequest(), cts.Token));
    }

    public static string Enc(string s) => AwsEncoding.EncodePathSegment(s);

    public async Task CreateVault(string name, string region = "us-east-1") => await Backup(HttpMethod.Put, "/backup-vaults/" + name, new { }, region);

    public async Task<string> CreateVolume(string region = "us-east-1", int size = 8, string? tagKey = null, string? tagValue = null)
    {
        var doc = await Query(AwsService.Ec2, "CreateVolume", region, ("AvailabilityZone", region + "a"), ("Size", size.ToString()), ("VolumeType", "gp3"),
            ("TagSpecification.1.ResourceType", tagKey == null ? null : "volume"), ("TagSpecification.1.Tag.1.Key", tagKey), ("TagSpecification.1.Tag.1.Value", tagValue));
        return doc.Root!.Str("volumeId")!;
    }

    public async Task CreateDb(string id, string region = "us-east-1") =>
        await Query(AwsService.Rds, "CreateDBInstance", region, ("DBInstanceIdentifier", id), ("DBInstanceClass", "db.t3.micro"), ("Engine", "postgres"), ("AllocatedStorage", "20"), ("MasterUsername", "admin"), ("MasterUserPassword", "secret123"));

    public static string VolumeArn(string id, string region = "us-east-1") => $"arn:aws:ec2:{region}:{Account}:volume/{id}";

    public static string DbArn(string id, string region = "us-east-1") => $"arn:aws:rds:{region}:{Account}:db:{id}";

    public async Task<JsonElement> StartBackup(string vault, string resourceArn, string? token = null, string region = "us-east-1") =>
        await Backup(HttpMethod.Put, "/backup-jobs", new { BackupVaultName = vault, ResourceArn = resourceArn, IamRoleArn = Role, IdempotencyToken = token }, region);

    public void Dispose()
    {
        foreach (var t in _transports)
        {
            t.Dispose();
        }

        Server.Dispose();
    }
}
