using BackupDr.Core.Operations;
using static BackupDr.Core.Tests.SandboxClients.SandboxClients;

namespace BackupDr.Core.Tests.SandboxClients;

/// <summary>VaultLister and VaultCreator over our typed Backup client and the in-process sandbox.</summary>
public sealed class VaultOperationsSandboxTests
{
    [Fact]
    public async Task Creator_makes_a_vault_with_key_and_tags_and_returns_it_as_described()
    {
        using var sb = new SandboxClients();
        var key = $"arn:aws:kms:{Region}:{Account}:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        var vault = await new VaultCreator(sb.Backup).CreateAsync(
            new VaultCreateOptions { BackupVaultName = "Nightly", EncryptionKeyArn = key, Tags = new Dictionary<string, string> { ["team"] = "dr" } }, Ct);

        Assert.Equal(("Nightly", VaultArn("Nightly"), key, 0L, (bool?)false, Region), (vault.BackupVaultName, vault.BackupVaultArn, vault.EncryptionKeyArn, vault.NumberOfRecoveryPoints, vault.Locked, vault.Region));
        Assert.NotNull(vault.CreationDate);
        Assert.Equal("dr", (await sb.Backup.ListTagsAsync(VaultArn("Nightly"), Ct))["team"]);
        var listed = await All(new VaultLister(sb.Backup).ListAsync(null, Ct));
        Assert.Contains(listed, v => v.BackupVaultName == "Nightly" && v.EncryptionKeyArn == key);
    }

    [Fact]
    public async Task Creating_an_existing_vault_is_BackupVaultExists_and_changes_nothing()
    {
        using var sb = new SandboxClients();
        await new VaultCreator(sb.Backup).CreateAsync(new VaultCreateOptions { BackupVaultName = "Main", Tags = new Dictionary<string, string> { ["v"] = "1" } }, Ct);
        var ex = await Assert.ThrowsAsync<DrException>(() => new VaultCreator(sb.Backup).CreateAsync(new VaultCreateOptions { BackupVaultName = "Main", Tags = new Dictionary<string, string> { ["v"] = "2" } }, Ct));
        Assert.Equal(("BackupVaultExists", DrErrorKind.ResourceExists, "BackupVaultName"), (ex.ErrorId, ex.Kind, ex.ParameterName));
        Assert.Contains("-CreatorRequestId", ex.Message);
        Assert.Equal("1", (await sb.Backup.ListTagsAsync(VaultArn("Main"), Ct))["v"]);

        // The Default vault every region starts with is "existing" too.
        var dflt = await Assert.ThrowsAsync<DrException>(() => new VaultCreator(sb.Backup).CreateAsync(new VaultCreateOptions { BackupVaultName = "Default" }, Ct));
        Assert.Equal("BackupVaultExists", dflt.ErrorId);
    }

    [Fact]
    public async Task A_rerun_with_the_same_CreatorRequestId_returns_the_same_vault()
    {
        using var sb = new SandboxClients();
        var creator = new VaultCreator(sb.Backup);
        var first = await creator.CreateAsync(new VaultCreateOptions { BackupVaultName = "DrCopies", CreatorRequestId = "dr-copies-v1" }, Ct);
        var second = await creator.CreateAsync(new VaultCreateOptions { BackupVaultName = "DrCopies", CreatorRequestId = "dr-copies-v1" }, Ct);
        Assert.Equal((first.BackupVaultArn, first.CreationDate), (second.BackupVaultArn, second.CreationDate));
        Assert.Single(await All(sb.Backup.ListBackupVaultsAsync(Ct)), v => v.BackupVaultName == "DrCopies");
        await Assert.ThrowsAsync<DrException>(() => creator.CreateAsync(new VaultCreateOptions { BackupVaultName = "DrCopies", CreatorRequestId = "other" }, Ct));
    }

    [Theory]
    [InlineData("x", null, null, null, "InvalidBackupVaultName", "BackupVaultName")]
    [InlineData("has space", null, null, null, "InvalidBackupVaultName", "BackupVaultName")]
    [InlineData("Main", "arn:aws:kms:us-east-1:123456789012:alias/backup", null, null, "InvalidEncryptionKeyArn", "EncryptionKeyArn")]
    [InlineData("Main", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", null, null, "InvalidEncryptionKeyArn", "EncryptionKeyArn")]
    [InlineData("Main", "not-an-arn", null, null, "InvalidEncryptionKeyArn", "EncryptionKeyArn")]
    [InlineData("Main", null, "aws:owner", null, "ReservedTagPrefix", "Tag")]
    [InlineData("Main", null, null, "", "InvalidCreatorRequestId", "CreatorRequestId")]
    public async Task Bad_input_is_refused_before_any_request(string name, string? key, string? tagKey, string? requestId, string errorId, string parameter)
    {
        using var sb = new SandboxClients();
        var options = new VaultCreateOptions
        {
            BackupVaultName = name,
            EncryptionKeyArn = key,
            Tags = tagKey == null ? null : new Dictionary<string, string> { [tagKey] = "x" },
            CreatorRequestId = requestId,
        };
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => new VaultCreator(sb.Backup).CreateAsync(options, Ct));
        Assert.Equal((errorId, parameter), (ex.ErrorId, ex.ParameterName));
        Assert.Empty(sb.Server.RequestLog);
    }

    [Fact]
    public async Task Fifty_one_tags_are_TooManyTags_before_any_request()
    {
        using var sb = new SandboxClients();
        var tags = Enumerable.Range(0, 51).ToDictionary(i => "k" + i, i => "v");
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => new VaultCreator(sb.Backup).CreateAsync(new VaultCreateOptions { BackupVaultName = "Main", Tags = tags }, Ct));
        Assert.Equal(("TooManyTags", DrErrorKind.LimitsExceeded), (ex.ErrorId, ex.Kind));
        Assert.Empty(sb.Server.RequestLog);
    }

    [Fact]
    public async Task Lister_describes_one_vault_and_an_unknown_one_is_BackupVaultNotFound()
    {
        using var sb = new SandboxClients();
        var lister = new VaultLister(sb.Backup);
        var one = Assert.Single(await All(lister.ListAsync("Default", Ct)));
        Assert.Equal(VaultArn("Default"), one.BackupVaultArn);

        var ex = await Assert.ThrowsAsync<DrException>(() => All(lister.ListAsync("Nope", Ct)));
        Assert.Equal(("BackupVaultNotFound", DrErrorKind.ObjectNotFound, "BackupVaultName"), (ex.ErrorId, ex.Kind, ex.ParameterName));
        Assert.Contains("Get-DrBackupVault", ex.Message);
        Assert.NotNull(ex.InnerException);

        sb.Server.ClearRequestLog();
        var bad = Assert.Throws<DrValidationException>(() => lister.ListAsync("bad name", Ct));
        Assert.Equal("InvalidBackupVaultName", bad.ErrorId);
        Assert.Empty(sb.Server.RequestLog);
    }

    [Fact]
    public async Task Lister_lists_every_vault_of_the_region_with_Default()
    {
        using var sb = new SandboxClients();
        for (var i = 0; i < 7; i++)
        {
            await sb.Backup.CreateBackupVaultAsync("Vault" + i, null, null, null, Ct);
        }

        var names = (await All(new VaultLister(sb.Backup).ListAsync(null, Ct))).Select(v => v.BackupVaultName).ToList();
        Assert.Equal(8, names.Distinct().Count());
        Assert.Contains("Default", names);
        Assert.All(Enumerable.Range(0, 7), i => Assert.Contains("Vault" + i, names));
    }
}
