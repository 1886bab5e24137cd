using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Xunit.Abstractions;

namespace BackupDr.Desktop.Tests;

/// <summary>
/// Windows PowerShell 5.1 as far as Linux can check it: the netstandard2.0 binaries the module ships (ours and every
/// dependency, as built) are bound, reference by reference, against the .NET Framework 4.7.2 reference assemblies, the
/// PowerShell 5.1 API (PowerShellStandard.Library) and the other shipped files. A type, method or field that 4.7.2
/// lacks would be a MissingMethodException or TypeLoadException on 5.1 only; this finds it at build time.
/// Methods are matched by name, generic arity, parameter count and static/instance, not by full signature.
/// </summary>
public sealed class DesktopBindingTests
{
    private readonly ITestOutputHelper _output;

    public DesktopBindingTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private static string Setting(string key) =>
        typeof(DesktopBindingTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static string Net472 => Setting("Net472ReferencePath");

    private static string ModuleBin => Path.GetFullPath(Setting("ModuleBinPath"));

    /// <summary>The files the module ships: every dll of the Commands build output except the PowerShell API, which the host provides.</summary>
    private static List<string> Shipped() =>
        Directory.GetFiles(ModuleBin, "*.dll").Where(f => Path.GetFileName(f) != "System.Management.Automation.dll").OrderBy(f => f, StringComparer.Ordinal).ToList();

    private static List<string> Framework() =>
        Directory.GetFiles(Net472, "*.dll").Concat(Directory.GetFiles(Path.Combine(Net472, "Facades"), "*.dll")).ToList();

    private static MetadataLoadContext Context() =>
        new(new PathAssemblyResolver(Framework().Concat(Shipped()).Append(Path.Combine(Setting("PowerShellStandardPath"), "System.Management.Automation.dll"))), "mscorlib");

    [Fact]
    public void The_checked_folder_holds_the_module_assemblies_and_the_net472_reference_assemblies_are_there()
    {
        var names = Shipped().Select(Path.GetFileName).ToList();
        Assert.Contains("BackupDr.Commands.dll", names);
        Assert.Contains("BackupDr.Core.dll", names);
        Assert.Contains("BackupDr.Sandbox.dll", names);
        Assert.Contains("AWSSDK.Core.dll", names);
        Assert.Contains("AWSSDK.EC2.dll", names);
        Assert.True(File.Exists(Path.Combine(Net472, "mscorlib.dll")), Net472);
        Assert.True(File.Exists(Path.Combine(Net472, "Facades", "netstandard.dll")), "4.7.2 carries the netstandard 2.0 facade");
    }

    [Fact]
    public void Every_type_and_member_the_shipped_binaries_use_exists_on_net472_or_ships_with_the_module()
    {
        using var mlc = Context();
        var problems = new List<string>();
        var redirects = new SortedSet<string>(StringComparer.Ordinal);
        var checkedRefs = 0;
        foreach (var file in Shipped())
        {
            checkedRefs += new Binder(mlc, file, problems, redirects).Run();
        }

        foreach (var r in redirects)
        {
            _output.WriteLine("needs the resolve handler (no binding redirects on 5.1): " + r);
        }

        _output.WriteLine($"{checkedRefs} type and member references checked in {Shipped().Count} files.");
        Assert.True(checkedRefs > 10000, $"only {checkedRefs} references were checked");
        Assert.True(problems.Count == 0, $"{problems.Count} references do not bind on .NET Framework 4.7.2:\n" + string.Join("\n", problems.Distinct().Take(60)));
    }

    /// <summary>The positive control: this test assembly (net10.0) uses APIs 4.7.2 lacks, and the same check names them.</summary>
    [Fact]
    public void The_check_reports_what_net472_lacks_in_a_net10_assembly()
    {
        using var mlc = Context();
        var problems = new List<string>();
        new Binder(mlc, typeof(DesktopBindingTests).Assembly.Location, problems, new SortedSet<string>(StringComparer.Ordinal)).Run();

        // string.Contains(string, StringComparison) (IsFramework uses it) arrived with .NET Core 2.1; System.Runtime 10 is not 4.7.2's.
        Assert.Contains(problems, p => p.Contains("method System.String.Contains (2 parameters) is missing on 4.7.2", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("needs System.Runtime 10.0.0.0", StringComparison.Ordinal));
    }

    [Fact]
    public void Method_matching_tells_overloads_apart_by_parameter_count_and_type()
    {
        using var mlc = Context();
        var string472 = mlc.LoadFromAssemblyName("mscorlib").GetType("System.String", true)!;

        // string.Contains(char) came with .NET Core 2.1 / netstandard2.1: 4.7.2 has only Contains(string).
        Assert.False(Binder.HasMethod(string472, "Contains", genericArity: 0, parameterCount: 1, isInstance: true, parameterTypeName: "System.Char"));
        Assert.True(Binder.HasMethod(string472, "Contains", genericArity: 0, parameterCount: 1, isInstance: true, parameterTypeName: null));
        var span = mlc.LoadFromAssemblyName("mscorlib").GetType("System.Span`1");
        Assert.Null(span);
    }

    /// <summary>Reads one file's references with System.Reflection.Metadata and resolves each in the 4.7.2 context.</summary>
    private sealed class Binder
    {
        private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

        private readonly MetadataLoadContext _mlc;
        private readonly string _file;
        private readonly List<string> _problems;
        private readonly SortedSet<string> _redirects;
        private readonly Dictionary<TypeReferenceHandle, Type?> _types = new();
        private MetadataReader _md = null!;

        public Binder(MetadataLoadContext mlc, string file, List<string> problems, SortedSet<string> redirects)
        {
            _mlc = mlc;
            _file = Path.GetFileName(file);
            _problems = problems;
            _redirects = redirects;
            Path_ = file;
        }

        private string Path_ { get; }

        public int Run()
        {
            using var stream = File.OpenRead(Path_);
            using var pe = new PEReader(stream);
            _md = pe.GetMetadataReader();
            var count = 0;
            foreach (var h in _md.AssemblyReferences)
            {
                var wanted = _md.GetAssemblyReference(h).GetAssemblyName();
                try
                {
                    var found = _mlc.LoadFromAssemblyName(wanted);
                    var have = found.GetName().Version;
                    if (wanted.Version != null && have != null && have < wanted.Version)
                    {
                        _problems.Add($"{_file}: needs {wanted.Name} {wanted.Version}, the highest on 4.7.2 or shipped is {have}");
                    }
                    else if (wanted.Version != null && have != null && have != wanted.Version && !IsFramework(found))
                    {
                        _redirects.Add($"{_file} -> {wanted.Name} {wanted.Version} (ships {have})");
                    }
                }
                catch (FileNotFoundException)
                {
                    _problems.Add($"{_file}: references {wanted.Name} {wanted.Version}, which neither 4.7.2 nor the module has");
                }
            }

            foreach (var h in _md.TypeReferences)
            {
                count++;
                Resolve(h);
            }

            foreach (var h in _md.MemberReferences)
            {
                count++;
                CheckMember(h);
            }

            return count;
        }

        private static bool IsFramework(Assembly a) => a.Location.Contains(".NETFramework", StringComparison.Ordinal);

        private Type? Resolve(TypeReferenceHandle h)
        {
            if (_types.TryGetValue(h, out var known))
            {
                return known;
            }

            var tr = _md.GetTypeReference(h);
            var name = _md.GetString(tr.Name);
            var ns = _md.GetString(tr.Namespace);
            var full = ns.Length == 0 ? name : ns + "." + name;
            Type? type = null;
            try
            {
                switch (tr.ResolutionScope.Kind)
                {
                    case HandleKind.AssemblyReference:
                        var asm = _mlc.LoadFromAssemblyName(_md.GetAssemblyReference((AssemblyReferenceHandle)tr.ResolutionScope).GetAssemblyName());
                        type = asm.GetType(full, throwOnError: false);
                        if (type == null)
                        {
                            _problems.Add($"{_file}: type {full} is not in {asm.GetName().Name} on 4.7.2");
                        }

                        break;
                    case HandleKind.TypeReference:
                        var outer = Resolve((TypeReferenceHandle)tr.ResolutionScope);
                        type = outer?.GetNestedType(name, BindingFlags.Public | BindingFlags.NonPublic);
                        if (outer != null && type == null)
                        {
                            _problems.Add($"{_file}: nested type {outer.FullName}+{name} is missing on 4.7.2");
                        }

                        break;
                    default:
                        break;
                }
            }
            catch (FileNotFoundException ex)
            {
                _problems.Add($"{_file}: type {full}: {ex.Message}");
            }

            _types[h] = type;
            return type;
        }

        private Type? ParentType(EntityHandle parent)
        {
            switch (parent.Kind)
            {
                case HandleKind.TypeReference:
                    return Resolve((TypeReferenceHandle)parent);
                case HandleKind.TypeSpecification:
                    var blob = _md.GetBlobReader(_md.GetTypeSpecification((TypeSpecificationHandle)parent).Signature);
                    if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance)
                    {
                        return null;
                    }

                    blob.ReadSignatureTypeCode();
                    var generic = blob.ReadTypeHandle();
                    return generic.Kind == HandleKind.TypeReference ? Resolve((TypeReferenceHandle)generic) : null;
                default:
                    // Own types (TypeDefinition), vararg call sites and module references bind within the file.
                    return null;
            }
        }

        private void CheckMember(MemberReferenceHandle h)
        {
            var mr = _md.GetMemberReference(h);
            var type = ParentType(mr.Parent);
            if (type == null)
            {
                return;
            }

            var name = _md.GetString(mr.Name);
            try
            {
                var blob = _md.GetBlobReader(mr.Signature);
                var header = blob.ReadSignatureHeader();
                if (header.Kind == SignatureKind.Field)
                {
                    if (!HasField(type, name))
                    {
                        _problems.Add($"{_file}: field {type.FullName}.{name} is missing on 4.7.2");
                    }

                    return;
                }

                var arity = header.IsGeneric ? blob.ReadCompressedInteger() : 0;
                var parameters = blob.ReadCompressedInteger();
                if (!HasMethod(type, name, arity, parameters, header.IsInstance, parameterTypeName: null))
                {
                    _problems.Add($"{_file}: method {type.FullName}.{name} ({parameters} parameters{(arity > 0 ? $", {arity} type parameters" : string.Empty)}) is missing on 4.7.2");
                }
            }
            catch (FileNotFoundException ex)
            {
                _problems.Add($"{_file}: member {type.FullName}.{name}: {ex.Message}");
            }
        }

        private static IEnumerable<Type> SelfAndBases(Type type)
        {
            var seen = new HashSet<Type>();
            var queue = new Queue<Type>();
            queue.Enqueue(type);
            while (queue.Count > 0)
            {
                var t = queue.Dequeue();
                if (!seen.Add(t))
                {
                    continue;
                }

                yield return t;
                if (t.BaseType != null)
                {
                    queue.Enqueue(t.BaseType);
                }

                if (t.IsInterface)
                {
                    foreach (var i in t.GetInterfaces())
                    {
                        queue.Enqueue(i);
                    }
                }
            }
        }

        private static bool HasField(Type type, string name) => SelfAndBases(type).Any(t => t.GetField(name, All) != null);

        /// <summary>Whether the type (or a base) declares the method; <paramref name="parameterTypeName"/> also pins the first parameter's type.</summary>
        public static bool HasMethod(Type type, string name, int genericArity, int parameterCount, bool isInstance, string? parameterTypeName)
        {
            foreach (var t in SelfAndBases(type))
            {
                IEnumerable<MethodBase> candidates = name == ".ctor" || name == ".cctor"
                    ? t.GetConstructors(All).Where(c => c.Name == name)
                    : t.GetMethods(All).Where(m => m.Name == name && (m.IsGenericMethodDefinition ? m.GetGenericArguments().Length : 0) == genericArity);
                foreach (var m in candidates)
                {
                    var ps = m.GetParameters();
                    if (ps.Length == parameterCount && m.IsStatic != isInstance && (parameterTypeName == null || (ps.Length > 0 && ps[0].ParameterType.FullName == parameterTypeName)))
                    {
                        return true;
                    }
                }

                if (name == ".ctor")
                {
                    break;
                }
            }

            return false;
        }
    }
}
