using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using static BackupDr.Core.Tests.SandboxClients.SandboxClients;

namespace BackupDr.Core.Tests.SandboxClients;

/// <summary>Every IBackupApi operation of our BackupClient against the in-process sandbox.</summary>
public sealed class BackupClientSandboxTests
{
    [Fact]
    public async Task Vaults_create_describe_list_and_unknown_vault_is_ResourceNotFound()
    {
        using var sb = new SandboxClients();
        var created = await sb.Backup.CreateBackupVaultAsync("Main", new Dictionary<string, string> { ["team"] = "dr" }, null, "req-1", Ct);
        Assert.Equal(("Main", VaultArn("Main"), Region), (created.BackupVaultName, created.BackupVaultArn, created.Region));
        Assert.NotNull(created.CreationDate);
        Assert.NotEqual(default, created.CreationDate!.Value);

        var described = await sb.Backup.DescribeBackupVaultAsync("Main", Ct);
        Assert.Equal((VaultArn("Main"), 0L, Region), (described.BackupVaultArn, described.NumberOfRecoveryPoints, described.Region));
        Assert.Equal(created.CreationDate.Value, described.CreationDate!.Value, TimeSpan.FromSeconds(1));

        await sb.Backup.CreateBackupVaultAsync("Second", null, null, null, Ct);
        var vaults = await All(sb.Backup.ListBackupVaultsAsync(Ct));
        Assert.Equal(new[] { "Default", "Main", "Second" }, vaults.Select(v => v.BackupVaultName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(vaults, v => Assert.Equal(Region, v.Region));

        var tags = await sb.Backup.ListTagsAsync(VaultArn("Main"), Ct);
        Assert.Equal("dr", tags["team"]);

        var missing = await Assert.ThrowsAsync<AwsServiceException>(() => sb.Backup.DescribeBackupVaultAsync("Nope", Ct));
        Assert.Equal("ResourceNotFoundException", missing.ErrorCode);
        Assert.True(missing.IsNotFound);
        var dup = await Assert.ThrowsAsync<AwsServiceException>(() => sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct));
        Assert.Equal("AlreadyExistsException", dup.ErrorCode);
    }

    [Fact]
    public async Task Backup_jobs_start_describe_and_list_with_filters_and_small_pages()
    {
        using var sb = new SandboxClients();
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        await sb.Backup.CreateBackupVaultAsync("Other", null, null, null, Ct);
        var vol = await sb.NewVolume();
        var volArn = VolumeArn(vol);
        await sb.NewDb("orders");

        var started = await sb.Backup.StartBackupJobAsync(new StartBackupJobRequest { BackupVaultName = "Main", ResourceArn = volArn, IamRoleArn = Role, Lifecycle = new Lifecycle { DeleteAfterDays = 35 } }, Ct);
        Assert.False(string.IsNullOrEmpty(started.BackupJobId));
        Assert.Equal(Region, started.Region);
        Assert.StartsWith("arn:aws:ec2:us-east-1::snapshot/snap-", started.RecoveryPointArn);
        Assert.NotNull(started.CreationDate);

        var job = await sb.Backup.DescribeBackupJobAsync(started.BackupJobId, Ct);
        Assert.Equal((started.BackupJobId, "COMPLETED", "COMPLETED", true), (job.BackupJobId, job.State, job.Status, job.Succeeded));
        Assert.Equal((volArn, "EBS", "Main", VaultArn("Main"), Region, Account), (job.ResourceArn, job.ResourceType, job.BackupVaultName, job.BackupVaultArn, job.Region, job.AccountId));
        Assert.Equal(started.RecoveryPointArn, job.RecoveryPointArn);
        Assert.Equal(Role, job.IamRoleArn);
        Assert.True(job.CompletionDate >= job.CreationDate);
        Assert.NotEqual(default, job.CreationDate!.Value);
        Assert.Equal(35L, job.RecoveryPointLifecycle?.DeleteAfterDays);
        Assert.Equal("SUCCESS", job.MessageCategory);

        // 24 more: 12 volume jobs in Main, 12 DB jobs in Other.
        for (var i = 0; i < 12; i++)
        {
            await sb.Backup.StartBackupJobAsync(new StartBackupJobRequest { BackupVaultName = "Main", ResourceArn = volArn, IamRoleArn = Role, IdempotencyToken = "v" + i }, Ct);
            await sb.Backup.StartBackupJobAsync(new StartBackupJobRequest { BackupVaultName = "Other", ResourceArn = DbArn("orders"), IamRoleArn = Role, IdempotencyToken = "d" + i }, Ct);
        }

        var all = await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { MaxResults = 4 }, Ct));
        Assert.Equal(25, all.Count);
        Assert.Equal(25, all.Select(j => j.BackupJobId).Distinct().Count());
        Assert.Contains(sb.Server.RequestLog, r => r.Operation == "ListBackupJobs");
        Assert.Equal(7, sb.Server.RequestLog.Count(r => r.Operation == "ListBackupJobs"));
        Assert.All(all, j => Assert.Equal(Region, j.Region));

        var main = await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { BackupVaultName = "Main", MaxResults = 5 }, Ct));
        Assert.Equal(13, main.Count);
        Assert.All(main, j => Assert.Equal(volArn, j.ResourceArn));
        var rds = await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { ResourceType = "RDS", MaxResults = 3 }, Ct));
        Assert.Equal(12, rds.Count);
        Assert.All(rds, j => Assert.Equal(DbArn("orders"), j.ResourceArn));
        var byResource = await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { ResourceArn = DbArn("orders"), State = "COMPLETED" }, Ct));
        Assert.Equal(12, byResource.Count);
        Assert.Empty(await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { State = "FAILED" }, Ct)));
        Assert.Empty(await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { CreatedAfter = DateTime.UtcNow.AddMinutes(5) }, Ct)));
        Assert.Equal(25, (await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { CreatedAfter = DateTime.UtcNow.AddMinutes(-5), CreatedBefore = DateTime.UtcNow.AddMinutes(5) }, Ct))).Count);
        Assert.Equal(25, (await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { MessageCategory = "SUCCESS", AccountId = Account }, Ct))).Count);

        var notFound = await Assert.ThrowsAsync<AwsServiceException>(() => sb.Backup.DescribeBackupJobAsync("00000000-0000-0000-0000-000000000000", Ct));
        Assert.Equal("ResourceNotFoundException", notFound.ErrorCode);
        var noVault = await Assert.ThrowsAsync<AwsServiceException>(() => sb.Backup.StartBackupJobAsync(new StartBackupJobRequest { BackupVaultName = "Nope", ResourceArn = volArn, IamRoleArn = Role }, Ct));
        Assert.Equal("ResourceNotFoundException", noVault.ErrorCode);
    }

    [Fact]
    public async Task Seeded_job_states_map_MessageCategory_and_StatusMessage()
    {
        using var sb = new SandboxClients();
        sb.Server.SeedFromJson("""
        { "regions": [ { "region": "us-east-1", "vaults": [ { "name": "Main" } ], "backupJobs": [
            { "id": "JOB-ISSUES", "vault": "Main", "resourceArn": "arn:aws:rds:us-east-1:123456789012:db:orders", "state": "COMPLETED", "messageCategory": "PARTIAL_SUCCESS", "createdAgeMinutes": 60, "completedAgeMinutes": 50 },
            { "id": "JOB-FAILED", "vault": "Main", "resourceArn": "arn:aws:rds:us-east-1:123456789012:db:orders", "state": "FAILED", "statusMessage": "Access denied to the KMS key", "createdAgeMinutes": 40, "completedAgeMinutes": 30 },
            { "id": "JOB-OK", "vault": "Main", "resourceArn": "arn:aws:rds:us-east-1:123456789012:db:orders", "state": "COMPLETED", "createdAgeMinutes": 20, "completedAgeMinutes": 10 }
        ] } ] }
        """);
        var issues = await sb.Backup.DescribeBackupJobAsync("JOB-ISSUES", Ct);
        Assert.Equal(("COMPLETED", "PARTIAL_SUCCESS", "COMPLETED_WITH_ISSUES", true, true), (issues.State, issues.MessageCategory, issues.Status, issues.CompletedWithIssues, issues.Succeeded));
        Assert.Equal(DateTime.UtcNow.AddMinutes(-60), issues.CreationDate!.Value, TimeSpan.FromMinutes(1));
        Assert.Equal(DateTime.UtcNow.AddMinutes(-50), issues.CompletionDate!.Value, TimeSpan.FromMinutes(1));
        var failed = await sb.Backup.DescribeBackupJobAsync("JOB-FAILED", Ct);
        Assert.Equal(("FAILED", "FAILED", false, true), (failed.State, failed.Status, failed.Succeeded, failed.IsTerminal));
        Assert.Equal("Access denied to the KMS key", failed.StatusMessage);
        var ok = await sb.Backup.DescribeBackupJobAsync("JOB-OK", Ct);
        Assert.Equal(("COMPLETED", "SUCCESS", "COMPLETED"), (ok.State, ok.MessageCategory, ok.Status));

        var partial = await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { MessageCategory = "PARTIAL_SUCCESS" }, Ct));
        Assert.Equal(new[] { "JOB-ISSUES" }, partial.Select(j => j.BackupJobId));
        var newestFirst = await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { MaxResults = 1 }, Ct));
        Assert.Equal(new[] { "JOB-OK", "JOB-FAILED", "JOB-ISSUES" }, newestFirst.Select(j => j.BackupJobId));
        var completedLately = await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { CompleteAfter = DateTime.UtcNow.AddMinutes(-35) }, Ct));
        Assert.Equal(new[] { "JOB-OK", "JOB-FAILED" }, completedLately.Select(j => j.BackupJobId));
    }

    [Fact]
    public async Task A_live_job_that_fails_reports_FAILURE_and_its_StatusMessage_and_every_call_is_logged()
    {
        using var sb = new SandboxClients(o => o.FailureRate = 1);
        var calls = new List<AwsCallRecord>();
        using var set = AwsClientFactory.Default.Create(sb.Backup.Context, r => { lock (calls) { calls.Add(r); } });
        await set.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        var vol = await sb.NewVolume();
        var started = await set.Backup.StartBackupJobAsync(new StartBackupJobRequest { BackupVaultName = "Main", ResourceArn = VolumeArn(vol), IamRoleArn = Role }, Ct);
        var failed = await set.Backup.DescribeBackupJobAsync(started.BackupJobId, Ct);
        Assert.Equal(("FAILED", "FAILURE", "FAILED", false), (failed.State, failed.MessageCategory, failed.Status, failed.Succeeded));
        Assert.False(string.IsNullOrEmpty(failed.StatusMessage));
        Assert.Empty(await All(set.Backup.ListRecoveryPointsByBackupVaultAsync("Main", new RecoveryPointFilter(), Ct)));
        Assert.Equal(started.BackupJobId, Assert.Single(await All(set.Backup.ListBackupJobsAsync(new BackupJobFilter { MessageCategory = "FAILURE" }, Ct))).BackupJobId);
        Assert.Equal(new[] { "CreateBackupVault", "StartBackupJob", "DescribeBackupJob", "ListRecoveryPointsByBackupVault", "ListBackupJobs" }, calls.Select(c => c.Operation));
        Assert.All(calls, c => Assert.Equal((Region, 200), (c.Region, c.StatusCode)));
    }

    [Fact]
    public async Task StopBackupJob_aborts_a_running_job()
    {
        using var sb = new SandboxClients(o => o.JobDuration = TimeSpan.FromHours(1));
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        var vol = await sb.NewVolume();
        var started = await sb.Backup.StartBackupJobAsync(new StartBackupJobRequest { BackupVaultName = "Main", ResourceArn = VolumeArn(vol), IamRoleArn = Role }, Ct);
        var running = await sb.Backup.DescribeBackupJobAsync(started.BackupJobId, Ct);
        Assert.False(running.IsTerminal);
        Assert.Contains(running.State, new[] { "CREATED", "PENDING", "RUNNING" });

        await sb.Backup.StopBackupJobAsync(started.BackupJobId, Ct);
        var stopped = await sb.Backup.DescribeBackupJobAsync(started.BackupJobId, Ct);
        Assert.Contains(stopped.State, new[] { "ABORTING", "ABORTED" });
        var again = await sb.Backup.DescribeBackupJobAsync(started.BackupJobId, Ct);
        Assert.Equal("ABORTED", again.State);
        Assert.False(again.Succeeded);
        Assert.Single(await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { State = "ABORTED" }, Ct)));
    }

    [Fact]
    public async Task Recovery_points_list_describe_metadata_restore_and_delete()
    {
        using var sb = new SandboxClients();
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        var vol = await sb.NewVolume(size: 16);
        var volArn = VolumeArn(vol);
        var first = await sb.Backup.StartBackupJobAsync(new StartBackupJobRequest { BackupVaultName = "Main", ResourceArn = volArn, IamRoleArn = Role }, Ct);
        var second = await sb.Backup.StartBackupJobAsync(new StartBackupJobRequest { BackupVaultName = "Main", ResourceArn = volArn, IamRoleArn = Role, IdempotencyToken = "two" }, Ct);
        await sb.Backup.DescribeBackupJobAsync(first.BackupJobId, Ct);
        await sb.Backup.DescribeBackupJobAsync(second.BackupJobId, Ct);

        var inVault = await All(sb.Backup.ListRecoveryPointsByBackupVaultAsync("Main", new RecoveryPointFilter { MaxResults = 1 }, Ct));
        Assert.Equal(new[] { first.RecoveryPointArn, second.RecoveryPointArn }.OrderBy(a => a), inVault.Select(p => p.RecoveryPointArn).OrderBy(a => a));
        Assert.All(inVault, p =>
        {
            Assert.Equal((volArn, "EBS", "COMPLETED", Region, "Main", VaultArn("Main")), (p.ResourceArn, p.ResourceType, p.Status, p.Region, p.BackupVaultName, p.BackupVaultArn));
            Assert.NotEqual(default, p.CreationDate!.Value);
        });
        Assert.Empty(await All(sb.Backup.ListRecoveryPointsByBackupVaultAsync("Main", new RecoveryPointFilter { ResourceType = "RDS" }, Ct)));
        Assert.Equal(2, (await All(sb.Backup.ListRecoveryPointsByBackupVaultAsync("Main", new RecoveryPointFilter { ResourceArn = volArn }, Ct))).Count);

        var byResource = await All(sb.Backup.ListRecoveryPointsByResourceAsync(volArn, Ct));
        Assert.Equal(2, byResource.Count);
        Assert.All(byResource, p => Assert.Equal(("Main", Region), (p.BackupVaultName, p.Region)));

        var point = await sb.Backup.DescribeRecoveryPointAsync("Main", first.RecoveryPointArn!, Ct);
        Assert.Equal((first.RecoveryPointArn, volArn, "EBS", "COMPLETED", "Main", Region), (point.RecoveryPointArn, point.ResourceArn, point.ResourceType, point.Status, point.BackupVaultName, point.Region));
        Assert.Equal(16L * 1024 * 1024 * 1024, point.BackupSizeInBytes);
        Assert.Equal(Role, point.IamRoleArn);

        var meta = await sb.Backup.GetRecoveryPointRestoreMetadataAsync("Main", first.RecoveryPointArn!, Ct);
        Assert.Equal((first.RecoveryPointArn, VaultArn("Main"), "EBS"), (meta.RecoveryPointArn, meta.BackupVaultArn, meta.ResourceType));
        Assert.Equal(("us-east-1a", "16"), (meta.Metadata["availabilityZone"], meta.Metadata["volumeSize"]));

        var restore = await sb.Backup.StartRestoreJobAsync(new StartRestoreJobRequest
        {
            RecoveryPointArn = first.RecoveryPointArn!,
            IamRoleArn = Role,
            Metadata = new Dictionary<string, string>(meta.Metadata) { ["availabilityZone"] = "us-east-1b", ["volumeType"] = "io2" },
        }, Ct);
        Assert.False(string.IsNullOrEmpty(restore.RestoreJobId));
        Assert.Equal(Region, restore.Region);
        var done = await sb.Backup.DescribeRestoreJobAsync(restore.RestoreJobId, Ct);
        Assert.Equal(("COMPLETED", "COMPLETED", Region, first.RecoveryPointArn), (done.State, done.Status, done.Region, done.RecoveryPointArn));
        Assert.StartsWith("arn:aws:ec2:us-east-1:123456789012:volume/vol-", done.CreatedResourceArn);
        Assert.NotEqual(default, done.CreationDate!.Value);
        var restoredId = done.CreatedResourceArn!.Split('/')[1];
        var restoredVol = Assert.Single(await All(sb.Ec2.DescribeVolumesAsync(new[] { restoredId }, null, Ct)));
        Assert.Equal(("us-east-1b", "io2", 16, first.RecoveryPointArn!.Split('/')[1]), (restoredVol.AvailabilityZone, restoredVol.VolumeType, restoredVol.Size ?? 0, restoredVol.SnapshotId));

        var restores = await All(sb.Backup.ListRestoreJobsAsync(new JobListFilter { State = "COMPLETED", MaxResults = 1 }, Ct));
        Assert.Equal(restore.RestoreJobId, Assert.Single(restores).RestoreJobId);
        Assert.Empty(await All(sb.Backup.ListRestoreJobsAsync(new JobListFilter { State = "FAILED" }, Ct)));

        await sb.Backup.DeleteRecoveryPointAsync("Main", second.RecoveryPointArn!, Ct);
        var gone = await Assert.ThrowsAsync<AwsServiceException>(() => sb.Backup.DescribeRecoveryPointAsync("Main", second.RecoveryPointArn!, Ct));
        Assert.Equal("ResourceNotFoundException", gone.ErrorCode);
        Assert.Single(await All(sb.Backup.ListRecoveryPointsByResourceAsync(volArn, Ct)));
        Assert.Equal(1L, (await sb.Backup.DescribeBackupVaultAsync("Main", Ct)).NumberOfRecoveryPoints);
        var noVault = await Assert.ThrowsAsync<AwsServiceException>(() => All(sb.Backup.ListRecoveryPointsByBackupVaultAsync("Nope", new RecoveryPointFilter(), Ct)));
        Assert.Equal("ResourceNotFoundException", noVault.ErrorCode);
    }

    [Fact]
    public async Task Copy_job_to_another_regions_vault_is_described_and_listed()
    {
        using var sb = new SandboxClients();
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        await sb.Dr.Backup.CreateBackupVaultAsync("DrVault", null, null, null, Ct);
        var vol = await sb.NewVolume();
        var job = await sb.Backup.StartBackupJobAsync(new StartBackupJobRequest { BackupVaultName = "Main", ResourceArn = VolumeArn(vol), IamRoleArn = Role }, Ct);
        await sb.Backup.DescribeBackupJobAsync(job.BackupJobId, Ct);

        var copy = await sb.Backup.StartCopyJobAsync(new StartCopyJobRequest
        {
            RecoveryPointArn = job.RecoveryPointArn!,
            SourceBackupVaultName = "Main",
            DestinationBackupVaultArn = VaultArn("DrVault", DrRegion),
            IamRoleArn = Role,
        }, Ct);
        Assert.False(string.IsNullOrEmpty(copy.CopyJobId));
        Assert.Equal(Region, copy.Region);

        var described = await sb.Backup.DescribeCopyJobAsync(copy.CopyJobId, Ct);
        Assert.Equal(("COMPLETED", "COMPLETED", Region), (described.State, described.Status, described.Region));
        Assert.Equal((VaultArn("Main"), job.RecoveryPointArn, VaultArn("DrVault", DrRegion)), (described.SourceBackupVaultArn, described.SourceRecoveryPointArn, described.DestinationBackupVaultArn));
        Assert.Contains(":" + DrRegion + ":", described.DestinationRecoveryPointArn ?? string.Empty);
        Assert.Equal(VolumeArn(vol), described.ResourceArn);
        Assert.NotEqual(default, described.CreationDate!.Value);

        var copies = await All(sb.Backup.ListCopyJobsAsync(new JobListFilter { DestinationVaultArn = VaultArn("DrVault", DrRegion), MaxResults = 1 }, Ct));
        Assert.Equal(copy.CopyJobId, Assert.Single(copies).CopyJobId);
        Assert.Empty(await All(sb.Backup.ListCopyJobsAsync(new JobListFilter { DestinationVaultArn = VaultArn("Elsewhere", DrRegion) }, Ct)));

        var drPoints = await All(sb.Dr.Backup.ListRecoveryPointsByBackupVaultAsync("DrVault", new RecoveryPointFilter(), Ct));
        var drPoint = Assert.Single(drPoints);
        Assert.Equal((described.DestinationRecoveryPointArn, DrRegion, VolumeArn(vol)), (drPoint.RecoveryPointArn, drPoint.Region, drPoint.ResourceArn));
    }

    [Fact]
    public async Task Plans_selections_protected_resources_and_tags()
    {
        using var sb = new SandboxClients();
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        var plan = new BackupPlan
        {
            BackupPlanName = "gold",
            Rules = new List<BackupRule>
            {
                new() { RuleName = "daily", TargetBackupVaultName = "Main", ScheduleExpression = "cron(0 5 ? * * *)", Lifecycle = new Lifecycle { MoveToColdStorageAfterDays = 30, DeleteAfterDays = 365 } },
            },
        };
        var created = await sb.Backup.CreateBackupPlanAsync(plan, new Dictionary<string, string> { ["owner"] = "dr" }, "plan-req", Ct);
        Assert.False(string.IsNullOrEmpty(created.BackupPlanId));
        Assert.False(string.IsNullOrEmpty(created.VersionId));
        Assert.StartsWith("arn:aws:backup:us-east-1:123456789012:backup-plan:", created.BackupPlanArn);

        var got = await sb.Backup.GetBackupPlanAsync(created.BackupPlanId!, null, Ct);
        Assert.Equal(("gold", created.VersionId, Region), (got.BackupPlanName, got.VersionId, got.Region));
        var rule = Assert.Single(got.Rules);
        Assert.Equal(("daily", "Main", "cron(0 5 ? * * *)", 30L, 365L), (rule.RuleName, rule.TargetBackupVaultName, rule.ScheduleExpression, rule.Lifecycle!.MoveToColdStorageAfterDays, rule.Lifecycle.DeleteAfterDays));
        Assert.NotEqual(default, got.CreationDate!.Value);

        plan.Rules.Add(new BackupRule { RuleName = "weekly", TargetBackupVaultName = "Main", ScheduleExpression = "cron(0 5 ? * 1 *)" });
        var updated = await sb.Backup.UpdateBackupPlanAsync(created.BackupPlanId!, plan, Ct);
        Assert.Equal(created.BackupPlanId, updated.BackupPlanId);
        Assert.NotEqual(created.VersionId, updated.VersionId);
        var latest = await sb.Backup.GetBackupPlanAsync(created.BackupPlanId!, null, Ct);
        Assert.Equal(new[] { "daily", "weekly" }, latest.Rules.Select(r => r.RuleName));
        var v1 = await sb.Backup.GetBackupPlanAsync(created.BackupPlanId!, created.VersionId, Ct);
        Assert.Equal((created.VersionId, "daily"), (v1.VersionId, Assert.Single(v1.Rules).RuleName));
        var badVersion = await Assert.ThrowsAsync<AwsServiceException>(() => sb.Backup.GetBackupPlanAsync(created.BackupPlanId!, "nope", Ct));
        Assert.Equal("ResourceNotFoundException", badVersion.ErrorCode);

        var plans = await All(sb.Backup.ListBackupPlansAsync(Ct));
        var summary = Assert.Single(plans);
        Assert.Equal((created.BackupPlanId, "gold", updated.VersionId, Region), (summary.BackupPlanId, summary.BackupPlanName, summary.VersionId, summary.Region));

        var selection = await sb.Backup.CreateBackupSelectionAsync(new BackupSelection
        {
            SelectionName = "tagged",
            BackupPlanId = created.BackupPlanId!,
            IamRoleArn = Role,
            ListOfTags = new List<BackupSelectionCondition> { new() { ConditionKey = "Backup", ConditionValue = "daily" } },
        }, null, Ct);
        Assert.False(string.IsNullOrEmpty(selection.SelectionId));
        var selections = await All(sb.Backup.ListBackupSelectionsAsync(created.BackupPlanId!, Ct));
        var sel = Assert.Single(selections);
        Assert.Equal((selection.SelectionId, "tagged", Role, created.BackupPlanId), (sel.SelectionId, sel.SelectionName, sel.IamRoleArn, sel.BackupPlanId));

        var missingPlan = await Assert.ThrowsAsync<AwsServiceException>(() => sb.Backup.GetBackupPlanAsync("no-such-plan", null, Ct));
        Assert.Equal("ResourceNotFoundException", missingPlan.ErrorCode);

        Assert.Empty(await All(sb.Backup.ListProtectedResourcesAsync(Ct)));
        var vol = await sb.NewVolume();
        var job = await sb.Backup.StartBackupJobAsync(new StartBackupJobRequest { BackupVaultName = "Main", ResourceArn = VolumeArn(vol), IamRoleArn = Role }, Ct);
        await sb.Backup.DescribeBackupJobAsync(job.BackupJobId, Ct);
        var protectedResource = Assert.Single(await All(sb.Backup.ListProtectedResourcesAsync(Ct)));
        Assert.Equal((VolumeArn(vol), "EBS", Region, VaultArn("Main"), job.RecoveryPointArn), (protectedResource.ResourceArn, protectedResource.ResourceType, protectedResource.Region, protectedResource.LastBackupVaultArn, protectedResource.LastRecoveryPointArn));
        Assert.NotEqual(default, protectedResource.LastBackupTime!.Value);

        await sb.Backup.TagResourceAsync(created.BackupPlanArn!, new Dictionary<string, string> { ["tier"] = "gold" }, Ct);
        var tags = await sb.Backup.ListTagsAsync(created.BackupPlanArn!, Ct);
        Assert.Equal(new[] { "owner=dr", "tier=gold" }, tags.Select(kv => kv.Key + "=" + kv.Value).OrderBy(s => s));
        await sb.Backup.TagResourceAsync(VaultArn("Main"), new Dictionary<string, string> { ["a"] = "1" }, Ct);
        Assert.Equal("1", (await sb.Backup.ListTagsAsync(VaultArn("Main"), Ct))["a"]);
    }
}
