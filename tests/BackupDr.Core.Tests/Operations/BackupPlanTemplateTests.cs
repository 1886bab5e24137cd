using System.Text.Json;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Core.Tests.Operations;

/// <summary>The tier templates New-DrBackupPlan writes: exact rules per tier, AWS's rules met, local validation.</summary>
public sealed class BackupPlanTemplateTests
{
    private const string DrVault = "arn:aws:backup:eu-central-1:123456789012:backup-vault:Prod";

    private static (string Name, string Vault, string? Schedule, long? Start, long? Complete, long? Cold, long? Delete) Shape(BackupRule r) =>
        (r.RuleName, r.TargetBackupVaultName, r.ScheduleExpression, r.StartWindowMinutes, r.CompletionWindowMinutes, r.Lifecycle?.MoveToColdStorageAfterDays, r.Lifecycle?.DeleteAfterDays);

    private static readonly (string, string, string?, long?, long?, long?, long?) Hourly = ("hourly", "Prod", "cron(0 * ? * * *)", 60, null, null, 7);
    private static readonly (string, string, string?, long?, long?, long?, long?) Daily = ("daily", "Prod", "cron(0 2 ? * * *)", 60, 120, 30, 120);
    private static readonly (string, string, string?, long?, long?, long?, long?) Weekly = ("weekly", "Prod", "cron(0 3 ? * SUN *)", 120, 240, 7, 365);

    [Fact]
    public void Gold_gets_hourly_daily_and_weekly_rules_exactly()
    {
        var plan = BackupPlanTemplates.Build(DrTier.Gold, "BackupDr-Gold", "Prod", DrVault);
        Assert.Equal("BackupDr-Gold", plan.BackupPlanName);
        Assert.Equal(new[] { Hourly, Daily, Weekly }, plan.Rules.Select(Shape));
    }

    [Fact]
    public void Silver_gets_daily_and_weekly_rules_exactly()
    {
        var plan = BackupPlanTemplates.Build(DrTier.Silver, "BackupDr-Silver", "Prod", DrVault);
        Assert.Equal(new[] { Daily, Weekly }, plan.Rules.Select(Shape));
    }

    [Fact]
    public void Bronze_gets_the_weekly_rule_exactly()
    {
        var plan = BackupPlanTemplates.Build(DrTier.Bronze, "BackupDr-Bronze", "Prod", DrVault);
        Assert.Equal(new[] { Weekly }, plan.Rules.Select(Shape));
    }

    [Theory]
    [InlineData(DrTier.Gold)]
    [InlineData(DrTier.Silver)]
    [InlineData(DrTier.Bronze)]
    public void Every_rule_copies_to_the_DR_vault_with_its_own_lifecycle_and_meets_AWS_rules(DrTier tier)
    {
        foreach (var rule in BackupPlanTemplates.Build(tier, "p", "Prod", DrVault).Rules)
        {
            var copy = Assert.Single(rule.CopyActions!);
            Assert.Equal(DrVault, copy.DestinationBackupVaultArn);
            Assert.Equal((rule.Lifecycle!.MoveToColdStorageAfterDays, rule.Lifecycle.DeleteAfterDays), (copy.Lifecycle!.MoveToColdStorageAfterDays, copy.Lifecycle.DeleteAfterDays));
            BackupPlanWriter.ValidateRule(rule);
            if (rule.Lifecycle.MoveToColdStorageAfterDays is long cold)
            {
                Assert.True(rule.Lifecycle.DeleteAfterDays >= cold + Lifecycles.MinimumColdStorageDays, $"{rule.RuleName}: delete must be at least cold + 90 days");
            }

            Assert.True(rule.StartWindowMinutes >= 60, $"{rule.RuleName}: AWS Backup needs a start window of 60 minutes or more");
        }
    }

    /// <summary>The seeds' daily rule (cold 30 d, delete 90 d) breaks AWS's 90-days-in-cold rule; the template deletes at 120 d.</summary>
    [Fact]
    public void Daily90DaysBreaksColdStorageMinimum_regression_the_seed_lifecycle_is_refused_and_the_template_is_not()
    {
        var seedRule = BackupPlanTemplates.Rule(BackupFrequency.Daily, "Prod", DrVault);
        seedRule.Lifecycle!.DeleteAfterDays = 90;
        var ex = Assert.Throws<DrValidationException>(() => BackupPlanWriter.ValidateRule(seedRule));
        Assert.Equal("InvalidLifecycle", ex.ErrorId);
        BackupPlanWriter.ValidateRule(BackupPlanTemplates.Rule(BackupFrequency.Daily, "Prod", DrVault));
    }

    [Fact]
    public void The_plan_document_is_the_wire_BackupPlanInput()
    {
        var json = BackupPlanWriter.ToJson(BackupPlanTemplates.Build(DrTier.Silver, "BackupDr-Silver", "Prod", DrVault));
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("BackupDr-Silver", root.GetProperty("BackupPlanName").GetString());
        var daily = root.GetProperty("Rules")[0];
        Assert.Equal("daily", daily.GetProperty("RuleName").GetString());
        Assert.Equal("cron(0 2 ? * * *)", daily.GetProperty("ScheduleExpression").GetString());
        Assert.Equal(30, daily.GetProperty("Lifecycle").GetProperty("MoveToColdStorageAfterDays").GetInt64());
        Assert.Equal(DrVault, daily.GetProperty("CopyActions")[0].GetProperty("DestinationBackupVaultArn").GetString());
        Assert.False(daily.TryGetProperty("RuleId", out _));
    }

    [Theory]
    [InlineData("Prod", "us-east-1", null, null, "CopyToSameVault", "DrRegion")]
    [InlineData("no vault!", "eu-central-1", null, null, "InvalidBackupVaultName", "BackupVaultName")]
    [InlineData("Prod", "eu-central-1", "bad vault!", null, "InvalidBackupVaultName", "DrVaultName")]
    [InlineData("Prod", "nowhere", null, null, "InvalidRegion", "DrRegion")]
    [InlineData("Prod", "eu-central-1", null, "plan with spaces", "InvalidBackupPlanName", "PlanName")]
    public void Bad_input_is_refused_naming_the_parameter(string vault, string drRegion, string? drVault, string? planName, string errorId, string parameter)
    {
        var ex = Assert.Throws<DrValidationException>(() => BackupPlanWriter.Validate(
            new BackupPlanOptions { Tier = DrTier.Gold, BackupVaultName = vault, DrRegion = drRegion, DrVaultName = drVault, PlanName = planName }, "us-east-1"));
        Assert.Equal((errorId, parameter), (ex.ErrorId, ex.ParameterName));
    }

    [Fact]
    public void The_same_region_with_another_vault_is_allowed_and_a_role_must_be_a_role()
    {
        BackupPlanWriter.Validate(new BackupPlanOptions { Tier = DrTier.Bronze, BackupVaultName = "Prod", DrRegion = "us-east-1", DrVaultName = "Copies" }, "us-east-1");
        var ex = Assert.Throws<DrValidationException>(() => BackupPlanWriter.Validate(
            new BackupPlanOptions { Tier = DrTier.Bronze, BackupVaultName = "Prod", DrRegion = "eu-central-1", IamRoleArn = "arn:aws:s3:::bucket" }, "us-east-1"));
        Assert.Equal("InvalidIamRoleArn", ex.ErrorId);
    }

    [Fact]
    public void Rules_filled_with_AWS_defaults_still_match_and_a_changed_copy_does_not()
    {
        var wanted = BackupPlanTemplates.Build(DrTier.Gold, "p", "Prod", DrVault).Rules;
        var existing = BackupPlanTemplates.Build(DrTier.Gold, "p", "Prod", DrVault).Rules;
        existing[0].CompletionWindowMinutes = 10080; // AWS's default where the template sets none
        existing[0].RuleId = "rule-1";
        Assert.True(BackupPlanWriter.SameRules(wanted, existing));
        existing[1].CopyActions![0].DestinationBackupVaultArn = "arn:aws:backup:us-west-2:123456789012:backup-vault:Prod";
        Assert.False(BackupPlanWriter.SameRules(wanted, existing));
        Assert.False(BackupPlanWriter.SameRules(wanted, existing.Take(2).ToList()));
    }
}
