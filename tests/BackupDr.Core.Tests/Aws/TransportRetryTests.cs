using System.Net;
using BackupDr.Core.Aws;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Aws;

public sealed class TransportRetryTests
{
    private const string ServerTime = "Sat, 21 Nov 2026 13:00:00 GMT";

    private static AwsRequest Backup() => new(AwsService.Backup, "ListBackupVaults", HttpMethod.Get, "/backup-vaults/");

    private static AwsRequest Rds() => new QueryParams(AwsService.Rds, "DescribeDBInstances").ToRequest();

    private static AwsRequest Ec2() => new QueryParams(AwsService.Ec2, "DescribeVolumes").ToRequest();

    private static Dictionary<string, string> Headers(params (string Name, string Value)[] h) => h.ToDictionary(x => x.Name, x => x.Value);

    [Fact]
    public async Task A_503_then_200_is_retried_once_after_one_recorded_delay()
    {
        var stub = new StubHandler()
            .Respond(HttpStatusCode.ServiceUnavailable, string.Empty)
            .Respond(HttpStatusCode.OK, "{\"BackupVaultList\":[]}", headers: Headers(("x-amzn-RequestId", "rid-2")));
        var clock = new FakeClock();
        using var transport = Wire.Transport(stub, clock, new RetryPolicy(() => 1.0));

        var response = await transport.SendAsync(Backup(), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("rid-2", response.RequestId);
        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal(new[] { TimeSpan.FromMilliseconds(200) }, clock.Delays);
    }

    public static TheoryData<string, AwsRequest, HttpStatusCode, string, string> ThrottlingAnswers() => new()
    {
        { "rest-json ThrottlingException", Backup(), HttpStatusCode.BadRequest, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}", "application/json" },
        { "RDS XML Throttling", Rds(), HttpStatusCode.BadRequest, "<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r1</RequestId></ErrorResponse>", "text/xml" },
        { "EC2 XML RequestLimitExceeded", Ec2(), HttpStatusCode.ServiceUnavailable, "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r2</RequestID></Response>", "text/xml" },
        { "HTTP 429 without a body", Backup(), (HttpStatusCode)429, string.Empty, "application/json" },
    };

    [Theory]
    [MemberData(nameof(ThrottlingAnswers))]
    public async Task Throttling_answers_are_retried(string dialect, AwsRequest request, HttpStatusCode status, string body, string contentType)
    {
        var stub = new StubHandler()
            .Respond(status, body, contentType)
            .Respond(HttpStatusCode.OK, "{}");
        var clock = new FakeClock();
        using var transport = Wire.Transport(stub, clock);

        var response = await transport.SendAsync(request, CancellationToken.None);

        Assert.True(response.StatusCode == 200, dialect);
        Assert.Equal(2, stub.Requests.Count);
        Assert.Single(clock.Delays);
    }

    [Theory]
    [InlineData(500, "SomethingOdd", true)]
    [InlineData(502, "BadGateway", true)]
    [InlineData(503, "SlowDownPlease", true)]
    [InlineData(504, "GatewayTimeout", true)]
    [InlineData(429, "Whatever", true)]
    [InlineData(400, "ThrottlingException", true)]
    [InlineData(400, "RequestLimitExceeded", true)]
    [InlineData(400, "PriorRequestNotComplete", true)]
    [InlineData(400, "ValidationException", false)]
    [InlineData(403, "AccessDeniedException", false)]
    [InlineData(404, "ResourceNotFoundException", false)]
    [InlineData(409, "ConflictException", false)]
    public void Retryable_is_decided_by_code_or_status(int status, string code, bool retryable) =>
        Assert.Equal(retryable, RetryPolicy.IsRetryable(code, status));

    [Fact]
    public async Task A_503_with_an_unknown_code_is_retried_on_its_status()
    {
        var stub = new StubHandler()
            .Respond(HttpStatusCode.ServiceUnavailable, "{\"__type\":\"SlowDownPlease\"}")
            .Respond(HttpStatusCode.OK, "{}");
        using var transport = Wire.Transport(stub);

        await transport.SendAsync(Backup(), CancellationToken.None);

        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task Validation_errors_are_not_retried()
    {
        var stub = new StubHandler()
            .Respond(HttpStatusCode.BadRequest, "{\"message\":\"1 validation error\"}", headers: Headers(("x-amzn-ErrorType", "ValidationException"), ("x-amzn-RequestId", "rid-v")));
        var clock = new FakeClock();
        using var transport = Wire.Transport(stub, clock);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => transport.SendAsync(Backup(), CancellationToken.None));

        Assert.Equal("ValidationException", ex.ErrorCode);
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(1, ex.Attempts);
        Assert.Equal("rid-v", ex.RequestId);
        Assert.Equal("Backup", ex.Service);
        Assert.Equal("ListBackupVaults", ex.Operation);
        Assert.Equal("us-east-1", ex.Region);
        Assert.Single(stub.Requests);
        Assert.Empty(clock.Delays);
    }

    [Fact]
    public async Task Max_attempts_are_respected_and_reported_on_the_exception()
    {
        var stub = new StubHandler { Fallback = _ => StubHandler.Build(HttpStatusCode.InternalServerError, "{\"__type\":\"InternalFailure\"}") };
        var clock = new FakeClock();
        using var transport = Wire.Transport(stub, clock, new RetryPolicy(() => 1.0) { MaxAttempts = 4 });

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => transport.SendAsync(Backup(), CancellationToken.None));

        Assert.Equal(4, ex.Attempts);
        Assert.Equal("InternalFailure", ex.ErrorCode);
        Assert.Equal(500, ex.StatusCode);
        Assert.Equal(4, stub.Requests.Count);
        Assert.Equal(new[] { 200d, 400d, 800d }, clock.Delays.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public async Task Backoff_is_full_jitter_under_a_cap()
    {
        var full = new RetryPolicy(() => 1.0) { MaxDelay = TimeSpan.FromSeconds(1) };
        Assert.Equal(new[] { 200d, 400d, 800d, 1000d, 1000d }, Enumerable.Range(0, 5).Select(r => full.Backoff(r).TotalMilliseconds));

        var half = new RetryPolicy(() => 0.5) { MaxDelay = TimeSpan.FromSeconds(1) };
        Assert.Equal(new[] { 100d, 200d, 400d, 500d, 500d }, Enumerable.Range(0, 5).Select(r => half.Backoff(r).TotalMilliseconds));

        Assert.Equal(TimeSpan.Zero, new RetryPolicy(() => 0.0).Backoff(3));
        Assert.Equal(TimeSpan.FromSeconds(20), new RetryPolicy(() => 1.0).Backoff(1000));

        // The same through the transport: random 0.5 halves each wait, the cap holds.
        var stub = new StubHandler { Fallback = _ => StubHandler.Build(HttpStatusCode.ServiceUnavailable, string.Empty) };
        var clock = new FakeClock();
        using var transport = Wire.Transport(stub, clock, new RetryPolicy(() => 0.5) { MaxAttempts = 6, MaxDelay = TimeSpan.FromSeconds(1) });
        await Assert.ThrowsAsync<AwsServiceException>(() => transport.SendAsync(Backup(), CancellationToken.None));
        Assert.Equal(new[] { 100d, 200d, 400d, 500d, 500d }, clock.Delays.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public async Task Network_failures_are_retried_then_reported_as_NetworkError()
    {
        var stub = new StubHandler { Fallback = _ => throw new HttpRequestException("Connection refused (127.0.0.1:1)") };
        var clock = new FakeClock();
        using var transport = Wire.Transport(stub, clock, new RetryPolicy(() => 1.0) { MaxAttempts = 3 });

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => transport.SendAsync(Backup(), CancellationToken.None));

        Assert.Equal("NetworkError", ex.ErrorCode);
        Assert.Equal(0, ex.StatusCode);
        Assert.Equal(3, ex.Attempts);
        Assert.Equal(3, stub.Requests.Count);
        Assert.Contains("Connection refused", ex.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Equal(2, clock.Delays.Count);
    }

    [Fact]
    public async Task Network_failure_then_success_succeeds()
    {
        var stub = new StubHandler().Throw(new HttpRequestException("reset")).Respond(HttpStatusCode.OK, "{}");
        using var transport = Wire.Transport(stub);

        Assert.Equal(200, (await transport.SendAsync(Backup(), CancellationToken.None)).StatusCode);
        Assert.Equal(2, stub.Requests.Count);
    }

    /// <summary>Never answers: waits on the request's token, as a hung server would.</summary>
    private sealed class HangingHandler : HttpMessageHandler
    {
        public int Calls;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    [Fact]
    public async Task Attempts_that_outlive_the_attempt_timeout_end_as_RequestTimeout()
    {
        var handler = new HangingHandler();
        var clock = new FakeClock();
        using var transport = new AwsTransport(Wire.Context(), handler, new RetryPolicy(() => 1.0) { MaxAttempts = 2, AttemptTimeout = TimeSpan.FromMilliseconds(50) }, clock);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => transport.SendAsync(Backup(), CancellationToken.None));

        Assert.Equal("RequestTimeout", ex.ErrorCode);
        Assert.Equal(0, ex.StatusCode);
        Assert.Equal(2, ex.Attempts);
        Assert.Equal(2, handler.Calls);
        Assert.Single(clock.Delays);
    }

    [Fact]
    public async Task Cancellation_during_backoff_stops_without_another_request()
    {
        var stub = new StubHandler { Fallback = _ => StubHandler.Build(HttpStatusCode.ServiceUnavailable, string.Empty) };
        using var cts = new CancellationTokenSource();
        var clock = new FakeClock { OnDelay = _ => cts.Cancel() };
        using var transport = Wire.Transport(stub, clock);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transport.SendAsync(Backup(), cts.Token));

        Assert.Single(stub.Requests);
        Assert.Single(clock.Delays);
    }

    [Fact]
    public async Task Cancellation_while_waiting_for_an_answer_is_not_a_timeout()
    {
        var handler = new HangingHandler();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        using var transport = new AwsTransport(Wire.Context(), handler, new RetryPolicy(() => 1.0), new FakeClock());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transport.SendAsync(Backup(), cts.Token));

        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task Already_cancelled_token_sends_nothing()
    {
        var stub = new StubHandler().Respond(HttpStatusCode.OK, "{}");
        using var transport = Wire.Transport(stub);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transport.SendAsync(Backup(), new CancellationToken(canceled: true)));

        Assert.Empty(stub.Requests);
    }

    public static TheoryData<string, string, IDictionary<string, string>?> SkewAnswers() => new()
    {
        { "RequestTimeTooSkewed", "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message></Error>", null },
        { "InvalidSignatureException", "{\"message\":\"Signature expired: 20261121T120000Z is now earlier than 20261121T125500Z\"}", new Dictionary<string, string> { ["x-amzn-ErrorType"] = "InvalidSignatureException" } },
    };

    [Theory]
    [MemberData(nameof(SkewAnswers))]
    public async Task Skewed_clock_is_corrected_from_the_Date_header_and_the_retry_is_signed_with_server_time(string code, string body, IDictionary<string, string>? extra)
    {
        var headers = new Dictionary<string, string>(extra ?? new Dictionary<string, string>()) { ["Date"] = ServerTime };
        var stub = new StubHandler()
            .Respond(HttpStatusCode.Forbidden, body, body.StartsWith('{') ? "application/json" : "application/xml", headers)
            .Respond(HttpStatusCode.OK, "{}");
        var clock = new FakeClock(new DateTime(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc));
        using var transport = Wire.Transport(stub, clock);

        await transport.SendAsync(Backup(), CancellationToken.None);

        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal("20261121T120000Z", stub.Requests[0].Header("X-Amz-Date"));
        Assert.True("20261121T130000Z" == stub.Requests[1].Header("X-Amz-Date"), code);
        Assert.Contains("Credential=AKIDEXAMPLE/20261121/", stub.Requests[1].Header("Authorization"), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromHours(1), transport.ClockSkew);
        Assert.Empty(clock.Delays);
        Assert.Equal(SigV4Verifier.ParseAuthorization(stub.Requests[1].Header("Authorization")!).Signature, SigV4Verifier.Signature(stub.Requests[1], "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));

        // Later calls keep the correction.
        stub.Respond(HttpStatusCode.OK, "{}");
        await transport.SendAsync(Backup(), CancellationToken.None);
        Assert.Equal("20261121T130000Z", stub.Requests[2].Header("X-Amz-Date"));
    }

    [Fact]
    public async Task Skew_under_the_threshold_is_not_corrected()
    {
        var stub = new StubHandler()
            .Respond(HttpStatusCode.Forbidden, "<Error><Code>RequestTimeTooSkewed</Code><Message>skewed</Message></Error>", "application/xml", Headers(("Date", "Sat, 21 Nov 2026 12:02:00 GMT")));
        using var transport = Wire.Transport(stub, new FakeClock());

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => transport.SendAsync(Backup(), CancellationToken.None));

        Assert.Equal("RequestTimeTooSkewed", ex.ErrorCode);
        Assert.Single(stub.Requests);
        Assert.Equal(TimeSpan.Zero, transport.ClockSkew);
    }

    [Fact]
    public async Task Skew_is_corrected_once_per_call()
    {
        var skewed = StubHandler.Build(HttpStatusCode.Forbidden, "<Error><Code>RequestTimeTooSkewed</Code><Message>skewed</Message></Error>", "application/xml", Headers(("Date", ServerTime)));
        var stub = new StubHandler { Fallback = _ => StubHandler.Build(HttpStatusCode.Forbidden, "<Error><Code>RequestTimeTooSkewed</Code><Message>skewed</Message></Error>", "application/xml", Headers(("Date", "Sat, 21 Nov 2026 15:00:00 GMT"))) };
        stub.Respond(_ => skewed);
        using var transport = Wire.Transport(stub, new FakeClock());

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => transport.SendAsync(Backup(), CancellationToken.None));

        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal(2, ex.Attempts);
        Assert.Equal(TimeSpan.FromHours(1), transport.ClockSkew);
    }

    [Fact]
    public async Task CallCompleted_reports_each_call_once_without_secrets()
    {
        var stub = new StubHandler()
            .Respond(HttpStatusCode.ServiceUnavailable, string.Empty)
            .Respond(HttpStatusCode.OK, "{}", headers: Headers(("x-amzn-RequestId", "rid-ok")))
            .Respond(HttpStatusCode.NotFound, "{\"message\":\"no vault\"}", headers: Headers(("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.backup/"), ("x-amzn-RequestId", "rid-nf")));
        var records = new List<AwsCallRecord>();
        using var transport = Wire.Transport(stub, new FakeClock(), region: "eu-west-1");
        transport.CallCompleted += records.Add;

        await transport.SendAsync(Backup(), CancellationToken.None);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => transport.SendAsync(new AwsRequest(AwsService.Backup, "DescribeBackupVault", HttpMethod.Get, "/backup-vaults/x"), CancellationToken.None));

        Assert.Equal(2, records.Count);
        var ok = records[0];
        Assert.Equal(("Backup", "ListBackupVaults", "eu-west-1", 2, 200, "rid-ok", (string?)null), (ok.Service, ok.Operation, ok.Region, ok.Attempts, ok.StatusCode, ok.RequestId, ok.ErrorCode));
        var failed = records[1];
        Assert.Equal(("DescribeBackupVault", 1, 404, "rid-nf", "ResourceNotFoundException"), (failed.Operation, failed.Attempts, failed.StatusCode, failed.RequestId, failed.ErrorCode));
        Assert.True(ex.IsNotFound);

        foreach (var text in records.Select(r => r.ToString()).Append(ex.Message).Append(ex.ToString()))
        {
            Assert.DoesNotContain("wJalrXUtnFEMI", text, StringComparison.Ordinal);
        }

        Assert.Contains("rid-ok", ok.ToString(), StringComparison.Ordinal);
        Assert.Contains("2 attempts", ok.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallCompleted_reports_exhausted_retries_with_the_last_status()
    {
        var stub = new StubHandler { Fallback = _ => StubHandler.Build(HttpStatusCode.ServiceUnavailable, string.Empty) };
        var records = new List<AwsCallRecord>();
        using var transport = Wire.Transport(stub, new FakeClock(), new RetryPolicy(() => 0) { MaxAttempts = 3 });
        transport.CallCompleted += records.Add;

        await Assert.ThrowsAsync<AwsServiceException>(() => transport.SendAsync(Backup(), CancellationToken.None));

        var record = Assert.Single(records);
        Assert.Equal((3, 503, "ServiceUnavailable"), (record.Attempts, record.StatusCode, record.ErrorCode));
    }
}
