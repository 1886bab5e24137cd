using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>An assembly loaded in the process, as the cmdlet layer saw it.</summary>
    public sealed class LoadedAssemblyInfo
    {
        public string Name { get; set; } = string.Empty;
        public Version? Version { get; set; }

        /// <summary>The file (or informational) version, which tells AWSSDK releases apart (3.7.501.1) where the assembly version does not.</summary>
        public string? FileVersion { get; set; }
        public string? Location { get; set; }

        /// <summary>The AssemblyLoadContext's name on PowerShell 7 ("Default", or BackupDr's private "BackupDr"); null on Windows PowerShell 5.1.</summary>
        public string? LoadContext { get; set; }
    }

    /// <summary>A PowerShell module loaded in the session: where its files are, to say who brought an assembly.</summary>
    public sealed class LoadedModuleInfo
    {
        public string Name { get; set; } = string.Empty;
        public string? Version { get; set; }
        public string ModuleBase { get; set; } = string.Empty;
    }

    /// <summary>What the host is, gathered by the cmdlet (Core never sees PowerShell).</summary>
    public sealed class HostFacts
    {
        /// <summary>$PSVersionTable.PSEdition: Desktop or Core.</summary>
        public string PSEdition { get; set; } = string.Empty;
        public Version? PSVersion { get; set; }
        public string? OperatingSystem { get; set; }
        public IReadOnlyList<LoadedAssemblyInfo> Assemblies { get; set; } = Array.Empty<LoadedAssemblyInfo>();
        public IReadOnlyList<LoadedModuleInfo> Modules { get; set; } = Array.Empty<LoadedModuleInfo>();

        /// <summary>The endpoint of the runspace's sandbox, when Start-DrSandbox runs one.</summary>
        public string? SandboxEndpointUrl { get; set; }
    }

    /// <summary>
    /// Test-DrEnvironment: whether this host can run BackupDr's work. One check per fact: PowerShell, the load context,
    /// conflicting AWSSDK assemblies, credentials, region, endpoints, clock skew and the permissions the cmdlets need.
    /// Nothing throws for a missing region or credentials: they are failed checks, and the checks that need them say so.
    /// </summary>
    public sealed class EnvironmentProbe
    {
        /// <summary>Ids of the failures only this probe finds (each has a DrRecommendations entry).</summary>
        public const string UnsupportedPowerShellId = "UnsupportedPowerShell";
        public const string ConflictingAssemblyId = "ConflictingAssembly";
        public const string AwsSdkLoadFailedId = "AwsSdkLoadFailed";
        public const string ClockSkewedId = "ClockSkewed";
        public const string ClockSkewUnknownId = "ClockSkewUnknown";

        /// <summary>AWS refuses requests signed more than 5 minutes off; warn before that.</summary>
        public static readonly TimeSpan SkewLimit = TimeSpan.FromMinutes(4);

        /// <summary>Check names, stable for scripts (Where-Object Name -eq ...).</summary>
        public const string PowerShellCheck = "PowerShell";
        public const string LoadContextCheck = "Module load context";
        public const string ConflictsCheck = "Conflicting assemblies";
        public const string CredentialsCheck = "Credentials";
        public const string RegionCheck = "Region";
        public const string ClockCheck = "Clock skew";

        private readonly DrSessionState _state;
        private readonly AwsContextOptions _explicitOptions;
        private readonly IAwsEnvironment? _environment;
        private readonly IAwsClock _clock;
        private readonly Action<AwsCallRecord>? _onCall;

        public EnvironmentProbe(DrSessionState state, AwsContextOptions explicitOptions, IAwsEnvironment? environment = null, IAwsClock? clock = null, Action<AwsCallRecord>? onCall = null)
        {
            _state = state ?? throw new ArgumentNullException(nameof(state));
            _explicitOptions = explicitOptions ?? throw new ArgumentNullException(nameof(explicitOptions));
            _environment = environment;
            _clock = clock ?? SystemClock.Instance;
            _onCall = onCall;
        }

        /// <summary>The AWSSDK assemblies (name, version) BackupDr.Core was compiled against.</summary>
        public static IReadOnlyList<AssemblyName> ReferencedAwsSdk() =>
            typeof(EnvironmentProbe).Assembly.GetReferencedAssemblies()
                .Where(a => a.Name != null && a.Name.StartsWith("AWSSDK.", StringComparison.OrdinalIgnoreCase))
                .OrderBy(a => a.Name, StringComparer.Ordinal)
                .ToList();

        /// <summary>Runs every check. The host checks touch no AWS SDK type, so they run even when the SDK cannot load.</summary>
        public async Task<IReadOnlyList<EnvironmentCheck>> RunAsync(HostFacts host, CancellationToken cancellationToken)
        {
            if (host == null)
            {
                throw new ArgumentNullException(nameof(host));
            }

            var checks = new List<EnvironmentCheck> { CheckPowerShell(host), CheckLoadContext(host), CheckConflicts(host) };
            try
            {
                checks.AddRange(await AwsChecksAsync(host, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is FileLoadException || ex is FileNotFoundException || ex is TypeLoadException || ex is MissingMethodException)
            {
                // A different AWSSDK.Core loaded first: every AWS check would fail the same way, so one check says why.
                checks.Add(Fail("AWS SDK", $"BackupDr could not load the AWS SDK it needs: {ex.Message}", AwsSdkLoadFailedId));
            }

            return checks;
        }

        internal static EnvironmentCheck CheckPowerShell(HostFacts host)
        {
            var version = host.PSVersion;
            var edition = string.IsNullOrEmpty(host.PSEdition) ? "Desktop" : host.PSEdition;
            var detail = $"PowerShell {version?.ToString() ?? "(unknown)"} {edition}" + (string.IsNullOrEmpty(host.OperatingSystem) ? string.Empty : $" on {host.OperatingSystem}");
            var supported = version != null
                && ((edition == "Desktop" && version.Major == 5 && version.Minor >= 1)
                    || (edition == "Core" && version.Major >= 7));
            return supported
                ? Pass(PowerShellCheck, detail + ": supported (Windows PowerShell 5.1 Desktop or PowerShell 7.x Core).")
                : Fail(PowerShellCheck, detail + ": not supported; BackupDr runs on Windows PowerShell 5.1 (Desktop) and PowerShell 7.x (Core).", UnsupportedPowerShellId);
        }

        internal static EnvironmentCheck CheckLoadContext(HostFacts host)
        {
            var own = new[] { "BackupDr.Commands", "BackupDr.Model", "BackupDr.Core", "AWSSDK.Core" };
            var parts = new List<string>();
            foreach (var name in own)
            {
                var copies = host.Assemblies.Where(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
                if (copies.Count == 0)
                {
                    parts.Add($"{name}: not loaded yet");
                    continue;
                }

                parts.AddRange(copies.Select(a => $"{a.Name} {a.FileVersion ?? a.Version?.ToString()} in {ContextLabel(a.LoadContext)} from {Folder(a.Location)}"));
            }

            var core = host.Assemblies.FirstOrDefault(a => a.Name == "BackupDr.Core");
            var note = core == null || core.LoadContext == null
                ? string.Empty
                : IsPrivate(core.LoadContext)
                    ? $" BackupDr's dependencies load into its private context '{core.LoadContext}': another module's AWSSDK version in the default context does not collide with them."
                    : " BackupDr's dependencies share the default context with every other module: another module's AWSSDK version collides with them (see 'Conflicting assemblies').";
            return Pass(LoadContextCheck, string.Join("; ", parts) + "." + note);
        }

        internal static EnvironmentCheck CheckConflicts(HostFacts host)
        {
            var referenced = ReferencedAwsSdk().ToDictionary(a => a.Name!, a => a.Version, StringComparer.OrdinalIgnoreCase);
            var core = host.Assemblies.FirstOrDefault(a => a.Name == "BackupDr.Core");
            var conflicts = new List<string>();
            foreach (var a in host.Assemblies.Where(a => referenced.ContainsKey(a.Name)))
            {
                var wanted = referenced[a.Name];
                var sameContext = core == null || a.LoadContext == null || string.Equals(a.LoadContext, core.LoadContext, StringComparison.Ordinal);
                if (wanted != null && a.Version != null && a.Version != wanted && sameContext)
                {
                    conflicts.Add($"{a.Name} {a.Version} (file {a.FileVersion ?? "?"}) from {a.Location ?? "(no file)"}, likely brought by {LikelyOwner(a.Location, host.Modules)}; BackupDr.Core needs {a.Name} {wanted}");
                }
            }

            var needs = string.Join(", ", referenced.Select(r => $"{r.Key} {r.Value}"));
            var isolated = host.Assemblies
                .Where(a => referenced.ContainsKey(a.Name) && core != null && a.LoadContext != null && !string.Equals(a.LoadContext, core.LoadContext, StringComparison.Ordinal))
                .Select(a => $"{a.Name} {a.FileVersion ?? a.Version?.ToString()} in {ContextLabel(a.LoadContext)}, likely brought by {LikelyOwner(a.Location, host.Modules)}")
                .ToList();
            var others = isolated.Count == 0
                ? string.Empty
                : $" Other copies, isolated from BackupDr's in {ContextLabel(core!.LoadContext)}: {string.Join("; ", isolated)}.";
            return conflicts.Count == 0
                ? Pass(ConflictsCheck, $"No other version of the AWSSDK assemblies BackupDr uses is loaded where BackupDr.Core loads them ({needs}).{others}")
                : Fail(ConflictsCheck, string.Join("; ", conflicts) + ".", ConflictingAssemblyId);
        }

        /// <summary>The module whose folder holds the file, else a guess from the path (Modules/NAME/VERSION/, the NuGet cache).</summary>
        public static string LikelyOwner(string? location, IReadOnlyList<LoadedModuleInfo> modules)
        {
            if (string.IsNullOrEmpty(location))
            {
                return "a dynamic or in-memory load (Add-Type of bytes)";
            }

            var full = location!;
            var owner = modules
                .Where(m => !string.IsNullOrEmpty(m.ModuleBase) && full.StartsWith(m.ModuleBase.TrimEnd('/', '\\') + Path.DirectorySeparatorChar, StringComparison.OrdinalIgnoreCase))
                .OrderByDescending(m => m.ModuleBase.Length)
                .FirstOrDefault();
            if (owner != null)
            {
                return $"module {owner.Name}{(owner.Version == null ? string.Empty : " " + owner.Version)}";
            }

            var segments = full.Split('/', '\\').Where(s => s.Length > 0).ToList();
            var nuget = segments.FindIndex(s => string.Equals(s, ".nuget", StringComparison.OrdinalIgnoreCase) || string.Equals(s, "packages", StringComparison.OrdinalIgnoreCase));
            for (var i = segments.Count - 2; i > 0; i--)
            {
                if (Version.TryParse(segments[i], out _) && i - 1 >= 0 && !string.Equals(segments[i - 1], "lib", StringComparison.OrdinalIgnoreCase))
                {
                    var name = segments[i - 1];
                    if (nuget >= 0 && nuget < i - 1)
                    {
                        return $"the NuGet package cache ({name} {segments[i]}), loaded by a script (Add-Type -Path or [Reflection.Assembly]::LoadFrom)";
                    }

                    return $"module {name} {segments[i]} (not imported now; its folder holds the file)";
                }
            }

            return $"whatever loaded {Path.GetFileName(full)} from {Path.GetDirectoryName(full)} (not a module's folder)";
        }

        // Kept out of RunAsync so its JIT (which needs AWSSDK.Core for AwsContext's members) happens inside RunAsync's try.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private async Task<List<EnvironmentCheck>> AwsChecksAsync(HostFacts host, CancellationToken cancellationToken)
        {
            var checks = new List<EnvironmentCheck>();
            AwsContext? context = null;
            AwsConfigurationException? blocker = null;
            try
            {
                context = _state.Resolve(_explicitOptions, _environment);
            }
            catch (AwsConfigurationException ex)
            {
                blocker = ex;
            }

            var services = AwsService.All.ToList();
            if (context == null)
            {
                var err = blocker!;
                var owner = OwnerOf(err);
                AwsContext? partial = null;
                if (owner == RegionCheck)
                {
                    // Without a region the credentials can still be found: resolve once more with a stand-in region.
                    var stand = _explicitOptions.Clone();
                    stand.Region = "us-east-1";
                    stand.RegionOrigin = "stand-in";
                    try
                    {
                        partial = _state.Resolve(stand, _environment);
                    }
                    catch (AwsConfigurationException)
                    {
                        partial = null;
                    }
                }

                checks.Add(owner == CredentialsCheck ? FromError(CredentialsCheck, err)
                    : partial != null ? await CheckCredentialsAsync(partial, cancellationToken).ConfigureAwait(false)
                    : Blocked(CredentialsCheck, err));
                checks.Add(owner == RegionCheck ? FromError(RegionCheck, err) : Blocked(RegionCheck, err));
                foreach (var s in services)
                {
                    var name = EndpointCheck(s);
                    checks.Add(owner == "Endpoint" ? FromError(name, err) : Blocked(name, err));
                }

                checks.Add(Blocked(ClockCheck, err));
                foreach (var action in PermissionActions)
                {
                    checks.Add(Blocked(PermissionCheck(action), err));
                }

                return checks;
            }

            var credentials = await CheckCredentialsAsync(context, cancellationToken).ConfigureAwait(false);
            checks.Add(credentials);
            checks.Add(Pass(RegionCheck, $"{context.Region} (from {context.RegionSource}; partition {context.Partition})."));
            foreach (var s in services)
            {
                checks.Add(CheckEndpoint(s, context.GetEndpoint(s), host.SandboxEndpointUrl));
            }

            if (!credentials.Passed)
            {
                var why = $"Not checked: no usable credentials (see the {CredentialsCheck} check).";
                checks.Add(new EnvironmentCheck { Name = ClockCheck, Detail = why, Recommendation = credentials.Recommendation, ErrorId = credentials.ErrorId });
                checks.AddRange(PermissionActions.Select(a => new EnvironmentCheck { Name = PermissionCheck(a), Detail = why, Recommendation = credentials.Recommendation, ErrorId = credentials.ErrorId }));
                return checks;
            }

            using (var clients = _state.ClientFactory.Create(context, _onCall))
            {
                // STS first: it needs no permission, proves the credentials and carries AWS's clock in its Date header.
                CallerIdentity? identity = null;
                EnvironmentCheck sts;
                try
                {
                    identity = await clients.Sts.GetCallerIdentityAsync(cancellationToken).ConfigureAwait(false);
                    sts = Pass(PermissionCheck(StsAction), $"Allowed: account {identity.Account}, {identity.Arn}.");
                }
                catch (AwsServiceException ex)
                {
                    sts = FromAws(PermissionCheck(StsAction), ex, StsAction);
                }

                checks.Add(CheckClock(identity, sts));
                var reads = await Task.WhenAll(
                    PermissionAsync(BackupAction, async ct =>
                    {
                        var e = clients.Backup.ListBackupVaultsAsync(ct).GetAsyncEnumerator(ct);
                        try
                        {
                            return await e.MoveNextAsync().ConfigureAwait(false) ? "Allowed (read call ListBackupVaults answered)." : "Allowed (read call ListBackupVaults answered; no vaults).";
                        }
                        finally
                        {
                            await e.DisposeAsync().ConfigureAwait(false);
                        }
                    }, cancellationToken),
                    PermissionAsync(RdsAction, async ct =>
                    {
                        var e = clients.Rds.DescribeDBInstancesAsync(null, ct).GetAsyncEnumerator(ct);
                        try
                        {
                            await e.MoveNextAsync().ConfigureAwait(false);
                            return "Allowed (read call DescribeDBInstances answered).";
                        }
                        finally
                        {
                            await e.DisposeAsync().ConfigureAwait(false);
                        }
                    }, cancellationToken),
                    PermissionAsync(Ec2Action, async ct =>
                    {
                        if (clients.Ec2 is IEc2DryRunApi dry)
                        {
                            await dry.DryRunDescribeVolumesAsync(ct).ConfigureAwait(false);
                            return "Allowed (dry run: EC2 answered DryRunOperation).";
                        }

                        var e = clients.Ec2.DescribeVolumesAsync(null, null, ct).GetAsyncEnumerator(ct);
                        try
                        {
                            await e.MoveNextAsync().ConfigureAwait(false);
                            return "Allowed (read call DescribeVolumes answered; this EC2 client has no dry run).";
                        }
                        finally
                        {
                            await e.DisposeAsync().ConfigureAwait(false);
                        }
                    }, cancellationToken)).ConfigureAwait(false);
                checks.Add(sts);
                checks.AddRange(reads);
            }

            return checks;
        }

        private const string StsAction = "sts:GetCallerIdentity";
        private const string BackupAction = "backup:ListBackupVaults";
        private const string RdsAction = "rds:DescribeDBInstances";
        private const string Ec2Action = "ec2:DescribeVolumes";

        /// <summary>The IAM actions checked, in output order.</summary>
        public static readonly IReadOnlyList<string> PermissionActions = new[] { StsAction, BackupAction, RdsAction, Ec2Action };

        public static string PermissionCheck(string action) => "Permission " + action;

        public static string EndpointCheck(AwsService service) => "Endpoint " + service.Name;

        private static async Task<EnvironmentCheck> PermissionAsync(string action, Func<CancellationToken, Task<string>> call, CancellationToken cancellationToken)
        {
            try
            {
                return Pass(PermissionCheck(action), await call(cancellationToken).ConfigureAwait(false));
            }
            catch (AwsServiceException ex)
            {
                return FromAws(PermissionCheck(action), ex, action);
            }
        }

        private async Task<EnvironmentCheck> CheckCredentialsAsync(AwsContext context, CancellationToken cancellationToken)
        {
            try
            {
                var immutable = await context.Credentials.GetCredentialsAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                var kind = string.IsNullOrEmpty(immutable.Token) ? "long-term key" : "temporary (session) credentials";
                return Pass(CredentialsCheck, $"Found: access key {AwsContextOptions.Redact(immutable.AccessKey)} ({kind}) from {context.CredentialSource}.");
            }
            catch (AwsConfigurationException ex)
            {
                return FromError(CredentialsCheck, ex);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                // Assume-role, SSO and process profiles fetch their keys: a failure there is a credentials failure too.
                return Fail(CredentialsCheck, $"Credentials from {context.CredentialSource} could not be obtained: {ex.Message}", "CredentialsNotFound");
            }
        }

        internal static EnvironmentCheck CheckEndpoint(AwsService service, ResolvedEndpoint endpoint, string? sandboxEndpointUrl)
        {
            var uri = endpoint.Uri;
            string where;
            if (!string.IsNullOrEmpty(sandboxEndpointUrl) && Uri.TryCreate(sandboxEndpointUrl, UriKind.Absolute, out var sandbox)
                && Uri.Compare(sandbox, uri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                where = "loopback: this runspace's sandbox (Start-DrSandbox)";
            }
            else if (uri.IsLoopback)
            {
                where = "loopback: a local endpoint (a sandbox or moto_server), not AWS";
            }
            else if (uri.Host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".amazonaws.com.cn", StringComparison.OrdinalIgnoreCase))
            {
                where = "AWS";
            }
            else
            {
                where = "not loopback and not an amazonaws.com host (a proxy, VPC endpoint or emulator)";
            }

            return Pass(EndpointCheck(service), $"{UrlRedaction.Redact(uri.ToString())} (from {endpoint.Source}); {where}.");
        }

        internal EnvironmentCheck CheckClock(CallerIdentity? identity, EnvironmentCheck sts)
        {
            if (identity == null)
            {
                return new EnvironmentCheck
                {
                    Name = ClockCheck,
                    Detail = $"Not measured: the {StsAction} call that carries AWS's time failed ({sts.ErrorId}).",
                    Recommendation = sts.Recommendation,
                    ErrorId = sts.ErrorId,
                };
            }

            if (identity.ServerTime == null)
            {
                return Fail(ClockCheck, "Not measured: the answer of GetCallerIdentity had no Date header.", ClockSkewUnknownId);
            }

            var skew = identity.ServerTime.Value.UtcDateTime - _clock.UtcNow;
            var text = string.Format(CultureInfo.InvariantCulture, "This machine's clock is {0:0.#} s {1} AWS's clock (Date header of GetCallerIdentity: {2:u}).",
                Math.Abs(skew.TotalSeconds), skew > TimeSpan.Zero ? "behind" : "ahead of", identity.ServerTime.Value.UtcDateTime);
            return skew.Duration() <= SkewLimit
                ? Pass(ClockCheck, text)
                : Fail(ClockCheck, text + $" AWS rejects requests signed more than 5 minutes off; BackupDr corrects for the skew per call, other tools do not.", ClockSkewedId);
        }

        /// <summary>Which check a configuration error belongs to.</summary>
        private static string OwnerOf(AwsConfigurationException ex) => ex.ParameterName switch
        {
            "Region" => RegionCheck,
            "EndpointUrl" => "Endpoint",
            _ => ex.ErrorId == "InvalidRegion" ? RegionCheck : CredentialsCheck,
        };

        private static EnvironmentCheck FromError(string name, AwsConfigurationException ex) => new EnvironmentCheck
        {
            Name = name,
            Detail = ex.Message,
            ErrorId = ex.ErrorId,
            Recommendation = DrRecommendations.For(ex.ErrorId, DrErrorKind.InvalidArgument, ex.ParameterName),
        };

        private static EnvironmentCheck Blocked(string name, AwsConfigurationException ex) => new EnvironmentCheck
        {
            Name = name,
            Detail = $"Not checked: {ex.ErrorId} (see the {OwnerOf(ex)} check).",
            ErrorId = ex.ErrorId,
            Recommendation = DrRecommendations.For(ex.ErrorId, DrErrorKind.InvalidArgument, ex.ParameterName),
        };

        private static EnvironmentCheck FromAws(string name, AwsServiceException ex, string action)
        {
            var kind = DrErrors.KindOf(ex);
            var verdict = kind == DrErrorKind.PermissionDenied ? $"Denied: {action} ({ex.ErrorCode})"
                : kind == DrErrorKind.LimitsExceeded ? $"Not verified: AWS throttled the call ({ex.ErrorCode}) even after {ex.Attempts} attempts"
                : $"Not verified: the call failed ({ex.ErrorCode})";
            return new EnvironmentCheck
            {
                Name = name,
                Detail = $"{verdict}. {ex.AwsMessage}",
                ErrorId = ex.ErrorCode,
                Recommendation = DrRecommendations.For(ex.ErrorCode, kind, null, action, ex.Region),
            };
        }

        private static string ContextLabel(string? loadContext) =>
            loadContext == null ? "the AppDomain (no load contexts on .NET Framework)"
            : IsPrivate(loadContext) ? $"the private load context '{loadContext}'"
            : $"load context '{loadContext}'";

        /// <summary>Any named context but the default one is private to the module that made it (BackupDr's is "BackupDr").</summary>
        private static bool IsPrivate(string loadContext) => !string.Equals(loadContext, "Default", StringComparison.Ordinal);

        private static string Folder(string? location) => string.IsNullOrEmpty(location) ? "(no file)" : Path.GetDirectoryName(location) ?? location!;

        private static EnvironmentCheck Pass(string name, string detail) => new EnvironmentCheck { Name = name, Passed = true, Detail = detail };

        private static EnvironmentCheck Fail(string name, string detail, string errorId) => new EnvironmentCheck
        {
            Name = name,
            Detail = detail,
            ErrorId = errorId,
            Recommendation = DrRecommendations.For(errorId, DrErrorKind.InvalidOperation),
        };
    }
}
