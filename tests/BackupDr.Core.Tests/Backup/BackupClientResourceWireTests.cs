using System.Text.Json;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Tests.Backup;

/// <summary>Recovery points, vaults, plans, selections, protected resources and tags on the wire.</summary>
public sealed class BackupClientResourceWireTests : BackupWireTestBase
{
    private const string RdsPointArn = "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-9E3A-4B9E6C8F5A21";
    private const string EncodedRdsPointArn = "arn%3Aaws%3Abackup%3Aus-east-1%3A123456789012%3Arecovery-point%3A1EB3B5E7-9EB0-435A-9E3A-4B9E6C8F5A21";
    private const string EncodedSnapshotPointArn = "arn%3Aaws%3Aec2%3Aus-east-1%3A%3Asnapshot%2Fsnap-0123456789abcdef0";

    private static string VaultPoint(string arn = RdsPointArn) => $$"""
        {
          "RecoveryPointArn": "{{arn}}",
          "BackupVaultName": "Default",
          "BackupVaultArn": "{{VaultArn}}",
          "SourceBackupVaultArn": "arn:aws:backup:us-west-2:123456789012:backup-vault:primary",
          "ResourceArn": "{{DbArn}}",
          "ResourceType": "RDS",
          "CreatedBy": { "BackupPlanId": "8F81F553-3A74-4A3F-B93D-3A3DC22EA7B9", "BackupPlanArn": "arn:aws:backup:us-east-1:123456789012:backup-plan:8F81F553", "BackupRuleId": "r-1" },
          "IamRoleArn": "{{RoleArn}}",
          "Status": "COMPLETED",
          "StatusMessage": "ok",
          "CreationDate": 1732190400.5,
          "InitiationDate": 1732190399,
          "CompletionDate": 1732194000.25,
          "BackupSizeInBytes": 21474836480,
          "CalculatedLifecycle": { "MoveToColdStorageAt": 1734782400, "DeleteAt": 1742558400 },
          "Lifecycle": { "MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 120, "OptInToArchiveForSupportedResources": true },
          "EncryptionKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          "IsEncrypted": true,
          "StorageClass": "WARM",
          "IsParent": false,
          "ResourceName": "orders-prod",
          "VaultType": "BACKUP_VAULT"
        }
        """;

    [Fact]
    public async Task ListRecoveryPointsByBackupVault_encodes_the_vault_sends_filters_and_maps_members()
    {
        Ok($$"""{"RecoveryPoints":[{{VaultPoint()}}]}""");
        var filter = new RecoveryPointFilter
        {
            ResourceArn = DbArn,
            ResourceType = "RDS",
            BackupPlanId = "8F81F553",
            CreatedAfter = new DateTime(2024, 11, 1, 0, 0, 0, DateTimeKind.Utc),
            CreatedBefore = new DateTime(2024, 11, 22, 0, 0, 0, DateTimeKind.Utc),
            BackupVaultAccountId = Account,
            MaxResults = 50,
        };

        var points = await Client.ListRecoveryPointsByBackupVaultAsync("dr vault/1", filter, CancellationToken.None).ToListAsync();

        var r = Last;
        Assert.Equal(HttpMethod.Get, r.Method);
        Assert.Equal("/backup-vaults/dr%20vault%2F1/recovery-points/", RawPath(r));
        AssertSigned(r);
        var q = r.QueryPairs.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(7, q.Count);
        Assert.Equal(DbArn, q["resourceArn"]);
        Assert.Equal("RDS", q["resourceType"]);
        Assert.Equal("8F81F553", q["backupPlanId"]);
        Assert.Equal("2024-11-01T00:00:00.000Z", q["createdAfter"]);
        Assert.Equal("2024-11-22T00:00:00.000Z", q["createdBefore"]);
        Assert.Equal(Account, q["backupVaultAccountId"]);
        Assert.Equal("50", q["maxResults"]);

        var p = Assert.Single(points);
        Assert.Equal(RdsPointArn, p.RecoveryPointArn);
        Assert.Equal("us-east-1", p.Region);
        Assert.Equal(Account, p.AccountId);
        Assert.Equal("Default", p.BackupVaultName);
        Assert.Equal(VaultArn, p.BackupVaultArn);
        Assert.Equal("arn:aws:backup:us-west-2:123456789012:backup-vault:primary", p.SourceBackupVaultArn);
        Assert.Equal(DbArn, p.ResourceArn);
        Assert.Equal("RDS", p.ResourceType);
        Assert.Equal("orders-prod", p.ResourceName);
        Assert.Equal(RoleArn, p.IamRoleArn);
        Assert.Equal("COMPLETED", p.Status);
        Assert.Equal("ok", p.StatusMessage);
        Assert.Equal(NoonishUtc, p.CreationDate);
        Assert.Equal(new DateTime(2024, 11, 21, 13, 0, 0, 250, DateTimeKind.Utc), p.CompletionDate);
        Assert.Equal(21474836480L, p.BackupSizeInBytes);
        Assert.Equal(30, p.Lifecycle!.MoveToColdStorageAfterDays);
        Assert.Equal(120, p.Lifecycle.DeleteAfterDays);
        Assert.True(p.Lifecycle.OptInToArchiveForSupportedResources);
        Assert.Equal(AwsEncoding.FromEpochSeconds(1734782400), p.MoveToColdStorageAt);
        Assert.Equal(AwsEncoding.FromEpochSeconds(1742558400), p.DeleteAt);
        Assert.True(p.IsEncrypted);
        Assert.StartsWith("arn:aws:kms:", p.EncryptionKeyArn);
        Assert.Equal("WARM", p.StorageClass);
        Assert.Equal("8F81F553-3A74-4A3F-B93D-3A3DC22EA7B9", p.BackupPlanId);
    }

    [Fact]
    public async Task ListRecoveryPointsByBackupVault_with_an_empty_answer_yields_nothing()
    {
        Ok("""{"RecoveryPoints":[]}""");
        Assert.Empty(await Client.ListRecoveryPointsByBackupVaultAsync("Default", new RecoveryPointFilter(), CancellationToken.None).ToListAsync());
        AssertNoQuery(Last);

        Ok("{}");
        Assert.Empty(await Client.ListRecoveryPointsByBackupVaultAsync("Default", new RecoveryPointFilter(), CancellationToken.None).ToListAsync());
        Assert.Equal(2, Stub.Requests.Count);
    }

    [Fact]
    public async Task ListRecoveryPointsByResource_encodes_the_arn_and_reads_BackupSizeBytes()
    {
        Ok($$"""
            {"RecoveryPoints":[
              {"RecoveryPointArn":"{{SnapshotPointArn}}","CreationDate":1732190400.5,"Status":"COMPLETED","StatusMessage":"done",
               "EncryptionKeyArn":"arn:aws:kms:us-east-1:123456789012:key/k","BackupSizeBytes":1073741824,"BackupVaultName":"Default",
               "IsParent":false,"ResourceName":"orders-data","VaultType":"BACKUP_VAULT"},
              {"RecoveryPointArn":"arn:aws:ec2:us-east-1::snapshot/snap-0000000000000000b","CreationDate":1732100000,"Status":"EXPIRED","BackupVaultName":"old"}
            ]}
            """);

        var points = await Client.ListRecoveryPointsByResourceAsync(VolumeArn, CancellationToken.None).ToListAsync();

        var r = Last;
        Assert.Equal(HttpMethod.Get, r.Method);
        Assert.Equal("/resources/arn%3Aaws%3Aec2%3Aus-east-1%3A123456789012%3Avolume%2Fvol-0abc1234def567890/recovery-points/", RawPath(r));
        AssertSigned(r);
        AssertNoQuery(r);

        Assert.Equal(2, points.Count);
        var p = points[0];
        Assert.Equal(SnapshotPointArn, p.RecoveryPointArn);
        Assert.Equal(VolumeArn, p.ResourceArn);
        Assert.Equal("Default", p.BackupVaultName);
        Assert.Equal(1073741824L, p.BackupSizeInBytes);
        Assert.Equal("COMPLETED", p.Status);
        Assert.Equal("done", p.StatusMessage);
        Assert.Equal("orders-data", p.ResourceName);
        Assert.Equal("arn:aws:kms:us-east-1:123456789012:key/k", p.EncryptionKeyArn);
        Assert.Equal(NoonishUtc, p.CreationDate);
        Assert.Equal("us-east-1", p.Region);
        Assert.Equal(Account, p.AccountId); // the snapshot ARN has no account; the resource ARN does
        Assert.Null(p.BackupVaultArn);
        Assert.Null(points[1].BackupSizeInBytes);
        Assert.Equal("EXPIRED", points[1].Status);
    }

    [Fact]
    public async Task DescribeRecoveryPoint_encodes_both_path_members()
    {
        Ok(VaultPoint());

        var p = await Client.DescribeRecoveryPointAsync("Default", RdsPointArn, CancellationToken.None);

        var r = Last;
        Assert.Equal(HttpMethod.Get, r.Method);
        Assert.Equal("/backup-vaults/Default/recovery-points/" + EncodedRdsPointArn, RawPath(r));
        AssertSigned(r);
        Assert.Equal(RdsPointArn, p.RecoveryPointArn);
        Assert.Equal(21474836480L, p.BackupSizeInBytes);
        Assert.Equal("WARM", p.StorageClass);
        Assert.Equal(Account, p.AccountId);
        Assert.Equal("us-east-1", p.Region);
    }

    [Fact]
    public async Task DescribeRecoveryPoint_with_a_sparse_answer_keeps_what_the_caller_knows()
    {
        Ok("""{"Status":"CREATING"}""");

        var p = await Client.DescribeRecoveryPointAsync("Default", SnapshotPointArn, CancellationToken.None);

        Assert.Equal("/backup-vaults/Default/recovery-points/" + EncodedSnapshotPointArn, RawPath(Last));
        Assert.Equal(SnapshotPointArn, p.RecoveryPointArn);
        Assert.Equal("Default", p.BackupVaultName);
        Assert.Equal("CREATING", p.Status);
        Assert.Null(p.AccountId);
        Assert.Null(p.Lifecycle);
        Assert.Null(p.DeleteAt);
        Assert.Null(p.BackupSizeInBytes);
    }

    [Fact]
    public async Task GetRecoveryPointRestoreMetadata_reads_the_map()
    {
        Ok($$"""
            {"BackupVaultArn":"{{VaultArn}}","RecoveryPointArn":"{{RdsPointArn}}","ResourceType":"RDS",
             "RestoreMetadata":{"DBInstanceIdentifier":"orders-prod","DBInstanceClass":"db.m6g.large","MultiAZ":"false","Port":"5432"}
             }
            """);

        var m = await Client.GetRecoveryPointRestoreMetadataAsync("Default", RdsPointArn, CancellationToken.None);

        Assert.Equal(HttpMethod.Get, Last.Method);
        Assert.Equal("/backup-vaults/Default/recovery-points/" + EncodedRdsPointArn + "/restore-metadata", RawPath(Last));
        AssertSigned(Last);
        Assert.Equal(RdsPointArn, m.RecoveryPointArn);
        Assert.Equal(VaultArn, m.BackupVaultArn);
        Assert.Equal("RDS", m.ResourceType);
        Assert.Equal(4, m.Metadata.Count);
        Assert.Equal("orders-prod", m.Metadata["DBInstanceIdentifier"]);
        Assert.Equal("5432", m.Metadata["Port"]);
    }

    [Fact]
    public async Task DeleteRecoveryPoint_sends_DELETE_to_the_encoded_path()
    {
        Ok("");

        await Client.DeleteRecoveryPointAsync("Default", SnapshotPointArn, CancellationToken.None);

        Assert.Equal(HttpMethod.Delete, Last.Method);
        Assert.Equal("/backup-vaults/Default/recovery-points/" + EncodedSnapshotPointArn, RawPath(Last));
        Assert.Empty(Last.Body);
        AssertSigned(Last);
    }

    [Fact]
    public async Task Recovery_point_calls_refuse_empty_path_members_before_sending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client.DeleteRecoveryPointAsync("Default", "", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.DeleteRecoveryPointAsync("", SnapshotPointArn, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.DescribeRecoveryPointAsync("Default", " ", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GetRecoveryPointRestoreMetadataAsync("Default", "", CancellationToken.None));
        Assert.Throws<ArgumentException>(() => Client.ListRecoveryPointsByResourceAsync("", CancellationToken.None));
        Assert.Empty(Stub.Requests);
    }

    // ------------------------------------------------------------------ vaults

    [Fact]
    public async Task CreateBackupVault_puts_tags_key_and_request_id()
    {
        Ok($$"""{"BackupVaultName":"dr-east","BackupVaultArn":"arn:aws:backup:us-east-1:123456789012:backup-vault:dr-east","CreationDate":1732190400.5}""");

        var vault = await Client.CreateBackupVaultAsync(
            "dr-east",
            new Dictionary<string, string> { ["owner"] = "platform", ["dr:tier"] = "Gold" },
            "arn:aws:kms:us-east-1:123456789012:key/k",
            "req-42",
            CancellationToken.None);

        var r = Last;
        Assert.Equal(HttpMethod.Put, r.Method);
        Assert.Equal("/backup-vaults/dr-east", RawPath(r));
        AssertSigned(r);
        AssertJsonContent(r);
        var body = Body(r);
        Assert.Equal("platform", body.GetProperty("BackupVaultTags").GetProperty("owner").GetString());
        Assert.Equal("Gold", body.GetProperty("BackupVaultTags").GetProperty("dr:tier").GetString());
        Assert.Equal("arn:aws:kms:us-east-1:123456789012:key/k", body.GetProperty("EncryptionKeyArn").GetString());
        Assert.Equal("req-42", body.GetProperty("CreatorRequestId").GetString());
        Assert.False(body.TryGetProperty("BackupVaultName", out _));

        Assert.Equal("dr-east", vault.BackupVaultName);
        Assert.Equal("arn:aws:backup:us-east-1:123456789012:backup-vault:dr-east", vault.BackupVaultArn);
        Assert.Equal(NoonishUtc, vault.CreationDate);
        Assert.Equal("us-east-1", vault.Region);
    }

    [Fact]
    public async Task CreateBackupVault_without_options_sends_an_empty_object()
    {
        Ok("""{"BackupVaultName":"v"}""");
        await Client.CreateBackupVaultAsync("v", null, null, null, CancellationToken.None);
        Assert.Equal("{}", Last.BodyText);
    }

    [Fact]
    public async Task DescribeBackupVault_maps_members()
    {
        Ok($$"""
            {"BackupVaultName":"Default","BackupVaultArn":"{{VaultArn}}","VaultType":"BACKUP_VAULT","VaultState":"AVAILABLE",
             "EncryptionKeyArn":"arn:aws:kms:us-east-1:123456789012:key/k","CreationDate":1732190400.5,"CreatorRequestId":"req-1",
             "NumberOfRecoveryPoints":17,"Locked":true,"MinRetentionDays":7,"MaxRetentionDays":365}
            """);

        var v = await Client.DescribeBackupVaultAsync("Default", CancellationToken.None);

        Assert.Equal(HttpMethod.Get, Last.Method);
        Assert.Equal("/backup-vaults/Default", RawPath(Last));
        AssertSigned(Last);
        Assert.Equal("Default", v.BackupVaultName);
        Assert.Equal(VaultArn, v.BackupVaultArn);
        Assert.Equal("BACKUP_VAULT", v.VaultType);
        Assert.Equal("arn:aws:kms:us-east-1:123456789012:key/k", v.EncryptionKeyArn);
        Assert.Equal(NoonishUtc, v.CreationDate);
        Assert.Equal("req-1", v.CreatorRequestId);
        Assert.Equal(17, v.NumberOfRecoveryPoints);
        Assert.True(v.Locked);
        Assert.Equal("us-east-1", v.Region);
    }

    [Fact]
    public async Task ListBackupVaults_reads_the_list()
    {
        Ok($$"""
            {"BackupVaultList":[
              {"BackupVaultName":"Default","BackupVaultArn":"{{VaultArn}}","CreationDate":1732190400.5,"NumberOfRecoveryPoints":3,"Locked":false},
              {"BackupVaultName":"aws/efs/automatic-backup-vault","BackupVaultArn":"arn:aws:backup:us-east-1:123456789012:backup-vault:aws/efs/automatic-backup-vault"}
            ]}
            """);

        var vaults = await Client.ListBackupVaultsAsync(CancellationToken.None).ToListAsync();

        Assert.Equal("/backup-vaults/", RawPath(Last));
        AssertNoQuery(Last);
        AssertSigned(Last);
        Assert.Equal(new[] { "Default", "aws/efs/automatic-backup-vault" }, vaults.Select(v => v.BackupVaultName));
        Assert.Equal(3, vaults[0].NumberOfRecoveryPoints);
        Assert.False(vaults[0].Locked);
        Assert.Null(vaults[1].CreationDate);
        Assert.All(vaults, v => Assert.Equal("us-east-1", v.Region));
    }

    // ------------------------------------------------------------------ plans

    private static BackupPlan GoldPlan() => new()
    {
        BackupPlanName = "gold-daily",
        Rules =
        {
            new BackupRule
            {
                RuleName = "daily",
                TargetBackupVaultName = "Default",
                ScheduleExpression = "cron(0 5 ? * * *)",
                StartWindowMinutes = 60,
                CompletionWindowMinutes = 180,
                Lifecycle = new Lifecycle { MoveToColdStorageAfterDays = 30, DeleteAfterDays = 365 },
                RecoveryPointTags = new Dictionary<string, string> { ["dr:tier"] = "Gold" },
                CopyActions = new List<CopyAction> { new() { DestinationBackupVaultArn = "arn:aws:backup:us-west-2:123456789012:backup-vault:dr-west", Lifecycle = new Lifecycle { DeleteAfterDays = 35 } } },
                EnableContinuousBackup = true,
                RuleId = "must-not-be-sent",
            },
            new BackupRule { RuleName = "weekly", TargetBackupVaultName = "Default", ScheduleExpression = "cron(0 5 ? * 1 *)" },
        },
    };

    private static void AssertGoldPlanBody(JsonElement plan)
    {
        Assert.Equal("gold-daily", plan.GetProperty("BackupPlanName").GetString());
        var rules = plan.GetProperty("Rules").EnumerateArray().ToList();
        Assert.Equal(2, rules.Count);
        var daily = rules[0];
        Assert.Equal("daily", daily.GetProperty("RuleName").GetString());
        Assert.Equal("Default", daily.GetProperty("TargetBackupVaultName").GetString());
        Assert.Equal("cron(0 5 ? * * *)", daily.GetProperty("ScheduleExpression").GetString());
        Assert.Equal(60, daily.GetProperty("StartWindowMinutes").GetInt64());
        Assert.Equal(180, daily.GetProperty("CompletionWindowMinutes").GetInt64());
        Assert.Equal(30, daily.GetProperty("Lifecycle").GetProperty("MoveToColdStorageAfterDays").GetInt64());
        Assert.Equal(365, daily.GetProperty("Lifecycle").GetProperty("DeleteAfterDays").GetInt64());
        Assert.Equal("Gold", daily.GetProperty("RecoveryPointTags").GetProperty("dr:tier").GetString());
        var copy = Assert.Single(daily.GetProperty("CopyActions").EnumerateArray());
        Assert.Equal("arn:aws:backup:us-west-2:123456789012:backup-vault:dr-west", copy.GetProperty("DestinationBackupVaultArn").GetString());
        Assert.Equal(35, copy.GetProperty("Lifecycle").GetProperty("DeleteAfterDays").GetInt64());
        Assert.True(daily.GetProperty("EnableContinuousBackup").GetBoolean());
        Assert.False(daily.TryGetProperty("RuleId", out _));
        var weekly = rules[1];
        Assert.Equal(new[] { "RuleName", "ScheduleExpression", "TargetBackupVaultName" }, weekly.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateBackupPlan_puts_the_plan_input_and_returns_ids()
    {
        Ok("""{"BackupPlanId":"8F81F553-3A74-4A3F-B93D-3A3DC22EA7B9","BackupPlanArn":"arn:aws:backup:us-east-1:123456789012:backup-plan:8F81F553-3A74-4A3F-B93D-3A3DC22EA7B9","CreationDate":1732190400.5,"VersionId":"ZDY5ZWFjMTMtNmMzNS00YjEzLWJhYWMtNDZhMjFlMmZmOTA4"}""");
        var input = GoldPlan();

        var plan = await Client.CreateBackupPlanAsync(input, new Dictionary<string, string> { ["owner"] = "platform" }, "plan-req-1", CancellationToken.None);

        var r = Last;
        Assert.Equal(HttpMethod.Put, r.Method);
        Assert.Equal("/backup/plans/", RawPath(r));
        AssertSigned(r);
        AssertJsonContent(r);
        var body = Body(r);
        AssertGoldPlanBody(body.GetProperty("BackupPlan"));
        Assert.Equal("platform", body.GetProperty("BackupPlanTags").GetProperty("owner").GetString());
        Assert.Equal("plan-req-1", body.GetProperty("CreatorRequestId").GetString());

        Assert.Equal("8F81F553-3A74-4A3F-B93D-3A3DC22EA7B9", plan.BackupPlanId);
        Assert.StartsWith("arn:aws:backup:us-east-1:123456789012:backup-plan:", plan.BackupPlanArn);
        Assert.Equal("ZDY5ZWFjMTMtNmMzNS00YjEzLWJhYWMtNDZhMjFlMmZmOTA4", plan.VersionId);
        Assert.Equal(NoonishUtc, plan.CreationDate);
        Assert.Equal("gold-daily", plan.BackupPlanName);
        Assert.Equal(2, plan.Rules.Count);
        Assert.Equal("us-east-1", plan.Region);
        Assert.Null(input.BackupPlanId); // the caller's object is left alone
    }

    [Fact]
    public async Task CreateBackupPlan_refuses_a_plan_without_rules_or_names()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateBackupPlanAsync(new BackupPlan { BackupPlanName = "p" }, null, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateBackupPlanAsync(new BackupPlan { Rules = { new BackupRule { RuleName = "r", TargetBackupVaultName = "v" } } }, null, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateBackupPlanAsync(new BackupPlan { BackupPlanName = "p", Rules = { new BackupRule { RuleName = "r" } } }, null, null, CancellationToken.None));
        Assert.Empty(Stub.Requests);
    }

    [Fact]
    public async Task GetBackupPlan_sends_the_version_and_reads_rules()
    {
        Ok("""
            {"BackupPlan":{"BackupPlanName":"gold-daily","Rules":[
               {"RuleName":"daily","TargetBackupVaultName":"Default","ScheduleExpression":"cron(0 5 ? * * *)","StartWindowMinutes":60,
                "CompletionWindowMinutes":180,"Lifecycle":{"MoveToColdStorageAfterDays":30,"DeleteAfterDays":365},
                "RecoveryPointTags":{"dr:tier":"Gold"},"RuleId":"7c6f8b2e-0000-4d7e-9a66-1b2c3d4e5f60",
                "CopyActions":[{"Lifecycle":{"DeleteAfterDays":35},"DestinationBackupVaultArn":"arn:aws:backup:us-west-2:123456789012:backup-vault:dr-west"}],
                "EnableContinuousBackup":false,"ScheduleExpressionTimezone":"Etc/UTC"},
               {"RuleName":"weekly","TargetBackupVaultName":"Default"}]},
             "BackupPlanId":"plan-1","BackupPlanArn":"arn:aws:backup:us-east-1:123456789012:backup-plan:plan-1","VersionId":"v2",
             "CreatorRequestId":"plan-req-1","CreationDate":1732190400.5,"LastExecutionDate":1732194000.25}
            """);

        var plan = await Client.GetBackupPlanAsync("plan-1", "v2", CancellationToken.None);

        var r = Last;
        Assert.Equal(HttpMethod.Get, r.Method);
        Assert.Equal("/backup/plans/plan-1/", RawPath(r));
        Assert.Equal("v2", r.QueryValue("versionId"));
        Assert.Single(r.QueryPairs);
        AssertSigned(r);

        Assert.Equal("gold-daily", plan.BackupPlanName);
        Assert.Equal("plan-1", plan.BackupPlanId);
        Assert.Equal("arn:aws:backup:us-east-1:123456789012:backup-plan:plan-1", plan.BackupPlanArn);
        Assert.Equal("v2", plan.VersionId);
        Assert.Equal(NoonishUtc, plan.CreationDate);
        Assert.Equal(new DateTime(2024, 11, 21, 13, 0, 0, 250, DateTimeKind.Utc), plan.LastExecutionDate);
        Assert.Equal("us-east-1", plan.Region);
        Assert.Equal(2, plan.Rules.Count);
        var daily = plan.Rules[0];
        Assert.Equal("daily", daily.RuleName);
        Assert.Equal("Default", daily.TargetBackupVaultName);
        Assert.Equal("cron(0 5 ? * * *)", daily.ScheduleExpression);
        Assert.Equal(60, daily.StartWindowMinutes);
        Assert.Equal(180, daily.CompletionWindowMinutes);
        Assert.Equal(30, daily.Lifecycle!.MoveToColdStorageAfterDays);
        Assert.Equal(365, daily.Lifecycle.DeleteAfterDays);
        Assert.Equal("Gold", daily.RecoveryPointTags!["dr:tier"]);
        Assert.Equal("7c6f8b2e-0000-4d7e-9a66-1b2c3d4e5f60", daily.RuleId);
        var copy = Assert.Single(daily.CopyActions!);
        Assert.Equal("arn:aws:backup:us-west-2:123456789012:backup-vault:dr-west", copy.DestinationBackupVaultArn);
        Assert.Equal(35, copy.Lifecycle!.DeleteAfterDays);
        Assert.False(daily.EnableContinuousBackup);
        var weekly = plan.Rules[1];
        Assert.Null(weekly.Lifecycle);
        Assert.Null(weekly.CopyActions);
        Assert.Null(weekly.RecoveryPointTags);
        Assert.Null(weekly.StartWindowMinutes);
    }

    [Fact]
    public async Task GetBackupPlan_without_a_version_sends_no_query()
    {
        Ok("""{"BackupPlan":{"BackupPlanName":"p","Rules":[]},"BackupPlanId":"plan-1"}""");
        await Client.GetBackupPlanAsync("plan-1", null, CancellationToken.None);
        AssertNoQuery(Last);
    }

    [Fact]
    public async Task UpdateBackupPlan_posts_the_plan_to_its_id()
    {
        Ok("""{"BackupPlanId":"plan-1","BackupPlanArn":"arn:aws:backup:us-east-1:123456789012:backup-plan:plan-1","CreationDate":1732190400.5,"VersionId":"v3"}""");

        var plan = await Client.UpdateBackupPlanAsync("plan-1", GoldPlan(), CancellationToken.None);

        var r = Last;
        Assert.Equal(HttpMethod.Post, r.Method);
        Assert.Equal("/backup/plans/plan-1", RawPath(r));
        AssertSigned(r);
        AssertJsonContent(r);
        var body = Body(r);
        Assert.Equal(new[] { "BackupPlan" }, body.EnumerateObject().Select(p => p.Name));
        AssertGoldPlanBody(body.GetProperty("BackupPlan"));
        Assert.Equal("plan-1", plan.BackupPlanId);
        Assert.Equal("v3", plan.VersionId);
        Assert.Equal(NoonishUtc, plan.CreationDate);
        Assert.Equal("us-east-1", plan.Region);
    }

    [Fact]
    public async Task ListBackupPlans_reads_summaries()
    {
        Ok("""
            {"BackupPlansList":[
              {"BackupPlanArn":"arn:aws:backup:us-east-1:123456789012:backup-plan:p1","BackupPlanId":"p1","CreationDate":1732190400.5,
               "VersionId":"v1","BackupPlanName":"gold-daily","CreatorRequestId":"c1","LastExecutionDate":1732194000.25},
              {"BackupPlanId":"p2","BackupPlanName":"silver","VersionId":"v9"}
            ]}
            """);

        var plans = await Client.ListBackupPlansAsync(CancellationToken.None).ToListAsync();

        Assert.Equal(HttpMethod.Get, Last.Method);
        Assert.Equal("/backup/plans/", RawPath(Last));
        AssertNoQuery(Last);
        AssertSigned(Last);
        Assert.Equal(new[] { "gold-daily", "silver" }, plans.Select(p => p.BackupPlanName));
        Assert.Equal("p1", plans[0].BackupPlanId);
        Assert.Equal("v1", plans[0].VersionId);
        Assert.Equal(NoonishUtc, plans[0].CreationDate);
        Assert.Equal(new DateTime(2024, 11, 21, 13, 0, 0, 250, DateTimeKind.Utc), plans[0].LastExecutionDate);
        Assert.Empty(plans[0].Rules);
        Assert.Null(plans[1].CreationDate);
        Assert.All(plans, p => Assert.Equal("us-east-1", p.Region));
    }

    // ------------------------------------------------------------------ selections

    [Fact]
    public async Task CreateBackupSelection_puts_the_selection_under_its_plan()
    {
        Ok("""{"SelectionId":"sel-1","BackupPlanId":"plan-1","CreationDate":1732190400.5}""");
        var selection = new BackupSelection
        {
            SelectionName = "gold-resources",
            BackupPlanId = "plan-1",
            IamRoleArn = RoleArn,
            Resources = { DbArn, VolumeArn },
            NotResources = { "arn:aws:ec2:us-east-1:123456789012:volume/vol-0scratch" },
            ListOfTags = { new BackupSelectionCondition { ConditionKey = "dr:tier", ConditionValue = "Gold" } },
        };

        var created = await Client.CreateBackupSelectionAsync(selection, "sel-req-1", CancellationToken.None);

        var r = Last;
        Assert.Equal(HttpMethod.Put, r.Method);
        Assert.Equal("/backup/plans/plan-1/selections/", RawPath(r));
        AssertSigned(r);
        AssertJsonContent(r);
        var body = Body(r);
        Assert.Equal("sel-req-1", body.GetProperty("CreatorRequestId").GetString());
        var s = body.GetProperty("BackupSelection");
        Assert.Equal("gold-resources", s.GetProperty("SelectionName").GetString());
        Assert.Equal(RoleArn, s.GetProperty("IamRoleArn").GetString());
        Assert.Equal(new[] { DbArn, VolumeArn }, s.GetProperty("Resources").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(new[] { "arn:aws:ec2:us-east-1:123456789012:volume/vol-0scratch" }, s.GetProperty("NotResources").EnumerateArray().Select(e => e.GetString()));
        var tag = Assert.Single(s.GetProperty("ListOfTags").EnumerateArray());
        Assert.Equal("STRINGEQUALS", tag.GetProperty("ConditionType").GetString());
        Assert.Equal("dr:tier", tag.GetProperty("ConditionKey").GetString());
        Assert.Equal("Gold", tag.GetProperty("ConditionValue").GetString());
        Assert.False(s.TryGetProperty("BackupPlanId", out _));

        Assert.Equal("sel-1", created.SelectionId);
        Assert.Equal("plan-1", created.BackupPlanId);
        Assert.Equal(NoonishUtc, created.CreationDate);
        Assert.Equal(2, created.Resources.Count);
        Assert.Null(selection.SelectionId);
    }

    [Fact]
    public async Task CreateBackupSelection_leaves_out_empty_lists()
    {
        Ok("""{"SelectionId":"sel-1"}""");
        await Client.CreateBackupSelectionAsync(new BackupSelection { SelectionName = "s", BackupPlanId = "p", IamRoleArn = RoleArn, Resources = { "*" } }, null, CancellationToken.None);
        var s = Body(Last).GetProperty("BackupSelection");
        Assert.Equal(new[] { "IamRoleArn", "Resources", "SelectionName" }, s.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.False(Body(Last).TryGetProperty("CreatorRequestId", out _));
    }

    [Fact]
    public async Task ListBackupSelections_reads_members()
    {
        Ok($$"""
            {"BackupSelectionsList":[
              {"SelectionId":"sel-1","SelectionName":"gold-resources","BackupPlanId":"plan-1","CreationDate":1732190400.5,"CreatorRequestId":"c","IamRoleArn":"{{RoleArn}}"}
            ]}
            """);

        var list = await Client.ListBackupSelectionsAsync("plan 1", CancellationToken.None).ToListAsync();

        Assert.Equal(HttpMethod.Get, Last.Method);
        Assert.Equal("/backup/plans/plan%201/selections/", RawPath(Last));
        AssertSigned(Last);
        var s = Assert.Single(list);
        Assert.Equal("sel-1", s.SelectionId);
        Assert.Equal("gold-resources", s.SelectionName);
        Assert.Equal("plan-1", s.BackupPlanId);
        Assert.Equal(RoleArn, s.IamRoleArn);
        Assert.Equal(NoonishUtc, s.CreationDate);
    }

    [Fact]
    public async Task ListProtectedResources_reads_results()
    {
        Ok($$"""
            {"Results":[
              {"ResourceArn":"{{DbArn}}","ResourceType":"RDS","LastBackupTime":1732190400.5,"ResourceName":"orders-prod",
               "LastBackupVaultArn":"{{VaultArn}}","LastRecoveryPointArn":"{{RdsPointArn}}"},
              {"ResourceArn":"{{VolumeArn}}","ResourceType":"EBS"}
            ]}
            """);

        var list = await Client.ListProtectedResourcesAsync(CancellationToken.None).ToListAsync();

        Assert.Equal(HttpMethod.Get, Last.Method);
        Assert.Equal("/resources/", RawPath(Last));
        AssertSigned(Last);
        Assert.Equal(2, list.Count);
        Assert.Equal(DbArn, list[0].ResourceArn);
        Assert.Equal("RDS", list[0].ResourceType);
        Assert.Equal("orders-prod", list[0].ResourceName);
        Assert.Equal(NoonishUtc, list[0].LastBackupTime);
        Assert.Equal(VaultArn, list[0].LastBackupVaultArn);
        Assert.Equal(RdsPointArn, list[0].LastRecoveryPointArn);
        Assert.Null(list[1].LastBackupTime);
        Assert.All(list, p => Assert.Equal("us-east-1", p.Region));
    }

    // ------------------------------------------------------------------ tags

    [Fact]
    public async Task TagResource_posts_the_tags_to_the_encoded_arn()
    {
        Ok("");

        await Client.TagResourceAsync(VaultArn, new Dictionary<string, string> { ["dr:tier"] = "Gold", ["owner"] = "platform" }, CancellationToken.None);

        var r = Last;
        Assert.Equal(HttpMethod.Post, r.Method);
        Assert.Equal("/tags/arn%3Aaws%3Abackup%3Aus-east-1%3A123456789012%3Abackup-vault%3ADefault", RawPath(r));
        AssertSigned(r);
        AssertJsonContent(r);
        var tags = Body(r).GetProperty("Tags");
        Assert.Equal("Gold", tags.GetProperty("dr:tier").GetString());
        Assert.Equal("platform", tags.GetProperty("owner").GetString());
    }

    [Fact]
    public async Task ListTags_merges_every_page()
    {
        Ok("""{"Tags":{"dr:tier":"Gold","owner":"platform"},"NextToken":"tok-2"}""");
        Ok("""{"Tags":{"cost-center":"4711"}}""");

        var tags = await Client.ListTagsAsync(RdsPointArn, CancellationToken.None);

        Assert.Equal(2, Stub.Requests.Count);
        Assert.All(Stub.Requests, r =>
        {
            Assert.Equal(HttpMethod.Get, r.Method);
            Assert.Equal("/tags/" + EncodedRdsPointArn + "/", RawPath(r));
            AssertSigned(r);
        });
        AssertNoQuery(Stub.Requests[0]);
        Assert.Equal("tok-2", Stub.Requests[1].QueryValue("nextToken"));
        Assert.Equal(3, tags.Count);
        Assert.Equal("Gold", tags["dr:tier"]);
        Assert.Equal("4711", tags["cost-center"]);
    }

    [Fact]
    public async Task ListTags_of_an_untagged_resource_is_empty()
    {
        Ok("""{"Tags":{}}""");
        Assert.Empty(await Client.ListTagsAsync(VaultArn, CancellationToken.None));
    }
}
