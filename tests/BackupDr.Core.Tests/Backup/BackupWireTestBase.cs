using System.Net;
using System.Text.Json;
using BackupDr.Core.Aws;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Backup;

/// <summary>A BackupClient over a StubHandler, with helpers to read back what went on the wire.</summary>
public abstract class BackupWireTestBase : IDisposable
{
    protected const string Account = "123456789012";
    protected const string VaultArn = "arn:aws:backup:us-east-1:123456789012:backup-vault:Default";
    protected const string VolumeArn = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc1234def567890";
    protected const string SnapshotPointArn = "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0";
    protected const string DbArn = "arn:aws:rds:us-east-1:123456789012:db:orders-prod";
    protected const string RoleArn = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole";

    /// <summary>2024-11-21T12:00:00.500Z as AWS sends it: epoch seconds with a fraction.</summary>
    protected const double Noonish = 1732190400.5;
    protected static readonly DateTime NoonishUtc = new(2024, 11, 21, 12, 0, 0, 500, DateTimeKind.Utc);

    protected BackupWireTestBase()
    {
        Stub = new StubHandler();
        Clock = new FakeClock();
        Transport = Wire.Transport(Stub, Clock);
        Client = new BackupClient(Transport);
    }

    protected StubHandler Stub { get; }
    protected FakeClock Clock { get; }
    protected AwsTransport Transport { get; }
    protected BackupClient Client { get; }

    protected CapturedRequest Last => Stub.Requests[^1];

    protected void Ok(string json, IDictionary<string, string>? headers = null) => Stub.Respond(HttpStatusCode.OK, json, "application/json", headers);

    protected void Ok(object body) => Ok(JsonSerializer.Serialize(body));

    /// <summary>The path exactly as sent (still percent-encoded).</summary>
    protected static string RawPath(CapturedRequest r)
    {
        var s = r.Uri.OriginalString;
        var start = s.IndexOf('/', s.IndexOf("//", StringComparison.Ordinal) + 2);
        var q = s.IndexOf('?', start);
        return q < 0 ? s.Substring(start) : s.Substring(start, q - start);
    }

    protected static JsonElement Body(CapturedRequest r)
    {
        using var doc = JsonDocument.Parse(r.Body);
        return doc.RootElement.Clone();
    }

    /// <summary>Every request carries SigV4 for the backup service in us-east-1, dated by the fake clock.</summary>
    protected static void AssertSigned(CapturedRequest r)
    {
        var auth = r.Header("Authorization");
        Assert.NotNull(auth);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/backup/aws4_request", auth);
        Assert.Contains("Signature=", auth);
        Assert.Equal("20261121T120000Z", r.Header("X-Amz-Date"));
        Assert.Matches("^[0-9a-f]{64}$", r.Header("X-Amz-Content-Sha256") ?? string.Empty);
    }

    protected static void AssertJsonContent(CapturedRequest r) =>
        Assert.StartsWith("application/json", r.Header("Content-Type"));

    protected static void AssertNoQuery(CapturedRequest r) => Assert.Empty(r.QueryPairs);

    public void Dispose()
    {
        Transport.Dispose();
        GC.SuppressFinalize(this);
    }
}
