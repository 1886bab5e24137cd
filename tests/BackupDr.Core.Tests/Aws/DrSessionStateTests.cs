using BackupDr.Core.Operations;
using System.Reflection;
using System.Runtime.CompilerServices;
using BackupDr.Core.Aws;

namespace BackupDr.Core.Tests.Aws;

/// <summary>
/// The state a runspace keeps between calls (defaults, polling interval, client factory) is a plain object:
/// two of them never share anything, and Core itself keeps no process-wide mutable state.
/// </summary>
public sealed class DrSessionStateTests
{
    private static readonly DictionaryEnvironment NoEnvironment = new();

    private static AwsContextOptions Sandbox(string region, string endpoint) => new()
    {
        Region = region,
        EndpointUrl = endpoint,
        AccessKey = "AKIASANDBOX000000000",
        SecretKey = "sandbox-secret",
        Origin = "sandbox",
    };

    [Fact]
    public void Session_defaults_and_polling_are_process_wide_statics_regression()
    {
        var caller = new DrSessionState();
        var parallel = new DrSessionState();
        caller.Exchange(Sandbox("eu-west-1", "http://127.0.0.1:4001"));
        caller.PollSchedule = PollSchedule.Fixed(TimeSpan.FromMilliseconds(100));

        parallel.Exchange(null);
        parallel.PollSchedule = PollSchedule.Fixed(TimeSpan.FromSeconds(3));
        parallel.ClientFactory = new CountingFactory();

        Assert.Equal("eu-west-1", caller.Defaults!.Region);
        Assert.Equal(TimeSpan.FromMilliseconds(100), caller.PollSchedule.Initial);
        Assert.Same(AwsClientFactory.Default, caller.ClientFactory);
        Assert.Null(parallel.Defaults);
    }

    [Fact]
    public void A_new_state_has_no_defaults_the_default_poll_schedule_and_the_HTTP_clients()
    {
        var state = new DrSessionState();
        Assert.Null(state.Defaults);
        Assert.Same(PollSchedule.Default, state.PollSchedule);
        Assert.Same(AwsClientFactory.Default, state.ClientFactory);
    }

    [Fact]
    public void Exchange_returns_the_previous_defaults_and_labels_given_ones_as_session_defaults()
    {
        var state = new DrSessionState();
        Assert.Null(state.Exchange(new AwsContextOptions { Region = "eu-west-1", Origin = "parameter" }));
        Assert.Equal("session default", state.Defaults!.Origin);

        var previous = state.Exchange(Sandbox("us-east-1", "http://127.0.0.1:4002"));
        Assert.Equal("eu-west-1", previous!.Region);
        Assert.Equal("sandbox", state.Defaults!.Origin);

        Assert.Equal("us-east-1", state.Exchange(previous)!.Region);
        Assert.Equal("eu-west-1", state.Defaults!.Region);
    }

    [Fact]
    public void Defaults_are_copies_that_callers_cannot_change()
    {
        var state = new DrSessionState();
        var given = Sandbox("eu-west-1", "http://127.0.0.1:4003");
        state.Exchange(given);
        given.Region = "ap-south-1";
        state.Defaults!.Region = "sa-east-1";
        Assert.Equal("eu-west-1", state.Defaults!.Region);
    }

    [Fact]
    public void Resolve_puts_explicit_options_over_this_states_defaults_only()
    {
        var a = new DrSessionState();
        var b = new DrSessionState();
        a.Exchange(Sandbox("eu-west-1", "http://127.0.0.1:4004"));
        b.Exchange(Sandbox("us-west-2", "http://127.0.0.1:4005"));

        var fromA = a.Resolve(new AwsContextOptions(), NoEnvironment);
        var fromB = b.Resolve(new AwsContextOptions { Region = "ca-central-1" }, NoEnvironment);

        Assert.Equal("eu-west-1", fromA.Region);
        Assert.StartsWith("http://127.0.0.1:4004", fromA.GetEndpoint(AwsService.Backup).ToString(), StringComparison.Ordinal);
        Assert.Equal("ca-central-1", fromB.Region);
        Assert.StartsWith("http://127.0.0.1:4005", fromB.GetEndpoint(AwsService.Backup).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_poll_schedule_is_refused()
    {
        var state = new DrSessionState();
        Assert.Throws<ArgumentNullException>(() => state.PollSchedule = null!);
        Assert.Same(PollSchedule.Default, state.PollSchedule);
    }

    [Fact]
    public void A_null_client_factory_is_refused()
    {
        var state = new DrSessionState();
        Assert.Throws<ArgumentNullException>(() => state.ClientFactory = null!);
    }

    /// <summary>
    /// Runbooks run many runspaces in one process: a static field Core could change would be shared by all of
    /// them. Only readonly fields (caches, constants) and per-thread fields may be static.
    /// </summary>
    [Fact]
    public void Core_keeps_no_static_mutable_fields()
    {
        var offenders = typeof(DrSessionState).Assembly.GetTypes().Concat(typeof(BackupDr.Core.Model.BackupJob).Assembly.GetTypes())
            .Where(t => !t.IsDefined(typeof(CompilerGeneratedAttribute), false))
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => !f.IsInitOnly && !f.IsLiteral && !f.IsDefined(typeof(ThreadStaticAttribute), false) && !f.IsDefined(typeof(CompilerGeneratedAttribute), false))
                .Select(f => $"{t.FullName}.{f.Name}"))
            .ToList();
        Assert.True(offenders.Count == 0, "Static mutable fields in BackupDr.Core or BackupDr.Model: " + string.Join(", ", offenders));
    }

    [Fact]
    public void RetryPolicy_Default_is_a_shared_mutable_static_regression_a_change_reaches_no_other_transport()
    {
        var changed = RetryPolicy.Default;
        changed.MaxAttempts = 1;
        changed.MaxDelay = TimeSpan.FromMilliseconds(1);

        var fresh = RetryPolicy.Default;
        Assert.NotSame(changed, fresh);
        Assert.Equal(5, fresh.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(20), fresh.MaxDelay);
        using var transport = new AwsTransport(AwsContext.Resolve(new AwsContextOptions { Region = "us-east-1", AccessKey = "AKIDTEST", SecretKey = "x", EndpointUrl = "http://127.0.0.1:1" }, new DictionaryEnvironment()));
        Assert.Equal(5, transport.RetryPolicy.MaxAttempts);
    }

    private sealed class CountingFactory : IAwsClientFactory
    {
        public AwsClientSet Create(AwsContext context, Action<AwsCallRecord>? onCall) => AwsClientFactory.Default.Create(context, onCall);
    }
}
