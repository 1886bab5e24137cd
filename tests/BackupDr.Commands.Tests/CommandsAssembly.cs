using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace BackupDr.Commands.Tests;

/// <summary>
/// The compiled cmdlet assembly, loaded for inspection only (MetadataLoadContext): what PowerShell will
/// see when it imports the module, without running PowerShell.
/// </summary>
public sealed class CommandsAssembly : IDisposable
{
    private readonly MetadataLoadContext _context;

    public CommandsAssembly()
    {
        var baseDir = AppContext.BaseDirectory;
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Concat(Directory.GetFiles(baseDir, "*.dll"))
            .GroupBy(Path.GetFileName)
            .Select(g => g.Last());
        _context = new MetadataLoadContext(new PathAssemblyResolver(paths), "System.Private.CoreLib");
        Assembly = _context.LoadFromAssemblyPath(Path.Combine(baseDir, "BackupDr.Commands.dll"));
        Sma = _context.LoadFromAssemblyName("System.Management.Automation");
        CmdletAttribute = Sma.GetType("System.Management.Automation.CmdletAttribute", true)!;
        Cmdlets = Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && t.GetCustomAttributesData().Any(a => a.AttributeType == CmdletAttribute))
            .Select(t => new CmdletInfo(this, t))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    public Assembly Assembly { get; }
    public Assembly Sma { get; }
    public Type CmdletAttribute { get; }
    public IReadOnlyList<CmdletInfo> Cmdlets { get; }

    public CmdletInfo this[string name] => Cmdlets.Single(c => c.Name == name);

    /// <summary>Another assembly of the build output (BackupDr.Model, BackupDr.Core), for inspection.</summary>
    public Assembly Load(string name) => _context.LoadFromAssemblyName(name);

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "BackupDr.psd1")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("BackupDr.psd1 not found above the test directory.");
        }
    }

    /// <summary>The approved verbs: the constants of SMA's Verbs* classes.</summary>
    public IReadOnlySet<string> ApprovedVerbs =>
        Sma.GetTypes()
            .Where(t => t.Namespace == "System.Management.Automation" && t.Name.StartsWith("Verbs", StringComparison.Ordinal))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>CmdletsToExport from the manifest.</summary>
    public static IReadOnlyList<string> ManifestCmdlets()
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot, "BackupDr.psd1"));
        var block = Regex.Match(text, @"CmdletsToExport\s*=\s*@\((?<list>[^)]*)\)", RegexOptions.Singleline);
        Assert.True(block.Success, "CmdletsToExport = @( ... ) not found in BackupDr.psd1");
        return Regex.Matches(block.Groups["list"].Value, "'([^']+)'").Select(m => m.Groups[1].Value).ToList();
    }

    public void Dispose() => _context.Dispose();
}

/// <summary>One cmdlet as metadata: name, attributes, parameters.</summary>
public sealed class CmdletInfo
{
    private readonly CommandsAssembly _owner;

    public CmdletInfo(CommandsAssembly owner, Type type)
    {
        _owner = owner;
        Type = type;
        var attr = type.GetCustomAttributesData().Single(a => a.AttributeType == owner.CmdletAttribute);
        Verb = (string)attr.ConstructorArguments[0].Value!;
        Noun = (string)attr.ConstructorArguments[1].Value!;
        SupportsShouldProcess = attr.NamedArguments.Any(n => n.MemberName == "SupportsShouldProcess" && (bool)n.TypedValue.Value!);
        var impact = attr.NamedArguments.Where(n => n.MemberName == "ConfirmImpact").Select(n => (int?)(int)n.TypedValue.Value!).FirstOrDefault();
        ConfirmImpact = impact == null ? "Medium" : Enum.GetName(typeof(System.Management.Automation.ConfirmImpact), impact.Value)!;
    }

    public Type Type { get; }
    public string Verb { get; }
    public string Noun { get; }
    public string Name => $"{Verb}-{Noun}";
    public bool SupportsShouldProcess { get; }
    public string ConfirmImpact { get; }

    public IReadOnlyList<Type> OutputTypes =>
        Type.GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute")
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is IReadOnlyCollection<CustomAttributeTypedArgument> many ? many.Select(x => x.Value) : new[] { arg.Value })
            .OfType<Type>()
            .ToList();

    public IReadOnlyList<ParameterMeta> Parameters =>
        Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attrs: p.GetCustomAttributesData()))
            .Where(x => x.Attrs.Any(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute"))
            .Select(x => new ParameterMeta(x.Property, x.Attrs))
            .ToList();
}

public sealed class ParameterMeta
{
    public ParameterMeta(PropertyInfo property, IList<CustomAttributeData> attributes)
    {
        Property = property;
        var parameterAttrs = attributes.Where(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute").ToList();
        ByPropertyName = parameterAttrs.Any(a => a.NamedArguments.Any(n => n.MemberName == "ValueFromPipelineByPropertyName" && (bool)n.TypedValue.Value!));
        ByValue = parameterAttrs.Any(a => a.NamedArguments.Any(n => n.MemberName == "ValueFromPipeline" && (bool)n.TypedValue.Value!));
        Mandatory = parameterAttrs.Any(a => a.NamedArguments.Any(n => n.MemberName == "Mandatory" && (bool)n.TypedValue.Value!));
        Aliases = attributes.Where(a => a.AttributeType.FullName == "System.Management.Automation.AliasAttribute")
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is IReadOnlyCollection<CustomAttributeTypedArgument> many ? many.Select(x => (string)x.Value!) : new[] { (string)arg.Value! })
            .ToList();
    }

    public PropertyInfo Property { get; }
    public string Name => Property.Name;
    public bool ByPropertyName { get; }
    public bool ByValue { get; }
    public bool Mandatory { get; }
    public IReadOnlyList<string> Aliases { get; }
    public IEnumerable<string> Names => new[] { Name }.Concat(Aliases);
}
