using BackupDr.Core.Operations;

namespace BackupDr.Core.Tests.Operations;

/// <summary>Start-DrBackup's decisions: validation before sending, defaults for role and token, copy destination.</summary>
public sealed class BackupStarterTests
{
    private const string Volume = "arn:aws:ec2:us-east-1:111122223333:volume/vol-0123456789abcdef0";
    private static readonly DateTime Today = new(2026, 11, 21, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Defaults_the_role_from_the_resource_account_and_the_token_from_resource_vault_and_day()
    {
        var plan = BackupStarter.Plan(new BackupStartOptions { ResourceArn = Volume, BackupVaultName = "Main" }, "us-east-1", Today);

        Assert.Equal("arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole", plan.Request.IamRoleArn);
        Assert.True(plan.IamRoleDefaulted);
        Assert.True(plan.IdempotencyTokenDefaulted);
        Assert.Equal(IdempotencyTokens.ForBackup(Volume, "Main", Today), plan.Request.IdempotencyToken);
        Assert.Null(plan.CopyDestinationVaultArn);
    }

    [Fact]
    public void A_rerun_the_same_day_gets_the_same_token_and_the_next_day_another()
    {
        var options = new BackupStartOptions { ResourceArn = Volume, BackupVaultName = "Main" };
        var first = BackupStarter.Plan(options, "us-east-1", Today).Request.IdempotencyToken;
        var again = BackupStarter.Plan(options, "us-east-1", Today.AddHours(10)).Request.IdempotencyToken;
        var tomorrow = BackupStarter.Plan(options, "us-east-1", Today.AddDays(1)).Request.IdempotencyToken;

        Assert.Equal(first, again);
        Assert.NotEqual(first, tomorrow);
    }

    [Fact]
    public void Explicit_role_and_token_are_kept()
    {
        var plan = BackupStarter.Plan(new BackupStartOptions { ResourceArn = Volume, IamRoleArn = "arn:aws:iam::111122223333:role/Backup", IdempotencyToken = "run-42" }, "us-east-1", Today);

        Assert.Equal("arn:aws:iam::111122223333:role/Backup", plan.Request.IamRoleArn);
        Assert.Equal(IdempotencyTokens.ForGivenToken("run-42", Volume, "Default"), plan.Request.IdempotencyToken);
        Assert.Equal("run-42", plan.GivenIdempotencyToken);
        Assert.False(plan.IamRoleDefaulted);
    }

    [Theory]
    [InlineData(30L, 60L, "InvalidLifecycle")]
    [InlineData(null, null, null)]
    [InlineData(10L, 100L, null)]
    public void Lifecycle_rule_is_checked_before_sending(long? cold, long? delete, string? errorId)
    {
        var options = new BackupStartOptions { ResourceArn = Volume, ColdStorageAfterDays = cold, DeleteAfterDays = delete };
        if (errorId == null)
        {
            var plan = BackupStarter.Plan(options, "us-east-1", Today);
            Assert.Equal(delete, plan.Request.Lifecycle?.DeleteAfterDays);
        }
        else
        {
            var ex = Assert.Throws<DrValidationException>(() => BackupStarter.Plan(options, "us-east-1", Today));
            Assert.Equal(errorId, ex.ErrorId);
        }
    }

    [Theory]
    [InlineData("not-an-arn", "us-east-1", "InvalidResourceArn")]
    [InlineData(Volume, "eu-west-1", "ResourceArnRegionMismatch")]
    public void Bad_resource_arns_are_refused(string arn, string region, string errorId)
    {
        var ex = Assert.Throws<DrValidationException>(() => BackupStarter.Plan(new BackupStartOptions { ResourceArn = arn }, region, Today));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(arn, ex.Value);
    }

    [Theory]
    [InlineData("a", "InvalidBackupVaultName")]
    [InlineData("has space", "InvalidBackupVaultName")]
    public void Bad_vault_names_are_refused(string vault, string errorId)
    {
        var ex = Assert.Throws<DrValidationException>(() => BackupStarter.Plan(new BackupStartOptions { ResourceArn = Volume, BackupVaultName = vault }, "us-east-1", Today));
        Assert.Equal(errorId, ex.ErrorId);
    }

    [Fact]
    public void Bad_role_and_windows_are_refused()
    {
        Assert.Equal("InvalidIamRoleArn", Assert.Throws<DrValidationException>(() => BackupStarter.Plan(new BackupStartOptions { ResourceArn = Volume, IamRoleArn = "BackupRole" }, "us-east-1", Today)).ErrorId);
        Assert.Equal("InvalidStartWindow", Assert.Throws<DrValidationException>(() => BackupStarter.Plan(new BackupStartOptions { ResourceArn = Volume, StartWindowMinutes = 30 }, "us-east-1", Today)).ErrorId);
        Assert.Equal("InvalidCompleteWindow", Assert.Throws<DrValidationException>(() => BackupStarter.Plan(new BackupStartOptions { ResourceArn = Volume, StartWindowMinutes = 120, CompleteWindowMinutes = 60 }, "us-east-1", Today)).ErrorId);
    }

    [Fact]
    public void Copy_destination_is_the_vault_in_the_other_region_of_the_same_account()
    {
        var plan = BackupStarter.Plan(new BackupStartOptions { ResourceArn = Volume, BackupVaultName = "Main", CopyToRegion = "us-west-2" }, "us-east-1", Today);

        Assert.Equal("arn:aws:backup:us-west-2:111122223333:backup-vault:Main", plan.CopyDestinationVaultArn);
        Assert.Equal("us-west-2", plan.CopyDestinationRegion);
        Assert.StartsWith("copy", BackupStarter.CopyToken(plan.Request.IdempotencyToken!));
        Assert.True(BackupStarter.CopyToken(plan.Request.IdempotencyToken!).Length <= 64);
    }

    [Fact]
    public void Copy_to_the_same_vault_or_a_bad_region_is_refused()
    {
        Assert.Equal("CopyToSameVault", Assert.Throws<DrValidationException>(() => BackupStarter.Plan(new BackupStartOptions { ResourceArn = Volume, BackupVaultName = "Main", CopyToRegion = "us-east-1" }, "us-east-1", Today)).ErrorId);
        Assert.Equal("InvalidCopyRegion", Assert.Throws<DrValidationException>(() => BackupStarter.Plan(new BackupStartOptions { ResourceArn = Volume, CopyToRegion = "Mars" }, "us-east-1", Today)).ErrorId);
    }

    [Fact]
    public void Recovery_point_tags_follow_the_AWS_tag_rules()
    {
        var ex = Assert.Throws<DrValidationException>(() => BackupStarter.Plan(new BackupStartOptions { ResourceArn = Volume, RecoveryPointTags = new Dictionary<string, string> { ["aws:owner"] = "x" } }, "us-east-1", Today));
        Assert.Equal("ReservedTagPrefix", ex.ErrorId);
    }
}
