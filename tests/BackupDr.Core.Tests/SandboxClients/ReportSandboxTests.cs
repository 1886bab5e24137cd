using System.Text;
using BackupDr.Core.Aws;
using BackupDr.Core.Operations;
using static BackupDr.Core.Tests.SandboxClients.SandboxClients;

namespace BackupDr.Core.Tests.SandboxClients;

/// <summary>BackupReportBuilder over two sandbox regions seeded with several hundred jobs of mixed states.</summary>
public sealed class ReportSandboxTests
{
    private sealed record SeedJob(string Id, string Region, string ResourceArn, string State, string? Category, string? Message, int CreatedAge, int? CompletedAge, long Size);

    private static List<SeedJob> Jobs(string region, int count)
    {
        var jobs = new List<SeedJob>();
        for (var i = 0; i < count; i++)
        {
            var resource = i % 2 == 0 ? DbArn("db" + (i % 6), region) : VolumeArn($"vol-0{region.Replace("-", string.Empty)}{i % 5}".PadRight(21, 'a'), region);
            var age = 60 + (i * 7);
            var (state, category, message) = (i % 10) switch
            {
                6 => ("COMPLETED", "PARTIAL_SUCCESS", null),
                7 => ("FAILED", null, $"{region} job {i}: access denied"),
                8 => ("ABORTED", null, null),
                9 => ("RUNNING", null, null),
                _ => ("COMPLETED", (string?)null, (string?)null),
            };
            jobs.Add(new SeedJob($"{region}-{i:0000}", region, resource, state, category, message, age, state == "RUNNING" ? null : age - 5, state == "COMPLETED" ? 1000 + i : 0));
        }

        // Older than the report window (10 days): listed by AWS, left out by the report.
        for (var i = 0; i < 15; i++)
        {
            jobs.Add(new SeedJob($"{region}-old-{i}", region, DbArn("db0", region), i % 3 == 0 ? "FAILED" : "COMPLETED", null, i % 3 == 0 ? "old failure" : null, 14400 + i, 14390 + i, 5));
        }

        return jobs;
    }

    private static string SeedJson(string region, IEnumerable<SeedJob> jobs)
    {
        var sb = new StringBuilder();
        sb.Append("{ \"regions\": [ { \"region\": \"").Append(region).Append("\", \"vaults\": [ { \"name\": \"Main\" } ], \"backupJobs\": [\n");
        sb.AppendJoin(",\n", jobs.Select(j =>
            $"{{ \"id\": \"{j.Id}\", \"vault\": \"Main\", \"resourceArn\": \"{j.ResourceArn}\", \"state\": \"{j.State}\", \"createdAgeMinutes\": {j.CreatedAge}"
            + (j.CompletedAge is int c ? $", \"completedAgeMinutes\": {c}" : string.Empty)
            + (j.Category != null ? $", \"messageCategory\": \"{j.Category}\"" : string.Empty)
            + (j.Message != null ? $", \"statusMessage\": \"{j.Message}\"" : string.Empty)
            + $", \"sizeInBytes\": {j.Size} }}"));
        sb.Append("\n] } ] }");
        return sb.ToString();
    }

    [Fact]
    public async Task Report_over_two_seeded_regions_has_exact_totals_success_rate_failed_jobs_and_last_success_per_resource()
    {
        using var sb = new SandboxClients();
        var east = Jobs(Region, 320);
        var west = Jobs(DrRegion, 210);
        var seededAt = DateTime.UtcNow;
        var summaryEast = sb.Server.SeedFromJson(SeedJson(Region, east));
        sb.Server.SeedFromJson(SeedJson(DrRegion, west));
        Assert.Equal(335, summaryEast.BackupJobs);

        var builder = new BackupReportBuilder(r => sb.Set.ForRegion(r).Backup);
        var report = await builder.BuildAsync(new BackupReportOptions { Regions = new List<string> { Region, DrRegion }, MaxFailedJobs = 60 }, Ct);

        var inWindow = east.Concat(west).Where(j => j.CreatedAge < 7 * 24 * 60).ToList();
        Assert.True(report.IsComplete);
        Assert.Empty(report.Warnings);
        Assert.Equal(530, inWindow.Count);
        Assert.Equal(530, report.TotalJobs);
        Assert.Equal(
            inWindow.GroupBy(j => j.State).ToDictionary(g => g.Key, g => (long)g.Count()).OrderBy(kv => kv.Key, StringComparer.Ordinal),
            report.TotalsByState.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Equal(new Dictionary<string, long> { ["ABORTED"] = 53, ["COMPLETED"] = 371, ["FAILED"] = 53, ["RUNNING"] = 53 }.OrderBy(kv => kv.Key), report.TotalsByState.OrderBy(kv => kv.Key));
        Assert.Equal(53, report.CompletedWithIssues);
        Assert.Equal(371.0 / 477.0, report.SuccessRate!.Value, 9);
        Assert.Equal(inWindow.Where(j => j.State == "COMPLETED").Sum(j => j.Size), report.BytesBackedUp);

        var failedExpected = inWindow.Where(j => j.State is "FAILED" or "ABORTED").ToList();
        Assert.Equal(106, failedExpected.Count);
        Assert.Equal(60, report.FailedJobs.Count);
        Assert.Equal(46, report.FailedJobsNotListed);
        var expectedById = failedExpected.ToDictionary(j => j.Id);
        foreach (var f in report.FailedJobs)
        {
            var e = expectedById[f.JobId];
            Assert.Equal((e.State, e.ResourceArn, e.Region), (f.State, f.ResourceArn, f.Region));
            if (e.State == "FAILED")
            {
                Assert.Equal(e.Message, f.StatusMessage);
            }

            Assert.Equal(seededAt.AddMinutes(-e.CreatedAge), f.CreationDate!.Value, TimeSpan.FromSeconds(10));
        }

        var resources = inWindow.GroupBy(j => j.ResourceArn).ToList();
        var neverBackedUp = 0;
        Assert.Equal(resources.Count, report.Resources.Count);
        foreach (var g in resources)
        {
            var r = Assert.Single(report.Resources, x => x.ResourceArn == g.Key);
            Assert.Equal((long)g.Count(), r.JobCount);
            Assert.Equal(g.LongCount(j => j.State is "FAILED" or "ABORTED"), r.FailedCount);
            Assert.Equal(g.First().Region, r.Region);
            Assert.Equal(g.Key.Contains(":rds:") ? "RDS" : "EBS", r.ResourceType);
            if (!g.Any(j => j.State == "COMPLETED"))
            {
                // e.g. the volume whose every job FAILED: never backed up in the window.
                Assert.Null(r.LastSuccessfulBackup);
                Assert.Null(r.Age);
                neverBackedUp++;
                continue;
            }

            var lastOk = g.Where(j => j.State == "COMPLETED").Min(j => j.CompletedAge!.Value);
            Assert.Equal(seededAt.AddMinutes(-lastOk), r.LastSuccessfulBackup!.Value, TimeSpan.FromSeconds(10));
            Assert.InRange(r.Age!.Value, TimeSpan.FromMinutes(lastOk) - TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(lastOk) + TimeSpan.FromSeconds(10));
        }

        Assert.Equal(4, neverBackedUp);
        Assert.All(report.Resources.Take(neverBackedUp), r => Assert.Null(r.LastSuccessfulBackup));

        // A region the sandbox has never seen: empty, not failing.
        var none = await builder.BuildAsync(new BackupReportOptions { Regions = new List<string> { "eu-central-1" } }, Ct);
        Assert.Equal((0L, (double?)null), (none.TotalJobs, none.SuccessRate));
        Assert.True(none.IsComplete);

        // Since older than 30 days warns; 10-day-old jobs now count.
        var wide = await builder.BuildAsync(new BackupReportOptions { Regions = new List<string> { Region, DrRegion }, Since = DateTime.UtcNow.AddDays(-31) }, Ct);
        Assert.Equal(560, wide.TotalJobs);
        Assert.Single(wide.Warnings);
    }
}
