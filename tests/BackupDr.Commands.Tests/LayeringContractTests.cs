using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace BackupDr.Commands.Tests;

/// <summary>
/// Commands never call an AWS client: a cmdlet binds, asks ShouldProcess, calls one Core operation and writes what
/// it returns. Read from the compiled assembly's member references, so no call can hide from the check.
/// </summary>
public sealed class LayeringContractTests
{
    private static readonly string[] ClientInterfaces =
    {
        "BackupDr.Core.Aws.IBackupApi", "BackupDr.Core.Aws.IRdsApi", "BackupDr.Core.Aws.IEc2Api", "BackupDr.Core.Aws.IStsApi", "BackupDr.Core.Aws.ICloudWatchApi",
    };

    /// <summary>Every member of another type that the assembly references, as "Namespace.Type::Member".</summary>
    internal static IReadOnlyList<string> MemberReferences(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var result = new List<string>();
        foreach (var handle in md.MemberReferences)
        {
            var member = md.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference)
            {
                continue;
            }

            var type = md.GetTypeReference((TypeReferenceHandle)member.Parent);
            result.Add($"{md.GetString(type.Namespace)}.{md.GetString(type.Name)}::{md.GetString(member.Name)}");
        }

        return result;
    }

    [Fact]
    public void Cmdlets_stay_off_the_client_interfaces()
    {
        var refs = MemberReferences(Path.Combine(AppContext.BaseDirectory, "BackupDr.Commands.dll"));
        // Positive control: the scan sees Core at all (the cmdlets call its operations).
        Assert.Contains(refs, r => r.StartsWith("BackupDr.Core.Operations.", StringComparison.Ordinal));
        var offenders = refs.Where(r => ClientInterfaces.Any(i => r.StartsWith(i + "::", StringComparison.Ordinal))).Distinct().ToList();
        Assert.True(offenders.Count == 0, "Commands calls AWS clients directly (move the call into a Core operation): " + string.Join(", ", offenders));
    }

    [Fact]
    public void Every_cmdlet_has_a_row_in_the_design_doc_table_naming_an_operation_that_exists()
    {
        var doc = File.ReadAllText(Path.Combine(CommandsAssembly.RepoRoot, "docs", "design.md"));
        var core = typeof(BackupDr.Core.Operations.DrTiers).Assembly;
        var manifest = File.ReadAllText(Path.Combine(CommandsAssembly.RepoRoot, "BackupDr.psd1"));
        var cmdlets = System.Text.RegularExpressions.Regex.Matches(manifest, @"'([A-Z][a-z]+-Dr[A-Za-z]+)'").Select(m => m.Groups[1].Value).ToList();
        Assert.True(cmdlets.Count >= 15, "the manifest scan found too few cmdlets");
        foreach (var cmdlet in cmdlets)
        {
            var row = System.Text.RegularExpressions.Regex.Match(doc, @"^\| `" + cmdlet + @"` \| ([^|]+)\|", System.Text.RegularExpressions.RegexOptions.Multiline);
            Assert.True(row.Success, $"docs/design.md has no row for {cmdlet}");
            foreach (System.Text.RegularExpressions.Match op in System.Text.RegularExpressions.Regex.Matches(row.Groups[1].Value, "`([A-Za-z.]+)`"))
            {
                var name = op.Groups[1].Value;
                Assert.True(
                    core.GetType("BackupDr.Core.Operations." + name) != null || core.GetType("BackupDr.Core.Aws." + name) != null || name == "none",
                    $"{cmdlet}: docs/design.md names {name}, which is not a type in BackupDr.Core");
            }
        }
    }
}
