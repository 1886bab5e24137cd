using System.Xml.Linq;

namespace BackupDr.Commands.Tests;

/// <summary>
/// Every compiled cmdlet has complete help: docs/cmdlets/&lt;Name&gt;.md with a synopsis, a description, at
/// least two examples and a description of each of its parameters, and the committed MAML is what the
/// generator makes of those files and the assembly. A cmdlet or parameter added without docs fails here.
/// </summary>
public sealed class HelpContractTests : IClassFixture<CommandsAssemblyFixture>
{
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";

    private readonly CommandsAssembly _asm;

    public HelpContractTests(CommandsAssemblyFixture fixture)
    {
        _asm = fixture.Assembly;
    }

    public static TheoryData<string> CmdletNames()
    {
        using var asm = new CommandsAssembly();
        var data = new TheoryData<string>();
        foreach (var c in asm.Cmdlets)
        {
            data.Add(c.Name);
        }

        return data;
    }

    private CmdletDoc Doc(string name)
    {
        var path = CmdletDoc.PathOf(name);
        Assert.True(File.Exists(path), $"{name} has no help source: write docs/cmdlets/{name}.md");
        var doc = CmdletDoc.Load(name, _asm[name].Parameters.Select(p => p.Name));
        Assert.Equal(name, doc.Name);
        return doc;
    }

    [Fact]
    public void Shared_parameters_help_copied_into_every_file_regression_each_is_written_once_in_docs_parameters_md()
    {
        var shared = CmdletDoc.Shared;
        foreach (var p in new[] { "Region", "ProfileName", "ProfileLocation", "AccessKey", "SecretKey", "SessionToken", "EndpointUrl" })
        {
            Assert.True(shared.TryGetValue(p, out var text) && !string.IsNullOrWhiteSpace(text), $"docs/parameters.md does not describe -{p}");
        }

        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(CmdletDoc.PathOf("x"))!, "*.md"))
        {
            var page = CmdletDoc.Parse(File.ReadAllText(file));
            foreach (var (name, text) in page.Parameters)
            {
                Assert.False(
                    shared.TryGetValue(name, out var common) && string.Equals(common, text, StringComparison.Ordinal),
                    $"{Path.GetFileName(file)} repeats the shared text of -{name}: delete it there, docs/parameters.md is merged in");
            }
        }

        // Positive control: an AWS cmdlet's help still carries the shared text.
        var merged = Doc("Start-DrBackup");
        Assert.Equal(shared["EndpointUrl"], merged.Parameters["EndpointUrl"]);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Every_cmdlet_has_a_synopsis_a_description_and_two_examples(string name)
    {
        var doc = Doc(name);
        Assert.False(string.IsNullOrWhiteSpace(doc.Synopsis), $"{name}.md: empty SYNOPSIS");
        Assert.DoesNotContain('\n', doc.Synopsis);
        Assert.False(string.IsNullOrWhiteSpace(doc.Description), $"{name}.md: empty DESCRIPTION");
        Assert.True(doc.Examples.Count >= 2, $"{name}.md: {doc.Examples.Count} example(s); at least two are needed");
        foreach (var e in doc.Examples)
        {
            Assert.Matches(@"^Example \d+: \S", e.Title);
            Assert.False(string.IsNullOrWhiteSpace(e.Code), $"{name}.md, {e.Title}: no ```powershell block");
            Assert.False(string.IsNullOrWhiteSpace(e.Remarks), $"{name}.md, {e.Title}: no sentence explaining the example");
        }
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Every_parameter_is_documented_and_only_those(string name)
    {
        var doc = Doc(name);
        var compiled = _asm[name].Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var p in compiled)
        {
            Assert.True(doc.Parameters.TryGetValue(p, out var text) && !string.IsNullOrWhiteSpace(text), $"{name}.md: parameter -{p} is not described under ## PARAMETERS");
        }

        foreach (var p in doc.Parameters.Keys)
        {
            Assert.True(compiled.Contains(p), $"{name}.md documents -{p}, which {name} does not have");
        }
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Documented_outputs_are_the_declared_output_types(string name)
    {
        var doc = Doc(name);
        var declared = _asm[name].OutputTypes.Select(t => t.FullName!).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(declared, doc.Outputs.Keys.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_help_source_belongs_to_a_compiled_cmdlet()
    {
        var names = _asm.Cmdlets.Select(c => c.Name + ".md").ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(CommandsAssembly.RepoRoot, "docs", "cmdlets"), "*.md"))
        {
            Assert.True(names.Contains(Path.GetFileName(file)), $"{Path.GetFileName(file)} documents no compiled cmdlet");
        }
    }

    [Fact]
    public void The_MAML_parses_and_has_one_command_per_cmdlet()
    {
        var maml = XDocument.Load(HelpGenerator.MamlPath);
        var names = maml.Root!.Elements(Command + "command")
            .Select(c => c.Element(Command + "details")!.Element(Command + "name")!.Value)
            .OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(_asm.Cmdlets.Select(c => c.Name), names);
    }

    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    /// <summary>Cmdlet -> parameter -> the defaultValue the generated MAML gives it.</summary>
    private Dictionary<string, Dictionary<string, string>> GeneratedDefaults()
    {
        var maml = XDocument.Parse(HelpGenerator.Generate(_asm));
        return maml.Root!.Elements(Command + "command").ToDictionary(
            c => c.Element(Command + "details")!.Element(Command + "name")!.Value,
            c => c.Element(Command + "parameters")!.Elements(Command + "parameter").ToDictionary(
                p => p.Element(Maml + "name")!.Value,
                p => p.Element(Dev + "defaultValue")!.Value,
                StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    [Theory]
    [InlineData("Start-DrBackup", "BackupVaultName", "Default")]
    [InlineData("Start-DrBackup", "Timeout", "no limit")]
    [InlineData("Restore-DrResource", "BackupVaultName", "the vault found by searching every vault of the point's region (-Verbose names it)")]
    [InlineData("Copy-DrRecoveryPoint", "BackupVaultName", "the vault found by searching every vault of the point's region (-Verbose names it)")]
    [InlineData("Wait-DrJob", "JobType", "Backup")]
    [InlineData("Start-DrSandbox", "JobDuration", "5 seconds")]
    [InlineData("Start-DrSandbox", "ThrottleBurst", "10")]
    [InlineData("Start-DrSandbox", "Port", "0, which picks a free port")]
    [InlineData("Get-DrBackupReport", "Since", "7 days ago")]
    [InlineData("Start-DrBackup", "Wait", "False")]
    [InlineData("Start-DrBackup", "RecoveryPointTag", "None")]
    public void HelpShowsDefaultValueNone_regression_help_gives_the_real_default(string cmdlet, string parameter, string expected)
    {
        Assert.Equal(expected, GeneratedDefaults()[cmdlet][parameter]);
    }

    [Fact]
    public void HelpShowsDefaultValueNone_regression_no_parameter_with_an_initializer_or_a_documented_default_shows_None()
    {
        var defaults = GeneratedDefaults();
        var checkedAny = 0;
        foreach (var c in _asm.Cmdlets)
        {
            var doc = Doc(c.Name);
            foreach (var p in c.Parameters)
            {
                var initializer = HelpGenerator.InitializerOf(p.Property);
                var documented = HelpGenerator.DocumentedDefault(doc.Parameters.GetValueOrDefault(p.Name));
                if (initializer == null && documented == null)
                {
                    continue;
                }

                checkedAny++;
                Assert.NotEqual("None", defaults[c.Name][p.Name]);
                if (initializer != null && documented != null)
                {
                    // The prose may say more ("0, which picks a free port") but must start with the compiled value.
                    Assert.True(documented.StartsWith(initializer, StringComparison.OrdinalIgnoreCase), $"{c.Name} -{p.Name}: the docs say the default is '{documented}', the code says '{initializer}'");
                }
            }
        }

        Assert.True(checkedAny > 10, $"only {checkedAny} parameters with defaults found");
    }

    /// <summary>
    /// The committed MAML equals what the generator makes now. To regenerate it after changing a cmdlet or
    /// docs/cmdlets/*.md, run: BACKUPDR_UPDATE_HELP=1 dotnet test tests/BackupDr.Commands.Tests
    /// </summary>
    [Fact]
    public void HelpFileIsUpToDate()
    {
        var generated = HelpGenerator.Generate(_asm);
        var path = HelpGenerator.MamlPath;
        if (Environment.GetEnvironmentVariable("BACKUPDR_UPDATE_HELP") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, generated);
            return;
        }

        Assert.True(File.Exists(path), $"{HelpGenerator.RelativeMamlPath} is missing: run BACKUPDR_UPDATE_HELP=1 dotnet test tests/BackupDr.Commands.Tests");
        var committed = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.True(committed == generated, $"{HelpGenerator.RelativeMamlPath} is out of date with docs/cmdlets or the cmdlets: run BACKUPDR_UPDATE_HELP=1 dotnet test tests/BackupDr.Commands.Tests and commit the result");
    }
}
