using System.Net;
using System.Text;
using System.Xml.Linq;
using BackupDr.Core.Aws;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Aws;

public sealed class AwsErrorParserTests
{
    private static AwsErrorInfo Parse(int status, string body, params (string Name, string Value)[] headers) =>
        AwsErrorParser.Parse(status, Encoding.UTF8.GetBytes(body), headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase));

    private const string RdsError = """
        <ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
          <Error>
            <Type>Sender</Type>
            <Code>DBInstanceNotFound</Code>
            <Message>DBInstance db-1 not found.</Message>
          </Error>
          <RequestId>5d9d7a5c-rds-xml</RequestId>
        </ErrorResponse>
        """;

    private const string Ec2Error = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Response><Errors><Error><Code>InvalidVolume.NotFound</Code><Message>The volume 'vol-1' does not exist.</Message></Error></Errors><RequestID>ec2-req-7</RequestID></Response>
        """;

    [Fact]
    public void Rest_json_code_comes_from_the_error_type_header_without_its_url_suffix()
    {
        var info = Parse(404, "{\"Message\":\"Backup vault v1 not found\"}",
            ("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.backup/"),
            ("x-amzn-RequestId", "hdr-rid"));

        Assert.Equal("ResourceNotFoundException", info.Code);
        Assert.Equal("Backup vault v1 not found", info.Message);
        Assert.Equal("hdr-rid", info.RequestId);
    }

    [Fact]
    public void Header_code_wins_over_body_code()
    {
        var info = Parse(400, "{\"__type\":\"BodyCode\",\"message\":\"m\"}", ("x-amzn-ErrorType", "HeaderCode"));
        Assert.Equal("HeaderCode", info.Code);
    }

    [Theory]
    [InlineData("{\"__type\":\"com.amazonaws.backup#InvalidParameterValueException\",\"message\":\"bad lifecycle\"}", "InvalidParameterValueException", "bad lifecycle")]
    [InlineData("{\"__type\":\"InvalidParameterValueException\",\"Message\":\"bad lifecycle\"}", "InvalidParameterValueException", "bad lifecycle")]
    [InlineData("{\"__type\":\"aws.backup#LimitExceededException:http://internal.amazon.com/x\",\"message\":\"too many\"}", "LimitExceededException", "too many")]
    [InlineData("{\"code\":\"AccessDeniedException\",\"message\":\"no\"}", "AccessDeniedException", "no")]
    [InlineData("{\"Code\":\"ConflictException\",\"Message\":\"busy\",\"Type\":\"User\"}", "ConflictException", "busy")]
    [InlineData("{\"Code\":400,\"message\":\"numbers are not codes\"}", "BadRequest", "numbers are not codes")]
    public void Rest_json_body_codes_and_messages_in_every_spelling(string body, string code, string message)
    {
        var info = Parse(400, body);
        Assert.Equal(code, info.Code);
        Assert.Equal(message, info.Message);
    }

    [Fact]
    public void Rds_error_response_gives_code_message_and_request_id()
    {
        var info = Parse(404, RdsError, ("x-amzn-RequestId", "hdr-rid"));
        Assert.Equal("DBInstanceNotFound", info.Code);
        Assert.Equal("DBInstance db-1 not found.", info.Message);
        Assert.Equal("5d9d7a5c-rds-xml", info.RequestId);
    }

    [Fact]
    public void Ec2_response_errors_give_code_message_and_request_id()
    {
        var info = Parse(400, Ec2Error);
        Assert.Equal("InvalidVolume.NotFound", info.Code);
        Assert.Equal("The volume 'vol-1' does not exist.", info.Message);
        Assert.Equal("ec2-req-7", info.RequestId);
    }

    [Theory]
    [InlineData(500, "InternalFailure")]
    [InlineData(503, "ServiceUnavailable")]
    [InlineData(403, "AccessDenied")]
    [InlineData(404, "NotFound")]
    [InlineData(429, "TooManyRequests")]
    [InlineData(418, "Http418")]
    public void Empty_body_falls_back_to_a_code_for_the_status(int status, string code)
    {
        var info = Parse(status, string.Empty, ("x-amz-request-id", "s3-style-rid"));
        Assert.Equal(code, info.Code);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), info.Message, StringComparison.Ordinal);
        Assert.Equal("s3-style-rid", info.RequestId);
    }

    [Fact]
    public void Plain_text_and_html_bodies_become_a_truncated_message()
    {
        var text = "Bad gateway from the proxy. " + new string('x', 1000);
        var info = Parse(502, text);
        Assert.Equal("BadGateway", info.Code);
        Assert.Equal(503, info.Message.Length);
        Assert.StartsWith("Bad gateway from the proxy.", info.Message, StringComparison.Ordinal);
        Assert.EndsWith("...", info.Message, StringComparison.Ordinal);

        var html = Parse(503, "<html><body><h1>503 Service Unavailable</h1><br></body></html>");
        Assert.Equal("ServiceUnavailable", html.Code);
        Assert.Contains("503 Service Unavailable", html.Message, StringComparison.Ordinal);

        var brokenJson = Parse(500, "{\"message\": \"cut off");
        Assert.Equal("InternalFailure", brokenJson.Code);
        Assert.Equal("{\"message\": \"cut off", brokenJson.Message);
    }

    [Fact]
    public void Request_id_comes_from_any_of_the_aws_headers()
    {
        Assert.Equal("a", AwsErrorParser.RequestIdFromHeaders(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["X-Amzn-RequestId"] = "a" }));
        Assert.Equal("b", AwsErrorParser.RequestIdFromHeaders(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["x-amz-request-id"] = "b" }));
        Assert.Null(AwsErrorParser.RequestIdFromHeaders(new Dictionary<string, string>()));
        Assert.Equal("rds-ok", AwsErrorParser.RequestIdFromXml(XDocument.Parse("<DescribeDBInstancesResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><DescribeDBInstancesResult/><ResponseMetadata><RequestId>rds-ok</RequestId></ResponseMetadata></DescribeDBInstancesResponse>")));
        Assert.Equal("ec2-ok", AwsErrorParser.RequestIdFromXml(XDocument.Parse("<DescribeVolumesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>ec2-ok</requestId><volumeSet/></DescribeVolumesResponse>")));
    }

    [Theory]
    [InlineData("ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.backup/", "ResourceNotFoundException")]
    [InlineData("com.amazonaws.backup#InvalidParameterValueException", "InvalidParameterValueException")]
    [InlineData("  Throttling ", "Throttling")]
    [InlineData("InvalidVolume.NotFound", "InvalidVolume.NotFound")]
    public void CleanCode_strips_namespaces_and_url_suffixes(string raw, string code) => Assert.Equal(code, AwsErrorParser.CleanCode(raw));

    // ---- through the transport ----

    public static TheoryData<string, string, string, string, int, string, string, string> TransportErrors() => new()
    {
        { "Backup", "{\"message\":\"vault v1 does not exist\"}", "application/json", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.backup/", 404, "ResourceNotFoundException", "vault v1 does not exist", "hdr-1" },
        { "RDS", RdsError, "text/xml", string.Empty, 404, "DBInstanceNotFound", "DBInstance db-1 not found.", "5d9d7a5c-rds-xml" },
        { "EC2", Ec2Error, "text/xml;charset=UTF-8", string.Empty, 400, "InvalidVolume.NotFound", "The volume 'vol-1' does not exist.", "ec2-req-7" },
    };

    [Theory]
    [MemberData(nameof(TransportErrors))]
    public async Task Transport_turns_each_dialect_into_an_AwsServiceException(string service, string body, string contentType, string errorType, int status, string code, string message, string requestId)
    {
        var headers = new Dictionary<string, string> { ["x-amzn-RequestId"] = "hdr-1" };
        if (errorType.Length > 0)
        {
            headers["x-amzn-ErrorType"] = errorType;
        }

        var stub = new StubHandler().Respond((HttpStatusCode)status, body, contentType, headers);
        using var transport = Wire.Transport(stub);
        var svc = AwsService.FromName(service);
        var request = svc.Protocol == AwsProtocol.RestJson
            ? new AwsRequest(svc, "DescribeBackupVault", HttpMethod.Get, "/backup-vaults/v1")
            : new QueryParams(svc, svc == AwsService.Rds ? "DescribeDBInstances" : "DescribeVolumes").ToRequest();

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => transport.SendAsync(request, CancellationToken.None));

        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal(message, ex.AwsMessage);
        Assert.Equal(requestId, ex.RequestId);
        Assert.True(ex.IsNotFound);
        Assert.Equal(1, ex.Attempts);
        Assert.Contains(code, ex.Message, StringComparison.Ordinal);
        Assert.Contains(requestId, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"HTTP {status}", ex.Message, StringComparison.Ordinal);
        Assert.Single(stub.Requests);
    }
}
