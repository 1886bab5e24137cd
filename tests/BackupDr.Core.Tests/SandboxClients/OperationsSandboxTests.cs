using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using static BackupDr.Core.Tests.SandboxClients.SandboxClients;

namespace BackupDr.Core.Tests.SandboxClients;

/// <summary>Core operations end to end over our typed clients and the in-process sandbox.</summary>
public sealed class OperationsSandboxTests
{
    private sealed class SyncProgress : IProgress<JobProgress>
    {
        public List<JobProgress> Reports { get; } = new();

        public void Report(JobProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }
        }
    }

    private static Task<DrJob> Refresh(IBackupApi api, DrJob job, CancellationToken ct) => JobWaiter.RefreshAsync(api, job, ct);

    [Fact]
    public async Task BackupStarter_is_idempotent_per_day_waits_with_JobWaiter_and_copies_to_the_DR_region()
    {
        using var sb = new SandboxClients(o => o.JobDuration = TimeSpan.FromMilliseconds(800));
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        await sb.Dr.Backup.CreateBackupVaultAsync("DrVault", null, null, null, Ct);
        var vol = await sb.NewVolume();
        var options = new BackupStartOptions { ResourceArn = VolumeArn(vol), BackupVaultName = "Main", CopyToRegion = DrRegion, CopyToVault = "DrVault", DeleteAfterDays = 35 };
        var today = DateTime.UtcNow;

        var plan = BackupStarter.Plan(options, Region, today);
        Assert.True(plan.IamRoleDefaulted);
        Assert.True(plan.IdempotencyTokenDefaulted);
        Assert.Equal(VaultArn("DrVault", DrRegion), plan.CopyDestinationVaultArn);
        var started = (await BackupStarter.StartAsync(sb.Backup, plan, Ct)).Job;
        Assert.False(started.IsTerminal);
        Assert.Equal((VolumeArn(vol), "Main", plan.Request.IamRoleArn, Region), (started.ResourceArn, started.BackupVaultName, started.IamRoleArn, started.Region));

        var again = (await BackupStarter.StartAsync(sb.Backup, BackupStarter.Plan(options, Region, today), Ct)).Job;
        Assert.Equal(started.BackupJobId, again.BackupJobId);
        Assert.Single(await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter(), Ct)));
        var tomorrow = BackupStarter.Plan(options, Region, today.AddDays(1));
        Assert.NotEqual(plan.Request.IdempotencyToken, tomorrow.Request.IdempotencyToken);

        var progress = new SyncProgress();
        var done = (BackupJob)await JobWaiter.WaitAsync(started, (j, ct) => Refresh(sb.Backup, j, ct), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), progress, SystemClock.Instance, Ct);
        Assert.Equal(("COMPLETED", true), (done.State, done.Succeeded));
        Assert.False(string.IsNullOrEmpty(done.RecoveryPointArn));
        Assert.True(progress.Reports.Count >= 3, $"polled {progress.Reports.Count} times");
        Assert.True(progress.Reports.Last().IsCompleted);
        Assert.Equal(100, progress.Reports.Last().PercentDone);
        Assert.All(progress.Reports.Take(progress.Reports.Count - 1), p => Assert.False(p.IsCompleted));
        Assert.Contains(progress.Reports, p => p.State is "CREATED" or "PENDING" or "RUNNING");

        var copy = await BackupStarter.StartCopyAsync(sb.Backup, plan, done, Ct);
        Assert.Equal((done.RecoveryPointArn, VaultArn("DrVault", DrRegion), VaultArn("Main")), (copy.SourceRecoveryPointArn, copy.DestinationBackupVaultArn, copy.SourceBackupVaultArn));
        var copyAgain = await BackupStarter.StartCopyAsync(sb.Backup, plan, done, Ct);
        Assert.Equal(copy.CopyJobId, copyAgain.CopyJobId);
        var copied = (CopyJob)await JobWaiter.WaitAsync(copy, (j, ct) => Refresh(sb.Backup, j, ct), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), null, SystemClock.Instance, Ct);
        Assert.Equal("COMPLETED", copied.State);
        var drPoint = Assert.Single(await All(sb.Dr.Backup.ListRecoveryPointsByBackupVaultAsync("DrVault", new RecoveryPointFilter(), Ct)));
        Assert.Equal((copied.DestinationRecoveryPointArn, VolumeArn(vol)), (drPoint.RecoveryPointArn, drPoint.ResourceArn));
        Assert.Equal(35L, drPoint.Lifecycle?.DeleteAfterDays);
    }

    [Fact]
    public async Task JobWaiter_times_out_on_a_job_that_does_not_finish_and_a_failed_backup_is_not_copied()
    {
        using var sb = new SandboxClients(o => o.JobDuration = TimeSpan.FromHours(1));
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        var vol = await sb.NewVolume();
        var plan = BackupStarter.Plan(new BackupStartOptions { ResourceArn = VolumeArn(vol), BackupVaultName = "Main", CopyToRegion = DrRegion }, Region, DateTime.UtcNow);
        var started = (await BackupStarter.StartAsync(sb.Backup, plan, Ct)).Job;
        var timeout = await Assert.ThrowsAsync<DrTimeoutException>(() => JobWaiter.WaitAsync(started, (j, ct) => Refresh(sb.Backup, j, ct), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300), null, SystemClock.Instance, Ct));
        Assert.Contains(started.BackupJobId, timeout.Message);
        Assert.True(sb.Server.RequestLog.Count(r => r.Operation == "DescribeBackupJob") >= 3);

        await sb.Backup.StopBackupJobAsync(started.BackupJobId, Ct);
        var aborted = (BackupJob)await JobWaiter.WaitAsync(started, (j, ct) => Refresh(sb.Backup, j, ct), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(10), null, SystemClock.Instance, Ct);
        Assert.Equal("ABORTED", aborted.State);
        var refused = await Assert.ThrowsAsync<DrValidationException>(() => BackupStarter.StartCopyAsync(sb.Backup, plan, aborted, Ct));
        Assert.Equal("BackupNotCompleted", refused.ErrorId);
        Assert.DoesNotContain(sb.Server.RequestLog, r => r.Operation == "StartCopyJob");
    }

    [Fact]
    public async Task RecoveryPointQuery_Latest_keeps_the_newest_completed_point_per_resource()
    {
        using var sb = new SandboxClients();
        var a = VolumeArn("vol-0aaaaaaaaaaaaaaa1");
        var b = DbArn("orders");
        sb.Server.SeedFromJson($$"""
        { "regions": [ { "region": "us-east-1", "vaults": [ { "name": "Main" }, { "name": "Other" } ],
            "volumes": [ { "id": "vol-0aaaaaaaaaaaaaaa1", "size": 8 } ],
            "dbInstances": [ { "id": "orders" } ],
            "recoveryPoints": [
              { "arn": "arn:aws:ec2:us-east-1::snapshot/snap-0000000000000001a", "vault": "Main", "resourceArn": "{{a}}", "createdAgeDays": 3 },
              { "arn": "arn:aws:ec2:us-east-1::snapshot/snap-0000000000000003a", "vault": "Main", "resourceArn": "{{a}}", "createdAgeDays": 1 },
              { "arn": "arn:aws:ec2:us-east-1::snapshot/snap-0000000000000002a", "vault": "Main", "resourceArn": "{{a}}", "createdAgeDays": 2 },
              { "arn": "arn:aws:ec2:us-east-1::snapshot/snap-0000000000000004a", "vault": "Other", "resourceArn": "{{a}}", "createdAgeMinutes": 30 },
              { "arn": "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-b1", "vault": "Main", "resourceArn": "{{b}}", "createdAgeDays": 5 },
              { "arn": "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-b2", "vault": "Main", "resourceArn": "{{b}}", "createdAgeDays": 4 }
            ] } ] }
        """);
        var query = new RecoveryPointQuery(sb.Backup);

        var latestInMain = await All(query.ListAsync(new RecoveryPointQueryOptions { BackupVaultName = "Main", Latest = true }, Ct));
        Assert.Equal(
            new[] { (a, "arn:aws:ec2:us-east-1::snapshot/snap-0000000000000003a"), (b, "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-b2") }.OrderBy(x => x.Item1),
            latestInMain.Select(p => (p.ResourceArn!, p.RecoveryPointArn)).OrderBy(x => x.Item1));

        var latestOfA = Assert.Single(await All(query.ListAsync(new RecoveryPointQueryOptions { ResourceArn = a, Latest = true, Region = Region }, Ct)));
        Assert.Equal(("arn:aws:ec2:us-east-1::snapshot/snap-0000000000000004a", "Other"), (latestOfA.RecoveryPointArn, latestOfA.BackupVaultName));

        var allInMain = await All(query.ListAsync(new RecoveryPointQueryOptions { BackupVaultName = "Main" }, Ct));
        Assert.Equal(5, allInMain.Count);
        var recentEbs = await All(query.ListAsync(new RecoveryPointQueryOptions { BackupVaultName = "Main", ResourceType = "ebs", Since = DateTime.UtcNow.AddDays(-2.5) }, Ct));
        Assert.Equal(new[] { "arn:aws:ec2:us-east-1::snapshot/snap-0000000000000002a", "arn:aws:ec2:us-east-1::snapshot/snap-0000000000000003a" }, recentEbs.Select(p => p.RecoveryPointArn).OrderBy(s => s));
        var rdsOnly = Assert.Single(await All(query.ListAsync(new RecoveryPointQueryOptions { BackupVaultName = "Main", ResourceType = "RDS", Latest = true }, Ct)));
        Assert.Equal(b, rdsOnly.ResourceArn);
    }

    [Fact]
    public async Task RestorePlanner_restores_a_volume_and_a_DB_instance_and_refuses_a_taken_DB_name_before_sending()
    {
        using var sb = new SandboxClients(o => o.JobDuration = TimeSpan.FromMilliseconds(300));
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        var vol = await sb.NewVolume(size: 12);
        await sb.NewDb("orders");
        var jobs = new List<DrJob>();
        foreach (var arn in new[] { VolumeArn(vol), DbArn("orders") })
        {
            var plan = BackupStarter.Plan(new BackupStartOptions { ResourceArn = arn, BackupVaultName = "Main" }, Region, DateTime.UtcNow);
            jobs.Add((await BackupStarter.StartAsync(sb.Backup, plan, Ct)).Job);
        }

        var finished = (await All(JobWaiter.WaitAllAsync(jobs, new BackupJobSource(_ => sb.Backup), new JobWaitOptions { Timeout = TimeSpan.FromSeconds(30), Schedule = PollSchedule.Fixed(TimeSpan.FromMilliseconds(100)) }, Ct))).Select(r => r.Job).ToList();
        Assert.All(finished, j => Assert.Equal("COMPLETED", j.State));
        var query = new RecoveryPointQuery(sb.Backup);
        var volPoint = Assert.Single(await All(query.ListAsync(new RecoveryPointQueryOptions { ResourceArn = VolumeArn(vol), Latest = true, Region = Region }, Ct)));
        var dbPoint = Assert.Single(await All(query.ListAsync(new RecoveryPointQueryOptions { ResourceArn = DbArn("orders"), Latest = true, Region = Region }, Ct)));
        var planner = new RestorePlanner(sb.Backup, sb.Rds);

        // The name is taken: refused after reading metadata and RDS, before any StartRestoreJob.
        sb.Server.ClearRequestLog();
        var taken = await Assert.ThrowsAsync<DrValidationException>(() => planner.PlanAsync(dbPoint, new RestoreOverrides { TargetName = "orders" }, Ct));
        Assert.Equal(("ResourceNameInUse", DrErrorKind.ResourceExists), (taken.ErrorId, taken.Kind));
        Assert.Contains(sb.Server.RequestLog, r => r.Operation == "DescribeDBInstances");
        Assert.DoesNotContain(sb.Server.RequestLog, r => r.Operation == "StartRestoreJob");
        Assert.Empty(await All(sb.Backup.ListRestoreJobsAsync(new JobListFilter(), Ct)));

        // RDS: a free name and an instance class.
        var dbPlan = await planner.PlanAsync(dbPoint, new RestoreOverrides { TargetName = "orders-restored", InstanceClass = "db.t3.large" }, Ct);
        Assert.Equal(("RDS", "orders-restored", true), (dbPlan.ResourceType, dbPlan.TargetName, dbPlan.IamRoleDefaulted));
        Assert.Equal(("orders-restored", "db.t3.large"), (dbPlan.Request.Metadata["DBInstanceIdentifier"], dbPlan.Request.Metadata["DBInstanceClass"]));
        var dbRestore = await sb.Backup.StartRestoreJobAsync(dbPlan.Request, Ct);
        var dbDone = (RestoreJob)await JobWaiter.WaitAsync(dbRestore, (j, ct) => Refresh(sb.Backup, j, ct), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), null, SystemClock.Instance, Ct);
        Assert.Equal(("COMPLETED", DbArn("orders-restored")), (dbDone.State, dbDone.CreatedResourceArn));
        var restoredDb = Assert.Single(await All(sb.Rds.DescribeDBInstancesAsync("orders-restored", Ct)));
        Assert.Equal(("db.t3.large", DbArn("orders-restored")), (restoredDb.DBInstanceClass, restoredDb.DBInstanceArn));

        // Default target name: <source>-restore-<yyyyMMddHHmm>.
        var defaultPlan = await planner.PlanAsync(dbPoint, null, Ct);
        Assert.Matches("^orders-restore-[0-9]{14}-[a-z0-9]{4}$", defaultPlan.TargetName);

        // EBS: AZ and volume type overrides land on the restored volume.
        var volPlan = await planner.PlanAsync(volPoint, new RestoreOverrides { AvailabilityZone = "us-east-1c", VolumeType = "st1" }, Ct);
        Assert.Equal(("EBS", "us-east-1c", "st1"), (volPlan.ResourceType, volPlan.Request.Metadata["availabilityZone"], volPlan.Request.Metadata["volumeType"]));
        var volRestore = await sb.Backup.StartRestoreJobAsync(volPlan.Request, Ct);
        var volDone = (RestoreJob)await JobWaiter.WaitAsync(volRestore, (j, ct) => Refresh(sb.Backup, j, ct), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), null, SystemClock.Instance, Ct);
        Assert.Equal("COMPLETED", volDone.State);
        Assert.StartsWith("arn:aws:ec2:us-east-1:123456789012:volume/vol-", volDone.CreatedResourceArn);
        var restoredVolId = Arn.Parse(volDone.CreatedResourceArn!).ResourceId;
        var restoredVol = Assert.Single(await All(sb.Ec2.DescribeVolumesAsync(null, new[] { new Ec2Filter("volume-id", restoredVolId) }, Ct)));
        Assert.Equal(("us-east-1c", "st1", 12), (restoredVol.AvailabilityZone, restoredVol.VolumeType, restoredVol.Size ?? 0));
        Assert.Equal(2, (await All(sb.Ec2.DescribeVolumesAsync(null, null, Ct))).Count);
        Assert.Equal(2, (await All(sb.Backup.ListRestoreJobsAsync(new JobListFilter { State = "COMPLETED" }, Ct))).Count);
    }

    [Fact]
    public async Task TaggingOperation_diffs_applies_and_replans_to_no_change_on_a_volume_and_a_DB_instance()
    {
        using var sb = new SandboxClients();
        var vol = await sb.NewVolume(tagKey: "Backup", tagValue: "weekly");
        await sb.Ec2.CreateTagsAsync(new[] { vol }, new[] { new ResourceTag("old", "x"), new ResourceTag("keep", "1") }, Ct);
        await sb.NewDb("orders", new List<ResourceTag> { new("Backup", "weekly"), new("old", "x"), new("keep", "1") });
        var op = new ResourceTagger(sb.Ec2, sb.Rds);
        var set = new Dictionary<string, string> { ["Backup"] = "daily", ["DrTier"] = "Gold", ["keep"] = "1" };

        foreach (var arn in new[] { VolumeArn(vol), DbArn("orders") })
        {
            var resource = Arn.Parse(arn);
            var plan = await op.PlanAsync(resource, set, new[] { "old" }, Ct);
            Assert.Equal(new[] { "DrTier=Gold" }, plan.Diff.Added.Select(kv => kv.Key + "=" + kv.Value));
            var changed = Assert.Single(plan.Diff.Changed);
            Assert.Equal(("Backup", "daily"), (changed.Key, changed.NewValue));
            Assert.Equal(new[] { "old" }, plan.Diff.Removed.Keys);
            Assert.Equal(new[] { "keep" }, plan.Diff.Unchanged.Keys);
            Assert.False(plan.Applied);

            var applied = await op.ApplyAsync(plan, Ct);
            Assert.True(applied.Applied);
            var now = await op.ReadTagsAsync(resource, Ct);
            Assert.Equal(new[] { "Backup=daily", "DrTier=Gold", "keep=1" }, now.Select(kv => kv.Key + "=" + kv.Value).OrderBy(s => s, StringComparer.Ordinal));

            sb.Server.ClearRequestLog();
            var replan = await op.PlanAsync(resource, set, new[] { "old" }, Ct);
            Assert.False(replan.Diff.HasChanges);
            var noop = await op.ApplyAsync(replan, Ct);
            Assert.False(noop.Applied);
            Assert.DoesNotContain(sb.Server.RequestLog, r => r.Operation is "CreateTags" or "DeleteTags" or "AddTagsToResource" or "RemoveTagsFromResource");
        }

        // And the services themselves agree.
        var volTags = Assert.Single(await All(sb.Ec2.DescribeVolumesAsync(new[] { vol }, null, Ct))).Tags;
        Assert.Equal(new[] { "Backup=daily", "DrTier=Gold", "keep=1" }, volTags.Select(t => t.Key + "=" + t.Value).OrderBy(s => s, StringComparer.Ordinal));
        var dbTags = await sb.Rds.ListTagsForResourceAsync(DbArn("orders"), Ct);
        Assert.Equal(new[] { "Backup=daily", "DrTier=Gold", "keep=1" }, dbTags.Select(t => t.Key + "=" + t.Value).OrderBy(s => s, StringComparer.Ordinal));
    }

    [Fact]
    public async Task ResourceDiscovery_finds_tagged_volumes_instances_and_DB_instances()
    {
        using var sb = new SandboxClients();
        sb.Server.SeedFromJson("""
        { "regions": [ { "region": "us-east-1",
            "instances": [ { "id": "i-0aaaaaaaaaaaaaaa1", "state": "running", "volumeIds": [], "tags": { "Backup": "daily" } },
                           { "id": "i-0aaaaaaaaaaaaaaa2", "state": "terminated", "volumeIds": [], "tags": { "Backup": "daily" } },
                           { "id": "i-0aaaaaaaaaaaaaaa3", "state": "running", "volumeIds": [], "tags": { "Backup": "weekly" } } ],
            "dbInstances": [ { "id": "orders", "tags": { "Backup": "daily", "DrTier": "Gold" } }, { "id": "scratch", "tags": { "Backup": "never" } } ] },
          { "region": "us-west-2", "volumes": [ { "id": "vol-0bbbbbbbbbbbbbbb1", "tags": { "Backup": "daily" } } ] } ] }
        """);
        var daily1 = await sb.NewVolume(tagKey: "Backup", tagValue: "daily");
        var daily2 = await sb.NewVolume(tagKey: "Backup", tagValue: "daily");
        await sb.NewVolume(tagKey: "Backup", tagValue: "weekly");
        await sb.NewVolume();

        var discovery = new ResourceFinder(sb.Ec2, sb.Rds);
        var found = await All(discovery.FindAsync(new Dictionary<string, string> { ["Backup"] = "daily" }, null, Account, Ct));
        Assert.Equal(
            new[] { VolumeArn(daily1), VolumeArn(daily2), $"arn:aws:ec2:us-east-1:{Account}:instance/i-0aaaaaaaaaaaaaaa1", DbArn("orders") }.OrderBy(s => s, StringComparer.Ordinal),
            found.Select(r => r.ResourceArn).OrderBy(s => s, StringComparer.Ordinal));
        Assert.All(found, r => Assert.Equal(("daily", Region), (r.BackupFrequency, r.Region)));
        var db = found.Single(r => r.ResourceType == "RDS");
        Assert.Equal(("orders", "Gold", "available"), (db.ResourceId, db.DrTier, db.State));
        Assert.Equal(new[] { "EBS", "EBS", "EC2", "RDS" }, found.Select(r => r.ResourceType).OrderBy(s => s));

        var rdsOnly = await All(discovery.FindAsync(null, new[] { "RDS" }, Account, Ct));
        Assert.Equal(new[] { "orders", "scratch" }, rdsOnly.Select(r => r.ResourceId).OrderBy(s => s));
        var west = await All(new ResourceFinder(sb.Dr.Ec2, sb.Dr.Rds).FindAsync(new Dictionary<string, string> { ["Backup"] = "daily" }, new[] { "EBS" }, Account, Ct));
        Assert.Equal(VolumeArn("vol-0bbbbbbbbbbbbbbb1", DrRegion), Assert.Single(west).ResourceArn);
    }
}
