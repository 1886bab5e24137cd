using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using static BackupDr.Core.Tests.SandboxClients.SandboxClients;

namespace BackupDr.Core.Tests.SandboxClients;

/// <summary>ResourceRestorer, RecoveryPointCopier and RecoveryPointLocator over our clients and the in-process sandbox.</summary>
public sealed class RestoreCopySandboxTests
{
    private const string EbsPoint = "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0";
    private const string RdsPoint = "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-0123456789abcdef";
    private const string Volume = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0";

    /// <summary>Points live in vault Nightly (not Default); points in other states are seeded next to them.</summary>
    private static SandboxClients Seeded()
    {
        var sb = new SandboxClients();
        sb.Server.SeedFromJson($$"""
        { "regions": [
          { "region": "us-east-1",
            "volumes": [ { "id": "vol-0123456789abcdef0", "size": 8 } ],
            "dbInstances": [ { "id": "orders" } ],
            "vaults": [ { "name": "Nightly" } ],
            "recoveryPoints": [
              { "arn": "{{EbsPoint}}", "vault": "Nightly", "resourceArn": "{{Volume}}", "createdAgeMinutes": 60 },
              { "arn": "{{RdsPoint}}", "vault": "Nightly", "resourceArn": "{{DbArn("orders")}}", "createdAgeMinutes": 60 },
              { "arn": "arn:aws:ec2:us-east-1::snapshot/snap-00000000000000ex1", "vault": "Nightly", "status": "EXPIRED", "resourceArn": "{{Volume}}", "createdAgeDays": 400 },
              { "arn": "arn:aws:ec2:us-east-1::snapshot/snap-00000000000000pa1", "vault": "Nightly", "status": "PARTIAL", "resourceArn": "{{Volume}}", "createdAgeDays": 2 },
              { "arn": "arn:aws:ec2:us-east-1::snapshot/snap-00000000000000de1", "vault": "Nightly", "status": "DELETING", "resourceArn": "{{Volume}}", "createdAgeDays": 3 },
              { "arn": "arn:aws:ec2:us-east-1::snapshot/snap-00000000000000cr1", "vault": "Nightly", "status": "CREATING", "resourceArn": "{{Volume}}", "createdAgeMinutes": 1 } ] },
          { "region": "us-west-2", "vaults": [ { "name": "Nightly" } ] } ] }
        """);
        return sb;
    }

    private static ResourceRestorer Restorer(SandboxClients sb) => new(r => sb.Set.ForRegion(r).Backup, r => sb.Set.ForRegion(r).Rds, Region);

    private static RecoveryPointCopier Copier(SandboxClients sb) => new(r => sb.Set.ForRegion(r).Backup, sb.Set.Sts, Region);

    private static IEnumerable<string> Sent(SandboxClients sb) => sb.Server.RequestLog.Select(r => r.Operation);

    [Fact]
    public async Task RestorePointInOtherVault_regression_a_point_given_by_ARN_alone_is_found_in_its_vault_and_restored()
    {
        using var sb = Seeded();
        var log = new List<string>();
        var restorer = Restorer(sb);
        var job = await restorer.StartAsync(restorer.Check(new RestoreRequest { RecoveryPointArn = EbsPoint }), log.Add, Ct);

        Assert.False(string.IsNullOrEmpty(job.RestoreJobId));
        Assert.Equal(EbsPoint, job.RecoveryPointArn);
        Assert.Contains(log, l => l.Contains("vault 'Nightly'", StringComparison.Ordinal));
        Assert.Contains("StartRestoreJob", Sent(sb));
        Assert.Contains(sb.Server.RequestLog, r => r.Operation == "DescribeRecoveryPoint" && r.Status == 200);
    }

    [Fact]
    public async Task A_point_in_no_vault_is_RecoveryPointNotFound_and_nothing_is_started()
    {
        using var sb = Seeded();
        var restorer = Restorer(sb);
        var ex = await Assert.ThrowsAsync<DrException>(() => restorer.StartAsync(restorer.Check(new RestoreRequest { RecoveryPointArn = "arn:aws:ec2:us-east-1::snapshot/snap-0fffffffffffffff0" }), null, Ct));
        Assert.Equal(("RecoveryPointNotFound", DrErrorKind.ObjectNotFound), (ex.ErrorId, ex.Kind));
        Assert.Contains("2 backup vault(s)", ex.Message);
        Assert.DoesNotContain("StartRestoreJob", Sent(sb));
    }

    [Fact]
    public async Task RestoreTwiceInOneMinute_regression_the_same_DB_point_restored_twice_at_once_gets_two_names_and_two_jobs()
    {
        using var sb = Seeded();
        var restorer = Restorer(sb);
        var first = await restorer.StartAsync(restorer.Check(new RestoreRequest { RecoveryPointArn = RdsPoint }), null, Ct);
        var second = await restorer.StartAsync(restorer.Check(new RestoreRequest { RecoveryPointArn = RdsPoint }), null, Ct);
        Assert.NotEqual(first.RestoreJobId, second.RestoreJobId);

        var done = await All(sb.Backup.ListRestoreJobsAsync(new JobListFilter(), Ct));
        Assert.Equal(2, done.Count);
        var dbs = (await All(sb.Rds.DescribeDBInstancesAsync(null, Ct))).Select(d => d.DBInstanceIdentifier).Where(n => n != "orders").ToList();
        Assert.Equal(2, dbs.Distinct().Count());
        Assert.All(dbs, n => Assert.True(ResourceArns.IsValidRdsIdentifier(n), n));
    }

    [Theory]
    [InlineData("EXPIRED", "snap-00000000000000ex1")]
    [InlineData("PARTIAL", "snap-00000000000000pa1")]
    [InlineData("DELETING", "snap-00000000000000de1")]
    [InlineData("CREATING", "snap-00000000000000cr1")]
    public async Task RestoreOfUnfinishedPoint_regression_a_point_that_is_not_COMPLETED_is_refused_and_no_restore_is_sent(string status, string snapshot)
    {
        using var sb = Seeded();
        var arn = "arn:aws:ec2:us-east-1::snapshot/" + snapshot;
        var restorer = Restorer(sb);

        // As piped from Get-DrRecoveryPoint: refused before any request.
        var listed = Assert.Single(await All(sb.Backup.ListRecoveryPointsByBackupVaultAsync("Nightly", new RecoveryPointFilter(), Ct)), p => p.RecoveryPointArn == arn);
        Assert.Equal(status, listed.Status);
        sb.Server.ClearRequestLog();
        var piped = Assert.Throws<DrValidationException>(() => restorer.Check(new RestoreRequest { RecoveryPointArn = arn, Point = listed }));
        Assert.Equal(("RecoveryPointNotCompleted", DrErrorKind.InvalidOperation, "RecoveryPointArn"), (piped.ErrorId, piped.Kind, piped.ParameterName));
        Assert.Contains(status, piped.Message);
        Assert.Empty(sb.Server.RequestLog);

        // By ARN: described, then refused before StartRestoreJob.
        var byArn = await Assert.ThrowsAsync<DrValidationException>(() => restorer.StartAsync(restorer.Check(new RestoreRequest { RecoveryPointArn = arn, BackupVaultName = "Nightly" }), null, Ct));
        Assert.Equal("RecoveryPointNotCompleted", byArn.ErrorId);
        Assert.DoesNotContain("StartRestoreJob", Sent(sb));
        Assert.DoesNotContain("GetRecoveryPointRestoreMetadata", Sent(sb));

        // Positive control: the COMPLETED point of the same volume does start a restore.
        await restorer.StartAsync(restorer.Check(new RestoreRequest { RecoveryPointArn = EbsPoint, BackupVaultName = "Nightly" }), null, Ct);
        Assert.Contains("StartRestoreJob", Sent(sb));
    }

    [Fact]
    public async Task DuplicateTargetName_regression_the_second_restore_to_one_name_in_a_call_is_refused_before_anything_is_sent()
    {
        using var sb = Seeded();
        var restorer = Restorer(sb);
        var first = restorer.Check(new RestoreRequest { RecoveryPointArn = RdsPoint, Overrides = new RestoreOverrides { TargetName = "orders-drill" } });
        var dup = Assert.Throws<DrValidationException>(() => restorer.Check(new RestoreRequest { RecoveryPointArn = RdsPoint, Overrides = new RestoreOverrides { TargetName = "Orders-Drill" } }));
        Assert.Equal(("DuplicateTargetName", "TargetName", DrErrorKind.ResourceExists), (dup.ErrorId, dup.ParameterName, dup.Kind));
        var viaMetadata = Assert.Throws<DrValidationException>(() => restorer.Check(new RestoreRequest { RecoveryPointArn = RdsPoint, Overrides = new RestoreOverrides { Metadata = new Dictionary<string, string> { ["DBInstanceIdentifier"] = "orders-drill" } } }));
        Assert.Equal(("DuplicateTargetName", "Metadata"), (viaMetadata.ErrorId, viaMetadata.ParameterName));
        Assert.Empty(sb.Server.RequestLog);

        // The first one goes through; a new call (a new restorer) may use the name again.
        await restorer.StartAsync(first, null, Ct);
        Assert.Single(Sent(sb), "StartRestoreJob");
        Restorer(sb).Check(new RestoreRequest { RecoveryPointArn = RdsPoint, Overrides = new RestoreOverrides { TargetName = "orders-drill2" } });
    }

    [Theory]
    [InlineData("bad vault!", null, null, "InvalidBackupVaultName", "BackupVaultName")]
    [InlineData(null, "1bad--name", null, "InvalidTargetName", "TargetName")]
    [InlineData(null, null, "9-bad", "InvalidTargetName", "Metadata")]
    public void LocalChecksAfterRequests_regression_vault_and_target_name_rules_are_checked_before_any_request(string? vault, string? target, string? metadataName, string errorId, string parameter)
    {
        using var sb = Seeded();
        var request = new RestoreRequest
        {
            RecoveryPointArn = RdsPoint,
            BackupVaultName = vault,
            Overrides = new RestoreOverrides { TargetName = target, Metadata = metadataName == null ? null : new Dictionary<string, string> { ["DBInstanceIdentifier"] = metadataName } },
        };
        var ex = Assert.Throws<DrValidationException>(() => Restorer(sb).Check(request));
        Assert.Equal((errorId, parameter), (ex.ErrorId, ex.ParameterName));
        Assert.Empty(sb.Server.RequestLog);
    }

    [Fact]
    public void Rds_overrides_on_an_EBS_snapshot_ARN_are_refused_before_any_request()
    {
        using var sb = Seeded();
        var ex = Assert.Throws<DrValidationException>(() => Restorer(sb).Check(new RestoreRequest { RecoveryPointArn = EbsPoint, Overrides = new RestoreOverrides { InstanceClass = "db.t3.large" } }));
        Assert.Equal("OverrideNotApplicable", ex.ErrorId);
        Assert.Empty(sb.Server.RequestLog);
    }

    [Fact]
    public async Task CopyPointInOtherVault_regression_a_copy_by_ARN_alone_finds_the_source_vault()
    {
        using var sb = Seeded();
        var log = new List<string>();
        var copier = Copier(sb);
        var job = await copier.StartAsync(copier.Plan(new CopyOptions { RecoveryPointArn = EbsPoint, DestinationRegion = DrRegion }), log.Add, Ct);
        Assert.Equal((VaultArn("Nightly"), VaultArn("Nightly", DrRegion)), (job.SourceBackupVaultArn, job.DestinationBackupVaultArn));
        Assert.Contains(log, l => l.Contains("vault 'Nightly'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CopyRerunDuplicates_regression_running_the_same_copy_again_returns_the_same_job()
    {
        using var sb = Seeded();
        var options = new CopyOptions { RecoveryPointArn = RdsPoint, SourceVaultName = "Nightly", DestinationRegion = DrRegion };
        var first = await Copier(sb).StartAsync(Copier(sb).Plan(options), null, Ct);
        var again = await Copier(sb).StartAsync(Copier(sb).Plan(options), null, Ct);
        Assert.Equal(first.CopyJobId, again.CopyJobId);
        Assert.Single(await All(sb.Backup.ListCopyJobsAsync(new JobListFilter(), Ct)));

        // Another destination is another copy.
        var elsewhere = await Copier(sb).StartAsync(Copier(sb).Plan(new CopyOptions { RecoveryPointArn = RdsPoint, SourceVaultName = "Nightly", DestinationRegion = DrRegion, DestinationVaultName = "Default" }), null, Ct);
        Assert.NotEqual(first.CopyJobId, elsewhere.CopyJobId);
    }

    [Fact]
    public void Copy_tokens_are_per_point_destination_and_UTC_day()
    {
        var day = new DateTime(2025, 3, 1, 8, 0, 0, DateTimeKind.Utc);
        var t = IdempotencyTokens.ForCopy(RdsPoint, VaultArn("Nightly", DrRegion), day);
        Assert.Equal(t, IdempotencyTokens.ForCopy(RdsPoint, VaultArn("Nightly", DrRegion), day.AddHours(15)));
        Assert.NotEqual(t, IdempotencyTokens.ForCopy(RdsPoint, VaultArn("Nightly", DrRegion), day.AddDays(1)));
        Assert.NotEqual(t, IdempotencyTokens.ForCopy(EbsPoint, VaultArn("Nightly", DrRegion), day));
        Assert.NotEqual(t, IdempotencyTokens.ForCopy(RdsPoint, VaultArn("Default", DrRegion), day));
        Assert.Matches("^[0-9a-f]{64}$", t);
    }

    [Theory]
    [InlineData("Nightly", null, "DestinationRegion")]
    [InlineData(null, null, "DestinationRegion")]
    [InlineData("Nightly", "Nightly", "DestinationVaultName")]
    public void CopyToSourceVault_regression_a_copy_to_the_source_region_and_vault_is_refused_before_any_request(string? source, string? destinationVault, string parameter)
    {
        using var sb = Seeded();
        var ex = Assert.Throws<DrValidationException>(() => Copier(sb).Plan(new CopyOptions { RecoveryPointArn = RdsPoint, SourceVaultName = source, DestinationRegion = Region, DestinationVaultName = destinationVault }));
        Assert.Equal(("CopyToSameVault", parameter), (ex.ErrorId, ex.ParameterName));
        Assert.Empty(sb.Server.RequestLog);
    }

    [Fact]
    public async Task CopyToSourceVault_regression_found_vault_equal_to_the_destination_is_refused_before_StartCopyJob()
    {
        using var sb = Seeded();
        var copier = Copier(sb);
        var plan = copier.Plan(new CopyOptions { RecoveryPointArn = EbsPoint, DestinationRegion = Region, DestinationVaultName = "Nightly" });
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => copier.StartAsync(plan, null, Ct));
        Assert.Equal("CopyToSameVault", ex.ErrorId);
        Assert.DoesNotContain("StartCopyJob", Sent(sb));

        // Positive control: another vault of the same region is a valid copy.
        var ok = await copier.StartAsync(copier.Plan(new CopyOptions { RecoveryPointArn = EbsPoint, DestinationRegion = Region, DestinationVaultName = "Default" }), null, Ct);
        Assert.Equal(VaultArn("Default"), ok.DestinationBackupVaultArn);
    }

    [Fact]
    public async Task CopyToSourceVault_regression_the_source_vault_ARN_as_destination_is_refused()
    {
        using var sb = Seeded();
        var local = Assert.Throws<DrValidationException>(() => Copier(sb).Plan(new CopyOptions { RecoveryPointArn = RdsPoint, SourceVaultName = "Nightly", DestinationBackupVaultArn = VaultArn("Nightly") }));
        Assert.Equal(("CopyToSameVault", "DestinationBackupVaultArn"), (local.ErrorId, local.ParameterName));

        // An EBS snapshot ARN has no account: it is learnt (STS) and the copy still refused before StartCopyJob.
        var copier = Copier(sb);
        var ebs = await Assert.ThrowsAsync<DrValidationException>(() => copier.StartAsync(copier.Plan(new CopyOptions { RecoveryPointArn = EbsPoint, SourceVaultName = "Nightly", DestinationBackupVaultArn = VaultArn("Nightly") }), null, Ct));
        Assert.Equal("CopyToSameVault", ebs.ErrorId);
        Assert.DoesNotContain("StartCopyJob", Sent(sb));
    }

    [Fact]
    public async Task CopyOfUnfinishedPoint_regression_an_EXPIRED_point_is_refused_and_no_copy_is_sent()
    {
        using var sb = Seeded();
        var copier = Copier(sb);
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => copier.StartAsync(copier.Plan(new CopyOptions { RecoveryPointArn = "arn:aws:ec2:us-east-1::snapshot/snap-00000000000000ex1", DestinationRegion = DrRegion }), null, Ct));
        Assert.Equal("RecoveryPointNotCompleted", ex.ErrorId);
        Assert.DoesNotContain("StartCopyJob", Sent(sb));
    }

    [Theory]
    [InlineData("nowhere-1", null, null, "InvalidRegion", "DestinationRegion")]
    [InlineData(DrRegion, "bad vault", null, "InvalidBackupVaultName", "DestinationVaultName")]
    [InlineData(null, null, "arn:aws:s3:::bucket", "InvalidBackupVaultArn", "DestinationBackupVaultArn")]
    [InlineData(null, null, null, "DestinationRequired", "DestinationRegion")]
    public void Bad_copy_destinations_are_refused_before_any_request(string? region, string? vault, string? vaultArn, string errorId, string parameter)
    {
        using var sb = Seeded();
        var ex = Assert.Throws<DrValidationException>(() => Copier(sb).Plan(new CopyOptions { RecoveryPointArn = EbsPoint, DestinationRegion = region, DestinationVaultName = vault, DestinationBackupVaultArn = vaultArn }));
        Assert.Equal((errorId, parameter), (ex.ErrorId, ex.ParameterName));
        Assert.Empty(sb.Server.RequestLog);
    }
}
