using System.Net;
using System.Security.Cryptography;
using System.Text;
using BackupDr.Core.Aws;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Aws;

public sealed class TransportSigningTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private static AwsRequest JsonPost(string path = "/backup-vaults/v1")
    {
        var request = new AwsRequest(AwsService.Backup, "CreateBackupVault", HttpMethod.Put, path)
        {
            Body = Encoding.UTF8.GetBytes("{\"BackupVaultTags\":{\"a\":\"b\"}}"),
            ContentType = "application/json",
        };
        return request;
    }

    [Fact]
    public void Verifier_matches_the_published_aws_get_vanilla_example()
    {
        // AWS SigV4 test suite, "get-vanilla": proves the independent verifier before it judges the transport.
        var captured = new CapturedRequest(
            HttpMethod.Get,
            new Uri("https://example.amazonaws.com/"),
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["Host"] = "example.amazonaws.com",
                ["X-Amz-Date"] = "20150830T123600Z",
                ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            },
            Array.Empty<byte>());

        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", SigV4Verifier.Signature(captured, Secret));
        Assert.NotEqual("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", SigV4Verifier.Signature(captured, Secret + "x"));
    }

    [Theory]
    [InlineData("key", "The quick brown fox jumps over the lazy dog")]
    [InlineData("a key longer than the sixty-four byte block size of SHA-256, so it is hashed first.....", "data")]
    public void Own_hmac_agrees_with_the_framework(string key, string data)
    {
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(data));
        Assert.Equal(expected, SigV4Verifier.Hmac(Encoding.UTF8.GetBytes(key), data));
    }

    [Fact]
    public async Task Signed_request_carries_scope_date_headers_and_user_agent()
    {
        var stub = new StubHandler().Respond(HttpStatusCode.OK, "{}");
        using var transport = Wire.Transport(stub);

        await transport.SendAsync(JsonPost(), CancellationToken.None);

        var sent = Assert.Single(stub.Requests);
        var auth = SigV4Verifier.ParseAuthorization(sent.Header("Authorization")!);
        Assert.Contains("Credential=AKIDEXAMPLE/20261121/us-east-1/backup/aws4_request", sent.Header("Authorization"), StringComparison.Ordinal);
        Assert.Contains("host", auth.SignedHeaders);
        Assert.Contains("x-amz-content-sha256", auth.SignedHeaders);
        Assert.Contains("x-amz-date", auth.SignedHeaders);
        Assert.Contains("content-type", auth.SignedHeaders);
        Assert.Equal(auth.SignedHeaders.OrderBy(h => h, StringComparer.Ordinal), auth.SignedHeaders);
        Assert.Equal("20261121T120000Z", sent.Header("X-Amz-Date"));
        Assert.Equal(SigV4Verifier.Hex(SHA256.HashData(sent.Body)), sent.Header("x-amz-content-sha256"));
        Assert.Null(sent.Header("X-Amz-Security-Token"));
        Assert.StartsWith("BackupDr/", sent.Header("User-Agent"), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, string.Join("\n", sent.Headers.Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_token_is_sent_and_signed()
    {
        var stub = new StubHandler().Respond(HttpStatusCode.OK, "{}");
        using var transport = new AwsTransport(Wire.Context(sessionToken: "FQoGZXIvYXdzEXAMPLETOKEN"), stub, new RetryPolicy(() => 0.5), new FakeClock());

        await transport.SendAsync(JsonPost(), CancellationToken.None);

        var sent = Assert.Single(stub.Requests);
        Assert.Equal("FQoGZXIvYXdzEXAMPLETOKEN", sent.Header("X-Amz-Security-Token"));
        Assert.Contains("x-amz-security-token", SigV4Verifier.ParseAuthorization(sent.Header("Authorization")!).SignedHeaders);
        Assert.Equal(SigV4Verifier.ParseAuthorization(sent.Header("Authorization")!).Signature, SigV4Verifier.Signature(sent, Secret));
    }

    public static TheoryData<string, AwsRequest> SignedShapes()
    {
        var data = new TheoryData<string, AwsRequest>();
        data.Add("rest-json PUT with body", JsonPost());
        data.Add("GET with ARN in the path and a query", new AwsRequest(AwsService.Backup, "ListRecoveryPointsByResource", HttpMethod.Get, "/resources/" + AwsEncoding.EncodePathSegment("arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc") + "/recovery-points/")
            .AddQuery("maxResults", "20").AddQuery("nextToken", "a+b/c=d e").AddQuery("ByResourceType", "EBS"));
        data.Add("query POST with charset", new QueryParams(AwsService.Rds, "DescribeDBInstances").Add("DBInstanceIdentifier", "db 1/ü").ToRequest());
        data.Add("ec2 POST", new QueryParams(AwsService.Ec2, "DescribeVolumes").AddList("VolumeId", new[] { "vol-1", "vol-2" }).ToRequest());
        data.Add("DELETE without body", new AwsRequest(AwsService.Backup, "DeleteBackupVault", HttpMethod.Delete, "/backup-vaults/v1"));
        var compact = new QueryParams(AwsService.Rds, "DescribeDBInstances").ToRequest();
        compact.ContentType = "application/x-www-form-urlencoded;charset=utf-8";
        data.Add("content type without a space before charset", compact);
        var upper = JsonPost();
        upper.ContentType = "application/json;Charset=UTF-8";
        data.Add("content type with unusual casing", upper);
        var contentHeaders = JsonPost();
        contentHeaders.Headers["Content-MD5"] = "1B2M2Y8AsgTpgAmY7PhCfg==";
        contentHeaders.Headers["Content-Language"] = "en";
        contentHeaders.Headers["X-Amz-Meta-Note"] = "a  b";
        data.Add("caller headers, some of them content headers", contentHeaders);
        data.Add("POST with a content type but no body", new AwsRequest(AwsService.Backup, "StartReportJob", HttpMethod.Post, "/audit/report-jobs/p1") { ContentType = "application/json" });
        return data;
    }

    [Theory]
    [MemberData(nameof(SignedShapes))]
    public async Task Signature_recomputed_from_the_wire_matches_the_authorization_header(string shape, AwsRequest request)
    {
        var stub = new StubHandler().Respond(HttpStatusCode.OK, "{}");
        using var transport = Wire.Transport(stub, endpoint: "http://127.0.0.1:4566");

        await transport.SendAsync(request, CancellationToken.None);

        var sent = Assert.Single(stub.Requests);
        var auth = SigV4Verifier.ParseAuthorization(sent.Header("Authorization")!);
        Assert.Equal(request.Service.SigningName, auth.Service);
        Assert.True(auth.Signature == SigV4Verifier.Signature(sent, Secret), $"{shape}: signature does not match the request on the wire. Canonical request:\n{SigV4Verifier.CanonicalRequest(sent, auth.SignedHeaders)}\nHeaders:\n{string.Join("\n", sent.Headers.Select(h => h.Key + ": " + h.Value))}");
        Assert.NotEqual(auth.Signature, SigV4Verifier.Signature(sent, "wrong-secret"));
        if (request.ContentType != null)
        {
            Assert.Equal(request.ContentType, sent.Header("Content-Type"));
        }

        foreach (var h in request.Headers)
        {
            Assert.Equal(h.Value, sent.Header(h.Key));
        }
    }

    [Fact]
    public async Task Content_type_on_the_wire_is_exactly_the_signed_value()
    {
        var stub = new StubHandler().Respond(HttpStatusCode.OK, "<DescribeDBInstancesResponse/>", "text/xml");
        using var transport = Wire.Transport(stub);

        await transport.SendAsync(new QueryParams(AwsService.Rds, "DescribeDBInstances").ToRequest(), CancellationToken.None);

        var sent = Assert.Single(stub.Requests);
        Assert.Equal("application/x-www-form-urlencoded; charset=utf-8", sent.Header("Content-Type"));
        Assert.Equal("Action=DescribeDBInstances&Version=2014-10-31", sent.BodyText);
    }

    [Fact]
    public async Task Tampered_wire_request_no_longer_matches_the_signature()
    {
        var stub = new StubHandler().Respond(HttpStatusCode.OK, "{}");
        using var transport = Wire.Transport(stub);
        await transport.SendAsync(JsonPost(), CancellationToken.None);
        var sent = Assert.Single(stub.Requests);

        var tampered = sent with { Body = Encoding.UTF8.GetBytes("{\"BackupVaultTags\":{\"a\":\"c\"}}") };

        Assert.NotEqual(SigV4Verifier.ParseAuthorization(sent.Header("Authorization")!).Signature, SigV4Verifier.Signature(tampered, Secret));
    }

    [Theory]
    [InlineData("https://backup.us-east-1.amazonaws.com", "/backup-vaults/v1", "https://backup.us-east-1.amazonaws.com/backup-vaults/v1")]
    [InlineData("http://127.0.0.1:4566/", "/backup-vaults/v1", "http://127.0.0.1:4566/backup-vaults/v1")]
    [InlineData("http://proxy.local:8080/aws/backup/", "backup-vaults/v1", "http://proxy.local:8080/aws/backup/backup-vaults/v1")]
    [InlineData("http://proxy.local:8080/aws", "/", "http://proxy.local:8080/aws/")]
    public void BuildUri_keeps_the_endpoint_base_path(string endpoint, string path, string expected)
    {
        var uri = AwsTransport.BuildUri(new Uri(endpoint), new AwsRequest(AwsService.Backup, "X", HttpMethod.Get, path));
        Assert.Equal(expected, uri.AbsoluteUri);
    }

    [Fact]
    public void BuildUri_encodes_arns_in_paths_and_reserved_characters_in_queries()
    {
        var arn = "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45";
        var request = new AwsRequest(AwsService.Backup, "X", HttpMethod.Get, "/backup-vaults/v1/recovery-points/" + AwsEncoding.EncodePathSegment(arn))
            .AddQuery("nextToken", "a+b/c=d e&f")
            .AddQuery("skipped", null)
            .AddQuery("ByResourceArn", "arn:aws:ec2:us-east-1:1:volume/vol-1")
            .AddQuery("ByResourceArn", "ü");

        var uri = AwsTransport.BuildUri(new Uri("https://backup.us-east-1.amazonaws.com"), request);

        Assert.Equal("/backup-vaults/v1/recovery-points/arn%3Aaws%3Abackup%3Aus-east-1%3A123456789012%3Arecovery-point%3A1EB3B5E7-9EB0-435A-A80B-108B488B0D45", uri.AbsolutePath);
        Assert.Equal("?nextToken=a%2Bb%2Fc%3Dd%20e%26f&ByResourceArn=arn%3Aaws%3Aec2%3Aus-east-1%3A1%3Avolume%2Fvol-1&ByResourceArn=%C3%BC", uri.Query);
    }
}
