using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Says whether this host can run BackupDr's work, one object per check: PowerShell, the load context, conflicting
    /// AWSSDK assemblies, credentials, region, endpoints, clock skew and permissions. A missing region or missing
    /// credentials are failed checks, never a terminating error: this is the command to run when nothing else works.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "DrEnvironment")]
    [OutputType(typeof(EnvironmentCheck))]
    [OutputType(typeof(bool))]
    public sealed class TestDrEnvironmentCommand : DrAwsCmdlet
    {
        private static readonly MethodInfo? GetLoadContext =
            Type.GetType("System.Runtime.Loader.AssemblyLoadContext", throwOnError: false)?.GetMethod("GetLoadContext", new[] { typeof(Assembly) });

        /// <summary>Returns only whether every check passed (true or false).</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void EndProcessing()
        {
            var host = GatherHostFacts();
            var probe = new EnvironmentProbe(DrState, ExplicitOptions(), onCall: record => Post(() => WriteVerbose(record.ToString())));
            var checks = Run(ct => probe.RunAsync(host, ct));
            if (Quiet)
            {
                WriteObject(checks.All(c => c.Passed));
                return;
            }

            foreach (var check in checks)
            {
                WriteObject(check);
            }
        }

        // Resolving the context here would turn a missing region or credentials into a terminating error: the probe resolves it.
        private protected override void BeforeRun()
        {
        }

        private HostFacts GatherHostFacts()
        {
            var table = SessionState.PSVariable.GetValue("PSVersionTable") as Hashtable;
            var versionText = table?["PSVersion"]?.ToString() ?? string.Empty;
            var dash = versionText.IndexOfAny(new[] { '-', '+' });
            Version.TryParse(dash >= 0 ? versionText.Substring(0, dash) : versionText, out var version);
            var sandbox = DrState.Sandbox;
            return new HostFacts
            {
                PSEdition = table?["PSEdition"]?.ToString() ?? "Desktop",
                PSVersion = version,
                OperatingSystem = table?["OS"]?.ToString(),
                Assemblies = LoadedAssemblies(),
                Modules = LoadedModules(),
                SandboxEndpointUrl = sandbox != null && sandbox.IsRunning ? sandbox.EndpointUrl : null,
            };
        }

        private static List<LoadedAssemblyInfo> LoadedAssemblies()
        {
            var list = new List<LoadedAssemblyInfo>();
            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            {
                var name = assembly.GetName();
                if (name.Name == null || !(name.Name.StartsWith("AWSSDK.", StringComparison.OrdinalIgnoreCase) || name.Name.StartsWith("BackupDr.", StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                string? location = null;
                string? fileVersion = null;
                string? context = null;
                try
                {
                    location = assembly.IsDynamic || string.IsNullOrEmpty(assembly.Location) ? null : assembly.Location;
                    fileVersion = assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()?.Version;
                    var alc = GetLoadContext?.Invoke(null, new object[] { assembly });
                    context = alc == null ? null : alc.GetType().GetProperty("Name")?.GetValue(alc) as string ?? alc.ToString();
                }
                catch (Exception ex) when (!(ex is OutOfMemoryException))
                {
                    // An assembly that cannot say where it came from is still listed by name and version.
                }

                list.Add(new LoadedAssemblyInfo { Name = name.Name, Version = name.Version, FileVersion = fileVersion, Location = location, LoadContext = context });
            }

            return list;
        }

        private List<LoadedModuleInfo> LoadedModules() =>
            InvokeCommand.InvokeScript("Get-Module")
                .Select(o => o?.BaseObject)
                .OfType<PSModuleInfo>()
                .Select(m => new LoadedModuleInfo { Name = m.Name, Version = m.Version?.ToString(), ModuleBase = m.ModuleBase ?? string.Empty })
                .ToList();
    }
}
