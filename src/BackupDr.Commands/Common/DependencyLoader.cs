using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace System.Runtime.CompilerServices
{
    /// <summary>netstandard2.0 lacks the attribute; the C# compiler recognises it by name and emits a module initializer.</summary>
    [AttributeUsage(AttributeTargets.Method, Inherited = false)]
    internal sealed class ModuleInitializerAttribute : Attribute
    {
    }
}

namespace BackupDr.Commands
{
    /// <summary>
    /// Keeps BackupDr's dependencies (BackupDr.Core, the sandbox, AWSSDK.*) out of the session's shared load context,
    /// so another module's AWSSDK.Core (AWS.Tools, SqlServer...) and ours coexist in either load order. They sit in
    /// dependencies/ next to this assembly, where neither PowerShell nor the runtime probes. On PowerShell 7 they load
    /// into one module-private AssemblyLoadContext; on Windows PowerShell 5.1 an AssemblyResolve handler loads them
    /// from that folder (the LoadFrom context keeps strong-named versions side by side there). BackupDr.Model, the
    /// types cmdlets take and emit, sits beside this assembly and loads into PowerShell's own context, so scripts and
    /// the format file see them as they are.
    /// </summary>
    /// <remarks>
    /// The resolver is added by a module initializer, which runs before PowerShell calls OnImport; OnImport adds it
    /// too, harmlessly. Import loads BackupDr.Model and nothing else: BackupDr.Core, the sandbox and AWSSDK.* each
    /// load the first time code needs them, so isolation costs the import nothing.
    /// </remarks>
    public sealed class DependencyLoader : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        /// <summary>The private context's name, which Test-DrEnvironment reports.</summary>
        public const string LoadContextName = "BackupDr";

        private static readonly object Gate = new object();
        private static readonly Dictionary<string, Assembly?> LoadedPrivately = new Dictionary<string, Assembly?>(StringComparer.OrdinalIgnoreCase);
        private static bool _registered;
        private static string _root = string.Empty;
        private static string _folder = string.Empty;
        private static HashSet<string> _private = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private static Type? _alcType;
        private static object? _context;
        private static MethodInfo? _loadFromPath;

        /// <summary>The module-private AssemblyLoadContext on PowerShell 7 once made; null before, and on Windows PowerShell 5.1.</summary>
        public static object? Context => _context;

        /// <summary>
        /// Loads BackupDr.Model, so scripts can name the types cmdlets take and emit ([BackupDr.Core.Model.BackupJob],
        /// -is, param blocks) right after Import-Module. BackupDr.Core waits for the first cmdlet (its public types get
        /// their names then), the sandbox for the first sandbox cmdlet, AWSSDK.* for the first AWS call.
        /// </summary>
        public void OnImport()
        {
            Register();
            _ = ModelAssembly();
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static Assembly ModelAssembly() => typeof(BackupDr.Core.Model.BackupJob).Assembly;

        /// <summary>
        /// Keeps the handlers: a binary module cannot be unloaded, and code of this assembly may still run (a sandbox, a
        /// later Import-Module). Registration is idempotent, so a re-import adds no second handler.
        /// </summary>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
        }

        [System.Runtime.CompilerServices.ModuleInitializer]
        internal static void Register()
        {
            lock (Gate)
            {
                if (_registered)
                {
                    return;
                }

                _registered = true;
                _root = Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location) ?? string.Empty;
                _folder = Path.Combine(_root, "dependencies");
                if (!Directory.Exists(_folder))
                {
                    // A development build (bin/) keeps the dependencies beside this assembly, where the runtime finds them.
                    return;
                }

                // One handler on both runtimes, added without reflection: .NET raises AppDomain.AssemblyResolve too, after the
                // default context found nothing, which is when code of this assembly first needs Model, Core or the sandbox.
                _alcType = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext", throwOnError: false);
                AppDomain.CurrentDomain.AssemblyResolve += Resolve;
            }
        }

        /// <summary>
        /// BackupDr.Model into PowerShell's context; on PowerShell 7 BackupDr's other assemblies (what Commands
        /// references directly) from the private context, so a failed load of another module's AWSSDK.Core is never
        /// answered with ours. Windows PowerShell 5.1: see <see cref="ResolveDesktop"/>.
        /// </summary>
        private static Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            var name = SimpleName(args.Name);

            // BackupDr.Model beside this assembly: PowerShell's context on both runtimes (asked for by Commands, or by Core
            // from the private context, which finds it there once loaded).
            var shared = Path.Combine(_root, name + ".dll");
            if (name.StartsWith("BackupDr.", StringComparison.OrdinalIgnoreCase) && File.Exists(shared))
            {
                return Assembly.LoadFrom(shared);
            }

            if (_alcType == null)
            {
                return ResolveDesktop(args);
            }

            if (!name.StartsWith("BackupDr.", StringComparison.OrdinalIgnoreCase) || !File.Exists(Path.Combine(_folder, name + ".dll")))
            {
                return null;
            }

            EnsureContext();
            return LoadPrivately(name);
        }

        /// <summary>"AWSSDK.Core, Version=..., Culture=..." to "AWSSDK.Core", without the cost of an AssemblyName.</summary>
        private static string SimpleName(string? fullName)
        {
            if (string.IsNullOrEmpty(fullName))
            {
                return string.Empty;
            }

            var comma = fullName!.IndexOf(',');
            return (comma < 0 ? fullName : fullName.Substring(0, comma)).Trim();
        }

        private static void AddResolving(object? context, string handler)
        {
            var resolving = _alcType!.GetEvent("Resolving")!;
            var method = typeof(DependencyLoader).GetMethod(handler, BindingFlags.NonPublic | BindingFlags.Static)!;
            resolving.AddEventHandler(context, Delegate.CreateDelegate(resolving.EventHandlerType!, method));
        }

        /// <summary>
        /// Made on first need (the first request for BackupDr.Core), through reflection: this assembly targets
        /// netstandard2.0, which cannot name AssemblyLoadContext.
        /// </summary>
        private static object EnsureContext()
        {
            lock (Gate)
            {
                if (_context != null)
                {
                    return _context;
                }

                _private = PrivateNames(_folder);
                _loadFromPath = _alcType!.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) });
                var context = _alcType.GetConstructor(new[] { typeof(string), typeof(bool) })!.Invoke(new object[] { LoadContextName, false });
                AddResolving(context, nameof(ResolvePrivate));
                _context = context;

                // The private context asks the default context before its own Resolving event, so a copy of one of our
                // dependencies already loaded there (another module's AWSSDK.Core of the same assembly version) would be
                // shared. Loading ours into the private context first keeps each side on its own copy; the same happens
                // when another module loads one later, before we first needed ours.
                AppDomain.CurrentDomain.AssemblyLoad += OnAssemblyLoad;
                foreach (var loaded in AppDomain.CurrentDomain.GetAssemblies())
                {
                    Preempt(loaded);
                }

                return context;
            }
        }

        /// <summary>
        /// The files of dependencies/ that the private context loads itself: everything the runtime does not provide.
        /// Assemblies the runtime ships (System.Memory, System.Text.Json...) stay shared with PowerShell, so the types
        /// Commands and Core exchange (Span, IAsyncEnumerable, JsonElement) have one identity.
        /// </summary>
        private static HashSet<string> PrivateNames(string folder)
        {
            var platform = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
            var shared = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var path in platform.Split(Path.PathSeparator))
            {
                shared.Add(Path.GetFileNameWithoutExtension(path));
            }

            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var file in Directory.GetFiles(folder, "*.dll"))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (!shared.Contains(name))
                {
                    names.Add(name);
                }
            }

            return names;
        }

        private static void OnAssemblyLoad(object? sender, AssemblyLoadEventArgs args) => Preempt(args.LoadedAssembly);

        /// <summary>Another copy of one of our dependencies is loaded: load ours into the private context before it is shared.</summary>
        private static void Preempt(Assembly assembly)
        {
            var name = SimpleName(assembly.FullName);
            if (_private.Contains(name) && !name.StartsWith("BackupDr.", StringComparison.OrdinalIgnoreCase))
            {
                LoadPrivately(name);
            }
        }

        /// <summary>The private context's Resolving event: our own files; anything else is the runtime's to find.</summary>
        private static Assembly? ResolvePrivate(object context, AssemblyName name) =>
            name.Name != null && _private.Contains(name.Name) ? LoadPrivately(name.Name) : null;

        /// <summary>
        /// Loads dependencies/NAME.dll into the private context once (by path: loading by name would ask the default
        /// context, whose Resolving event comes back here). Re-entrant: the AssemblyLoad event of our own load ends here too.
        /// </summary>
        private static Assembly? LoadPrivately(string name)
        {
            lock (Gate)
            {
                if (LoadedPrivately.TryGetValue(name, out var done))
                {
                    return done;
                }

                var path = Path.Combine(_folder, name + ".dll");
                if (!File.Exists(path))
                {
                    return null;
                }

                LoadedPrivately[name] = null;
                var assembly = (Assembly?)_loadFromPath!.Invoke(_context, new object[] { path });
                LoadedPrivately[name] = assembly;
                if (assembly != null && name.StartsWith("BackupDr.", StringComparison.OrdinalIgnoreCase))
                {
                    AddTypeNames(assembly);
                }

                return assembly;
            }
        }

        /// <summary>
        /// PowerShell resolves type names ([BackupDr.Core.Model.BackupJob], -is, -as) only in the default context, to keep
        /// type identity unambiguous; our types have one identity (there is one BackupDr.Core in the process), so each
        /// public type of BackupDr.Core and the sandbox becomes a type accelerator under its own full name. Formatting needs
        /// none of this (format.ps1xml matches type names as strings); exported types load no AWSSDK assembly.
        /// </summary>
        private static void AddTypeNames(Assembly assembly)
        {
            var accelerators = typeof(PSObject).Assembly.GetType("System.Management.Automation.TypeAccelerators");
            var method = accelerators?.GetMethod("Add", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string), typeof(Type) }, null);
            if (method == null)
            {
                return;
            }

            // One delegate for the ~220 calls: MethodInfo.Invoke would box an argument array per call.
            var add = (Action<string, Type>)Delegate.CreateDelegate(typeof(Action<string, Type>), method);

            Type[] types;
            try
            {
                types = assembly.GetExportedTypes();
            }
            catch (ReflectionTypeLoadException ex)
            {
                types = Array.FindAll(ex.Types, t => t != null)!;
            }

            foreach (var type in types)
            {
                if (!type.IsGenericTypeDefinition && type.FullName != null)
                {
                    add(type.FullName, type);
                }
            }
        }

        /// <summary>
        /// Windows PowerShell 5.1: load by simple name from dependencies/, whatever version was asked (a binding redirect),
        /// for requests from BackupDr's own assemblies only (and BackupDr.* names asked without a requester).
        /// </summary>
        private static Assembly? ResolveDesktop(ResolveEventArgs args)
        {
            var name = SimpleName(args.Name);
            if (string.IsNullOrEmpty(name) || name!.EndsWith(".resources", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var requester = args.RequestingAssembly;
            var ours = requester == null
                ? name.StartsWith("BackupDr.", StringComparison.OrdinalIgnoreCase)
                : requester == typeof(DependencyLoader).Assembly || IsInFolder(requester);
            var path = Path.Combine(_folder, name + ".dll");
            return ours && File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }

        private static bool IsInFolder(Assembly assembly)
        {
            try
            {
                return !assembly.IsDynamic && string.Equals(Path.GetDirectoryName(assembly.Location), _folder, StringComparison.OrdinalIgnoreCase);
            }
            catch (NotSupportedException)
            {
                return false;
            }
        }
    }
}
