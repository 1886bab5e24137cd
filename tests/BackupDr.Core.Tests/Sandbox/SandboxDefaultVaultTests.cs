using BackupDr.Core.Aws;
using BackupDr.Sandbox;
using static BackupDr.Core.Tests.Sandbox.SandboxHarness;

namespace BackupDr.Core.Tests.Sandbox;

/// <summary>The sandbox behaves like an account that uses AWS Backup: every region has its Default vault.</summary>
public sealed class SandboxDefaultVaultTests
{
    [Theory]
    [InlineData("us-east-1")]
    [InlineData("eu-west-1")]
    public async Task QuickstartNoDefaultVault_regression_every_region_starts_with_Default_and_a_backup_into_it_starts(string region)
    {
        using var sb = new SandboxHarness();
        var vault = await sb.Backup(HttpMethod.Get, "/backup-vaults/Default", region: region);
        Assert.Equal($"arn:aws:backup:{region}:{Account}:backup-vault:Default", vault.Str("BackupVaultArn"));
        Assert.False(string.IsNullOrEmpty(vault.Str("EncryptionKeyArn")));

        var vol = await sb.CreateVolume(region);
        var start = await sb.StartBackup("Default", VolumeArn(vol, region), region: region);
        Assert.False(string.IsNullOrEmpty(start.Str("BackupJobId")));
        Assert.DoesNotContain(sb.Server.RequestLog, r => r.Operation == "CreateBackupVault");
    }

    [Fact]
    public async Task Default_vault_is_per_account_and_creating_it_again_is_AlreadyExists()
    {
        using var sb = new SandboxHarness(o => o.AccountsByAccessKey["AKIDOTHER"] = "210987654321");
        var theirs = await sb.Transport(accessKey: "AKIDOTHER").SendAsync(JsonRequest(HttpMethod.Get, "/backup-vaults/Default"), CancellationToken.None);
        Assert.Equal("arn:aws:backup:us-east-1:210987654321:backup-vault:Default", JsonRead.Parse(theirs.Body).Str("BackupVaultArn"));
        var dup = await sb.BackupError(HttpMethod.Put, "/backup-vaults/Default", new { });
        Assert.Equal("AlreadyExistsException", dup.ErrorCode);
    }

    [Fact]
    public async Task SeedDeclaresDefault_regression_a_seed_that_declares_Default_merges_its_tags_instead_of_failing()
    {
        using var sb = new SandboxHarness();
        var before = await sb.Backup(HttpMethod.Get, "/backup-vaults/Default");
        var summary = sb.Server.SeedFromJson("""
            { "regions": [ { "region": "us-east-1",
              "vaults": [ { "name": "Default", "tags": { "team": "dr" } }, { "name": "Main" } ] } ] }
            """);
        Assert.Equal(1, summary.Vaults);
        var after = await sb.Backup(HttpMethod.Get, "/backup-vaults/Default");
        Assert.Equal((before.Str("BackupVaultArn"), before.Str("EncryptionKeyArn"), before.Date("CreationDate")), (after.Str("BackupVaultArn"), after.Str("EncryptionKeyArn"), after.Date("CreationDate")));
        var tags = await sb.Backup(HttpMethod.Get, "/tags/" + Enc(after.Str("BackupVaultArn")!) + "/");
        Assert.Equal("dr", tags.StrMap("Tags")["team"]);
        var names = (await sb.Backup(HttpMethod.Get, "/backup-vaults/")).Items("BackupVaultList").Select(v => v.Str("BackupVaultName")).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(new[] { "Default", "Main" }, names);
    }

    [Fact]
    public async Task Seeded_recovery_points_may_name_Default_without_declaring_it()
    {
        using var sb = new SandboxHarness();
        sb.Server.SeedFromJson("""
            { "regions": [ { "region": "us-east-1",
              "recoveryPoints": [ { "arn": "arn:aws:ec2:us-east-1::snapshot/snap-0000000000000000a", "vault": "Default",
                                    "resourceArn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000000a", "createdAgeDays": 1 } ] } ] }
            """);
        var points = await sb.Backup(HttpMethod.Get, "/backup-vaults/Default/recovery-points/");
        Assert.Equal("arn:aws:ec2:us-east-1::snapshot/snap-0000000000000000a", points.Items("RecoveryPoints").Single().Str("RecoveryPointArn"));
    }

    [Theory]
    [InlineData("EXPIRED")]
    [InlineData("PARTIAL")]
    [InlineData("DELETING")]
    [InlineData("CREATING")]
    public async Task Seeded_recovery_point_status_is_reported_by_describe_and_listings(string status)
    {
        using var sb = new SandboxHarness();
        const string arn = "arn:aws:ec2:us-east-1::snapshot/snap-0000000000000000b";
        sb.Server.SeedFromJson($$"""
            { "regions": [ { "region": "us-east-1",
              "recoveryPoints": [ { "arn": "{{arn}}", "vault": "Default", "status": "{{status}}",
                                    "resourceArn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000000b", "createdAgeDays": 1 } ] } ] }
            """);
        Assert.Equal(status, (await sb.Backup(HttpMethod.Get, $"/backup-vaults/Default/recovery-points/{Enc(arn)}")).Str("Status"));
        Assert.Equal(status, (await sb.Backup(HttpMethod.Get, "/backup-vaults/Default/recovery-points/")).Items("RecoveryPoints").Single().Str("Status"));
    }

    [Fact]
    public void Unknown_recovery_point_status_is_refused_with_the_line()
    {
        using var sb = new SandboxHarness();
        var ex = Assert.Throws<SandboxSeedException>(() => sb.Server.SeedFromJson("{ \"regions\": [ { \"region\": \"us-east-1\",\n \"recoveryPoints\": [\n { \"arn\": \"arn:aws:ec2:us-east-1::snapshot/snap-0000000000000000c\", \"vault\": \"Default\", \"status\": \"BROKEN\",\n   \"resourceArn\": \"arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000000c\", \"createdAgeDays\": 1 } ] } ] }"));
        Assert.Equal(3, ex.LineNumber);
        Assert.Contains("BROKEN", ex.Reason);
    }
}
