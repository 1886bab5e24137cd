using System.Reflection;

namespace BackupDr.Commands.Tests;

/// <summary>
/// Every parameter that names a region, a vault, a tier or a resource type completes offline with its completer,
/// checked on the compiled assembly so a new cmdlet cannot forget one.
/// </summary>
public sealed class CompleterContractTests : IClassFixture<CommandsAssemblyFixture>
{
    private readonly CommandsAssembly _asm;

    public CompleterContractTests(CommandsAssemblyFixture fixture)
    {
        _asm = fixture.Assembly;
    }

    /// <summary>The completer a parameter must carry, by its name; null for parameters no rule covers.</summary>
    internal static string? ExpectedCompleter(string parameter) =>
        parameter == "Region" || parameter.EndsWith("Region", StringComparison.Ordinal) ? "RegionCompleter"
        : parameter == "BackupVaultName" || parameter.EndsWith("VaultName", StringComparison.Ordinal) ? "BackupVaultNameCompleter"
        : parameter == "Tier" ? "TierCompleter"
        : parameter == "ResourceType" ? "ResourceTypeCompleter"
        : null;

    /// <summary>Parameters exempt from their rule, with the reason.</summary>
    internal static readonly IReadOnlyDictionary<string, string> Exempt = new Dictionary<string, string>
    {
        // A new vault's name is by definition not among the listed ones: suggesting those invites BackupVaultExists.
        ["New-DrBackupVault -BackupVaultName"] = "names a vault that does not exist yet",
    };

    private static bool HasValidateSet(PropertyInfo property) =>
        property.GetCustomAttributesData().Any(a => a.AttributeType.FullName == "System.Management.Automation.ValidateSetAttribute");

    private static string? CompleterOf(PropertyInfo property) =>
        property.GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == "System.Management.Automation.ArgumentCompleterAttribute")
            .Select(a => a.ConstructorArguments.Select(c => c.Value).OfType<Type>().FirstOrDefault()?.Name)
            .FirstOrDefault();

    [Fact]
    public void Every_region_vault_tier_and_resource_type_parameter_carries_its_completer()
    {
        var covered = 0;
        var missing = new List<string>();
        foreach (var c in _asm.Cmdlets)
        {
            foreach (var p in c.Parameters)
            {
                var expected = ExpectedCompleter(p.Name);
                if (expected == null || Exempt.ContainsKey($"{c.Name} -{p.Name}"))
                {
                    continue;
                }

                covered++;
                // A ValidateSet completes its own values (Get-DrResource -ResourceType takes only four), which is better than a wider list.
                var actual = CompleterOf(p.Property);
                if (actual != expected && !(actual == null && HasValidateSet(p.Property)))
                {
                    missing.Add($"{c.Name} -{p.Name} completes with {actual ?? "nothing"}, not {expected}");
                }
            }
        }

        Assert.True(missing.Count == 0, "give these parameters their [ArgumentCompleter(typeof(...))]: " + string.Join("; ", missing));

        // Positive control: the scan sees the inherited -Region of every AWS cmdlet and the vault parameters.
        Assert.True(covered > _asm.Cmdlets.Count, $"only {covered} parameters matched: the scan is broken");
    }
}
