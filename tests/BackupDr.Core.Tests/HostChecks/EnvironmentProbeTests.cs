using System.Reflection;
using System.Runtime.CompilerServices;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using BackupDr.Core.Tests.Operations.Fakes;

namespace BackupDr.Core.Tests.HostChecks;

/// <summary>
/// EnvironmentProbe over scripted clients: every check a host needs, denied and throttled calls, a skewed clock,
/// missing credentials and region, and conflicting AWSSDK assemblies, none of which throws.
/// </summary>
public sealed class EnvironmentProbeTests
{
    private static readonly DateTime Now = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>A client interface whose members answer from a table of lambdas (unscripted members throw).</summary>
    public class ScriptedApi : DispatchProxy
    {
        public Dictionary<string, Func<object?[]?, object?>> Answers { get; } = new(StringComparer.Ordinal);
        public List<string> Calls { get; } = new();
        public AwsContext? Ctx { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var name = targetMethod!.Name;
            if (name == "get_Context")
            {
                return Ctx;
            }

            lock (Calls)
            {
                Calls.Add(name);
            }

            return Answers.TryGetValue(name, out var answer) ? answer(args) : throw new InvalidOperationException($"unscripted call {name}");
        }

        public static (T Api, ScriptedApi Script) Create<T>(AwsContext ctx)
            where T : class
        {
            var api = DispatchProxy.Create<T, ScriptedApi>();
            var script = (ScriptedApi)(object)api;
            script.Ctx = ctx;
            return (api, script);
        }
    }

    /// <summary>EC2 with the dry-run capability, as Ec2Client offers it.</summary>
    public interface IEc2WithDryRun : IEc2Api, IEc2DryRunApi
    {
    }

    private sealed class Factory : IAwsClientFactory
    {
        public Factory(Func<AwsContext, AwsClientSet> make) => Make = make;

        public Func<AwsContext, AwsClientSet> Make { get; }
        public int Created { get; private set; }

        public AwsClientSet Create(AwsContext context, Action<AwsCallRecord>? onCall)
        {
            Created++;
            return Make(context);
        }
    }

    private sealed class World
    {
        public ScriptedApi Backup = null!, Rds = null!, Ec2 = null!, Sts = null!;
        public Factory Factory = null!;
        public DrSessionState State = new();
    }

    private static async IAsyncEnumerable<T> Items<T>(IEnumerable<T> items, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }

    private static async IAsyncEnumerable<T> Failing<T>(Exception ex)
    {
        await Task.Yield();
        throw ex;
#pragma warning disable CS0162 // an iterator needs a yield to be one
        yield break;
#pragma warning restore CS0162
    }

    private static AwsServiceException Aws(string service, string operation, int status, string code, int attempts = 1) =>
        new(service, operation, status, code, $"{code} from the fake.", "req-1", "eu-west-1") { };

    /// <summary>Every call allowed; the STS answer carries AWS's clock <paramref name="skew"/> off the local one.</summary>
    private static World Healthy(TimeSpan skew = default, bool dryRun = true)
    {
        var w = new World();
        w.Factory = new Factory(ctx =>
        {
            var (backup, b) = ScriptedApi.Create<IBackupApi>(ctx);
            var (rds, r) = ScriptedApi.Create<IRdsApi>(ctx);
            IEc2Api ec2;
            ScriptedApi e;
            if (dryRun)
            {
                (var withDry, e) = ScriptedApi.Create<IEc2WithDryRun>(ctx);
                ec2 = withDry;
            }
            else
            {
                (ec2, e) = ScriptedApi.Create<IEc2Api>(ctx);
            }

            var (sts, s) = ScriptedApi.Create<IStsApi>(ctx);
            b.Answers["ListBackupVaultsAsync"] = _ => Items(new[] { new BackupVault { BackupVaultName = "Default" } });
            r.Answers["DescribeDBInstancesAsync"] = _ => Items(Array.Empty<DbInstance>());
            e.Answers["DryRunDescribeVolumesAsync"] = _ => Task.FromResult(true);
            e.Answers["DescribeVolumesAsync"] = _ => Items(Array.Empty<Ec2Volume>());
            s.Answers["GetCallerIdentityAsync"] = _ => Task.FromResult(new CallerIdentity { Account = "123456789012", Arn = "arn:aws:iam::123456789012:user/ops", ServerTime = new DateTimeOffset(Now + skew) });
            (w.Backup, w.Rds, w.Ec2, w.Sts) = (b, r, e, s);
            var (cloudWatch, _) = ScriptedApi.Create<ICloudWatchApi>(ctx);
            return new AwsClientSet(ctx, backup, rds, ec2, sts, cloudWatch, _ => throw new InvalidOperationException("one region only"));
        });
        w.State.ClientFactory = w.Factory;
        return w;
    }

    private static AwsContextOptions Keys(string? region = "eu-west-1") => new()
    {
        Region = region, AccessKey = "AKIAIOSFODNN7EXAMPLE", SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", EndpointUrl = "http://127.0.0.1:4566",
    };

    private static HostFacts Host(string edition = "Core", string version = "7.4.6", params LoadedAssemblyInfo[] assemblies) => new()
    {
        PSEdition = edition,
        PSVersion = Version.Parse(version),
        OperatingSystem = "Linux",
        Assemblies = assemblies.Length > 0 ? assemblies : new[]
        {
            new LoadedAssemblyInfo { Name = "BackupDr.Core", Version = new Version(0, 1, 0, 0), Location = "/m/BackupDr/BackupDr.Core.dll", LoadContext = "Default" },
            new LoadedAssemblyInfo { Name = "AWSSDK.Core", Version = Needed("AWSSDK.Core"), FileVersion = "4.0.102.19", Location = "/m/BackupDr/AWSSDK.Core.dll", LoadContext = "Default" },
        },
        SandboxEndpointUrl = "http://127.0.0.1:4566",
    };

    private static Version Needed(string name) => EnvironmentProbe.ReferencedAwsSdk().Single(a => a.Name == name).Version!;

    private static async Task<IReadOnlyList<EnvironmentCheck>> Probe(World w, AwsContextOptions options, HostFacts? host = null, IAwsEnvironment? env = null) =>
        await new EnvironmentProbe(w.State, options, env ?? new DictionaryEnvironment(), new FakeClock(Now)).RunAsync(host ?? Host(), CancellationToken.None);

    private static EnvironmentCheck Check(IReadOnlyList<EnvironmentCheck> checks, string name) => checks.Single(c => c.Name == name);

    [Fact]
    public async Task A_healthy_host_passes_every_check_and_EC2_is_asked_by_dry_run()
    {
        var w = Healthy(skew: TimeSpan.FromSeconds(2));
        var checks = await Probe(w, Keys());

        Assert.All(checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        Assert.All(checks, c => Assert.Null(c.Recommendation));
        Assert.Equal(
            new[] { "PowerShell", "Module load context", "Conflicting assemblies", "Credentials", "Region", "Endpoint Backup", "Endpoint RDS", "Endpoint EC2", "Endpoint STS", "Endpoint CloudWatch", "Clock skew", "Permission sts:GetCallerIdentity", "Permission backup:ListBackupVaults", "Permission rds:DescribeDBInstances", "Permission ec2:DescribeVolumes" },
            checks.Select(c => c.Name));
        Assert.Contains(w.Ec2.Calls, c => c == "DryRunDescribeVolumesAsync");
        Assert.DoesNotContain(w.Ec2.Calls, c => c == "DescribeVolumesAsync");
        Assert.Contains("sandbox", Check(checks, "Endpoint Backup").Detail, StringComparison.Ordinal);
        Assert.Contains("eu-west-1 (from -Region", Check(checks, "Region").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_credentials_check_shows_the_source_and_a_redacted_key_never_the_secret()
    {
        var checks = await Probe(Healthy(), Keys());
        var all = string.Join("\n", checks.Select(c => c.Detail + c.Recommendation));

        Assert.Contains("****MPLE", Check(checks, "Credentials").Detail, StringComparison.Ordinal);
        Assert.Contains("-AccessKey", Check(checks, "Credentials").Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAIOSFODNN7EXAMPLE", all, StringComparison.Ordinal);
        Assert.DoesNotContain("wJalrXUtnFEMI", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_denied_call_fails_its_check_naming_the_IAM_action()
    {
        var w = Healthy();
        var inner = w.Factory.Make;
        w.State.ClientFactory = new Factory(ctx =>
        {
            var set = inner(ctx);
            w.Backup.Answers["ListBackupVaultsAsync"] = _ => Failing<BackupVault>(Aws("Backup", "ListBackupVaults", 403, "AccessDeniedException"));
            w.Ec2.Answers["DryRunDescribeVolumesAsync"] = _ => Task.FromException<bool>(Aws("EC2", "DescribeVolumes", 403, "UnauthorizedOperation"));
            return set;
        });

        var checks = await Probe(w, Keys());

        var backup = Check(checks, "Permission backup:ListBackupVaults");
        Assert.False(backup.Passed);
        Assert.Equal("AccessDeniedException", backup.ErrorId);
        Assert.StartsWith("Denied: backup:ListBackupVaults", backup.Detail, StringComparison.Ordinal);
        Assert.Contains("allow backup:ListBackupVaults", backup.Recommendation, StringComparison.Ordinal);
        var ec2 = Check(checks, "Permission ec2:DescribeVolumes");
        Assert.False(ec2.Passed);
        Assert.Contains("allow ec2:DescribeVolumes", ec2.Recommendation, StringComparison.Ordinal);
        Assert.True(Check(checks, "Permission rds:DescribeDBInstances").Passed);
    }

    [Fact]
    public async Task A_throttled_call_is_not_verified_and_recommends_fewer_calls()
    {
        var w = Healthy();
        var inner = w.Factory.Make;
        w.State.ClientFactory = new Factory(ctx =>
        {
            var set = inner(ctx);
            w.Rds.Answers["DescribeDBInstancesAsync"] = _ => Failing<DbInstance>(Aws("RDS", "DescribeDBInstances", 400, "Throttling"));
            return set;
        });

        var rds = Check(await Probe(w, Keys()), "Permission rds:DescribeDBInstances");

        Assert.False(rds.Passed);
        Assert.Equal("Throttling", rds.ErrorId);
        Assert.Contains("throttled", rds.Detail, StringComparison.Ordinal);
        Assert.Equal(DrRecommendations.Find("Throttling"), rds.Recommendation);
    }

    [Theory]
    [InlineData(10 * 60, false)]
    [InlineData(-5 * 60, false)]
    [InlineData(3 * 60, true)]
    [InlineData(-239, true)]
    public async Task Clock_skew_from_the_STS_Date_header_fails_over_four_minutes(int skewSeconds, bool passes)
    {
        var clock = Check(await Probe(Healthy(TimeSpan.FromSeconds(skewSeconds)), Keys()), "Clock skew");

        Assert.Equal(passes, clock.Passed);
        Assert.Contains(skewSeconds > 0 ? "behind" : "ahead of", clock.Detail, StringComparison.Ordinal);
        if (!passes)
        {
            Assert.Equal(EnvironmentProbe.ClockSkewedId, clock.ErrorId);
            Assert.Contains("NTP", clock.Recommendation, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task No_credentials_fail_the_credentials_check_with_CredentialsNotFounds_next_step_and_nothing_is_called()
    {
        var w = Healthy();
        var options = new AwsContextOptions { Region = "eu-west-1", ProfileLocation = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "credentials") };

        var checks = await Probe(w, options);

        var creds = Check(checks, "Credentials");
        Assert.False(creds.Passed);
        Assert.Equal("CredentialsNotFound", creds.ErrorId);
        Assert.Equal(DrRecommendations.Find("CredentialsNotFound"), creds.Recommendation);
        Assert.Contains("Sources tried", creds.Detail, StringComparison.Ordinal);
        Assert.True(Check(checks, "Region").Passed);
        Assert.All(EnvironmentProbe.PermissionActions, a => Assert.StartsWith("Not checked", Check(checks, EnvironmentProbe.PermissionCheck(a)).Detail, StringComparison.Ordinal));
        Assert.Equal(0, ((Factory)w.State.ClientFactory).Created);
    }

    [Fact]
    public async Task No_region_and_no_credentials_are_two_failed_checks_not_an_exception()
    {
        var w = Healthy();
        var options = new AwsContextOptions { ProfileLocation = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "credentials") };

        var checks = await Probe(w, options);

        Assert.Equal("RegionNotFound", Check(checks, "Region").ErrorId);
        Assert.Equal("CredentialsNotFound", Check(checks, "Credentials").ErrorId);
        Assert.Equal(15, checks.Count);
        Assert.All(checks.Skip(5), c => Assert.False(c.Passed));
        Assert.Equal(0, ((Factory)w.State.ClientFactory).Created);
    }

    [Fact]
    public async Task An_EC2_client_without_dry_run_is_checked_by_a_read_call()
    {
        var w = Healthy(dryRun: false);
        var ec2 = Check(await Probe(w, Keys()), "Permission ec2:DescribeVolumes");

        Assert.True(ec2.Passed);
        Assert.Contains("read call", ec2.Detail, StringComparison.Ordinal);
        Assert.Contains("DescribeVolumesAsync", w.Ec2.Calls);
    }

    [Fact]
    public async Task A_conflicting_AWSSDK_Core_is_named_with_the_module_that_brought_it()
    {
        var sep = Path.DirectorySeparatorChar;
        var moduleBase = $"{sep}home{sep}u{sep}.local{sep}share{sep}powershell{sep}Modules{sep}AWS.Tools.Common{sep}4.1.500";
        var host = Host("Core", "7.4.6",
            new LoadedAssemblyInfo { Name = "BackupDr.Core", Version = new Version(0, 1, 0, 0), LoadContext = "Default" },
            new LoadedAssemblyInfo { Name = "AWSSDK.Core", Version = new Version(3, 3, 0, 0), FileVersion = "3.7.501.1", Location = moduleBase + sep + "AWSSDK.Core.dll", LoadContext = "Default" });
        host.Modules = new[] { new LoadedModuleInfo { Name = "AWS.Tools.Common", Version = "4.1.500", ModuleBase = moduleBase } };

        var conflicts = Check(await Probe(Healthy(), Keys(), host), "Conflicting assemblies");

        Assert.False(conflicts.Passed);
        Assert.Equal(EnvironmentProbe.ConflictingAssemblyId, conflicts.ErrorId);
        Assert.Contains("AWSSDK.Core 3.3.0.0 (file 3.7.501.1)", conflicts.Detail, StringComparison.Ordinal);
        Assert.Contains("module AWS.Tools.Common 4.1.500", conflicts.Detail, StringComparison.Ordinal);
        Assert.Contains($"needs AWSSDK.Core {Needed("AWSSDK.Core")}", conflicts.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_assembly_from_the_NuGet_cache_or_an_unimported_module_folder_is_guessed_from_its_path()
    {
        var sep = Path.DirectorySeparatorChar;
        var nuget = string.Join(sep, "", "root", ".nuget", "packages", "awssdk.core", "3.7.501.1", "lib", "net8.0", "AWSSDK.Core.dll");
        Assert.Contains("NuGet package cache (awssdk.core 3.7.501.1)", EnvironmentProbe.LikelyOwner(nuget, Array.Empty<LoadedModuleInfo>()), StringComparison.Ordinal);
        var module = string.Join(sep, "", "opt", "Modules", "SqlServer", "22.3.0", "AWSSDK.Core.dll");
        Assert.StartsWith("module SqlServer 22.3.0", EnvironmentProbe.LikelyOwner(module, Array.Empty<LoadedModuleInfo>()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_AWSSDK_version_or_a_copy_in_another_load_context_is_no_conflict()
    {
        var host = Host("Core", "7.4.6",
            new LoadedAssemblyInfo { Name = "BackupDr.Core", Version = new Version(0, 1, 0, 0), LoadContext = "BackupDr" },
            new LoadedAssemblyInfo { Name = "AWSSDK.Core", Version = Needed("AWSSDK.Core"), LoadContext = "BackupDr" },
            new LoadedAssemblyInfo { Name = "AWSSDK.Core", Version = new Version(3, 3, 0, 0), LoadContext = "Default", Location = "/x/AWSSDK.Core.dll" });

        Assert.True(Check(await Probe(Healthy(), Keys(), host), "Conflicting assemblies").Passed);
    }

    [Fact]
    public async Task The_load_context_check_says_the_dependencies_are_private_and_names_the_isolated_copy()
    {
        var host = Host("Core", "7.6.0",
            new LoadedAssemblyInfo { Name = "BackupDr.Commands", Version = new Version(0, 1, 0, 0), Location = "/m/BackupDr/BackupDr.Commands.dll", LoadContext = "Default" },
            new LoadedAssemblyInfo { Name = "BackupDr.Core", Version = new Version(0, 1, 0, 0), Location = "/m/BackupDr/dependencies/BackupDr.Core.dll", LoadContext = "BackupDr" },
            new LoadedAssemblyInfo { Name = "AWSSDK.Core", Version = Needed("AWSSDK.Core"), FileVersion = "4.0.102.19", Location = "/m/BackupDr/dependencies/AWSSDK.Core.dll", LoadContext = "BackupDr" },
            new LoadedAssemblyInfo { Name = "AWSSDK.Core", Version = new Version(3, 3, 0, 0), FileVersion = "3.7.501.1", LoadContext = "Default", Location = "/x/AWSSDK.Core.dll" });
        var checks = await Probe(Healthy(), Keys(), host);

        var context = Check(checks, "Module load context");
        Assert.Contains("BackupDr.Core 0.1.0.0 in the private load context 'BackupDr' from /m/BackupDr/dependencies", context.Detail, StringComparison.Ordinal);
        Assert.Contains("does not collide", context.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("share the default context", context.Detail, StringComparison.Ordinal);
        var conflicts = Check(checks, "Conflicting assemblies");
        Assert.True(conflicts.Passed);
        Assert.Contains("isolated from BackupDr's in the private load context 'BackupDr': AWSSDK.Core 3.7.501.1 in load context 'Default'", conflicts.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Desktop", "5.1.19041.1", true)]
    [InlineData("Core", "7.4.6", true)]
    [InlineData("Core", "7.5.0", true)]
    [InlineData("Core", "6.2.7", false)]
    [InlineData("Desktop", "5.0.10586.117", false)]
    public void PowerShell_51_Desktop_and_7x_Core_are_supported(string edition, string version, bool supported)
    {
        var check = EnvironmentProbe.CheckPowerShell(Host(edition, version));

        Assert.Equal(supported, check.Passed);
        if (!supported)
        {
            Assert.Equal(EnvironmentProbe.UnsupportedPowerShellId, check.ErrorId);
        }
    }

    [Fact]
    public void Every_id_the_probe_gives_has_a_recommendation()
    {
        foreach (var id in typeof(EnvironmentProbe).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.Name.EndsWith("Id", StringComparison.Ordinal)).Select(f => (string)f.GetRawConstantValue()!))
        {
            Assert.True(DrRecommendations.Find(id) != null, $"{id} has no entry in DrRecommendations.Table");
        }
    }
}
