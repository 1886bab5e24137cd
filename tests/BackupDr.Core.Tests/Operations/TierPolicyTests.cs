using BackupDr.Core.Operations;
using BackupDr.Core.Tests.Operations.Fakes;

namespace BackupDr.Core.Tests.Operations;

/// <summary>Tier resolution: defaults, a policy file over them, tags over both, and the errors of a bad file or tier name.</summary>
public sealed class TierPolicyTests
{
    [Fact]
    public void Defaults_are_Gold_5m_15m_Silver_1h_4h_Bronze_24h_1d()
    {
        var tiers = TierPolicy.Default.Tiers;
        Assert.Equal(new[] { "Gold", "Silver", "Bronze" }, tiers.Select(t => t.Name));
        Assert.Equal(
            new[] { (TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15)), (TimeSpan.FromHours(1), TimeSpan.FromHours(4)), (TimeSpan.FromHours(24), TimeSpan.FromDays(1)) },
            tiers.Select(t => (t.Rpo, t.Rto)));
        Assert.All(tiers, t => Assert.Equal((TierSource.Default, (string?)null), (t.Source, t.PolicyPath)));
        Assert.Null(TierPolicy.Default.Path);
    }

    [Fact]
    public void A_file_overrides_the_tiers_and_values_it_names_and_leaves_the_rest_at_their_defaults()
    {
        var policy = TierPolicy.ParseJson("""
            // comments and trailing commas are fine
            {
              "Tiers": {
                "gold":   { "Rpo": "15m", "Rto": "1h" },
                "Silver": { "RPO": 120 },
              }
            }
            """, "p.json");
        Assert.Equal("p.json", policy.Path);
        var gold = policy.For(DrTier.Gold);
        Assert.Equal((TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TierSource.File, "p.json"), (gold.Rpo, gold.Rto, gold.Source, gold.PolicyPath));
        var silver = policy.For(DrTier.Silver);
        Assert.Equal((TimeSpan.FromMinutes(120), TimeSpan.FromHours(4), TierSource.File), (silver.Rpo, silver.Rto, silver.Source));
        var bronze = policy.For(DrTier.Bronze);
        Assert.Equal((TimeSpan.FromDays(1), TierSource.Default, (string?)null), (bronze.Rpo, bronze.Source, bronze.PolicyPath));
    }

    [Theory]
    [InlineData("90s", 1.5)]
    [InlineData("15m", 15)]
    [InlineData("15 min", 15)]
    [InlineData("4h", 240)]
    [InlineData("1.5h", 90)]
    [InlineData("1d", 1440)]
    [InlineData("01:30:00", 90)]
    [InlineData("1.00:00:00", 1440)]
    public void Durations_are_shorthand_or_TimeSpan(string text, double minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), TierPolicy.ParseDuration(text));

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("15")]
    [InlineData("15w")]
    public void Other_strings_are_no_duration(string text) => Assert.Null(TierPolicy.ParseDuration(text));

    public static TheoryData<string, long, string> BadFiles() => new()
    {
        { "{\n  \"Tiers\": {\n    \"Gold\": { \"Rpo\": \"15m\" },\n    \"Platinum\": { \"Rpo\": \"1m\" }\n  }\n}", 4, "unknown tier 'Platinum': the tiers are Gold, Silver or Bronze" },
        { "{\n  \"Tiers\": {\n    \"Gold\": {\n      \"Rpo\": \"soon\"\n    }\n  }\n}", 4, "Gold Rpo is 'soon', not a duration" },
        { "{\n  \"Tiers\": {\n    \"Gold\": { \"Rpo\": \"400d\" }\n  }\n}", 3, "outside 1 minute to 366 days" },
        { "{\n  \"Tiers\": {\n    \"Silver\": { \"Rpo\": 0 }\n  }\n}", 3, "outside 1 minute to 366 days" },
        { "{\n  \"Tiers\": {\n    \"Gold\": { \"Rpo\": \"1h\", \"Retention\": 7 }\n  }\n}", 3, "unknown key 'Retention' in tier Gold" },
        { "{\n  \"Tiers\": {\n    \"Gold\": { }\n  }\n}", 3, "sets neither Rpo nor Rto" },
        { "{\n  \"Tiers\": {\n    \"Gold\": { \"Rpo\": \"1h\" },\n    \"GOLD\": { \"Rto\": \"1h\" }\n  }\n}", 4, "tier Gold is given twice" },
        { "{\n  \"Tiers\": {},\n  \"Version\": 2\n}", 3, "unknown key 'Version'" },
        { "{\n  \"tiers\": [ \"Gold\" ]\n}", 2, "a list is not allowed here" },
        { "{ }", 1, "the policy has no Tiers key" },
        { "[ ]", 1, "a list is not allowed here" },
        { "{\n  \"Tiers\": {\n    \"Gold\": { \"Rpo\": \"1h\" \n  }\n", 5, "invalid JSON" },
        { "", 1, "the file is empty" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_file_is_TierPolicyInvalid_naming_the_line_and_the_rule(string json, long line, string rule)
    {
        var ex = Assert.Throws<TierPolicyException>(() => TierPolicy.ParseJson(json, "bad.json"));
        Assert.Equal(("TierPolicyInvalid", "PolicyPath", DrErrorKind.InvalidData), (ex.ErrorId, ex.ParameterName, ex.Kind));
        Assert.Equal(line, ex.LineNumber);
        Assert.Contains(rule, ex.Message);
        Assert.StartsWith($"Tier policy bad.json, line {line}: ", ex.Message);
        Assert.NotNull(DrRecommendations.Find(ex.ErrorId));
    }

    [Fact]
    public void A_document_tree_from_another_parser_follows_the_same_rules()
    {
        // What the cmdlet layer builds from a psd1 hashtable: numbers arrive as int, keys keep their lines.
        var root = new PolicyValue(1, new[]
        {
            new PolicyMember("Tiers", 2, new PolicyValue(2, new[]
            {
                new PolicyMember("Bronze", 3, new PolicyValue(3, new[] { new PolicyMember("Rto", 3, new PolicyValue(3, 2880)) })),
                new PolicyMember("Silver", 4, new PolicyValue(4, new[] { new PolicyMember("Rpo", 5, new PolicyValue(5, new[] { new PolicyMember("x", 5, new PolicyValue(5, "1h")) })) })),
            })),
        });
        var ex = Assert.Throws<TierPolicyException>(() => TierPolicy.FromDocument(root, "p.psd1"));
        Assert.Equal(5, ex.LineNumber);
        Assert.Contains("Silver Rpo is a hashtable, not a duration", ex.Message);

        var good = new PolicyValue(1, new[] { new PolicyMember("Tiers", 2, new PolicyValue(2, new[] { new PolicyMember("Bronze", 3, new PolicyValue(3, new[] { new PolicyMember("Rto", 3, new PolicyValue(3, 2880)) })) })) });
        Assert.Equal(TimeSpan.FromDays(2), TierPolicy.FromDocument(good, "p.psd1").For(DrTier.Bronze).Rto);
    }

    [Fact]
    public void Tags_pick_the_tier_and_override_its_objectives()
    {
        var policy = TierPolicy.ParseJson("{ \"Tiers\": { \"Silver\": { \"Rpo\": \"2h\" } } }", "p.json");

        var silver = policy.Resolve(new Dictionary<string, string> { ["DrTier"] = "silver" });
        Assert.Equal((DrTier.Silver, TimeSpan.FromHours(2), TimeSpan.FromHours(4), TierSource.File, (string?)null), (silver.Tier!.Value, silver.Rpo!.Value, silver.Rto!.Value, silver.Source!.Value, silver.TagProblem));

        var tagged = policy.Resolve(new Dictionary<string, string> { ["DrTier"] = "Gold", ["DrRpoMinutes"] = "30", ["DrRtoMinutes"] = " 90 " });
        Assert.Equal((DrTier.Gold, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(90), TierSource.Tag), (tagged.Tier!.Value, tagged.Rpo!.Value, tagged.Rto!.Value, tagged.Source!.Value));
        Assert.Null(tagged.TagProblem);

        var untagged = policy.Resolve(new Dictionary<string, string> { ["Backup"] = "daily" });
        Assert.Equal(((DrTier?)null, (string?)null, (TimeSpan?)null, (string?)null), (untagged.Tier, untagged.TierTag, untagged.Rpo, untagged.TagProblem));
        Assert.Null(policy.Resolve(null).Tier);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("527041")]
    [InlineData("")]
    public void An_override_tag_that_is_no_whole_number_of_minutes_is_a_tag_problem_and_the_tier_value_applies(string value)
    {
        var r = TierPolicy.Default.Resolve(new Dictionary<string, string> { ["DrTier"] = "Gold", ["DrRpoMinutes"] = value });
        Assert.Equal((DrTier.Gold, TimeSpan.FromMinutes(5), TierSource.Default), (r.Tier!.Value, r.Rpo!.Value, r.Source!.Value));
        Assert.Contains($"the DrRpoMinutes tag '{value}' is not a whole number of minutes from 1 to 527040", r.TagProblem);
    }

    [Fact]
    public void A_DrTier_tag_that_is_no_tier_and_overrides_without_a_tier_are_tag_problems()
    {
        var platinum = TierPolicy.Default.Resolve(new Dictionary<string, string> { ["DrTier"] = "Platinum" });
        Assert.Equal(((DrTier?)null, "Platinum", (TimeSpan?)null), (platinum.Tier, platinum.TierTag, platinum.Rpo));
        Assert.Contains("the DrTier tag 'Platinum' is not a tier (use Gold, Silver or Bronze)", platinum.TagProblem);

        var lonely = TierPolicy.Default.Resolve(new Dictionary<string, string> { ["DrRtoMinutes"] = "60" });
        Assert.Null(lonely.Tier);
        Assert.Contains("DrRtoMinutes applies only together with a DrTier tag", lonely.TagProblem);
    }

    [Fact]
    public void An_unknown_tier_name_is_UnknownTier_naming_the_parameter_and_the_valid_tiers()
    {
        var ex = Assert.Throws<DrValidationException>(() => DrTiers.Parse("Platinum", "Tier"));
        Assert.Equal(("UnknownTier", "Tier", (object?)"Platinum"), (ex.ErrorId, ex.ParameterName, ex.Value));
        Assert.Contains("-Tier 'Platinum' is not a DR tier. Use Gold, Silver or Bronze.", ex.Message);
    }

    [Fact]
    public async Task An_unknown_tier_sends_nothing()
    {
        var backup = new FakeBackupApi();
        var ec2 = new FakeEc2Api();
        var rds = new FakeRdsApi();
        var query = new ProtectionStatusQuery(_ => new RegionClients(backup, ec2, rds));
        var options = new ProtectionStatusOptions { Regions = new[] { "us-east-1" }, Tiers = new[] { "Gold", "Platinum" }, AccountId = "123456789012" };
        var ex = Assert.Throws<DrValidationException>(() => query.ListAsync(options, null, default));
        Assert.Equal("UnknownTier", ex.ErrorId);
        await Task.Yield();
        Assert.Empty(backup.Calls.Concat(ec2.Calls).Concat(rds.Calls));
    }
}
