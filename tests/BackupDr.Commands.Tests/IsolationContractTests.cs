using System.Reflection;

namespace BackupDr.Commands.Tests;

/// <summary>
/// What keeps BackupDr's dependencies private (DependencyLoader): no dependency type crosses into PowerShell, Commands
/// binds no AWSSDK assembly itself, and PowerShell's type scan at import (which runs before any of our code) can load
/// every public type without BackupDr.Core. Read from the compiled assembly with MetadataLoadContext.
/// </summary>
public sealed class IsolationContractTests : IClassFixture<CommandsAssemblyFixture>
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
    private readonly CommandsAssembly _commands;

    public IsolationContractTests(CommandsAssemblyFixture fixture) => _commands = fixture.Assembly;

    private static bool IsDependencyType(Type t) =>
        t.Namespace != null && (t.Namespace == "Amazon" || t.Namespace.StartsWith("Amazon.", StringComparison.Ordinal)
            || t.Namespace == "System.Text.Json" || t.Namespace.StartsWith("System.Text.Json.", StringComparison.Ordinal));

    /// <summary>A type and every type it is built from (array elements, generic arguments).</summary>
    private static IEnumerable<Type> Parts(Type t)
    {
        yield return t;
        if (t.HasElementType)
        {
            foreach (var p in Parts(t.GetElementType()!))
            {
                yield return p;
            }
        }

        if (t.IsGenericType)
        {
            foreach (var p in t.GetGenericArguments().SelectMany(Parts))
            {
                yield return p;
            }
        }
    }

    private static bool Visible(MethodBase? m) => m != null && (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly);

    /// <summary>Every type the public surface names, with where: "Type.Member: type".</summary>
    private IEnumerable<(string Where, Type Type)> Surface()
    {
        foreach (var type in _commands.Assembly.GetTypes().Where(t => t.IsPublic || t.IsNestedPublic))
        {
            if (type.BaseType != null)
            {
                yield return ($"{type.Name} base", type.BaseType);
            }

            foreach (var i in type.GetInterfaces())
            {
                yield return ($"{type.Name} implements", i);
            }

            foreach (var a in type.GetCustomAttributesData())
            {
                foreach (var arg in a.ConstructorArguments.Concat(a.NamedArguments.Select(n => n.TypedValue)))
                {
                    var values = arg.Value is IReadOnlyCollection<CustomAttributeTypedArgument> many ? many.Select(x => x.Value) : new[] { arg.Value };
                    foreach (var t in values.OfType<Type>())
                    {
                        yield return ($"{type.Name} [{a.AttributeType.Name}]", t);
                    }
                }
            }

            foreach (var f in type.GetFields(Declared).Where(f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly))
            {
                yield return ($"{type.Name}.{f.Name}", f.FieldType);
            }

            foreach (var p in type.GetProperties(Declared).Where(p => Visible(p.GetMethod) || Visible(p.SetMethod)))
            {
                yield return ($"{type.Name}.{p.Name}", p.PropertyType);
            }

            foreach (var m in type.GetMethods(Declared).Where(m => Visible(m) && !m.IsSpecialName))
            {
                yield return ($"{type.Name}.{m.Name}() returns", m.ReturnType);
                foreach (var p in m.GetParameters())
                {
                    yield return ($"{type.Name}.{m.Name}({p.Name})", p.ParameterType);
                }
            }

            foreach (var c in type.GetConstructors(Declared).Where(Visible))
            {
                foreach (var p in c.GetParameters())
                {
                    yield return ($"{type.Name}({p.Name})", p.ParameterType);
                }
            }

            foreach (var e in type.GetEvents(Declared).Where(e => Visible(e.AddMethod)))
            {
                yield return ($"{type.Name}.{e.Name}", e.EventHandlerType!);
            }
        }
    }

    [Fact]
    public void The_public_surface_names_no_AWS_SDK_or_System_Text_Json_type()
    {
        var surface = Surface().SelectMany(s => Parts(s.Type).Select(p => (s.Where, Type: p))).ToList();
        // Positive control: the scan reaches the cmdlets' parameter and OutputType types, which are BackupDr's own.
        Assert.Contains(surface, s => s.Where.EndsWith("[OutputTypeAttribute]", StringComparison.Ordinal) && s.Type.Namespace == "BackupDr.Core.Model");
        Assert.Contains(surface, s => s.Where == "StartDrBackupCommand.ResourceArn");
        var offenders = surface.Where(s => IsDependencyType(s.Type)).Select(s => $"{s.Where}: {s.Type.FullName}").Distinct().ToList();
        Assert.True(offenders.Count == 0, "Dependency types cross into PowerShell (take or emit a BackupDr type instead): " + string.Join("; ", offenders));
    }

    [Fact]
    public void Commands_references_no_AWSSDK_assembly_so_the_default_context_never_binds_one_for_it()
    {
        var references = _commands.Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("BackupDr.Core", references);
        var aws = references.Where(n => n.StartsWith("AWSSDK.", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(aws.Count == 0, "BackupDr.Commands references " + string.Join(", ", aws) + ": reach AWS through BackupDr.Core, which loads in the private context.");
    }

    /// <summary>
    /// BackupDr.Model loads into PowerShell's own context at import, next to whatever other modules brought: it may
    /// depend on nothing but netstandard, or it would bring a dependency (and its conflicts) into that context.
    /// </summary>
    [Fact]
    public void BackupDr_Model_references_nothing_but_netstandard()
    {
        Assert.Contains("BackupDr.Model", _commands.Assembly.GetReferencedAssemblies().Select(a => a.Name));
        var references = _commands.Load("BackupDr.Model").GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Equal(new[] { "netstandard" }, references);
    }

    /// <summary>
    /// Import loads BackupDr.Model, not BackupDr.Core: every BackupDr type a cmdlet takes or emits, and every type their
    /// public properties return (all the way down), lives in BackupDr.Model, so scripts can name it right after import
    /// and the format file's views match objects of PowerShell's own context.
    /// </summary>
    [Fact]
    public void Every_type_cmdlets_take_or_emit_lives_in_BackupDr_Model()
    {
        var outputType = _commands.Sma.GetType("System.Management.Automation.OutputTypeAttribute", true)!;
        var parameter = _commands.Sma.GetType("System.Management.Automation.ParameterAttribute", true)!;
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>();
        void Add(Type t)
        {
            foreach (var part in Parts(t).Where(p => !p.IsGenericParameter && p.Assembly.GetName().Name!.StartsWith("BackupDr.", StringComparison.Ordinal) && p.Assembly != _commands.Assembly))
            {
                if (seen.Add(part))
                {
                    queue.Enqueue(part);
                }
            }
        }

        foreach (var cmdlet in _commands.Cmdlets)
        {
            var type = cmdlet.Type;
            foreach (var a in type.GetCustomAttributesData().Where(a => a.AttributeType == outputType))
            {
                foreach (var arg in a.ConstructorArguments)
                {
                    var values = arg.Value is IReadOnlyCollection<CustomAttributeTypedArgument> many ? many.Select(x => x.Value) : new[] { arg.Value };
                    foreach (var t in values.OfType<Type>())
                    {
                        Add(t);
                    }
                }
            }

            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetCustomAttributesData().Any(a => a.AttributeType == parameter)))
            {
                Add(p.PropertyType);
            }
        }

        while (queue.Count > 0)
        {
            foreach (var p in queue.Dequeue().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                Add(p.PropertyType);
            }
        }

        // Positive control: the walk reaches output types (BackupJob), parameter types (DrTier) and nested ones (ProtectionGap).
        Assert.Contains(seen, t => t.FullName == "BackupDr.Core.Model.BackupJob");
        Assert.Contains(seen, t => t.FullName == "BackupDr.Core.Operations.DrTier");
        Assert.Contains(seen, t => t.FullName == "BackupDr.Core.Operations.ProtectionGap");
        var offenders = seen.Where(t => t.Assembly.GetName().Name != "BackupDr.Model").Select(t => $"{t.FullName} ({t.Assembly.GetName().Name})").OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.True(offenders.Count == 0, "Types cmdlets take or emit outside BackupDr.Model (move them there, keeping their namespace): " + string.Join(", ", offenders));
    }

    /// <summary>
    /// Regression: Import-Module failed with "Could not load file or assembly 'BackupDr.Core'" once Core moved to
    /// dependencies/. PowerShell loads every public type of the root assembly before it runs any of our code, and the
    /// runtime needs the layout of each field's value type then: an auto-property of a Core enum (DrTier, DrJobType)
    /// made it load BackupDr.Core before DependencyLoader could say where it is. Box such values instead.
    /// </summary>
    [Fact]
    public void Public_types_load_without_BackupDr_Core_regression_import_scan_before_the_loader()
    {
        var loaded = new HashSet<Type>();
        var offenders = new List<string>();
        foreach (var type in _commands.Assembly.GetTypes().Where(t => t.IsPublic || t.IsNestedPublic))
        {
            for (var t = type; t != null && t.Assembly == _commands.Assembly; t = t.BaseType)
            {
                if (!loaded.Add(t))
                {
                    continue;
                }

                foreach (var f in t.GetFields(Declared))
                {
                    var parts = Parts(f.FieldType).Where(p => p.IsValueType && !p.IsGenericParameter);
                    offenders.AddRange(parts.Where(p => p.Assembly != _commands.Assembly && p.Assembly.GetName().Name!.StartsWith("BackupDr.", StringComparison.Ordinal))
                        .Select(p => $"{t.Name}.{f.Name}: {p.FullName}"));
                }
            }
        }

        // Positive control: the cmdlets with a Core-enum parameter were reached (their storage is boxed).
        Assert.Contains(loaded, t => t.Name == "WaitDrJobCommand");
        Assert.True(offenders.Count == 0, "Fields of BackupDr.Core or BackupDr.Model value types make the import type scan load them before the dependency loader: " + string.Join("; ", offenders));
    }
}
