using System.Reflection;
using System.Xml.Linq;

namespace BackupDr.Commands.Tests;

/// <summary>
/// What every BackupDr cmdlet promises, checked on the compiled assembly: approved verbs, naming,
/// OutputType, ShouldProcess with the agreed ConfirmImpact, the manifest export list, format views,
/// and parameter names that line up along the pipeline.
/// </summary>
public sealed class CmdletContractTests : IClassFixture<CommandsAssemblyFixture>
{
    /// <summary>Cmdlets that change state, with the ConfirmImpact the design gives them.</summary>
    public static readonly IReadOnlyDictionary<string, string> StateChanging = new Dictionary<string, string>
    {
        ["Start-DrBackup"] = "Medium",
        ["Restore-DrResource"] = "High",
        ["Copy-DrRecoveryPoint"] = "Medium",
        ["Set-DrBackupTag"] = "Low",
        ["Set-DrDefault"] = "Low",
        ["Start-DrSandbox"] = "Low",
        ["Stop-DrSandbox"] = "Low",
        ["New-DrBackupVault"] = "Low",
        ["Invoke-DrFailover"] = "High",
        ["New-DrBackupPlan"] = "Medium",
        ["Test-DrRestore"] = "Medium",
        ["Remove-DrDrillResource"] = "High",
    };

    /// <summary>Producer → consumer pairs the README and examples pipe together.</summary>
    public static readonly (string Producer, string Consumer)[] Pipelines =
    {
        ("Get-DrRecoveryPoint", "Restore-DrResource"),
        ("Get-DrRecoveryPoint", "Copy-DrRecoveryPoint"),
        ("Start-DrBackup", "Wait-DrJob"),
        ("Get-DrBackupJob", "Wait-DrJob"),
        ("Restore-DrResource", "Wait-DrJob"),
        ("Copy-DrRecoveryPoint", "Wait-DrJob"),
        ("Get-DrBackupJob", "Get-DrRecoveryPoint"),
        ("Get-DrBackupVault", "Get-DrRecoveryPoint"),
        ("Get-DrResource", "Get-DrProtectionStatus"),
        ("Get-DrResource", "Test-DrRestore"),
        ("Get-DrRecoveryPoint", "Test-DrRestore"),
        ("Test-DrRestore", "Remove-DrDrillResource"),
        ("Test-DrRestore", "Get-DrDrillHistory"),
    };

    /// <summary>
    /// By-property-name parameters meant for objects from outside BackupDr (AWS.Tools' Get-EC2Volume,
    /// Get-EC2Instance and Get-RDSDBInstance emit VolumeId, InstanceId and DBInstanceIdentifier).
    /// </summary>
    public static readonly ISet<string> ForeignPipelineParameters = new HashSet<string> { "Set-DrBackupTag -InstanceId", "Set-DrBackupTag -VolumeId", "Set-DrBackupTag -DBInstanceIdentifier" };

    private readonly CommandsAssembly _asm;

    public CmdletContractTests(CommandsAssemblyFixture fixture)
    {
        _asm = fixture.Assembly;
    }

    [Fact]
    public void The_assembly_has_the_cmdlets_of_the_design()
    {
        var names = _asm.Cmdlets.Select(c => c.Name).ToList();
        foreach (var required in new[] { "Start-DrBackup", "Get-DrRecoveryPoint", "Restore-DrResource", "Set-DrBackupTag", "Get-DrBackupReport", "Get-DrBackupJob", "Wait-DrJob", "Copy-DrRecoveryPoint", "Start-DrSandbox", "Stop-DrSandbox", "Set-DrDefault", "Get-DrBackupVault", "New-DrBackupVault", "Invoke-DrFailover", "New-DrBackupPlan", "Get-DrTier", "Get-DrProtectionStatus", "Get-DrBackupJobSummary" })
        {
            Assert.Contains(required, names);
        }
    }

    [Fact]
    public void Every_cmdlet_uses_an_approved_verb_and_a_Dr_noun()
    {
        var approved = _asm.ApprovedVerbs;
        Assert.Contains("Get", approved);
        foreach (var c in _asm.Cmdlets)
        {
            Assert.True(approved.Contains(c.Verb), $"{c.Name}: '{c.Verb}' is not an approved verb");
            Assert.StartsWith("Dr", c.Noun, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Class_and_file_names_follow_the_cmdlet_name()
    {
        var src = Path.Combine(CommandsAssembly.RepoRoot, "src", "BackupDr.Commands");
        foreach (var c in _asm.Cmdlets)
        {
            Assert.Equal(c.Verb + c.Noun + "Command", c.Type.Name);
            var files = Directory.GetFiles(src, c.Type.Name + ".cs", SearchOption.AllDirectories);
            Assert.True(files.Length == 1, $"{c.Name}: expected exactly one file {c.Type.Name}.cs under src/BackupDr.Commands, found {files.Length}");
        }
    }

    /// <summary>The AWS connection parameters, which only DrAwsCmdlet declares.</summary>
    public static readonly IReadOnlyList<string> ConnectionParameters = new[] { "Region", "ProfileName", "ProfileLocation", "AccessKey", "SecretKey", "SessionToken", "EndpointUrl" };

    /// <summary>Cmdlets that call no AWS API: they derive from DrCmdlet, not DrAwsCmdlet.</summary>
    public static readonly ISet<string> NonAwsCmdlets = new HashSet<string> { "Start-DrSandbox", "Stop-DrSandbox", "Set-DrDefault", "Get-DrDefault", "Get-DrTier", "Get-DrDrillHistory" };

    /// <summary>
    /// Non-AWS cmdlets whose parameters share a connection parameter's name but are their own values:
    /// Set-DrDefault keeps them, Get-DrDefault shows what a call with them would use, Start-DrSandbox -Region
    /// is the sandbox's region.
    /// </summary>
    public static readonly ISet<string> OwnValueParameters = new HashSet<string>(
        ConnectionParameters.SelectMany(p => new[] { $"Set-DrDefault -{p}", $"Get-DrDefault -{p}" }).Append("Start-DrSandbox -Region"));

    /// <summary>A Test- cmdlet's -Quiet answer is one bool (as Test-Connection -Quiet): the one non-BackupDr output allowed.</summary>
    private static bool IsQuietAnswer(CmdletInfo c, Type t) =>
        c.Verb == "Test" && t.FullName == "System.Boolean" && c.Parameters.Any(p => p.Name == "Quiet");

    private static bool DerivesFrom(Type type, string baseName)
    {
        for (var t = type.BaseType; t != null; t = t.BaseType)
        {
            if (t.Name == baseName && t.Namespace == "BackupDr.Commands")
            {
                return true;
            }
        }

        return false;
    }

    [Fact]
    public void Every_cmdlet_derives_from_DrAwsCmdlet_or_DrCmdlet()
    {
        var awsBase = _asm.Assembly.GetType("BackupDr.Commands.DrAwsCmdlet", true)!;
        Assert.True(DerivesFrom(awsBase, "DrCmdlet"), "DrAwsCmdlet must derive from DrCmdlet");
        foreach (var c in _asm.Cmdlets)
        {
            Assert.True(DerivesFrom(c.Type, "DrCmdlet"), $"{c.Name} does not derive from DrCmdlet");
            var aws = DerivesFrom(c.Type, "DrAwsCmdlet");
            if (NonAwsCmdlets.Contains(c.Name))
            {
                Assert.False(aws, $"{c.Name} calls no AWS API: derive it from DrCmdlet, not DrAwsCmdlet");
            }
            else
            {
                Assert.True(aws, $"{c.Name} is not listed in NonAwsCmdlets: an AWS-calling cmdlet derives from DrAwsCmdlet");
            }
        }
    }

    [Fact]
    public void The_connection_parameters_belong_to_DrAwsCmdlet_alone()
    {
        var cmdletBase = _asm.Assembly.GetType("BackupDr.Commands.DrCmdlet", true)!;
        var awsBase = _asm.Assembly.GetType("BackupDr.Commands.DrAwsCmdlet", true)!;
        var declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        Assert.Empty(cmdletBase.GetProperties(declared).Select(p => p.Name).Intersect(ConnectionParameters));
        Assert.Equal(ConnectionParameters.OrderBy(n => n), awsBase.GetProperties(declared).Select(p => p.Name).Intersect(ConnectionParameters).OrderBy(n => n));
    }

    [Fact]
    public void A_cmdlet_that_takes_connection_parameters_is_an_AWS_cmdlet()
    {
        foreach (var c in _asm.Cmdlets)
        {
            var aws = DerivesFrom(c.Type, "DrAwsCmdlet");
            var names = c.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var p in ConnectionParameters)
            {
                if (aws)
                {
                    Assert.True(names.Contains(p), $"{c.Name} is an AWS cmdlet without -{p}");
                }
                else if (names.Contains(p))
                {
                    Assert.True(OwnValueParameters.Contains($"{c.Name} -{p}"), $"{c.Name} takes -{p} but calls no AWS API: drop it, or derive from DrAwsCmdlet if it calls AWS");
                }
            }
        }
    }

    /// <summary>Regression: Stop-DrSandbox took -AccessKey (and every connection parameter) and ignored it.</summary>
    [Fact]
    public void StopDrSandbox_takes_AccessKey_and_ignores_it_regression()
    {
        var names = _asm["Stop-DrSandbox"].Parameters.Select(p => p.Name).ToList();
        Assert.DoesNotContain("AccessKey", names);
        Assert.Empty(names.Intersect(ConnectionParameters));
        Assert.Equal(new[] { "Region" }, _asm["Start-DrSandbox"].Parameters.Select(p => p.Name).Intersect(ConnectionParameters));
    }

    [Fact]
    public void Every_cmdlet_declares_its_output_type()
    {
        foreach (var c in _asm.Cmdlets)
        {
            Assert.True(c.OutputTypes.Count > 0, $"{c.Name} has no [OutputType]");
            foreach (var t in c.OutputTypes.Where(t => !IsQuietAnswer(c, t)))
            {
                Assert.True(t.Namespace?.StartsWith("BackupDr", StringComparison.Ordinal), $"{c.Name} emits {t.FullName}: BackupDr emits its own model types only");
            }
        }
    }

    [Fact]
    public void State_changing_cmdlets_support_ShouldProcess_with_the_agreed_impact()
    {
        foreach (var c in _asm.Cmdlets)
        {
            if (StateChanging.TryGetValue(c.Name, out var impact))
            {
                Assert.True(c.SupportsShouldProcess, $"{c.Name} changes state but does not support -WhatIf/-Confirm");
                Assert.Equal(impact, c.ConfirmImpact);
            }
            else
            {
                Assert.True(c.Verb is "Get" or "Wait" or "Test", $"{c.Name} is not listed as state-changing: add it to StateChanging with its ConfirmImpact");
            }
        }
    }

    [Fact]
    public void Manifest_exports_exactly_the_compiled_cmdlets()
    {
        var manifest = CommandsAssembly.ManifestCmdlets().OrderBy(n => n, StringComparer.Ordinal).ToList();
        var compiled = _asm.Cmdlets.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(compiled, manifest);
    }

    [Fact]
    public void Every_output_type_has_a_table_view()
    {
        var format = XDocument.Load(Path.Combine(CommandsAssembly.RepoRoot, "src", "BackupDr.Commands", "BackupDr.format.ps1xml"));
        var viewed = format.Descendants("TypeName").Select(e => e.Value.Trim()).ToHashSet(StringComparer.Ordinal);
        foreach (var c in _asm.Cmdlets)
        {
            foreach (var t in c.OutputTypes.Where(t => !IsQuietAnswer(c, t)))
            {
                Assert.True(viewed.Contains(t.FullName!), $"{c.Name} emits {t.FullName}, which has no view in BackupDr.format.ps1xml");
            }
        }

        foreach (var table in format.Descendants("TableControl"))
        {
            var columns = table.Descendants("TableColumnHeader").Count();
            Assert.InRange(columns, 4, 6);
        }
    }

    [Fact]
    public void TableCutsResourceArn_regression_every_table_view_fits_120_columns_and_shows_no_ARN()
    {
        var format = XDocument.Load(Path.Combine(CommandsAssembly.RepoRoot, "src", "BackupDr.Commands", "BackupDr.format.ps1xml"));
        foreach (var view in format.Descendants("View").Where(v => v.Element("TableControl") != null))
        {
            var name = view.Element("Name")!.Value;
            var headers = view.Descendants("TableColumnHeader").ToList();
            var widths = headers.Select(h => (int?)h.Element("Width")).ToList();
            for (var i = 0; i < headers.Count; i++)
            {
                var label = headers[i].Element("Label")!.Value;
                Assert.True(widths[i] == null || label.Length <= widths[i], $"{name}: the label '{label}' is wider than its column ({widths[i]}), so the header wraps");
                Assert.True(widths[i] != null || i == headers.Count - 1, $"{name}: only the last column may be unbounded ('{label}' has no Width)");
            }

            // PowerShell puts one space between columns; an unbounded last column gets what is left of 120.
            var used = widths.Sum(w => w ?? 0) + headers.Count - 1;
            var left = 120 - used;
            Assert.True(widths[^1] == null ? left >= 20 : left >= 0, $"{name}: {used} of 120 columns are fixed, leaving {left} to the last column");
            foreach (var property in view.Descendants("PropertyName").Select(p => p.Value))
            {
                Assert.False(property.EndsWith("Arn", StringComparison.Ordinal), $"{name} shows {property}: tables show a short id, the ARN is for Format-List");
            }
        }
    }

    [Fact]
    public void Pipeline_properties_line_up_between_producer_and_consumer()
    {
        foreach (var (producerName, consumerName) in Pipelines)
        {
            var producer = _asm[producerName];
            var consumer = _asm[consumerName];
            var byValue = consumer.Parameters.Where(p => p.ByValue).ToList();
            var byName = consumer.Parameters.Where(p => p.ByPropertyName).ToList();
            Assert.True(byName.Count + byValue.Count > 0, $"{consumerName} takes nothing from the pipeline");
            foreach (var output in producer.OutputTypes)
            {
                var element = (Type t) => t.IsArray ? t.GetElementType()! : t;
                var takesObject = byValue.Any(p => element(p.Property.PropertyType).IsAssignableFrom(output));
                var takesProperty = byName.Any(p => p.Names.Any(n => output.GetProperty(n) != null));
                Assert.True(takesObject || takesProperty, $"{producerName} | {consumerName}: {consumerName} binds neither a {output.Name} by value nor any of its properties by name ({string.Join(", ", byName.Select(p => p.Name))})");
            }
        }
    }

    /// <summary>Parameters that name what a cmdlet acts on; `$arns | Start-DrBackup` must bind them from plain strings.</summary>
    public static readonly ISet<string> IdentityParameters = new HashSet<string>(StringComparer.Ordinal) { "ResourceArn", "RecoveryPointArn", "JobId" };

    /// <summary>Each [Parameter] attribute of a cmdlet's parameters, with the set it belongs to.</summary>
    private static IEnumerable<(ParameterMeta Param, string Set, bool Mandatory, bool ByValue, bool ByPropertyName)> ParameterSetEntries(CmdletInfo cmdlet)
    {
        foreach (var p in cmdlet.Parameters)
        {
            foreach (var attr in p.Property.GetCustomAttributesData().Where(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute"))
            {
                bool Flag(string name) => attr.NamedArguments.Any(n => n.MemberName == name && (bool)n.TypedValue.Value!);
                var set = attr.NamedArguments.Where(n => n.MemberName == "ParameterSetName").Select(n => (string)n.TypedValue.Value!).FirstOrDefault() ?? "__AllParameterSets";
                yield return (p, set, Flag("Mandatory"), Flag("ValueFromPipeline"), Flag("ValueFromPipelineByPropertyName"));
            }
        }
    }

    [Fact]
    public void PipedStringsDoNotBind_regression_identity_parameters_take_pipeline_input_by_value_and_by_property_name()
    {
        var checkedAny = false;
        foreach (var c in _asm.Cmdlets)
        {
            foreach (var e in ParameterSetEntries(c).Where(e => e.Mandatory && IdentityParameters.Contains(e.Param.Name)))
            {
                checkedAny = true;
                Assert.True(e.ByValue, $"{c.Name} -{e.Param.Name} (set {e.Set}) does not take pipeline input by value: `'id' | {c.Name}` would not bind");
                Assert.True(e.ByPropertyName, $"{c.Name} -{e.Param.Name} (set {e.Set}) does not take pipeline input by property name: BackupDr objects would not bind");
            }
        }

        Assert.True(checkedAny, "no mandatory identity parameter found: the rule checks nothing");
    }

    [Fact]
    public void At_most_one_parameter_per_parameter_set_takes_pipeline_input_by_value()
    {
        foreach (var c in _asm.Cmdlets)
        {
            var entries = ParameterSetEntries(c).ToList();
            var named = entries.Select(e => e.Set).Where(s => s != "__AllParameterSets").Distinct().DefaultIfEmpty("__AllParameterSets");
            foreach (var set in named)
            {
                var byValue = entries.Where(e => e.ByValue && (e.Set == set || e.Set == "__AllParameterSets")).Select(e => e.Param.Name).Distinct().ToList();
                Assert.True(byValue.Count <= 1, $"{c.Name}, set {set}: {string.Join(", ", byValue)} all take pipeline input by value, so a piped string binds ambiguously");
            }
        }
    }

    [Fact]
    public void Every_by_property_name_parameter_is_fed_by_some_output_type()
    {
        var outputs = _asm.Cmdlets.SelectMany(c => c.OutputTypes).Distinct().ToList();
        foreach (var c in _asm.Cmdlets)
        {
            foreach (var p in c.Parameters.Where(p => p.ByPropertyName && !ForeignPipelineParameters.Contains($"{c.Name} -{p.Name}")))
            {
                Assert.True(outputs.Any(t => p.Names.Any(n => t.GetProperty(n) != null)), $"{c.Name} -{p.Name} binds by property name, but no BackupDr output type has a property {string.Join("/", p.Names)}");
            }
        }
    }
}

public sealed class CommandsAssemblyFixture : IDisposable
{
    public CommandsAssembly Assembly { get; } = new();

    public void Dispose() => Assembly.Dispose();
}
