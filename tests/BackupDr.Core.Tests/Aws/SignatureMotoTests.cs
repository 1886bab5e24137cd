using System.Text;
using System.Xml.Linq;
using Amazon;
using BasicAWSCredentials = Amazon.Runtime.BasicAWSCredentials;
using Amazon.Runtime.Signing;
using BackupDr.Core.Aws;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Aws;

/// <summary>
/// moto checks SigV4 signatures (with botocore's signer) once its first N requests are used up: an
/// independent judge of what our transport signs and sends. Each test owns its server, because the
/// free-request counter is global to a moto process.
/// </summary>
public sealed class SignatureMotoTests
{
    /// <summary>CreateUser, PutUserPolicy, CreateAccessKey: the requests moto lets through unsigned.</summary>
    private const int FreeRequests = 3;

    private sealed record IamKey(string AccessKeyId, string SecretAccessKey);

    private static MotoServer StartCheckingServer() =>
        MotoServer.Start(new Dictionary<string, string> { { "INITIAL_NO_AUTH_ACTION_COUNT", FreeRequests.ToString(System.Globalization.CultureInfo.InvariantCulture) } });

    /// <summary>IAM is not one of our services: plain HttpClient plus AWSSDK's signer, used only while requests are free.</summary>
    private static async Task<string> IamAsync(MotoServer server, HttpClient http, params (string Key, string Value)[] pairs)
    {
        var form = AwsEncoding.FormEncode(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)).Append(new KeyValuePair<string, string>("Version", "2010-05-08")));
        var body = Encoding.UTF8.GetBytes(form);
        var uri = new Uri(server.Endpoint + "/");
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = uri, Content = body };
        signing.Headers["Content-Type"] = "application/x-www-form-urlencoded";
        var signed = await AWSSigV4Signer.SignAsync(
            signing,
            new AWSSigV4Parameters { Credentials = new BasicAWSCredentials("testing", "testing"), Region = RegionEndpoint.USEast1, Service = "iam", SignedAt = DateTime.UtcNow },
            CancellationToken.None);

        using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        foreach (var h in signed.Headers)
        {
            if (!string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }
        }

        using var response = await http.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"IAM {pairs[0].Value} failed: {(int)response.StatusCode} {text}");
        return text;
    }

    private static async Task<IamKey> CreateAdminKeyAsync(MotoServer server)
    {
        using var http = new HttpClient();
        await IamAsync(server, http, ("Action", "CreateUser"), ("UserName", "drtester"));
        await IamAsync(server, http, ("Action", "PutUserPolicy"), ("UserName", "drtester"), ("PolicyName", "admin"),
            ("PolicyDocument", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
        var xml = XDocument.Parse(await IamAsync(server, http, ("Action", "CreateAccessKey"), ("UserName", "drtester")));
        string Value(string name) => xml.Descendants().Single(e => e.Name.LocalName == name).Value;
        return new IamKey(Value("AccessKeyId"), Value("SecretAccessKey"));
    }

    private static AwsTransport TransportFor(MotoServer server, string accessKey, string secretKey) =>
        new(
            AwsContext.Resolve(server.Options(accessKey: accessKey, secretKey: secretKey), new DictionaryEnvironment()),
            null,
            new RetryPolicy(() => 0) { MaxAttempts = 2 });

    [MotoFact]
    public async Task Rest_json_calls_with_bodies_and_queries_pass_the_signature_check()
    {
        using var server = StartCheckingServer();
        var key = await CreateAdminKeyAsync(server);
        using var good = TransportFor(server, key.AccessKeyId, key.SecretAccessKey);

        var create = new AwsRequest(AwsService.Backup, "CreateBackupVault", HttpMethod.Put, "/backup-vaults/drvault")
        {
            Body = new JsonBody().Map("BackupVaultTags", new Dictionary<string, string> { ["team"] = "dr ops/ü" }).ToBytes(),
            ContentType = "application/json",
        };
        var created = JsonRead.Parse((await good.SendAsync(create, CancellationToken.None)).Body);
        var arn = created.Str("BackupVaultArn")!;
        Assert.StartsWith("arn:aws:backup:us-east-1:", arn, StringComparison.Ordinal);

        var list = new AwsRequest(AwsService.Backup, "ListBackupVaults", HttpMethod.Get, "/backup-vaults/").AddQuery("maxResults", "10").AddQuery("ByVaultType", "BACKUP_VAULT");
        var vaults = JsonRead.Parse((await good.SendAsync(list, CancellationToken.None)).Body);
        Assert.Contains(vaults.Items("BackupVaultList"), v => v.Str("BackupVaultName") == "drvault");

        // An ARN in the path is left out here: moto re-signs the decoded path (single encoding), so it rejects
        // boto3's correctly double-encoded ListTags too. The stub-based tests prove that canonical form.
        var describe = new AwsRequest(AwsService.Backup, "DescribeBackupVault", HttpMethod.Get, "/backup-vaults/" + AwsEncoding.EncodePathSegment("drvault"));
        var described = JsonRead.Parse((await good.SendAsync(describe, CancellationToken.None)).Body);
        Assert.Equal(arn, described.Str("BackupVaultArn"));
    }

    [MotoFact]
    public async Task Right_secret_is_accepted_and_wrong_secret_is_rejected_by_rds_and_ec2()
    {
        using var server = StartCheckingServer();
        var key = await CreateAdminKeyAsync(server);

        using (var good = TransportFor(server, key.AccessKeyId, key.SecretAccessKey))
        {
            var rds = await good.SendAsync(new QueryParams(AwsService.Rds, "DescribeDBInstances").ToRequest(), CancellationToken.None);
            Assert.Equal(200, rds.StatusCode);
            Assert.Contains("DescribeDBInstancesResponse", Encoding.UTF8.GetString(rds.Body), StringComparison.Ordinal);

            // What is signed must be what is sent, byte for byte: a compact ";charset" must not be re-formatted on the wire.
            var compact = new QueryParams(AwsService.Rds, "DescribeDBSnapshots").ToRequest();
            compact.ContentType = "application/x-www-form-urlencoded;charset=utf-8";
            Assert.Equal(200, (await good.SendAsync(compact, CancellationToken.None)).StatusCode);

            var ec2 = await good.SendAsync(new QueryParams(AwsService.Ec2, "DescribeVolumes").AddList("Filter.1.Value", new[] { "a b/c" }).Add("Filter.1.Name", "tag:Name").ToRequest(), CancellationToken.None);
            Assert.Equal(200, ec2.StatusCode);
            Assert.Contains("DescribeVolumesResponse", Encoding.UTF8.GetString(ec2.Body), StringComparison.Ordinal);
        }

        using (var wrong = TransportFor(server, key.AccessKeyId, key.SecretAccessKey + "x"))
        {
            var rds = await Assert.ThrowsAsync<AwsServiceException>(() => wrong.SendAsync(new QueryParams(AwsService.Rds, "DescribeDBInstances").ToRequest(), CancellationToken.None));
            Assert.Equal(403, rds.StatusCode);
            Assert.Equal("SignatureDoesNotMatch", rds.ErrorCode);
            Assert.Equal(1, rds.Attempts);
            Assert.DoesNotContain(key.SecretAccessKey, rds.Message, StringComparison.Ordinal);

            var ec2 = await Assert.ThrowsAsync<AwsServiceException>(() => wrong.SendAsync(new QueryParams(AwsService.Ec2, "DescribeVolumes").ToRequest(), CancellationToken.None));
            Assert.Equal(401, ec2.StatusCode); // EC2 answers AuthFailure with 401, as AWS does.
            Assert.Equal("AuthFailure", ec2.ErrorCode);
        }

        using (var wrong = TransportFor(server, key.AccessKeyId, "not-the-secret"))
        {
            var backup = await Assert.ThrowsAsync<AwsServiceException>(() => wrong.SendAsync(new AwsRequest(AwsService.Backup, "ListBackupVaults", HttpMethod.Get, "/backup-vaults/"), CancellationToken.None));
            Assert.Equal(403, backup.StatusCode);
            Assert.Equal("SignatureDoesNotMatch", backup.ErrorCode);
        }

        using (var unknown = TransportFor(server, "AKIAUNKNOWNKEY000000", key.SecretAccessKey))
        {
            var rds = await Assert.ThrowsAsync<AwsServiceException>(() => unknown.SendAsync(new QueryParams(AwsService.Rds, "DescribeDBInstances").ToRequest(), CancellationToken.None));
            Assert.Equal(403, rds.StatusCode);
            Assert.Equal("InvalidClientTokenId", rds.ErrorCode);
        }
    }
}
