using System.Net;
using BackupDr.Core.Aws;
using BackupDr.Core.Tests.Aws;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Ec2;

/// <summary>What the AWSSDK.EC2 adapter must do as our own clients do: retries, call log, error mapping, timeouts, cancellation, lazy creation.</summary>
public sealed class SdkEc2ClientBehaviourTests
{
    private const string Ok = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeVolumesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>req-ok</requestId><volumeSet/></DescribeVolumesResponse>";

    private readonly StubHandler _stub = new();
    private readonly FakeClock _clock = new();
    private readonly List<AwsCallRecord> _calls = new();

    private SdkEc2Client Client(RetryPolicy? policy = null)
    {
        var client = new SdkEc2Client(Wire.Context(), policy ?? new RetryPolicy(() => 0.5), _stub, _clock);
        client.CallCompleted += _calls.Add;
        return client;
    }

    private static string Error(string code, string requestId) =>
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>m</Message></Error></Errors><RequestID>{requestId}</RequestID></Response>";

    [Fact]
    public async Task Throttling_is_retried_with_our_backoff_and_logged_once_with_the_attempts()
    {
        _stub.Respond(HttpStatusCode.ServiceUnavailable, Error("RequestLimitExceeded", "req-1"), "text/xml");
        _stub.Respond(HttpStatusCode.ServiceUnavailable, Error("RequestLimitExceeded", "req-2"), "text/xml");
        _stub.Respond(HttpStatusCode.OK, Ok, "text/xml");

        Assert.Empty(await QueryAssert.ToListAsync(Client().DescribeVolumesAsync(null, null, CancellationToken.None)));

        // Our policy retried (the SDK's MaxErrorRetry is 0): three requests, two full-jitter waits of half the ceiling.
        Assert.Equal(3, _stub.Requests.Count);
        Assert.Equal(new[] { TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200) }, _clock.Delays);
        var call = Assert.Single(_calls);
        Assert.Equal(("EC2", "DescribeVolumes", "us-east-1", 3, 200, "req-ok", (string?)null), (call.Service, call.Operation, call.Region, call.Attempts, call.StatusCode, call.RequestId, call.ErrorCode));
        Assert.Contains("EC2 DescribeVolumes in us-east-1: HTTP 200", call.ToString());
    }

    [Fact]
    public async Task Ec2_throttling_not_shared_with_the_session_rate_regression_the_SDK_adapter_feeds_and_obeys_the_adaptive_rate()
    {
        // The adapter once retried throttles without telling the session's rate, so EC2 fan-out kept hammering a throttled API.
        _stub.Respond(HttpStatusCode.ServiceUnavailable, Error("RequestLimitExceeded", "req-1"), "text/xml");
        _stub.Respond(HttpStatusCode.OK, Ok, "text/xml");
        var rates = new AdaptiveRateLimiters();
        var client = new SdkEc2Client(Wire.Context(), new RetryPolicy(() => 0.5), _stub, _clock, rates);

        Assert.Empty(await QueryAssert.ToListAsync(client.DescribeVolumesAsync(null, null, CancellationToken.None)));

        var limiter = rates.For(client.Context.GetEndpoint(AwsService.Ec2).Uri, client.Context.Region, AwsService.Ec2.Name, "DescribeVolumes");
        Assert.Equal(1, limiter.Throttles);
        Assert.Equal(2, _stub.Requests.Count);
    }

    [Fact]
    public async Task A_final_error_is_our_AwsServiceException_and_the_call_log_names_its_code()
    {
        _stub.Respond(HttpStatusCode.Forbidden, Error("UnauthorizedOperation", "req-denied"), "text/xml");

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => Client().CreateSnapshotAsync("vol-1", null, null, CancellationToken.None));

        Assert.Equal(("EC2", "CreateSnapshot", 403, "UnauthorizedOperation", "req-denied", 1), (ex.Service, ex.Operation, ex.StatusCode, ex.ErrorCode, ex.RequestId, ex.Attempts));
        Assert.Equal("us-east-1", ex.Region);
        Assert.Equal("m", ex.AwsMessage);
        Assert.IsAssignableFrom<Amazon.Runtime.AmazonServiceException>(ex.InnerException);
        var call = Assert.Single(_calls);
        Assert.Equal((403, "UnauthorizedOperation", "req-denied"), (call.StatusCode, call.ErrorCode, call.RequestId));
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task Network_failures_are_retried_then_thrown_as_NetworkError_with_no_status()
    {
        var policy = new RetryPolicy(() => 0.5) { MaxAttempts = 3 };
        for (var i = 0; i < 3; i++)
        {
            _stub.Throw(new HttpRequestException("Connection refused"));
        }

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => QueryAssert.ToListAsync(Client(policy).DescribeVolumesAsync(null, null, CancellationToken.None)));

        Assert.Equal(("NetworkError", 0, 3), (ex.ErrorCode, ex.StatusCode, ex.Attempts));
        Assert.Contains("Connection refused", ex.AwsMessage);
        Assert.Equal(3, _stub.Requests.Count);
        Assert.Equal((3, "NetworkError"), (_calls.Single().Attempts, _calls.Single().ErrorCode));
    }

    [Fact]
    public async Task An_attempt_that_outlives_AttemptTimeout_is_a_RequestTimeout()
    {
        var policy = new RetryPolicy(() => 0.5) { MaxAttempts = 2, AttemptTimeout = TimeSpan.FromMilliseconds(200) };
        // An answer 10 s away, ended by the attempt's token (a sleep that ignored the token let a late cancellation
        // timer on a busy machine see the answer arrive first: the test then failed under load).
        _stub.AnswerDelay = TimeSpan.FromSeconds(10);
        _stub.Fallback = _ => StubHandler.Build(HttpStatusCode.OK, Ok, "text/xml");

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => QueryAssert.ToListAsync(Client(policy).DescribeVolumesAsync(null, null, CancellationToken.None)));

        Assert.Equal(("RequestTimeout", 0, 2), (ex.ErrorCode, ex.StatusCode, ex.Attempts));
    }

    [Fact]
    public async Task Ctrl_C_ends_the_call_as_cancelled_not_as_an_AWS_error()
    {
        using var cts = new CancellationTokenSource();
        _stub.Respond(HttpStatusCode.ServiceUnavailable, Error("Unavailable", "r"), "text/xml");
        _clock.OnDelay = _ => cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => QueryAssert.ToListAsync(Client().DescribeVolumesAsync(null, null, cts.Token)));
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task Missing_credentials_surface_as_our_CredentialsNotFound_before_anything_is_sent()
    {
        using var empty = new ProfileDir(credentials: string.Empty, config: string.Empty);
        var ctx = AwsContext.Resolve(
            new AwsContextOptions { Region = "us-east-1", ProfileLocation = empty.CredentialsFile },
            new DictionaryEnvironment(new Dictionary<string, string> { ["AWS_EC2_METADATA_DISABLED"] = "true" }));
        using var client = new SdkEc2Client(ctx, handler: _stub);

        var ex = await Assert.ThrowsAsync<AwsConfigurationException>(() => client.DeleteVolumeAsync("vol-1", CancellationToken.None));

        Assert.Equal("CredentialsNotFound", ex.ErrorId);
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public async Task The_SDK_client_is_made_on_the_first_EC2_call_not_with_the_client_set()
    {
        var ctx = Wire.Context(endpoint: "http://127.0.0.1:4566");
        using var set = AwsClientFactory.Default.Create(ctx, null);
        var ec2 = Assert.IsType<SdkEc2Client>(set.Ec2);
        Assert.False(ec2.SdkClientCreated);

        // Validation failures send nothing and make no SDK client either.
        await Assert.ThrowsAsync<ArgumentException>(() => ec2.DeleteVolumeAsync(" ", CancellationToken.None));
        Assert.False(ec2.SdkClientCreated);

        using var stubbed = Client();
        _stub.Respond(HttpStatusCode.OK, Ok, "text/xml");
        await QueryAssert.ToListAsync(stubbed.DescribeVolumesAsync(null, null, CancellationToken.None));
        Assert.True(stubbed.SdkClientCreated);
    }

    [Fact]
    public async Task The_endpoint_of_the_context_is_where_the_SDK_sends_and_signs_for_the_region()
    {
        var client = new SdkEc2Client(Wire.Context(region: "eu-west-2", endpoint: "http://127.0.0.1:4566/base"), new RetryPolicy(() => 0.5), _stub, _clock);
        _stub.Respond(HttpStatusCode.OK, Ok, "text/xml");

        await QueryAssert.ToListAsync(client.DescribeVolumesAsync(null, null, CancellationToken.None));

        var sent = _stub.Requests.Single();
        Assert.Equal("http://127.0.0.1:4566/base", sent.Uri.ToString().TrimEnd('/'));
        Assert.Contains("/eu-west-2/ec2/aws4_request", sent.Header("Authorization"));
        Assert.Contains("app/BackupDr", sent.Header("User-Agent"));
    }

    [Fact]
    public void No_AWSSDK_type_appears_in_the_adapters_public_members_or_its_fields()
    {
        var type = typeof(SdkEc2Client);
        var flags = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static;
        var surface = type.GetMethods(flags).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType))
            .Concat(type.GetProperties(flags).Select(p => p.PropertyType))
            .Concat(type.GetConstructors().SelectMany(c => c.GetParameters().Select(p => p.ParameterType)))
            .Concat(type.GetFields(flags | System.Reflection.BindingFlags.NonPublic).Select(f => f.FieldType))
            .SelectMany(t => t.IsGenericType ? t.GetGenericArguments().Append(t) : new[] { t });
        Assert.DoesNotContain(surface, t => t.Assembly.GetName().Name == "AWSSDK.EC2");
    }

    [Fact]
    public async Task A_skewed_clock_is_corrected_by_the_SDK_and_retried_once_at_once_by_our_policy()
    {
        // The SDK keeps its clock correction per endpoint for the process: this endpoint is used by no other test.
        var serverTime = DateTime.UtcNow.AddHours(2);
        _stub.Respond(HttpStatusCode.BadRequest, Error("RequestTimeTooSkewed", "req-skew"), "text/xml", new Dictionary<string, string> { ["Date"] = serverTime.ToString("R") });
        _stub.Respond(HttpStatusCode.OK, Ok, "text/xml");
        using var client = new SdkEc2Client(Wire.Context(endpoint: "http://127.0.0.1:2/skew-test"), new RetryPolicy(() => 0.5), _stub, _clock);

        await QueryAssert.ToListAsync(client.DescribeVolumesAsync(null, null, CancellationToken.None));

        Assert.Equal(2, _stub.Requests.Count);
        Assert.Empty(_clock.Delays);
        var signedAt = DateTime.ParseExact(_stub.Requests[1].Header("X-Amz-Date")!, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.InRange((signedAt - serverTime).Duration(), TimeSpan.Zero, TimeSpan.FromMinutes(1));
    }
}
