using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace BackupDr.Commands.Tests;

/// <summary>One cmdlet's help source, parsed from docs/cmdlets/&lt;Verb-Noun&gt;.md (platyPS layout).</summary>
public sealed class CmdletDoc
{
    public string Name { get; set; } = string.Empty;
    public string Synopsis { get; set; } = string.Empty;
    public string Description { get; set; } = string.Empty;
    public List<HelpExample> Examples { get; } = new();
    public Dictionary<string, string> Parameters { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, string> Outputs { get; } = new(StringComparer.Ordinal);
    public string Notes { get; set; } = string.Empty;

    public static string PathOf(string name) => Path.Combine(CommandsAssembly.RepoRoot, "docs", "cmdlets", name + ".md");

    /// <summary>docs/parameters.md: the parameters many cmdlets share (the AWS connection parameters), written once.</summary>
    public static string SharedPath => Path.Combine(CommandsAssembly.RepoRoot, "docs", "parameters.md");

    /// <summary>The parameters documented in docs/parameters.md.</summary>
    public static IReadOnlyDictionary<string, string> Shared => Parse(File.ReadAllText(SharedPath)).Parameters;

    /// <summary>
    /// A cmdlet's page with the shared parameter texts merged in for the parameters it has and does not describe
    /// itself (a page's own text wins: Set-DrDefault's -Region is a value to keep, not a region to call).
    /// </summary>
    public static CmdletDoc Load(string name, IEnumerable<string> compiledParameters)
    {
        var path = PathOf(name);
        var doc = File.Exists(path) ? Parse(File.ReadAllText(path)) : new CmdletDoc { Name = name };
        var shared = Shared;
        foreach (var p in compiledParameters)
        {
            if (!doc.Parameters.ContainsKey(p) && shared.TryGetValue(p, out var text))
            {
                doc.Parameters[p] = text;
            }
        }

        return doc;
    }

    /// <summary>Reads `# Name`, `## SECTION`s, `### Example N: title` with a fenced block, `### -Parameter` and `### Output.Type`.</summary>
    public static CmdletDoc Parse(string markdown)
    {
        var doc = new CmdletDoc();
        string? section = null;
        string? heading = null;
        var body = new List<string>();

        void Flush()
        {
            var text = string.Join("\n", body).Trim();
            body.Clear();
            switch (section)
            {
                case "SYNOPSIS": doc.Synopsis = text; break;
                case "DESCRIPTION": doc.Description = text; break;
                case "NOTES": doc.Notes = text; break;
                case "EXAMPLES" when heading != null: doc.Examples.Add(HelpExample.Parse(heading, text)); break;
                case "PARAMETERS" when heading != null && heading.StartsWith('-'): doc.Parameters[heading.Substring(1)] = text; break;
                case "OUTPUTS" when heading != null: doc.Outputs[heading] = text; break;
            }
        }

        var inFence = false;
        foreach (var raw in markdown.Replace("\r\n", "\n").Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }

            if (!inFence && line.StartsWith("# ", StringComparison.Ordinal))
            {
                doc.Name = line.Substring(2).Trim();
            }
            else if (!inFence && line.StartsWith("## ", StringComparison.Ordinal))
            {
                Flush();
                section = line.Substring(3).Trim().ToUpperInvariant();
                heading = null;
            }
            else if (!inFence && line.StartsWith("### ", StringComparison.Ordinal))
            {
                Flush();
                heading = line.Substring(4).Trim();
            }
            else
            {
                body.Add(line);
            }
        }

        Flush();
        return doc;
    }
}

/// <summary>An example: its title, the code of its fenced block, the text after the block.</summary>
public sealed record HelpExample(string Title, string Code, string Remarks)
{
    public static HelpExample Parse(string heading, string text)
    {
        var m = Regex.Match(text, "^(?<before>.*?)```[A-Za-z]*\n(?<code>.*?)\n?```(?<after>.*)$", RegexOptions.Singleline);
        if (!m.Success)
        {
            return new HelpExample(heading, string.Empty, text);
        }

        var remarks = (m.Groups["before"].Value.Trim() + "\n\n" + m.Groups["after"].Value.Trim()).Trim();
        return new HelpExample(heading, m.Groups["code"].Value.TrimEnd(), remarks);
    }
}

/// <summary>
/// Turns docs/cmdlets/*.md plus the compiled cmdlets' parameter metadata (type, mandatory, position,
/// pipeline input, aliases, parameter sets) into the MAML file Get-Help reads next to the dll. The
/// markdown holds only prose; everything PowerShell can see is taken from the assembly, so the two cannot drift.
/// </summary>
public static class HelpGenerator
{
    public const string RelativeMamlPath = "src/BackupDr.Commands/en-US/BackupDr.Commands.dll-Help.xml";

    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private const string AllSets = "__AllParameterSets";

    public static string MamlPath => Path.Combine(CommandsAssembly.RepoRoot, RelativeMamlPath);

    /// <summary>The MAML text for every compiled cmdlet, in cmdlet name order, with \n line ends.</summary>
    public static string Generate(CommandsAssembly asm)
    {
        var root = new XElement(Msh + "helpItems",
            new XAttribute("schema", "maml"),
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev));
        foreach (var cmdlet in asm.Cmdlets)
        {
            var doc = CmdletDoc.Load(cmdlet.Name, cmdlet.Parameters.Select(p => p.Name));
            root.Add(CommandElement(cmdlet, doc, asm.Sma.GetType("System.Management.Automation.SwitchParameter", true)!));
        }

        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  ", NewLineChars = "\n" };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            new XDocument(new XDeclaration("1.0", "utf-8", null), root).Save(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static XElement CommandElement(CmdletInfo cmdlet, CmdletDoc doc, Type switchType)
    {
        var parameters = Parameters(cmdlet, switchType);
        return new XElement(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", cmdlet.Name),
                new XElement(Command + "verb", cmdlet.Verb),
                new XElement(Command + "noun", cmdlet.Noun),
                new XElement(Maml + "description", Paras(doc.Synopsis))),
            new XElement(Maml + "description", Paras(doc.Description)),
            new XElement(Command + "syntax", Sets(cmdlet, parameters).Select(set => SyntaxItem(cmdlet, set, parameters))),
            new XElement(Command + "parameters", parameters.Select(p => Parameter(p, doc, p.Sets.Values.FirstOrDefault(), forSyntax: false))),
            new XElement(Command + "inputTypes", InputTypes(parameters)),
            new XElement(Command + "returnValues", cmdlet.OutputTypes.Select(t => new XElement(Command + "returnValue",
                new XElement(Dev + "type", new XElement(Maml + "name", t.FullName)),
                new XElement(Maml + "description", Paras(doc.Outputs.GetValueOrDefault(t.FullName!, string.Empty)))))),
            string.IsNullOrEmpty(doc.Notes) ? null : new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paras(doc.Notes))),
            new XElement(Command + "examples", doc.Examples.Select(e => new XElement(Command + "example",
                new XElement(Maml + "title", $"-------------------------- {e.Title} --------------------------"),
                new XElement(Dev + "code", e.Code),
                new XElement(Dev + "remarks", Paras(e.Remarks))))));
    }

    /// <summary>Markdown paragraphs (blank-line separated) as maml:para, lines joined.</summary>
    private static IEnumerable<XElement> Paras(string text) =>
        Regex.Split(text.Replace("\r\n", "\n").Trim(), @"\n\s*\n")
            .Select(p => Regex.Replace(p.Trim(), @"\s*\n\s*", " "))
            .Where(p => p.Length > 0)
            .Select(p => new XElement(Maml + "para", p));

    /// <summary>One parameter as PowerShell binds it: its per-set attributes and accepted values.</summary>
    private sealed record Param(string Name, Type Type, IReadOnlyList<string> Aliases, IReadOnlyDictionary<string, SetInfo> Sets, IReadOnlyList<string> Values, bool Common, string? Initializer = null)
    {
        public bool IsSwitch => Type.FullName == "System.Management.Automation.SwitchParameter";
    }

    private sealed record SetInfo(bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);

    private static List<Param> Parameters(CmdletInfo cmdlet, Type switchType)
    {
        var list = new List<Param>();
        foreach (var meta in cmdlet.Parameters)
        {
            var sets = new Dictionary<string, SetInfo>(StringComparer.Ordinal);
            foreach (var attr in meta.Property.GetCustomAttributesData().Where(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute"))
            {
                T Named<T>(string name, T fallback) => attr.NamedArguments.Where(n => n.MemberName == name).Select(n => (T)n.TypedValue.Value!).DefaultIfEmpty(fallback).First();
                var position = Named("Position", int.MinValue);
                sets[Named("ParameterSetName", AllSets)] = new SetInfo(
                    Named("Mandatory", false),
                    position == int.MinValue ? null : position,
                    Named("ValueFromPipeline", false),
                    Named("ValueFromPipelineByPropertyName", false));
            }

            var values = meta.Property.GetCustomAttributesData()
                .Where(a => a.AttributeType.FullName == "System.Management.Automation.ValidateSetAttribute")
                .SelectMany(a => a.ConstructorArguments)
                .SelectMany(arg => arg.Value is IReadOnlyCollection<CustomAttributeTypedArgument> many ? many.Select(x => (string)x.Value!) : new[] { (string)arg.Value! })
                .ToList();
            var type = meta.Property.PropertyType;
            if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1")
            {
                // Nullable.GetUnderlyingType compares with the runtime's Nullable<>, not the MetadataLoadContext's.
                type = type.GetGenericArguments()[0];
            }

            if (values.Count == 0 && type.IsEnum)
            {
                values = type.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToList();
            }

            var common = meta.Property.DeclaringType?.Name == "DrCmdlet";
            list.Add(new Param(meta.Name, type, meta.Aliases, sets, values, common, InitializerOf(meta.Property)));
        }

        // The cmdlet's own parameters first, then the shared connection parameters, each in declaration order.
        list = list.Where(p => !p.Common).Concat(list.Where(p => p.Common)).ToList();
        if (cmdlet.SupportsShouldProcess)
        {
            var sp = new Dictionary<string, SetInfo> { [AllSets] = new SetInfo(false, null, false, false) };
            // -WhatIf and -Confirm are added by PowerShell, not declared: documented here, once, for every such cmdlet.
            list.Add(new Param("WhatIf", switchType, new[] { "wi" }, sp, Array.Empty<string>(), true));
            list.Add(new Param("Confirm", switchType, new[] { "cf" }, sp, Array.Empty<string>(), true));
        }

        return list;
    }

    private static readonly IReadOnlyDictionary<string, string> ShouldProcessText = new Dictionary<string, string>
    {
        ["WhatIf"] = "Shows what would happen if the cmdlet runs. Nothing is changed and nothing that changes state is sent.",
        ["Confirm"] = "Prompts for confirmation before each change. -Confirm:$false skips the prompt in unattended runbooks.",
    };

    /// <summary>The cmdlet's parameter sets; a cmdlet without named sets has one.</summary>
    private static IEnumerable<string> Sets(CmdletInfo cmdlet, List<Param> parameters)
    {
        var named = parameters.SelectMany(p => p.Sets.Keys).Where(s => s != AllSets).Distinct().ToList();
        var defaultSet = cmdlet.Type.GetCustomAttributesData().Single(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute")
            .NamedArguments.Where(n => n.MemberName == "DefaultParameterSetName").Select(n => (string)n.TypedValue.Value!).FirstOrDefault();
        return named.Count == 0 ? new[] { AllSets } : named.OrderBy(s => s == defaultSet ? 0 : 1).ThenBy(s => s, StringComparer.Ordinal);
    }

    private static XElement SyntaxItem(CmdletInfo cmdlet, string set, List<Param> parameters)
    {
        var inSet = parameters
            .Select(p => (Param: p, Info: p.Sets.TryGetValue(set, out var i) ? i : p.Sets.GetValueOrDefault(AllSets)))
            .Where(x => x.Info != null)
            .Select((x, index) => (x.Param, Info: x.Info!, Index: index))
            .OrderBy(x => x.Info.Position ?? int.MaxValue)
            .ThenBy(x => x.Info.Mandatory ? 0 : 1)
            .ThenBy(x => x.Index);
        return new XElement(Command + "syntaxItem",
            new XElement(Maml + "name", cmdlet.Name),
            inSet.Select(x => Parameter(x.Param, null, x.Info, forSyntax: true)));
    }

    private static XElement Parameter(Param p, CmdletDoc? doc, SetInfo? info, bool forSyntax)
    {
        // In the parameters list a parameter is required and positional only if it is so in every set.
        if (!forSyntax)
        {
            info = new SetInfo(
                p.Sets.Values.All(s => s.Mandatory),
                p.Sets.Values.Select(s => s.Position).FirstOrDefault(pos => pos != null),
                p.Sets.Values.Any(s => s.ByValue),
                p.Sets.Values.Any(s => s.ByPropertyName));
        }

        info ??= new SetInfo(false, null, false, false);
        var pipeline = info.ByValue && info.ByPropertyName ? "True (ByPropertyName, ByValue)"
            : info.ByValue ? "True (ByValue)"
            : info.ByPropertyName ? "True (ByPropertyName)"
            : "False";
        var element = new XElement(Command + "parameter",
            new XAttribute("required", info.Mandatory ? "true" : "false"),
            new XAttribute("variableLength", "true"),
            new XAttribute("globbing", "false"),
            new XAttribute("pipelineInput", pipeline),
            new XAttribute("position", info.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named"),
            new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
            new XElement(Maml + "name", p.Name));
        if (!forSyntax)
        {
            var text = ShouldProcessText.TryGetValue(p.Name, out var sp) && p.Common ? sp : doc?.Parameters.GetValueOrDefault(p.Name, string.Empty) ?? string.Empty;
            element.Add(new XElement(Maml + "description", Paras(text)));
        }

        if (p.Values.Count > 0)
        {
            element.Add(new XElement(Command + "parameterValueGroup", p.Values.Select(v => new XElement(Command + "parameterValue", new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v))));
        }

        if (!p.IsSwitch || !forSyntax)
        {
            element.Add(new XElement(Command + "parameterValue", new XAttribute("required", p.IsSwitch ? "false" : "true"), new XAttribute("variableLength", "false"), ShortName(p.Type)));
        }

        if (!forSyntax)
        {
            element.Add(new XElement(Dev + "type", new XElement(Maml + "name", FullName(p.Type)), new XElement(Maml + "uri")));
            element.Add(new XElement(Dev + "defaultValue", p.IsSwitch ? "False" : DocumentedDefault(doc?.Parameters.GetValueOrDefault(p.Name)) ?? p.Initializer ?? "None"));
        }

        return element;
    }

    /// <summary>
    /// The default a parameter's doc states: the text after "Default:" (or "Without it:" / "Without it, the first
    /// of:") up to the end of that sentence or clause; null when the doc states none.
    /// </summary>
    public static string? DocumentedDefault(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var flat = Regex.Replace(text, @"\s+", " ");
        var m = Regex.Match(flat, @"(?:^|\s)(?:Default|Without it(?:, the first of)?):\s*(?<value>.+?)(?:\.(?=\s|$)|;|$)");
        return m.Success ? m.Groups["value"].Value.Trim() : null;
    }

    /// <summary>
    /// The value a parameter's property initializer gives (`{ get; set; } = "Default";`), as help shows it, read
    /// from the source of the declaring cmdlet: a string, number, enum member or TimeSpan; null for none.
    /// </summary>
    public static string? InitializerOf(PropertyInfo property)
    {
        var typeName = property.DeclaringType?.Name;
        if (typeName == null)
        {
            return null;
        }

        var files = Directory.GetFiles(Path.Combine(CommandsAssembly.RepoRoot, "src", "BackupDr.Commands"), typeName + ".cs", SearchOption.AllDirectories);
        if (files.Length != 1)
        {
            return null;
        }

        var m = Regex.Match(File.ReadAllText(files[0]), @"public\s+[^\s=;]+\s+" + Regex.Escape(property.Name) + @"\s*\{\s*get;\s*set;\s*\}\s*=\s*(?<expr>[^;]+);");
        return m.Success ? RenderInitializer(m.Groups["expr"].Value.Trim()) : null;
    }

    /// <summary>"Default" for "\"Default\"", "10" for 10, "Backup" for DrJobType.Backup, "5 seconds" for TimeSpan.FromSeconds(5).</summary>
    public static string? RenderInitializer(string expression)
    {
        Match m;
        if ((m = Regex.Match(expression, "^\"(?<s>[^\"]*)\"$")).Success)
        {
            return m.Groups["s"].Value;
        }

        if ((m = Regex.Match(expression, @"^-?[0-9]+(\.[0-9]+)?$")).Success)
        {
            return expression;
        }

        if ((m = Regex.Match(expression, @"^TimeSpan\.From(?<unit>Seconds|Minutes|Hours|Days)\((?<n>[0-9.]+)\)$")).Success)
        {
            var n = m.Groups["n"].Value;
            var unit = m.Groups["unit"].Value.ToLowerInvariant();
            return $"{n} {(n == "1" ? unit.TrimEnd('s') : unit)}";
        }

        if (expression == "TimeSpan.Zero")
        {
            return "0";
        }

        if ((m = Regex.Match(expression, @"^[A-Z][A-Za-z]*\.(?<member>[A-Z][A-Za-z0-9]*)$")).Success)
        {
            return m.Groups["member"].Value;
        }

        return null; // Array.Empty<...>(), null, new ...: no default worth showing
    }

    private static IEnumerable<XElement> InputTypes(List<Param> parameters)
    {
        var piped = parameters
            .SelectMany(p => p.Sets.Values.Where(s => s.ByValue || s.ByPropertyName).Take(1).Select(s => (Param: p, Info: s)))
            .GroupBy(x => FullName(x.Param.Type), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        if (piped.Count == 0)
        {
            yield return new XElement(Command + "inputType",
                new XElement(Dev + "type", new XElement(Maml + "name", "None")),
                new XElement(Maml + "description", new XElement(Maml + "para", "This cmdlet takes no pipeline input.")));
            yield break;
        }

        foreach (var g in piped)
        {
            var how = g.Select(x => $"-{x.Param.Name} ({(x.Info.ByValue ? "by value" : "by property name")})");
            yield return new XElement(Command + "inputType",
                new XElement(Dev + "type", new XElement(Maml + "name", g.Key)),
                new XElement(Maml + "description", new XElement(Maml + "para", "Binds to " + string.Join(", ", how) + ".")));
        }
    }

    private static string FullName(Type t) => t.FullName ?? t.Name;

    private static string ShortName(Type t) => t.IsArray ? ShortName(t.GetElementType()!) + "[]" : t.Name;
}
