using System.Text.Json;
using BackupDr.Core.Aws;
using BackupDr.Sandbox;
using static BackupDr.Core.Tests.Sandbox.SandboxHarness;

namespace BackupDr.Core.Tests.Sandbox;

public sealed class SandboxBackupTests
{
    [Fact]
    public async Task Vaults_are_created_described_listed_and_deleted()
    {
        using var sb = new SandboxHarness();
        var created = await sb.Backup(HttpMethod.Put, "/backup-vaults/Main", new { BackupVaultTags = new Dictionary<string, string> { ["team"] = "dr" } });
        Assert.Equal("arn:aws:backup:us-east-1:123456789012:backup-vault:Main", created.Str("BackupVaultArn"));
        Assert.NotNull(created.Date("CreationDate"));
        Assert.Equal(JsonValueKind.Number, created.GetProperty("CreationDate").ValueKind);

        var described = await sb.Backup(HttpMethod.Get, "/backup-vaults/Main");
        Assert.Equal(0, described.Long("NumberOfRecoveryPoints"));
        var list = await sb.Backup(HttpMethod.Get, "/backup-vaults/");
        Assert.Equal(new[] { "Default", "Main" }, list.Items("BackupVaultList").Select(v => v.Str("BackupVaultName")));
        var tags = await sb.Backup(HttpMethod.Get, "/tags/" + Enc(created.Str("BackupVaultArn")!) + "/");
        Assert.Equal("dr", tags.StrMap("Tags")["team"]);

        var dup = await sb.BackupError(HttpMethod.Put, "/backup-vaults/Main", new { });
        Assert.Equal("AlreadyExistsException", dup.ErrorCode);

        await sb.Backup(HttpMethod.Delete, "/backup-vaults/Main");
        var gone = await sb.BackupError(HttpMethod.Get, "/backup-vaults/Main");
        Assert.Equal(("ResourceNotFoundException", 400), (gone.ErrorCode, gone.StatusCode));
    }

    [Fact]
    public async Task Vaults_are_kept_per_account_and_region()
    {
        using var sb = new SandboxHarness(o => o.AccountsByAccessKey["AKIDOTHER"] = "210987654321");
        await sb.CreateVault("Main");
        var otherRegion = await sb.Backup(HttpMethod.Get, "/backup-vaults/", region: "eu-west-1");
        Assert.Equal(new[] { "arn:aws:backup:eu-west-1:123456789012:backup-vault:Default" }, otherRegion.Items("BackupVaultList").Select(v => v.Str("BackupVaultArn")));
        var other = await sb.Transport(accessKey: "AKIDOTHER").SendAsync(JsonRequest(HttpMethod.Get, "/backup-vaults/"), CancellationToken.None);
        Assert.Equal(new[] { "arn:aws:backup:us-east-1:210987654321:backup-vault:Default" }, JsonRead.Parse(other.Body).Items("BackupVaultList").Select(v => v.Str("BackupVaultArn")));
        await sb.Transport(accessKey: "AKIDOTHER").SendAsync(JsonRequest(HttpMethod.Put, "/backup-vaults/Theirs", new { }), CancellationToken.None);
        Assert.Contains(sb.Server.RequestLog, r => r.AccountId == "210987654321" && r.Operation == "CreateBackupVault");
    }

    [Fact]
    public async Task Plans_and_selections_round_trip_and_lifecycle_rule_is_enforced()
    {
        using var sb = new SandboxHarness();
        await sb.CreateVault("Main");
        var plan = new
        {
            BackupPlan = new
            {
                BackupPlanName = "gold",
                Rules = new[] { new { RuleName = "daily", TargetBackupVaultName = "Main", ScheduleExpression = "cron(0 5 ? * * *)", Lifecycle = new { MoveToColdStorageAfterDays = 30, DeleteAfterDays = 365 } } },
            },
        };
        var created = await sb.Backup(HttpMethod.Put, "/backup/plans/", plan);
        var id = created.Str("BackupPlanId")!;
        Assert.StartsWith("arn:aws:backup:us-east-1:123456789012:backup-plan:", created.Str("BackupPlanArn"));

        var got = await sb.Backup(HttpMethod.Get, $"/backup/plans/{id}/");
        var rule = got.GetProperty("BackupPlan").Items("Rules").Single();
        Assert.Equal("daily", rule.Str("RuleName"));
        Assert.NotNull(rule.Str("RuleId"));
        Assert.Equal(created.Str("VersionId"), got.Str("VersionId"));

        var updated = await sb.Backup(HttpMethod.Post, $"/backup/plans/{id}", new { BackupPlan = new { BackupPlanName = "gold2", Rules = new[] { new { RuleName = "hourly", TargetBackupVaultName = "Main" } } } });
        Assert.NotEqual(created.Str("VersionId"), updated.Str("VersionId"));
        var listed = await sb.Backup(HttpMethod.Get, "/backup/plans/");
        Assert.Equal("gold2", listed.Items("BackupPlansList").Single().Str("BackupPlanName"));

        var sel = await sb.Backup(HttpMethod.Put, $"/backup/plans/{id}/selections/", new { BackupSelection = new { SelectionName = "tagged", IamRoleArn = Role, Resources = new[] { "*" } } });
        Assert.NotNull(sel.Str("SelectionId"));
        var sels = await sb.Backup(HttpMethod.Get, $"/backup/plans/{id}/selections/");
        Assert.Equal("tagged", sels.Items("BackupSelectionsList").Single().Str("SelectionName"));

        var bad = await sb.BackupError(HttpMethod.Put, "/backup/plans/", new
        {
            BackupPlan = new { BackupPlanName = "bad", Rules = new[] { new { RuleName = "r", TargetBackupVaultName = "Main", Lifecycle = new { MoveToColdStorageAfterDays = 30, DeleteAfterDays = 100 } } } },
        });
        Assert.Equal(("InvalidParameterValueException", 400), (bad.ErrorCode, bad.StatusCode));
        Assert.Contains("DeleteAfterDays", bad.Message);
        Assert.Contains("MoveToColdStorageAfterDays", bad.Message);

        var noPlan = await sb.BackupError(HttpMethod.Get, "/backup/plans/nope/");
        Assert.Equal("ResourceNotFoundException", noPlan.ErrorCode);
    }

    [Fact]
    public async Task Ebs_backup_restore_flow_produces_snapshot_recovery_point_and_restored_volume()
    {
        using var sb = new SandboxHarness(o => o.JobDuration = TimeSpan.FromMinutes(10));
        await sb.CreateVault("Main");
        var vol = await sb.CreateVolume(size: 16);
        var start = await sb.StartBackup("Main", VolumeArn(vol));
        var jobId = start.Str("BackupJobId")!;
        var rpArn = start.Str("RecoveryPointArn")!;
        Assert.Matches("^arn:aws:ec2:us-east-1::snapshot/snap-[0-9a-f]{17}$", rpArn);

        Assert.Equal("CREATED", (await sb.Backup(HttpMethod.Get, "/backup-jobs/" + jobId)).Str("State"));
        sb.Clock.Advance(TimeSpan.FromMinutes(1.5));
        Assert.Equal("PENDING", (await sb.Backup(HttpMethod.Get, "/backup-jobs/" + jobId)).Str("State"));
        sb.Clock.Advance(TimeSpan.FromMinutes(3));
        var running = await sb.Backup(HttpMethod.Get, "/backup-jobs/" + jobId);
        Assert.Equal("RUNNING", running.Str("State"));
        Assert.Empty((await sb.Backup(HttpMethod.Get, "/backup-vaults/Main/recovery-points/")).Items("RecoveryPoints"));
        sb.Clock.Advance(TimeSpan.FromMinutes(6));
        var done = await sb.Backup(HttpMethod.Get, "/backup-jobs/" + jobId);
        Assert.Equal("COMPLETED", done.Str("State"));
        Assert.Equal("EBS", done.Str("ResourceType"));
        Assert.Equal(16L * 1024 * 1024 * 1024, done.Long("BackupSizeInBytes"));
        Assert.NotNull(done.Date("CompletionDate"));

        var rps = await sb.Backup(HttpMethod.Get, "/backup-vaults/Main/recovery-points/");
        Assert.Equal(rpArn, rps.Items("RecoveryPoints").Single().Str("RecoveryPointArn"));
        var byResource = await sb.Backup(HttpMethod.Get, $"/resources/{Enc(VolumeArn(vol))}/recovery-points/");
        Assert.Equal(rpArn, byResource.Items("RecoveryPoints").Single().Str("RecoveryPointArn"));
        var described = await sb.Backup(HttpMethod.Get, $"/backup-vaults/Main/recovery-points/{Enc(rpArn)}");
        Assert.Equal(("COMPLETED", VolumeArn(vol)), (described.Str("Status"), described.Str("ResourceArn")));

        var snaps = await sb.Query(AwsService.Ec2, "DescribeSnapshots", "us-east-1", ("Filter.1.Name", "volume-id"), ("Filter.1.Value.1", vol));
        Assert.Equal(rpArn.Split('/')[1], snaps.Root!.Items("snapshotSet", "item").Single().Str("snapshotId"));

        var meta = await sb.Backup(HttpMethod.Get, $"/backup-vaults/Main/recovery-points/{Enc(rpArn)}/restore-metadata");
        var m = meta.StrMap("RestoreMetadata");
        Assert.Equal(("us-east-1a", "gp3", "16", "false"), (m["availabilityZone"], m["volumeType"], m["volumeSize"], m["encrypted"]));

        var protectedRes = await sb.Backup(HttpMethod.Get, "/resources/");
        Assert.Equal(VolumeArn(vol), protectedRes.Items("Results").Single().Str("ResourceArn"));

        var restore = await sb.Backup(HttpMethod.Put, "/restore-jobs", new { RecoveryPointArn = rpArn, IamRoleArn = Role, Metadata = new Dictionary<string, string>(m) { ["availabilityZone"] = "us-east-1c" } });
        var restoreId = restore.Str("RestoreJobId")!;
        Assert.Equal("PENDING", (await sb.Backup(HttpMethod.Get, "/restore-jobs/" + restoreId)).Str("Status"));
        sb.Clock.Advance(TimeSpan.FromMinutes(11));
        var restored = await sb.Backup(HttpMethod.Get, "/restore-jobs/" + restoreId);
        Assert.Equal("COMPLETED", restored.Str("Status"));
        var createdArn = restored.Str("CreatedResourceArn")!;
        Assert.StartsWith("arn:aws:ec2:us-east-1:123456789012:volume/vol-", createdArn);
        var newVol = createdArn.Split('/')[1];
        var vols = await sb.Query(AwsService.Ec2, "DescribeVolumes", pairs: ("VolumeId.1", newVol));
        var item = vols.Root!.Items("volumeSet", "item").Single();
        Assert.Equal(("us-east-1c", rpArn.Split('/')[1], 16), (item.Str("availabilityZone"), item.Str("snapshotId"), item.Int("size")));
        var restoreList = await sb.Backup(HttpMethod.Get, "/restore-jobs/", query: ("status", "COMPLETED"));
        Assert.Equal(restoreId, restoreList.Items("RestoreJobs").Single().Str("RestoreJobId"));

        await sb.Backup(HttpMethod.Delete, $"/backup-vaults/Main/recovery-points/{Enc(rpArn)}");
        Assert.Empty((await sb.Backup(HttpMethod.Get, "/backup-vaults/Main/recovery-points/")).Items("RecoveryPoints"));
        var missingRp = await sb.BackupError(HttpMethod.Get, $"/backup-vaults/Main/recovery-points/{Enc(rpArn)}");
        Assert.Equal(("ResourceNotFoundException", 400), (missingRp.ErrorCode, missingRp.StatusCode));
    }

    [Fact]
    public async Task Rds_backup_makes_awsbackup_snapshot_and_restore_creates_instance_but_not_over_an_existing_one()
    {
        using var sb = new SandboxHarness();
        await sb.CreateVault("Main");
        await sb.CreateDb("orders");
        var start = await sb.StartBackup("Main", DbArn("orders"));
        var jobId = start.Str("BackupJobId")!;
        Assert.Equal($"arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-{jobId.ToLowerInvariant()}", start.Str("RecoveryPointArn"));
        Assert.Equal("COMPLETED", (await sb.Backup(HttpMethod.Get, "/backup-jobs/" + jobId)).Str("State"));

        var snaps = await sb.Query(AwsService.Rds, "DescribeDBSnapshots", "us-east-1", ("DBInstanceIdentifier", "orders"), ("SnapshotType", "awsbackup"));
        Assert.Equal("awsbackup:job-" + jobId.ToLowerInvariant(), snaps.Find("DBSnapshot")!.Str("DBSnapshotIdentifier"));

        var rp = start.Str("RecoveryPointArn")!;
        var meta = (await sb.Backup(HttpMethod.Get, $"/backup-vaults/Main/recovery-points/{Enc(rp)}/restore-metadata")).StrMap("RestoreMetadata");
        foreach (var key in new[] { "DBInstanceIdentifier", "DBInstanceClass", "Engine", "DBSubnetGroupName", "AvailabilityZone", "MultiAZ" })
        {
            Assert.True(meta.ContainsKey(key), key);
        }

        var clash = await sb.Backup(HttpMethod.Put, "/restore-jobs", new { RecoveryPointArn = rp, IamRoleArn = Role, Metadata = new Dictionary<string, string>(meta) });
        var failed = await sb.Backup(HttpMethod.Get, "/restore-jobs/" + clash.Str("RestoreJobId"));
        Assert.Equal("FAILED", failed.Str("Status"));
        Assert.Contains("already exists", failed.Str("StatusMessage"));

        var ok = await sb.Backup(HttpMethod.Put, "/restore-jobs", new { RecoveryPointArn = rp, IamRoleArn = Role, Metadata = new Dictionary<string, string>(meta) { ["DBInstanceIdentifier"] = "orders-restored" } });
        var job = await sb.Backup(HttpMethod.Get, "/restore-jobs/" + ok.Str("RestoreJobId"));
        Assert.Equal(("COMPLETED", DbArn("orders-restored")), (job.Str("Status"), job.Str("CreatedResourceArn")));
        var dbs = await sb.Query(AwsService.Rds, "DescribeDBInstances", pairs: ("DBInstanceIdentifier", "orders-restored"));
        Assert.Equal("available", dbs.Find("DBInstance")!.Str("DBInstanceStatus"));
    }

    [Fact]
    public async Task Copy_job_puts_a_recovery_point_in_another_regions_vault()
    {
        using var sb = new SandboxHarness();
        await sb.CreateVault("Main");
        await sb.CreateVault("Dr", "us-west-2");
        var vol = await sb.CreateVolume();
        var rp = (await sb.StartBackup("Main", VolumeArn(vol))).Str("RecoveryPointArn")!;
        await sb.Backup(HttpMethod.Get, "/backup-jobs/");
        var destVault = "arn:aws:backup:us-west-2:123456789012:backup-vault:Dr";
        var copy = await sb.Backup(HttpMethod.Put, "/copy-jobs", new { RecoveryPointArn = rp, SourceBackupVaultName = "Main", DestinationBackupVaultArn = destVault, IamRoleArn = Role, IdempotencyToken = "c1" });
        var again = await sb.Backup(HttpMethod.Put, "/copy-jobs", new { RecoveryPointArn = rp, SourceBackupVaultName = "Main", DestinationBackupVaultArn = destVault, IamRoleArn = Role, IdempotencyToken = "c1" });
        Assert.Equal(copy.Str("CopyJobId"), again.Str("CopyJobId"));
        var described = (await sb.Backup(HttpMethod.Get, "/copy-jobs/" + copy.Str("CopyJobId"))).GetProperty("CopyJob");
        Assert.Equal("COMPLETED", described.Str("State"));
        var destRp = described.Str("DestinationRecoveryPointArn")!;
        Assert.StartsWith("arn:aws:ec2:us-west-2::snapshot/snap-", destRp);
        var inDr = await sb.Backup(HttpMethod.Get, "/backup-vaults/Dr/recovery-points/", region: "us-west-2");
        var item = inDr.Items("RecoveryPoints").Single();
        Assert.Equal((destRp, "arn:aws:backup:us-east-1:123456789012:backup-vault:Main"), (item.Str("RecoveryPointArn"), item.Str("SourceBackupVaultArn")));
        var copies = await sb.Backup(HttpMethod.Get, "/copy-jobs/", query: ("destinationVaultArn", destVault));
        Assert.Single(copies.Items("CopyJobs"));
        var snaps = await sb.Query(AwsService.Ec2, "DescribeSnapshots", "us-west-2");
        Assert.Equal(destRp.Split('/')[1], snaps.Root!.Items("snapshotSet", "item").Single().Str("snapshotId"));

        var noDest = await sb.BackupError(HttpMethod.Put, "/copy-jobs", new { RecoveryPointArn = rp, SourceBackupVaultName = "Main", DestinationBackupVaultArn = "arn:aws:backup:eu-west-1:123456789012:backup-vault:None", IamRoleArn = Role });
        Assert.Equal("ResourceNotFoundException", noDest.ErrorCode);
    }

    [Fact]
    public async Task Same_idempotency_token_returns_the_same_job_and_distinct_tokens_make_new_jobs()
    {
        using var sb = new SandboxHarness();
        await sb.CreateVault("Main");
        var vol = await sb.CreateVolume();
        var a = await sb.StartBackup("Main", VolumeArn(vol), "tok-1");
        var b = await sb.StartBackup("Main", VolumeArn(vol), "tok-1");
        var c = await sb.StartBackup("Main", VolumeArn(vol), "tok-2");
        Assert.Equal(a.Str("BackupJobId"), b.Str("BackupJobId"));
        Assert.NotEqual(a.Str("BackupJobId"), c.Str("BackupJobId"));
        var other = await sb.Backup(HttpMethod.Put, "/backup-vaults/Main", new { }, "eu-west-1");
        Assert.Equal(2, (await sb.Backup(HttpMethod.Get, "/backup-jobs/")).Items("BackupJobs").Count());
    }

    [Fact]
    public async Task StopBackupJob_aborts_and_start_window_expires()
    {
        using var sb = new SandboxHarness(o => o.JobDuration = TimeSpan.FromHours(10));
        await sb.CreateVault("Main");
        var vol = await sb.CreateVolume();
        var job = (await sb.StartBackup("Main", VolumeArn(vol))).Str("BackupJobId")!;
        await sb.Backup(HttpMethod.Post, "/backup-jobs/" + job);
        var aborted = await sb.Backup(HttpMethod.Get, "/backup-jobs/" + job);
        Assert.Equal("ABORTED", aborted.Str("State"));
        var again = await sb.BackupError(HttpMethod.Post, "/backup-jobs/" + job);
        Assert.Equal("InvalidRequestException", again.ErrorCode);

        var windowed = (await sb.Backup(HttpMethod.Put, "/backup-jobs", new { BackupVaultName = "Main", ResourceArn = VolumeArn(vol), IamRoleArn = Role, StartWindowMinutes = 60 })).Str("BackupJobId")!;
        sb.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal("EXPIRED", (await sb.Backup(HttpMethod.Get, "/backup-jobs/" + windowed)).Str("State"));
        var expired = await sb.Backup(HttpMethod.Get, "/backup-jobs/", query: ("state", "EXPIRED"));
        Assert.Equal(windowed, expired.Items("BackupJobs").Single().Str("BackupJobId"));
    }

    [Fact]
    public async Task ListBackupJobs_filters_by_every_member()
    {
        using var sb = new SandboxHarness();
        await sb.CreateVault("Main");
        await sb.CreateVault("Other");
        var vol = await sb.CreateVolume();
        await sb.CreateDb("db1");
        var t0 = sb.Clock.Now;
        var j1 = (await sb.StartBackup("Main", VolumeArn(vol))).Str("BackupJobId");
        sb.Clock.Advance(TimeSpan.FromMinutes(5));
        var t1 = sb.Clock.Now;
        var j2 = (await sb.StartBackup("Other", DbArn("db1"))).Str("BackupJobId");
        sb.Clock.Advance(TimeSpan.FromMinutes(5));

        async Task<string?[]> Ids(params (string, string)[] q) =>
            (await sb.Backup(HttpMethod.Get, "/backup-jobs/", query: q)).Items("BackupJobs").Select(j => j.Str("BackupJobId")).ToArray();

        Assert.Equal(new[] { j2, j1 }, await Ids());
        Assert.Equal(new[] { j1 }, await Ids(("resourceArn", VolumeArn(vol))));
        Assert.Equal(new[] { j2 }, await Ids(("backupVaultName", "Other")));
        Assert.Equal(new[] { j2 }, await Ids(("resourceType", "RDS")));
        Assert.Equal(new[] { j2, j1 }, await Ids(("state", "COMPLETED")));
        Assert.Empty(await Ids(("state", "FAILED")));
        Assert.Equal(new[] { j1 }, await Ids(("createdBefore", AwsEncoding.ToIso8601(t1))));
        Assert.Equal(new[] { j2 }, await Ids(("createdAfter", AwsEncoding.ToIso8601(t1.AddSeconds(-1)))));
        Assert.Equal(new[] { j2 }, await Ids(("createdAfter", AwsEncoding.ToEpochSeconds(t1.AddSeconds(-1)).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(new[] { j2, j1 }, await Ids(("accountId", Account)));
        Assert.Empty(await Ids(("accountId", "999999999999")));
        Assert.Equal(new[] { j1 }, await Ids(("completeBefore", AwsEncoding.ToIso8601(t1.AddSeconds(-1)))));
        Assert.Equal(new[] { j2 }, await Ids(("completeAfter", AwsEncoding.ToIso8601(t0.AddMinutes(1)))));
        Assert.Empty(await Ids(("parentJobId", "nope")));
        Assert.Equal(new[] { j2, j1 }, await Ids(("messageCategory", "SUCCESS")));

        var badState = await sb.BackupError(HttpMethod.Get, "/backup-jobs/", query: ("state", "DONE"));
        Assert.Equal("InvalidParameterValueException", badState.ErrorCode);
    }

    [Fact]
    public async Task ListBackupJobs_pages_honours_MaxResults_and_hides_jobs_older_than_30_days()
    {
        using var sb = new SandboxHarness();
        await sb.CreateVault("Main");
        var vol = await sb.CreateVolume();
        sb.Clock.Advance(TimeSpan.FromDays(-40));
        var old = (await sb.StartBackup("Main", VolumeArn(vol))).Str("BackupJobId");
        sb.Clock.Advance(TimeSpan.FromDays(40));
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((await sb.StartBackup("Main", VolumeArn(vol))).Str("BackupJobId")!);
            sb.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var q = new List<(string, string)> { ("maxResults", "3") };
            if (token != null)
            {
                q.Add(("nextToken", token));
            }

            var page = await sb.Backup(HttpMethod.Get, "/backup-jobs/", query: q.ToArray());
            var items = page.Items("BackupJobs").Select(j => j.Str("BackupJobId")!).ToList();
            Assert.True(items.Count <= 3);
            seen.AddRange(items);
            token = page.Str("NextToken");
            pages++;
        }
        while (token != null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(ids), seen);
        Assert.DoesNotContain(old, seen);
        Assert.Equal(old, (await sb.Backup(HttpMethod.Get, "/backup-jobs/" + old)).Str("BackupJobId"));

        foreach (var bad in new[] { "0", "1001", "x" })
        {
            var e = await sb.BackupError(HttpMethod.Get, "/backup-jobs/", query: ("maxResults", bad));
            Assert.Equal(("InvalidParameterValueException", 400), (e.ErrorCode, e.StatusCode));
        }

        var badToken = await sb.BackupError(HttpMethod.Get, "/backup-jobs/", query: ("nextToken", "garbage!"));
        Assert.Equal("InvalidParameterValueException", badToken.ErrorCode);
    }

    [Fact]
    public async Task Bad_input_gets_the_errors_AWS_gives()
    {
        using var sb = new SandboxHarness();
        await sb.CreateVault("Main");
        var vol = await sb.CreateVolume();

        var malformed = await sb.BackupError(HttpMethod.Put, "/backup-jobs", "{\"BackupVaultName\": ");
        Assert.Equal(("SerializationException", 400), (malformed.ErrorCode, malformed.StatusCode));

        var missing = await sb.BackupError(HttpMethod.Put, "/backup-jobs", new { BackupVaultName = "Main", IamRoleArn = Role });
        Assert.Equal(("MissingParameterValueException", 400), (missing.ErrorCode, missing.StatusCode));
        Assert.Contains("ResourceArn", missing.Message);

        var noRole = await sb.BackupError(HttpMethod.Put, "/backup-jobs", new { BackupVaultName = "Main", ResourceArn = VolumeArn(vol) });
        Assert.Equal("MissingParameterValueException", noRole.ErrorCode);
        var badRole = await sb.BackupError(HttpMethod.Put, "/backup-jobs", new { BackupVaultName = "Main", ResourceArn = VolumeArn(vol), IamRoleArn = "role" });
        Assert.Equal("InvalidParameterValueException", badRole.ErrorCode);

        var unknownOp = await sb.BackupError(HttpMethod.Get, "/no-such-thing");
        Assert.Equal(("UnknownOperationException", 404), (unknownOp.ErrorCode, unknownOp.StatusCode));

        var wrongType = SandboxHarness.JsonRequest(HttpMethod.Put, "/backup-jobs", "BackupVaultName=Main");
        wrongType.ContentType = "text/plain";
        var wt = await Assert.ThrowsAsync<AwsServiceException>(() => sb.Transport().SendAsync(wrongType, CancellationToken.None));
        Assert.Equal(("UnsupportedMediaTypeException", 415), (wt.ErrorCode, wt.StatusCode));

        var noVault = await sb.BackupError(HttpMethod.Put, "/backup-jobs", new { BackupVaultName = "Nope", ResourceArn = VolumeArn(vol), IamRoleArn = Role });
        Assert.Equal(("ResourceNotFoundException", 400), (noVault.ErrorCode, noVault.StatusCode));

        var noResource = await sb.BackupError(HttpMethod.Put, "/backup-jobs", new { BackupVaultName = "Main", ResourceArn = VolumeArn("vol-00000000000000000"), IamRoleArn = Role });
        Assert.Equal("ResourceNotFoundException", noResource.ErrorCode);

        var noRp = await sb.BackupError(HttpMethod.Put, "/restore-jobs", new { RecoveryPointArn = "arn:aws:ec2:us-east-1::snapshot/snap-0", IamRoleArn = Role, Metadata = new Dictionary<string, string>() });
        Assert.Equal("ResourceNotFoundException", noRp.ErrorCode);

        var lifecycle = await sb.BackupError(HttpMethod.Put, "/backup-jobs", new { BackupVaultName = "Main", ResourceArn = VolumeArn(vol), IamRoleArn = Role, Lifecycle = new { MoveToColdStorageAfterDays = 10, DeleteAfterDays = 50 } });
        Assert.Equal("InvalidParameterValueException", lifecycle.ErrorCode);
        Assert.Contains("DeleteAfterDays (50)", lifecycle.Message);
        Assert.Contains("MoveToColdStorageAfterDays (10)", lifecycle.Message);

        Assert.DoesNotContain(sb.Server.RequestLog, r => r.Status == 500);
    }

    [Fact]
    public async Task Unsigned_and_badly_signed_requests_are_refused_in_each_dialect()
    {
        using var sb = new SandboxHarness();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var r1 = await http.GetAsync(new Uri(sb.Server.Endpoint, "/backup-vaults/"));
        Assert.Equal(403, (int)r1.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", r1.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.True(r1.Headers.Contains("x-amzn-RequestId"));

        var form = new StringContent("Action=DescribeDBInstances&Version=2014-10-31", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        var r2 = await http.PostAsync(sb.Server.Endpoint, form);
        var xml = XmlRead.Parse(await r2.Content.ReadAsByteArrayAsync());
        Assert.Equal((403, "ErrorResponse", "MissingAuthenticationToken"), ((int)r2.StatusCode, xml.Root!.Name.LocalName, xml.Find("Code")!.Value));

        var ec2 = new StringContent("Action=DescribeVolumes&Version=2016-11-15", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        var r3 = await http.PostAsync(sb.Server.Endpoint, ec2);
        var xml3 = XmlRead.Parse(await r3.Content.ReadAsByteArrayAsync());
        Assert.Equal(("Response", "MissingAuthenticationToken"), (xml3.Root!.Name.LocalName, xml3.Find("Code")!.Value));

        var bad = new HttpRequestMessage(HttpMethod.Get, new Uri(sb.Server.Endpoint, "/backup-vaults/"));
        bad.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1");
        var r4 = await http.SendAsync(bad);
        Assert.Equal(403, (int)r4.StatusCode);
        Assert.Equal("IncompleteSignatureException", r4.Headers.GetValues("x-amzn-ErrorType").Single());
    }

    [Fact]
    public async Task Recovery_point_tags_are_set_and_listed()
    {
        using var sb = new SandboxHarness();
        await sb.CreateVault("Main");
        var vol = await sb.CreateVolume();
        var rp = (await sb.StartBackup("Main", VolumeArn(vol))).Str("RecoveryPointArn")!;
        await sb.Backup(HttpMethod.Get, "/backup-jobs/");
        await sb.Backup(HttpMethod.Post, "/tags/" + Enc(rp), new { Tags = new Dictionary<string, string> { ["tier"] = "gold" } });
        var tags = await sb.Backup(HttpMethod.Get, "/tags/" + Enc(rp) + "/");
        Assert.Equal("gold", tags.StrMap("Tags")["tier"]);
        var missing = await sb.BackupError(HttpMethod.Post, "/tags/" + Enc("arn:aws:backup:us-east-1:123456789012:backup-vault:None"), new { Tags = new Dictionary<string, string> { ["a"] = "b" } });
        Assert.Equal("ResourceNotFoundException", missing.ErrorCode);
    }
}
