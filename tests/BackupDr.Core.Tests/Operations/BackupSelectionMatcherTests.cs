using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Core.Tests.Operations;

/// <summary>AWS Backup's selection semantics: Resources OR ListOfTags, then every Condition (AND), minus NotResources.</summary>
public sealed class BackupSelectionMatcherTests
{
    private const string Vol = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0";
    private const string Db = "arn:aws:rds:us-east-1:123456789012:db:orders";

    private static Dictionary<string, string> Tags(params (string Key, string Value)[] tags) => tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);

    private static BackupSelectionConditionParameter C(string key, string value) => new() { ConditionKey = "aws:ResourceTag/" + key, ConditionValue = value };

    [Fact]
    public void Resources_match_whole_ARNs_with_star_wildcards()
    {
        var s = new BackupSelection { Resources = new List<string> { "arn:aws:ec2:*:*:volume/*" } };
        Assert.True(BackupSelectionMatcher.Matches(s, Vol, null));
        Assert.False(BackupSelectionMatcher.Matches(s, Db, null));
        Assert.True(BackupSelectionMatcher.Matches(new BackupSelection { Resources = new List<string> { "*" } }, Db, null));
        Assert.False(BackupSelectionMatcher.Matches(new BackupSelection { Resources = new List<string> { "arn:aws:rds:us-east-1:123456789012:db:order" } }, Db, null));
    }

    [Fact]
    public void ListOfTags_is_an_OR_of_STRINGEQUALS_and_adds_to_Resources()
    {
        var s = new BackupSelection
        {
            Resources = new List<string> { Db },
            ListOfTags = new List<BackupSelectionCondition> { new() { ConditionKey = "DrTier", ConditionValue = "Gold" }, new() { ConditionKey = "aws:ResourceTag/Backup", ConditionValue = "daily" } },
        };
        Assert.True(BackupSelectionMatcher.Matches(s, Vol, Tags(("DrTier", "Gold"))));
        Assert.True(BackupSelectionMatcher.Matches(s, Vol, Tags(("Backup", "daily"))));
        Assert.False(BackupSelectionMatcher.Matches(s, Vol, Tags(("DrTier", "gold"))), "case-sensitive, as in AWS");
        Assert.True(BackupSelectionMatcher.Matches(s, Db, null));
    }

    [Fact]
    public void Conditions_must_all_hold_and_NotResources_wins()
    {
        var s = new BackupSelection
        {
            Resources = new List<string> { "*" },
            NotResources = new List<string> { "arn:aws:rds:*" },
            Conditions = new BackupSelectionConditions
            {
                StringEquals = new List<BackupSelectionConditionParameter> { C("Backup", "yes") },
                StringLike = new List<BackupSelectionConditionParameter> { C("Env", "prod*") },
                StringNotEquals = new List<BackupSelectionConditionParameter> { C("Owner", "test") },
                StringNotLike = new List<BackupSelectionConditionParameter> { C("Name", "tmp-?") },
            },
        };
        Assert.True(BackupSelectionMatcher.Matches(s, Vol, Tags(("Backup", "yes"), ("Env", "prod-eu"))));
        Assert.False(BackupSelectionMatcher.Matches(s, Vol, Tags(("Backup", "yes"), ("Env", "dev"))));
        Assert.False(BackupSelectionMatcher.Matches(s, Vol, Tags(("Env", "prod"))));
        Assert.False(BackupSelectionMatcher.Matches(s, Vol, Tags(("Backup", "yes"), ("Env", "prod"), ("Owner", "test"))));
        Assert.False(BackupSelectionMatcher.Matches(s, Vol, Tags(("Backup", "yes"), ("Env", "prod"), ("Name", "tmp-1"))));
        Assert.True(BackupSelectionMatcher.Matches(s, Vol, Tags(("Backup", "yes"), ("Env", "prod"), ("Name", "tmp-12"))));
        Assert.False(BackupSelectionMatcher.Matches(s, Db, Tags(("Backup", "yes"), ("Env", "prod"))));
    }

    [Fact]
    public void A_selection_with_neither_Resources_nor_ListOfTags_assigns_every_resource_its_Conditions_allow()
    {
        Assert.True(BackupSelectionMatcher.Matches(new BackupSelection(), Vol, null));
        var gold = new BackupSelection { Conditions = new BackupSelectionConditions { StringEquals = new List<BackupSelectionConditionParameter> { C("DrTier", "Gold") } } };
        Assert.True(BackupSelectionMatcher.Matches(gold, Db, Tags(("DrTier", "Gold"))));
        Assert.False(BackupSelectionMatcher.Matches(gold, Db, Tags(("DrTier", "Silver"))));
    }
}
