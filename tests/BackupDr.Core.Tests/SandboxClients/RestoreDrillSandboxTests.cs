using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using static BackupDr.Core.Tests.SandboxClients.SandboxClients;

namespace BackupDr.Core.Tests.SandboxClients;

/// <summary>
/// RestoreDrill against the in-process sandbox: every path (passed, a failure after the restore started, a failed
/// verification, Ctrl+C mid-wait) leaves nothing behind, asserted with the sandbox's own listings.
/// </summary>
public sealed class RestoreDrillSandboxTests
{
    private const string Vol = "vol-0123456789abcdef0";
    private const string EbsPoint = "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0";
    private const string RdsPoint = "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-0123456789abcdef";

    private static SandboxClients Seeded(TimeSpan? jobDuration = null)
    {
        var sb = new SandboxClients(o => o.JobDuration = jobDuration ?? TimeSpan.Zero);
        sb.Server.SeedFromJson($$"""
        { "regions": [
          { "region": "us-east-1",
            "volumes": [ { "id": "{{Vol}}", "size": 8, "tags": { "DrTier": "Gold" } } ],
            "dbInstances": [ { "id": "orders", "engine": "postgres", "tags": { "DrTier": "Silver" } } ],
            "vaults": [ { "name": "Nightly" } ],
            "recoveryPoints": [
              { "arn": "{{EbsPoint}}", "vault": "Nightly", "resourceArn": "{{VolumeArn(Vol)}}", "createdAgeMinutes": 3 },
              { "arn": "arn:aws:ec2:us-east-1::snapshot/snap-00000000000000ol1", "vault": "Nightly", "resourceArn": "{{VolumeArn(Vol)}}", "createdAgeDays": 3 },
              { "arn": "{{RdsPoint}}", "vault": "Nightly", "resourceArn": "{{DbArn("orders")}}", "createdAgeMinutes": 30 } ] } ] }
        """);
        return sb;
    }

    private static RestoreDrill Drill(SandboxClients sb, RestoreDrillOptions? options = null)
    {
        options ??= new RestoreDrillOptions();
        options.Schedule = PollSchedule.Fixed(TimeSpan.FromMilliseconds(50));
        return new RestoreDrill(r => sb.Set.ForRegion(r), Region, options);
    }

    private static async Task<DrillResult> Run(RestoreDrill drill, string arn, Func<object, Task<string?>>? validate = null, CancellationToken? ct = null)
    {
        var target = new DrillTarget { ResourceArn = arn };
        var point = await drill.ChoosePointAsync(target, Ct);
        return await drill.RunAsync(target, point, validate, null, ct ?? Ct);
    }

    private static async Task AssertOnlyOriginals(SandboxClients sb)
    {
        var volumes = await All(sb.Ec2.DescribeVolumesAsync(null, null, Ct));
        Assert.Equal(new[] { Vol }, volumes.Select(v => v.VolumeId));
        var dbs = await All(sb.Rds.DescribeDBInstancesAsync(null, Ct));
        Assert.Equal(new[] { "orders" }, dbs.Select(d => d.DBInstanceIdentifier));
    }

    private static IEnumerable<string> Sent(SandboxClients sb) => sb.Server.RequestLog.Select(r => r.Operation);

    [Fact]
    public async Task A_volume_drill_restores_the_newest_point_verifies_grades_against_Gold_and_deletes_the_copy()
    {
        using var sb = Seeded();
        var r = await Run(Drill(sb), VolumeArn(Vol));

        Assert.True(r.Passed, r.Message);
        Assert.Equal(("Gold", EbsPoint), (r.Tier, r.RecoveryPointArn));
        Assert.True(r.Verified && r.CleanedUp);
        Assert.Equal(DrTiers.DefaultObjectives(DrTier.Gold).Rto, r.RtoTarget);
        Assert.True(r.RpoAchieved >= TimeSpan.FromMinutes(2.9) && r.RpoAchieved < TimeSpan.FromMinutes(5), r.RpoAchieved?.ToString());
        Assert.True(r.RtoMet);
        Assert.True(r.RpoMet);
        Assert.StartsWith("arn:aws:ec2:us-east-1:123456789012:volume/vol-", r.RestoredResourceArn, StringComparison.Ordinal);
        Assert.Contains("CreateTags", Sent(sb));
        Assert.Contains("DeleteVolume", Sent(sb));
        await AssertOnlyOriginals(sb);
    }

    [Fact]
    public async Task A_DB_drill_restores_under_the_prefix_checks_engine_and_endpoint_and_deletes_without_final_snapshot()
    {
        using var sb = Seeded();
        var r = await Run(Drill(sb, new RestoreDrillOptions { NamePrefix = "dr-" }), DbArn("orders"));

        Assert.True(r.Passed, r.Message);
        Assert.Equal("Silver", r.Tier);
        Assert.StartsWith("dr-orders-", r.RestoredResourceId, StringComparison.Ordinal);
        Assert.Contains(sb.Server.RequestLog, x => x.Operation == "DeleteDBInstance" && x.Status == 200);
        await AssertOnlyOriginals(sb);
        Assert.DoesNotContain(await All(sb.Rds.DescribeDBSnapshotsAsync(null, null, Ct)), s => s.DBSnapshotIdentifier.StartsWith("dr-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missed_RPO_fails_the_drill_but_still_cleans_up()
    {
        using var sb = Seeded();
        var target = new DrillTarget { ResourceArn = VolumeArn(Vol) };
        var drill = Drill(sb, new RestoreDrillOptions());
        var old = (await All(sb.Backup.ListRecoveryPointsByResourceAsync(VolumeArn(Vol), Ct))).Single(p => p.RecoveryPointArn.EndsWith("ol1", StringComparison.Ordinal));
        old.Region = Region;
        var r = await drill.RunAsync(target, old, null, null, Ct);

        Assert.False(r.Passed);
        Assert.False(r.RpoMet);
        Assert.True(r.RtoMet);
        Assert.Contains("RPO", r.Message, StringComparison.Ordinal);
        Assert.True(r.CleanedUp);
        await AssertOnlyOriginals(sb);
    }

    [Fact]
    public async Task DrillFailureAfterRestoreStarted_regression_a_failed_wait_still_deletes_the_restored_volume()
    {
        using var sb = Seeded();
        // The describe after the start and the first poll are refused; cleanup's own wait then finds the volume.
        sb.Server.AddFault("DescribeRestoreJob", count: 2, status: 403, errorCode: "AccessDeniedException");
        var r = await Run(Drill(sb), VolumeArn(Vol));

        Assert.False(r.Passed);
        Assert.False(r.Verified);
        Assert.True(r.CleanedUp, r.Message);
        Assert.Contains("DeleteVolume", Sent(sb));
        await AssertOnlyOriginals(sb);
    }

    [Fact]
    public async Task DrillVerificationFailed_regression_a_failed_validation_fails_the_drill_and_deletes_the_volume()
    {
        using var sb = Seeded();
        object? seen = null;
        var r = await Run(Drill(sb), VolumeArn(Vol), restored =>
        {
            seen = restored;
            return Task.FromResult<string?>("the data check found no rows");
        });

        Assert.IsType<Ec2Volume>(seen);
        Assert.False(r.Passed);
        Assert.False(r.Verified);
        Assert.Contains("no rows", r.Message, StringComparison.Ordinal);
        Assert.True(r.CleanedUp);
        await AssertOnlyOriginals(sb);
    }

    [Fact]
    public async Task DrillCancelled_regression_Ctrl_C_mid_wait_waits_for_the_restore_and_deletes_it_then_throws()
    {
        using var sb = Seeded(TimeSpan.FromSeconds(2));
        using var cts = new CancellationTokenSource();
        var drill = Drill(sb);
        var target = new DrillTarget { ResourceArn = DbArn("orders") };
        var point = await drill.ChoosePointAsync(target, Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(400));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => drill.RunAsync(target, point, null, null, cts.Token));

        Assert.Contains(sb.Server.RequestLog, x => x.Operation == "DeleteDBInstance" && x.Status == 200);
        await AssertOnlyOriginals(sb);
    }

    [Fact]
    public async Task KeepRestored_keeps_the_tagged_copy_and_the_cleaner_finds_and_removes_it()
    {
        using var sb = Seeded();
        var drill = Drill(sb, new RestoreDrillOptions { KeepRestored = true });
        var r = await Run(drill, VolumeArn(Vol));
        Assert.True(r.Passed, r.Message);
        Assert.False(r.CleanedUp);
        Assert.Equal(2, (await All(sb.Ec2.DescribeVolumesAsync(null, null, Ct))).Count);

        var cleaner = new DrillResourceCleaner(sb.Rds, sb.Ec2);
        Assert.Empty(await All(cleaner.FindAsync("drill-other", null, Account, Ct)));
        Assert.Empty(await All(cleaner.FindAsync(null, TimeSpan.FromDays(1), Account, Ct)));
        var found = Assert.Single(await All(cleaner.FindAsync(drill.DrillId, null, Account, Ct)));
        Assert.Equal(r.RestoredResourceArn, found.ResourceArn);
        await cleaner.RemoveAsync(found, Ct);
        await AssertOnlyOriginals(sb);
    }

    [Fact]
    public async Task DrillKilledBeforeTagging_regression_the_untagged_restore_is_found_by_its_drill_name_and_removed()
    {
        using var sb = Seeded();

        // Stand-in for a process killed between the restore's start and its tagging: neither the tag nor the
        // cleanup reaches AWS, so the restored DB instance is left without BackupDrDrillId.
        sb.Server.AddFault("AddTagsToResource", 100, 403, "AccessDenied");
        sb.Server.AddFault("DeleteDBInstance", 100, 403, "AccessDenied");
        var r = await Run(Drill(sb), DbArn("orders"));
        Assert.False(r.Passed);
        sb.Server.ClearFaults();
        var left = Assert.Single(await All(sb.Rds.DescribeDBInstancesAsync(null, Ct)), d => d.DBInstanceIdentifier != "orders");
        Assert.StartsWith("drill-orders-", left.DBInstanceIdentifier, StringComparison.Ordinal);
        Assert.DoesNotContain(left.TagList, t => t.Key == RestoreDrill.DrillIdTag);

        // An ordinary database whose name merely starts like a drill's is never taken for one.
        await sb.NewDb("drill-notes");
        var cleaner = new DrillResourceCleaner(sb.Rds, sb.Ec2);
        Assert.Empty(await All(cleaner.FindAsync(null, null, Account, Ct)));          // by tag only: the defect
        Assert.Empty(await All(cleaner.FindAsync(null, null, Account, "other-", Ct)));
        Assert.Empty(await All(cleaner.FindAsync(null, TimeSpan.FromDays(1), Account, "drill-", Ct)));
        var found = Assert.Single(await All(cleaner.FindAsync(null, null, Account, "drill-", Ct)));
        Assert.Equal((left.DBInstanceArn, DrillResourceCleaner.ByName, string.Empty, "RDS"), (found.ResourceArn, found.FoundBy, found.DrillId, found.ResourceType));
        Assert.Empty(await All(cleaner.FindAsync("drill-20260101000000-abcd", null, Account, "drill-", Ct)));

        await cleaner.RemoveAsync(found, Ct);
        var dbs = await All(sb.Rds.DescribeDBInstancesAsync(null, Ct));
        Assert.Equal(new[] { "drill-notes", "orders" }, dbs.Select(d => d.DBInstanceIdentifier).OrderBy(x => x, StringComparer.Ordinal));
    }

    private static DrillJournal NewJournal() => new(Path.Combine(Path.GetTempPath(), "BackupDr.Tests", Guid.NewGuid().ToString("N"), "drills.jsonl.pending"));

    [Fact]
    public async Task A_drill_that_cleans_up_journals_its_restore_start_job_and_finish_and_leaves_nothing_pending()
    {
        using var sb = Seeded();
        var journal = NewJournal();
        var drill = Drill(sb, new RestoreDrillOptions { Journal = journal });
        var r = await Run(drill, VolumeArn(Vol));

        Assert.True(r.Passed, r.Message);
        Assert.Empty(journal.Pending());
        var events = File.ReadAllLines(journal.Path).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("Event").GetString()).ToList();
        Assert.Equal(new[] { "started", "job", "finished" }, events);
        Assert.Contains(r.RestoreJobId!, File.ReadAllText(journal.Path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restore_AWS_refuses_is_journalled_as_finished()
    {
        using var sb = Seeded();
        sb.Server.AddFault("StartRestoreJob", 100, 400, "InvalidParameterValueException");
        var journal = NewJournal();
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => Run(Drill(sb, new RestoreDrillOptions { Journal = journal }), VolumeArn(Vol)));

        Assert.Equal("InvalidParameterValueException", error.ErrorCode);
        Assert.Empty(journal.Pending());
        Assert.Equal(2, File.ReadAllLines(journal.Path).Length);
    }

    /// <summary>
    /// Regression (DrillKilledBeforeTaggingEbs): a drill killed between starting a volume restore and tagging the volume
    /// left an untagged volume that nothing could find (AWS names the volume only when the job completes, and volumes
    /// have no name to match). The drill's journal has the restore job; the job names the volume.
    /// </summary>
    [Fact]
    public async Task DrillKilledBeforeTaggingEbs_regression_the_untagged_volume_is_found_through_the_journal_and_removed()
    {
        using var sb = Seeded();

        // Stand-in for a process killed after the restore started: neither the tag nor the cleanup reaches AWS.
        sb.Server.AddFault("CreateTags", 100, 403, "UnauthorizedOperation");
        sb.Server.AddFault("DeleteVolume", 100, 403, "UnauthorizedOperation");
        var journal = NewJournal();
        var drill = Drill(sb, new RestoreDrillOptions { Journal = journal });
        var r = await Run(drill, VolumeArn(Vol));
        Assert.False(r.Passed);
        sb.Server.ClearFaults();
        var left = Assert.Single(await All(sb.Ec2.DescribeVolumesAsync(null, null, Ct)), v => v.VolumeId != Vol);
        Assert.DoesNotContain(left.Tags, t => t.Key == RestoreDrill.DrillIdTag);
        var pending = Assert.Single(journal.Pending());
        Assert.Equal((drill.DrillId, VolumeArn(Vol), r.RestoreJobId), (pending.DrillId, pending.ResourceArn, pending.RestoreJobId));

        var cleaner = new DrillResourceCleaner(sb.Rds, sb.Ec2);
        Assert.Empty(await All(cleaner.FindAsync(null, null, Account, "drill-", Ct)));   // by tag and name only: the defect

        var settled = new List<KeyValuePair<DrillLeftover?, PendingDrillRestore>>();
        var warnings = new List<string>();
        Assert.Empty(await All(cleaner.FindInJournalAsync(journal, sb.Backup, "drill-other", null, settled, warnings, Ct)));
        Assert.Empty(await All(cleaner.FindInJournalAsync(journal, sb.Backup, null, TimeSpan.FromDays(1), settled, warnings, Ct)));
        var found = Assert.Single(await All(cleaner.FindInJournalAsync(journal, sb.Backup, null, null, settled, warnings, Ct)));
        Assert.Empty(warnings);
        Assert.Equal((VolumeArn(left.VolumeId), DrillResourceCleaner.ByJournal, drill.DrillId, "EBS"), (found.ResourceArn, found.FoundBy, found.DrillId, found.ResourceType));

        await cleaner.RemoveAsync(found, Ct);
        journal.RestoreFinished(pending.DrillId, pending.ResourceArn);
        await AssertOnlyOriginals(sb);
        Assert.Empty(journal.Pending());
    }

    [Fact]
    public async Task Journal_entries_whose_restore_is_running_or_unknown_are_warnings_and_failed_or_gone_ones_are_settled()
    {
        using var sb = Seeded(TimeSpan.FromSeconds(30));
        var journal = NewJournal();
        var running = await sb.Backup.StartRestoreJobAsync(new StartRestoreJobRequest { RecoveryPointArn = EbsPoint, IamRoleArn = "arn:aws:iam::123456789012:role/backup", Metadata = { ["availabilityZone"] = "us-east-1a" } }, Ct);
        Entry(journal, "drill-a", VolumeArn(Vol), running.RestoreJobId);
        Entry(journal, "drill-b", VolumeArn(Vol), null);
        Entry(journal, "drill-c", VolumeArn(Vol), "no-such-restore-job");
        Entry(journal, "drill-d", VolumeArn(Vol), running.RestoreJobId, region: "eu-west-1");

        var cleaner = new DrillResourceCleaner(sb.Rds, sb.Ec2);
        var settled = new List<KeyValuePair<DrillLeftover?, PendingDrillRestore>>();
        var warnings = new List<string>();
        Assert.Empty(await All(cleaner.FindInJournalAsync(journal, sb.Backup, null, null, settled, warnings, Ct)));

        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains(running.RestoreJobId, StringComparison.Ordinal) && w.Contains("still", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("drill-b", StringComparison.Ordinal) && w.Contains("Get-DrBackupJob -JobType Restore", StringComparison.Ordinal));
        var closed = Assert.Single(settled);
        Assert.Null(closed.Key);
        Assert.Equal("drill-c", closed.Value.DrillId);
    }

    private static void Entry(DrillJournal journal, string drillId, string resourceArn, string? jobId, string region = Region)
    {
        journal.RestoreStarting(new PendingDrillRestore { DrillId = drillId, ResourceArn = resourceArn, RecoveryPointArn = EbsPoint, Region = region, ResourceType = "EBS", StartedAt = DateTime.UtcNow });
        if (jobId != null)
        {
            journal.RestoreJobStarted(drillId, resourceArn, jobId);
        }
    }

    /// <summary>n Bronze volumes, each with a COMPLETED point, restored in JobDuration each.</summary>
    private static (SandboxClients Sb, List<string> Arns) Fleet(int n, TimeSpan jobDuration)
    {
        var sb = new SandboxClients(o => o.JobDuration = jobDuration);
        var ids = Enumerable.Range(1, n).Select(i => $"vol-0f0f0f0f0f0f0f0{i:x2}").ToList();
        var volumes = string.Join(",", ids.Select(id => $$"""{ "id": "{{id}}", "size": 8, "tags": { "DrTier": "Bronze" } }"""));
        var points = string.Join(",", ids.Select((id, i) => $$"""{ "arn": "arn:aws:ec2:us-east-1::snapshot/snap-0f0f0f0f0f0f0f0{{i + 1:x2}}", "vault": "Nightly", "resourceArn": "{{VolumeArn(id)}}", "createdAgeMinutes": 30 }"""));
        sb.Server.SeedFromJson($$"""{ "regions": [ { "region": "us-east-1", "volumes": [ {{volumes}} ], "vaults": [ { "name": "Nightly" } ], "recoveryPoints": [ {{points}} ] } ] }""");
        return (sb, ids.Select(id => VolumeArn(id)).ToList());
    }

    /// <summary>The most restore jobs the sandbox had running at one moment, from their creation and completion times.</summary>
    private static async Task<int> MaxOverlappingRestores(SandboxClients sb)
    {
        var jobs = await All(sb.Backup.ListRestoreJobsAsync(new JobListFilter(), Ct));
        var edges = jobs.SelectMany(j => new[] { (At: j.CreationDate!.Value, Delta: 1), (At: j.CompletionDate!.Value, Delta: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Delta);
        int now = 0, max = 0;
        foreach (var e in edges)
        {
            now += e.Delta;
            max = Math.Max(max, now);
        }

        return max;
    }

    private static async Task<List<KeyValuePair<DrillTarget, RecoveryPoint>>> Chosen(RestoreDrill drill, IEnumerable<string> arns)
    {
        var list = new List<KeyValuePair<DrillTarget, RecoveryPoint>>();
        foreach (var arn in arns)
        {
            var t = new DrillTarget { ResourceArn = arn };
            list.Add(new(t, await drill.ChoosePointAsync(t, Ct)));
        }

        return list;
    }

    [Fact]
    public async Task ThrottleLimit_runs_drills_together_but_never_more_than_the_limit_and_each_cleans_up()
    {
        var (sb, arns) = Fleet(6, TimeSpan.FromMilliseconds(600));
        using (sb)
        {
            var drill = Drill(sb, new RestoreDrillOptions { ThrottleLimit = 2 });
            var results = new List<DrillResult>();
            var concurrentCallbacks = 0;
            var overlappingCallbacks = false;
            await drill.RunAllAsync(await Chosen(drill, arns), null, null, r =>
            {
                overlappingCallbacks |= Interlocked.Increment(ref concurrentCallbacks) > 1;
                results.Add(r);
                Thread.Sleep(5);
                Interlocked.Decrement(ref concurrentCallbacks);
            }, (ex, arn) => Assert.Fail($"{arn}: {ex.Message}"), Ct);

            Assert.Equal(arns.OrderBy(a => a), results.Select(r => r.ResourceArn).OrderBy(a => a));
            Assert.All(results, r => Assert.True(r.Passed && r.CleanedUp, r.Message));
            Assert.False(overlappingCallbacks, "results are reported one at a time");
            Assert.Equal(2, drill.PeakInFlight);
            var overlap = await MaxOverlappingRestores(sb);
            Assert.InRange(overlap, 2, 2);
            Assert.Empty(await All(sb.Ec2.DescribeVolumesAsync(null, new[] { new Ec2Filter("tag-key", RestoreDrill.DrillIdTag) }, Ct)));
            Assert.Equal(6, (await All(sb.Ec2.DescribeVolumesAsync(null, null, Ct))).Count);
        }

        // Positive control: ThrottleLimit 1 never overlaps two restores.
        var (one, arns1) = Fleet(3, TimeSpan.FromMilliseconds(300));
        using (one)
        {
            var drill = Drill(one, new RestoreDrillOptions { ThrottleLimit = 1 });
            await drill.RunAllAsync(await Chosen(drill, arns1), null, null, _ => { }, (ex, arn) => Assert.Fail(ex.Message), Ct);
            Assert.Equal((1, 1), (drill.PeakInFlight, await MaxOverlappingRestores(one)));
        }
    }

    [Fact]
    public async Task DrillCancelled_regression_Ctrl_C_during_parallel_drills_cleans_up_every_one_then_throws()
    {
        var (sb, arns) = Fleet(5, TimeSpan.FromSeconds(1));
        using (sb)
        {
            using var cts = new CancellationTokenSource();
            var drill = Drill(sb, new RestoreDrillOptions { ThrottleLimit = 3 });
            var chosen = await Chosen(drill, arns);
            cts.CancelAfter(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => drill.RunAllAsync(chosen, null, null, _ => { }, (_, _) => { }, cts.Token));
            Assert.Equal(3, sb.Server.RequestLog.Count(r => r.Operation == "StartRestoreJob"));
            Assert.Equal(3, sb.Server.RequestLog.Count(r => r.Operation == "DeleteVolume" && r.Status == 200));
            Assert.Equal(5, (await All(sb.Ec2.DescribeVolumesAsync(null, null, Ct))).Count);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    public void A_ThrottleLimit_out_of_range_is_InvalidThrottleLimit(int limit)
    {
        var ex = Assert.Throws<DrValidationException>(() => RestoreDrill.Validate(new RestoreDrillOptions { ThrottleLimit = limit }));
        Assert.Equal(("InvalidThrottleLimit", "ThrottleLimit"), (ex.ErrorId, ex.ParameterName));
    }

    [Fact]
    public async Task A_not_completed_point_is_refused_before_anything_is_sent()
    {
        using var sb = Seeded();
        sb.Server.ClearRequestLog();
        var drill = Drill(sb);
        var target = new DrillTarget { ResourceArn = VolumeArn(Vol), Point = new RecoveryPoint { RecoveryPointArn = EbsPoint, Status = "PARTIAL", ResourceArn = VolumeArn(Vol) } };
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => drill.ChoosePointAsync(target, Ct));
        Assert.Equal("RecoveryPointNotCompleted", ex.ErrorId);
        Assert.Empty(sb.Server.RequestLog);
    }
}
