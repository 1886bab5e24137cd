using System.Diagnostics;
using System.Text.Json;
using BackupDr.Core.Aws;

namespace BackupDr.Core.Tests.HostChecks;

/// <summary>The offline -Region list: partitions agree with AwsContext, and with botocore's partitions.json where it is installed.</summary>
public sealed class AwsRegionsTests
{
    [Fact]
    public void Every_region_is_valid_and_its_partition_agrees_with_AwsContext()
    {
        foreach (var region in AwsRegions.All)
        {
            AwsContext.ValidateRegion(region.Name, "-Region");
            Assert.Equal(AwsContext.PartitionOf(region.Name), region.Partition);
        }

        Assert.Equal(AwsRegions.All.Count, AwsRegions.All.Select(r => r.Name).Distinct().Count());
        Assert.Equal(new[] { "aws", "aws-cn", "aws-us-gov" }, AwsRegions.All.Select(r => r.Partition).Distinct());
    }

    /// <summary>botocore's data/partitions.json, or null when python3 with botocore is not installed.</summary>
    private static string? BotocorePartitions()
    {
        try
        {
            var psi = new ProcessStartInfo("python3", "-c \"import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), 'data', 'partitions.json'))\"") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            var path = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit(30_000);
            return p.ExitCode == 0 && File.Exists(path) ? path : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [Fact]
    public void The_list_is_complete_against_botocores_partitions_json_when_botocore_is_installed()
    {
        var path = BotocorePartitions();
        if (path == null)
        {
            return; // nothing to compare with on this machine
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var expected = new List<string>();
        foreach (var partition in doc.RootElement.GetProperty("partitions").EnumerateArray())
        {
            var id = partition.GetProperty("id").GetString();
            if (id is "aws" or "aws-cn" or "aws-us-gov")
            {
                expected.AddRange(partition.GetProperty("regions").EnumerateObject().Select(r => r.Name).Where(n => !n.StartsWith("aws", StringComparison.Ordinal)).Select(n => $"{id} {n}"));
            }
        }

        Assert.Equal(expected.OrderBy(x => x, StringComparer.Ordinal), AwsRegions.All.Select(r => $"{r.Partition} {r.Name}").OrderBy(x => x, StringComparer.Ordinal));
    }
}
