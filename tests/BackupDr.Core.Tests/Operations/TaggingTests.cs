using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using BackupDr.Core.Tests.Operations.Fakes;

namespace BackupDr.Core.Tests.Operations;

public class TagRulesTests
{
    [Theory]
    [InlineData("aws:cloudformation:stack", "ReservedTagPrefix")]
    [InlineData("AWS:Foo", "ReservedTagPrefix")]
    [InlineData("", "InvalidTagKey")]
    [InlineData("semi;colon", "InvalidTagKey")]
    [InlineData("<script>", "InvalidTagKey")]
    public void Bad_keys_are_refused(string key, string errorId)
    {
        var ex = Assert.Throws<DrValidationException>(() => TagRules.Validate(new Dictionary<string, string> { [key] = "v" }, null));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal("Tag", ex.ParameterName);
    }

    [Fact]
    public void Key_length_boundary_is_128()
    {
        TagRules.ValidateKey(new string('k', 128), "Tag");
        Assert.Equal("InvalidTagKey", Assert.Throws<DrValidationException>(() => TagRules.ValidateKey(new string('k', 129), "Tag")).ErrorId);
    }

    [Fact]
    public void Value_length_boundary_is_256_and_empty_is_allowed()
    {
        TagRules.ValidateValue("k", new string('v', 256), "Tag");
        TagRules.ValidateValue("k", string.Empty, "Tag");
        Assert.Equal("InvalidTagValue", Assert.Throws<DrValidationException>(() => TagRules.ValidateValue("k", new string('v', 257), "Tag")).ErrorId);
        Assert.Equal("InvalidTagValue", Assert.Throws<DrValidationException>(() => TagRules.ValidateValue("k", "a|b", "Tag")).ErrorId);
    }

    [Fact]
    public void Unicode_letters_digits_spaces_and_punctuation_set_are_allowed()
    {
        TagRules.Validate(new Dictionary<string, string> { ["Équipe Ops_1.a:b/c=d+e-f@g"] = "日本 café 42" }, null);
    }

    [Fact]
    public void Removing_an_aws_tag_is_refused_and_set_plus_remove_conflicts()
    {
        Assert.Equal("ReservedTagPrefix", Assert.Throws<DrValidationException>(() => TagRules.Validate(null, new[] { "aws:backup:source" })).ErrorId);
        Assert.Equal("ConflictingTagChange", Assert.Throws<DrValidationException>(() => TagRules.Validate(new Dictionary<string, string> { ["A"] = "1" }, new[] { "A" })).ErrorId);
    }

    [Fact]
    public void Count_over_50_is_TooManyTags_but_aws_tags_do_not_count()
    {
        var fifty = Enumerable.Range(0, 50).Select(i => "k" + i).Append("aws:x").ToList();
        TagRules.ValidateCount(fifty, "r");
        var ex = Assert.Throws<DrValidationException>(() => TagRules.ValidateCount(fifty.Append("one-more").ToList(), "r"));
        Assert.Equal(("TooManyTags", DrErrorKind.LimitsExceeded, (object?)51), (ex.ErrorId, ex.Kind, ex.Value));
    }
}

public class TagPlannerTests
{
    [Fact]
    public void Compute_splits_added_changed_removed_unchanged()
    {
        var current = new Dictionary<string, string> { ["Backup"] = "weekly", ["Owner"] = "ops", ["Old"] = "x" };
        var diff = TagPlanner.Compute(current, new Dictionary<string, string> { ["Backup"] = "daily", ["Owner"] = "ops", ["DrTier"] = "Gold" }, new[] { "Old", "Missing" });

        Assert.Equal(new Dictionary<string, string> { ["DrTier"] = "Gold" }, diff.Added);
        var change = Assert.Single(diff.Changed);
        Assert.Equal(("Backup", "weekly", "daily"), (change.Key, change.OldValue, change.NewValue));
        Assert.Equal(new Dictionary<string, string> { ["Old"] = "x" }, diff.Removed);
        Assert.Equal(new Dictionary<string, string> { ["Owner"] = "ops" }, diff.Unchanged);
        Assert.Equal(new[] { "Backup", "DrTier", "Owner" }, diff.ResultingKeys);
        Assert.True(diff.HasChanges);
    }

    [Fact]
    public void Keys_are_case_sensitive_like_aws()
    {
        var diff = TagPlanner.Compute(new Dictionary<string, string> { ["backup"] = "daily" }, new Dictionary<string, string> { ["Backup"] = "daily" }, null);
        Assert.Single(diff.Added);
    }

    [Fact]
    public void Same_values_is_no_change()
    {
        var diff = TagPlanner.Compute(new Dictionary<string, string> { ["A"] = "1" }, new Dictionary<string, string> { ["A"] = "1" }, new[] { "B" });
        Assert.False(diff.HasChanges);
        Assert.Equal("no change", diff.ToString());
    }

    [Fact]
    public void BackupTagKeys_build_frequency_and_tier_tags()
    {
        var tags = BackupTagKeys.Build(BackupFrequency.Daily, DrTier.Gold, new Dictionary<string, string> { ["Owner"] = "ops" });
        Assert.Equal(new Dictionary<string, string> { ["Owner"] = "ops", ["Backup"] = "daily", ["DrTier"] = "Gold" }, tags);
        Assert.Equal("ConflictingTagChange", Assert.Throws<DrValidationException>(() => BackupTagKeys.Build(BackupFrequency.Hourly, null, new Dictionary<string, string> { ["Backup"] = "weekly" })).ErrorId);
    }
}

public class TaggingOperationTests
{
    private const string VolId = "vol-0123456789abcdef0";
    private static readonly Arn Vol = Arn.Parse("arn:aws:ec2:us-east-1:123456789012:volume/" + VolId);
    private static readonly Arn Db = Arn.Parse("arn:aws:rds:us-east-1:123456789012:db:orders");

    [Fact]
    public async Task Ec2_plan_reads_tags_with_resource_id_filter_and_apply_sends_only_differences()
    {
        var ec2 = new FakeEc2Api();
        ec2.Tags[VolId] = new() { ["Backup"] = "weekly", ["Owner"] = "ops", ["Old"] = "x" };
        ec2.Tags["vol-0ther"] = new() { ["Unrelated"] = "1" };
        var op = new ResourceTagger(ec2, null);

        var plan = await op.PlanAsync(Vol, BackupTagKeys.Build(BackupFrequency.Daily, null, new Dictionary<string, string> { ["Owner"] = "ops" }), new[] { "Old" }, default);
        Assert.Equal(new[] { "DescribeTags" }, ec2.Calls);
        var filter = Assert.Single(Assert.Single(ec2.TagFilters));
        Assert.Equal(("resource-id", VolId), (filter.Name, Assert.Single(filter.Values)));
        Assert.False(plan.Applied);
        Assert.Equal("EBS", plan.ResourceType);

        await op.ApplyAsync(plan, default);
        Assert.True(plan.Applied);
        Assert.Equal(new[] { "DescribeTags", "DeleteTags", "CreateTags" }, ec2.Calls);
        Assert.Equal(new[] { VolId }, ec2.Created[0].Ids);
        Assert.Equal(new[] { "Backup=daily" }, ec2.Created[0].Tags.Select(t => t.ToString()));
        Assert.Equal(new[] { "Old" }, ec2.Deleted[0].Tags.Select(t => t.Key));
        Assert.Equal(new Dictionary<string, string> { ["Backup"] = "daily", ["Owner"] = "ops" }, ec2.Tags[VolId]);
    }

    [Fact]
    public async Task Rds_routes_to_ListTagsForResource_and_AddTags()
    {
        var rds = new FakeRdsApi();
        var op = new ResourceTagger(null, rds);
        var plan = await op.PlanAsync(Db, new Dictionary<string, string> { ["DrTier"] = "Gold" }, null, default);
        await op.ApplyAsync(plan, default);
        Assert.Equal(new[] { "ListTagsForResource " + Db.Text, "AddTagsToResource " + Db.Text }, rds.Calls);
        Assert.Equal("Gold", rds.Tags[Db.Text]["DrTier"]);
    }

    [Fact]
    public async Task Rds_removal_uses_RemoveTagsFromResource()
    {
        var rds = new FakeRdsApi();
        rds.Tags[Db.Text] = new() { ["Backup"] = "daily" };
        var op = new ResourceTagger(null, rds);
        await op.ApplyAsync(await op.PlanAsync(Db, null, new[] { "Backup" }, default), default);
        Assert.Equal(new[] { "Backup" }, Assert.Single(rds.RemovedKeys).Keys);
        Assert.Empty(rds.Added);
    }

    [Fact]
    public async Task No_difference_sends_no_change()
    {
        var ec2 = new FakeEc2Api();
        ec2.Tags[VolId] = new() { ["Backup"] = "daily" };
        var op = new ResourceTagger(ec2, null);
        var result = await op.ApplyAsync(await op.PlanAsync(Vol, new Dictionary<string, string> { ["Backup"] = "daily" }, null, default), default);
        Assert.False(result.Applied);
        Assert.Empty(ec2.Mutations);
    }

    [Fact]
    public async Task Invalid_tag_sends_nothing_at_all()
    {
        var ec2 = new FakeEc2Api();
        var op = new ResourceTagger(ec2, null);
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => op.PlanAsync(Vol, new Dictionary<string, string> { ["aws:x"] = "1" }, null, default));
        Assert.Equal("ReservedTagPrefix", ex.ErrorId);
        Assert.Empty(ec2.Calls);
    }

    [Fact]
    public async Task Exceeding_50_tags_is_refused_before_any_change()
    {
        var ec2 = new FakeEc2Api();
        ec2.Tags[VolId] = Enumerable.Range(0, 50).ToDictionary(i => "k" + i, i => "v");
        var op = new ResourceTagger(ec2, null);
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => op.PlanAsync(Vol, new Dictionary<string, string> { ["Backup"] = "daily" }, null, default));
        Assert.Equal("TooManyTags", ex.ErrorId);
        Assert.Empty(ec2.Mutations);

        // Swapping one tag for another at the limit is fine.
        var plan = await op.PlanAsync(Vol, new Dictionary<string, string> { ["Backup"] = "daily" }, new[] { "k0" }, default);
        Assert.True(plan.Diff.HasChanges);
    }

    [Fact]
    public async Task Unsupported_resource_is_refused_without_calls()
    {
        var ec2 = new FakeEc2Api();
        var rds = new FakeRdsApi();
        var op = new ResourceTagger(ec2, rds);
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => op.PlanAsync(Arn.Parse("arn:aws:dynamodb:us-east-1:123456789012:table/T"), new Dictionary<string, string> { ["A"] = "1" }, null, default));
        Assert.Equal("UnsupportedResourceType", ex.ErrorId);
        Assert.Empty(ec2.Calls);
        Assert.Empty(rds.Calls);
    }
}
