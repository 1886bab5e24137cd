using System.Net;
using BackupDr.Core.Aws;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.FanOut;

public sealed class AdaptiveRateLimiterTests
{
    private static readonly DateTime T0 = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    private static AdaptiveRateLimiter Limiter(AdaptiveRateLimiters? rates = null) =>
        (rates ?? new AdaptiveRateLimiters()).For(new Uri("http://127.0.0.1:1/"), "us-east-1", "Backup", "StartBackupJob");

    [Fact]
    public void Nothing_is_paced_until_the_first_throttle()
    {
        var limiter = Limiter();
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(TimeSpan.Zero, limiter.Reserve(T0));
            limiter.OnSuccess(T0);
        }

        Assert.False(limiter.IsLimiting);
        Assert.Null(limiter.Rate);
    }

    [Fact]
    public void A_throttle_cuts_the_rate_below_what_the_service_accepted_and_paces_the_next_calls()
    {
        var limiter = Limiter();

        // 50 calls/s accepted for a second, then a throttle.
        for (var i = 0; i < 50; i++)
        {
            limiter.OnSuccess(T0.AddMilliseconds(i * 20));
        }

        var at = T0.AddSeconds(1);
        limiter.OnThrottle(at);

        Assert.True(limiter.IsLimiting);
        Assert.InRange(limiter.Rate!.Value, 35, 49);
        var waits = Enumerable.Range(0, 20).Select(_ => limiter.Reserve(at)).ToList();
        var spacing = TimeSpan.FromSeconds(1 / limiter.Rate.Value);

        // A small burst goes at once, then each call waits one more interval than the one before.
        Assert.Equal(TimeSpan.Zero, waits[0]);
        Assert.True(waits[19] >= TimeSpan.FromTicks(spacing.Ticks * 17), $"last wait {waits[19]}");
        Assert.True(waits.Zip(waits.Skip(1)).All(p => p.Second >= p.First));
    }

    [Fact]
    public void A_wave_of_throttles_from_calls_already_in_flight_cuts_once()
    {
        var limiter = Limiter();
        for (var i = 0; i < 50; i++)
        {
            limiter.OnSuccess(T0.AddMilliseconds(i * 20));
        }

        var at = T0.AddSeconds(1);
        limiter.OnThrottle(at);
        var afterFirst = limiter.Rate;
        for (var i = 1; i <= 10; i++)
        {
            limiter.OnThrottle(at.AddMilliseconds(i * 10));
        }

        Assert.Equal(afterFirst, limiter.Rate);
        Assert.Equal(1, limiter.Cuts);
        Assert.Equal(11, limiter.Throttles);

        // After the cool-down, a throttle cuts again: multiplicative decrease.
        limiter.OnThrottle(at.AddSeconds(1));
        Assert.True(limiter.Rate < afterFirst);
        Assert.Equal(2, limiter.Cuts);
    }

    [Fact]
    public void Successes_raise_the_rate_again_additively_and_a_quiet_period_ends_pacing()
    {
        var limiter = Limiter();
        for (var i = 0; i < 50; i++)
        {
            limiter.OnSuccess(T0.AddMilliseconds(i * 20));
        }

        var at = T0.AddSeconds(1);
        limiter.OnThrottle(at);
        var guessed = limiter.Rate!.Value;

        // After the first throttle the rate is a guess: it grows fast (slow start) until the next throttle.
        for (var i = 1; i <= 5; i++)
        {
            limiter.OnSuccess(at.AddMilliseconds(i * 100));
        }

        Assert.True(limiter.Rate!.Value > guessed * 1.5, $"slow start grew {guessed} to {limiter.Rate}");

        at = at.AddSeconds(1);
        limiter.OnThrottle(at);
        var cut = limiter.Rate!.Value;
        for (var i = 1; i <= 20; i++)
        {
            limiter.OnSuccess(at.AddMilliseconds(i * 100));
        }

        // From then on it creeps: additive increase, a tenth of the cut rate per second.
        var raised = limiter.Rate!.Value;
        Assert.InRange(raised - cut, cut * 0.1, cut * 0.3);

        Assert.Equal(TimeSpan.Zero, limiter.Reserve(at.AddMinutes(5)));
        Assert.False(limiter.IsLimiting);
    }

    [Fact]
    public void Disabled_rates_count_throttles_but_never_pace()
    {
        var rates = new AdaptiveRateLimiters();
        rates.Settings.Enabled = false;
        var limiter = Limiter(rates);
        limiter.OnThrottle(T0);
        Assert.False(limiter.IsLimiting);
        Assert.Equal(TimeSpan.Zero, limiter.Reserve(T0));
        Assert.Equal(1, rates.Throttles);
    }

    [Fact]
    public void Rates_are_kept_per_operation_region_and_endpoint()
    {
        var rates = new AdaptiveRateLimiters();
        var endpoint = new Uri("http://127.0.0.1:1/");
        var start = rates.For(endpoint, "us-east-1", "Backup", "StartBackupJob");
        Assert.Same(start, rates.For(endpoint, "us-east-1", "Backup", "StartBackupJob"));
        Assert.NotSame(start, rates.For(endpoint, "us-east-1", "Backup", "DescribeBackupJob"));
        Assert.NotSame(start, rates.For(endpoint, "eu-west-1", "Backup", "StartBackupJob"));
        Assert.NotSame(start, rates.For(new Uri("http://127.0.0.1:2/"), "us-east-1", "Backup", "StartBackupJob"));
    }

    [Fact]
    public async Task The_transport_reports_throttles_to_its_operations_limiter_and_waits_for_it_on_the_next_attempt()
    {
        var stub = new StubHandler()
            .Respond(HttpStatusCode.BadRequest, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}")
            .Respond(HttpStatusCode.OK, "{\"BackupVaultList\":[]}");
        var rates = new AdaptiveRateLimiters();
        var clock = new FakeClock();
        using var transport = new AwsTransport(Wire.Context(), stub, new RetryPolicy(() => 0.0), clock, rates);

        var response = await transport.SendAsync(new AwsRequest(AwsService.Backup, "ListBackupVaults", HttpMethod.Get, "/backup-vaults/"), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        var limiter = Assert.Single(rates.All);
        Assert.Contains("|us-east-1|Backup|ListBackupVaults", limiter.Key);
        Assert.Equal(1, limiter.Throttles);
        Assert.True(limiter.IsLimiting);
    }

    [Fact]
    public async Task A_4xx_saying_Rate_exceeded_under_another_code_is_a_throttle_and_retried()
    {
        var stub = new StubHandler()
            .Respond(HttpStatusCode.BadRequest, "{\"__type\":\"LimitExceededException\",\"message\":\"Rate exceeded\"}")
            .Respond(HttpStatusCode.OK, "{\"BackupVaultList\":[]}");
        var rates = new AdaptiveRateLimiters();
        using var transport = new AwsTransport(Wire.Context(), stub, new RetryPolicy(() => 0.0), new FakeClock(), rates);

        var response = await transport.SendAsync(new AwsRequest(AwsService.Backup, "ListBackupVaults", HttpMethod.Get, "/backup-vaults/"), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal(1, rates.Throttles);
    }

    [Fact]
    public void Clients_of_one_session_share_its_rates_across_calls_and_regions()
    {
        var session = new DrSessionState();
        var first = session.Resolve(new AwsContextOptions { Region = "us-east-1", AccessKey = "AKIDA", SecretKey = "s", EndpointUrl = "http://127.0.0.1:1" }, new DictionaryEnvironment());
        var second = session.Resolve(new AwsContextOptions { Region = "us-east-1", AccessKey = "AKIDA", SecretKey = "s", EndpointUrl = "http://127.0.0.1:1" }, new DictionaryEnvironment());
        Assert.Same(session.RateLimiters, first.RateLimiters);
        Assert.Same(session.RateLimiters, second.RateLimiters);
        Assert.Same(session.RateLimiters, first.WithRegion("eu-west-1").RateLimiters);
        Assert.NotSame(session.RateLimiters, new DrSessionState().RateLimiters);
    }

    [Fact]
    public void RetryPolicy_Default_is_still_a_fresh_policy_each_time() =>
        Assert.NotSame(RetryPolicy.Default, RetryPolicy.Default);
}
