using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using BackupDr.Core.Tests.Operations.Fakes;

namespace BackupDr.Core.Tests.Operations;

public class RestorePlannerTests
{
    private static readonly DateTime Now = new(2025, 6, 10, 14, 7, 0, DateTimeKind.Utc);

    private static RecoveryPoint RdsPoint() => new()
    {
        RecoveryPointArn = "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1",
        Region = "us-east-1",
        BackupVaultName = "Default",
        ResourceArn = "arn:aws:rds:us-east-1:123456789012:db:orders",
        ResourceType = "RDS",
    };

    private static RecoveryPoint EbsPoint() => new()
    {
        RecoveryPointArn = "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0",
        Region = "us-east-1",
        BackupVaultArn = "arn:aws:backup:us-east-1:123456789012:backup-vault:Nightly",
        ResourceArn = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0",
        ResourceType = "EBS",
    };

    private static FakeBackupApi ApiWith(Dictionary<string, string> metadata) => new() { Metadata = new RestoreMetadata { Metadata = metadata } };

    [Fact]
    public async Task Rds_defaults_target_name_and_role_and_applies_overrides_with_rds_key_names()
    {
        var api = ApiWith(new() { ["DBInstanceIdentifier"] = "orders", ["Engine"] = "postgres", ["DBInstanceClass"] = "db.t3.micro" });
        var rds = new FakeRdsApi();
        var plan = await new RestorePlanner(api, rds, new FakeClock(Now), () => "k3x9").PlanAsync(RdsPoint(),
            new RestoreOverrides { InstanceClass = "db.r6g.large", SubnetGroupName = "private", AvailabilityZone = "us-east-1b", Metadata = new Dictionary<string, string> { ["multiaz"] = "false" } }, default);

        var m = plan.Request.Metadata;
        var expectedName = RestorePlanner.DefaultTargetName("orders", Now, "k3x9");
        Assert.Matches("^orders-restore-20250610140700-k3x9$", expectedName);
        Assert.Equal(expectedName, plan.TargetName);
        Assert.Equal(expectedName, m["DBInstanceIdentifier"]);
        Assert.Equal("db.r6g.large", m["DBInstanceClass"]);
        Assert.Equal("private", m["DBSubnetGroupName"]);
        Assert.Equal("us-east-1b", m["AvailabilityZone"]);
        Assert.Equal("postgres", m["Engine"]);
        Assert.Equal("false", m["multiaz"]);
        Assert.Equal("arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole", plan.Request.IamRoleArn);
        Assert.True(plan.IamRoleDefaulted);
        Assert.Equal("RDS", plan.Request.ResourceType);
        Assert.Equal(new[] { "DescribeDBInstances " + expectedName }, rds.Calls);
        Assert.DoesNotContain(api.Calls, c => c.StartsWith("StartRestoreJob"));
    }

    [Fact]
    public async Task Extra_metadata_matches_existing_key_case()
    {
        var api = ApiWith(new() { ["DBInstanceIdentifier"] = "orders", ["MultiAZ"] = "true" });
        var plan = await new RestorePlanner(api, new FakeRdsApi(), new FakeClock(Now)).PlanAsync(RdsPoint(), new RestoreOverrides { Metadata = new Dictionary<string, string> { ["multiaz"] = "false" } }, default);
        Assert.Equal("false", plan.Request.Metadata["MultiAZ"]);
        Assert.False(plan.Request.Metadata.ContainsKey("multiaz"));
    }

    [Fact]
    public async Task Existing_target_name_is_ResourceNameInUse_and_nothing_is_started()
    {
        var api = ApiWith(new() { ["DBInstanceIdentifier"] = "orders" });
        var rds = new FakeRdsApi();
        rds.Instances["orders-copy"] = new DbInstance { DBInstanceIdentifier = "orders-copy" };
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => new RestorePlanner(api, rds, new FakeClock(Now)).PlanAsync(RdsPoint(), new RestoreOverrides { TargetName = "orders-copy" }, default));
        Assert.Equal(("ResourceNameInUse", DrErrorKind.ResourceExists, "TargetName", (object?)"orders-copy"), (ex.ErrorId, ex.Kind, ex.ParameterName, ex.Value));
        Assert.Empty(api.Mutations);
        Assert.Empty(rds.Mutations);
    }

    [Fact]
    public async Task Ebs_uses_camelCase_keys_and_vault_from_vault_arn()
    {
        var api = ApiWith(new() { ["availabilityZone"] = "us-east-1a", ["volumeType"] = "gp2", ["volumeSize"] = "8" });
        var plan = await new RestorePlanner(api, null, new FakeClock(Now)).PlanAsync(EbsPoint(), new RestoreOverrides { VolumeType = "gp3", AvailabilityZone = "us-east-1c", IamRoleArn = "arn:aws:iam::123456789012:role/Restore" }, default);
        Assert.Equal(new Dictionary<string, string> { ["availabilityZone"] = "us-east-1c", ["volumeType"] = "gp3", ["volumeSize"] = "8" }, plan.Request.Metadata);
        Assert.Equal("arn:aws:iam::123456789012:role/Restore", plan.Request.IamRoleArn);
        Assert.False(plan.IamRoleDefaulted);
        Assert.StartsWith("GetRecoveryPointRestoreMetadata Nightly ", Assert.Single(api.Calls));
    }

    [Theory]
    [InlineData("InstanceClass")]
    [InlineData("TargetName")]
    public async Task Rds_overrides_on_an_ebs_point_are_refused_before_any_call(string parameter)
    {
        var api = ApiWith(new());
        var o = parameter == "InstanceClass" ? new RestoreOverrides { InstanceClass = "db.t3.micro" } : new RestoreOverrides { TargetName = "x" };
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => new RestorePlanner(api, null, new FakeClock(Now)).PlanAsync(EbsPoint(), o, default));
        Assert.Equal(("OverrideNotApplicable", parameter), (ex.ErrorId, ex.ParameterName));
        Assert.Empty(api.Calls);
    }

    [Fact]
    public async Task Invalid_target_name_is_refused_before_any_call()
    {
        var api = ApiWith(new());
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => new RestorePlanner(api, new FakeRdsApi(), new FakeClock(Now)).PlanAsync(RdsPoint(), new RestoreOverrides { TargetName = "1bad--name" }, default));
        Assert.Equal("InvalidTargetName", ex.ErrorId);
        Assert.Empty(api.Calls);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(63)]
    [InlineData(6)]
    public void Default_target_name_fits_rds_63_characters(int sourceLength)
    {
        var name = RestorePlanner.DefaultTargetName(new string('a', sourceLength), Now, "z9z9");
        Assert.True(name.Length <= 63, name);
        Assert.EndsWith("-restore-20250610140700-z9z9", name);
        Assert.True(ResourceArns.IsValidRdsIdentifier(name), name);
    }

    [Theory]
    [InlineData("orders-")]
    [InlineData("9orders")]
    [InlineData("ord--ers")]
    [InlineData("ord_ers.db")]
    [InlineData("---")]
    [InlineData("")]
    public void Default_target_name_keeps_rds_identifier_rules_whatever_the_source(string source)
    {
        var name = RestorePlanner.DefaultTargetName(source, Now, "ab12");
        Assert.True(ResourceArns.IsValidRdsIdentifier(name), name);
        Assert.DoesNotContain("--", name);
    }

    [Fact]
    public void Default_target_name_cut_at_63_leaves_no_trailing_hyphen_before_the_suffix()
    {
        // The source is cut where its own hyphen would meet the tail's, which would make a double hyphen.
        var source = new string('a', 34) + "-bbbb";
        var name = RestorePlanner.DefaultTargetName(source, Now, "ab12");
        Assert.True(ResourceArns.IsValidRdsIdentifier(name), name);
        Assert.True(name.Length <= 63);
    }

    [Fact]
    public async Task RestoreTwiceInOneMinute_regression_two_plans_of_one_point_in_the_same_second_get_different_default_names()
    {
        var names = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var api = ApiWith(new() { ["DBInstanceIdentifier"] = "orders" });
            var plan = await new RestorePlanner(api, new FakeRdsApi(), new FakeClock(Now)).PlanAsync(RdsPoint(), new RestoreOverrides(), default);
            Assert.True(ResourceArns.IsValidRdsIdentifier(plan.TargetName), plan.TargetName);
            Assert.StartsWith("orders-restore-20250610140700-", plan.TargetName);
            names.Add(plan.TargetName!);
        }

        // 20 draws from 36^4 suffixes: a collision would be a 1-in-10,000 fluke, not the minute-resolution defect.
        Assert.True(names.Count >= 19, string.Join(", ", names));
    }

    [Fact]
    public async Task OmitTargetNameMessage_regression_a_taken_default_name_does_not_tell_the_user_to_omit_TargetName()
    {
        var api = ApiWith(new() { ["DBInstanceIdentifier"] = "orders" });
        var rds = new FakeRdsApi();
        var taken = RestorePlanner.DefaultTargetName("orders", Now, "aaaa");
        rds.Instances[taken] = new DbInstance { DBInstanceIdentifier = taken };
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => new RestorePlanner(api, rds, new FakeClock(Now), () => "aaaa").PlanAsync(RdsPoint(), new RestoreOverrides(), default));
        Assert.Equal(("ResourceNameInUse", (object?)taken), (ex.ErrorId, ex.Value));
        Assert.DoesNotContain("omit", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("no -TargetName was given", ex.Message);
    }

    [Fact]
    public async Task MetadataNameSkipsChecks_regression_an_invalid_DBInstanceIdentifier_in_Metadata_is_InvalidTargetName_before_any_call()
    {
        var api = ApiWith(new() { ["DBInstanceIdentifier"] = "orders" });
        var rds = new FakeRdsApi();
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => new RestorePlanner(api, rds, new FakeClock(Now)).PlanAsync(RdsPoint(),
            new RestoreOverrides { Metadata = new Dictionary<string, string> { ["dbinstanceidentifier"] = "1bad--name" } }, default));
        Assert.Equal(("InvalidTargetName", "Metadata"), (ex.ErrorId, ex.ParameterName));
        Assert.Empty(api.Calls);
        Assert.Empty(rds.Calls);
    }

    [Fact]
    public async Task MetadataNameSkipsChecks_regression_a_DBInstanceIdentifier_in_Metadata_that_exists_is_ResourceNameInUse_naming_Metadata()
    {
        var api = ApiWith(new() { ["DBInstanceIdentifier"] = "orders" });
        var rds = new FakeRdsApi();
        rds.Instances["orders-copy"] = new DbInstance { DBInstanceIdentifier = "orders-copy" };
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => new RestorePlanner(api, rds, new FakeClock(Now)).PlanAsync(RdsPoint(),
            new RestoreOverrides { Metadata = new Dictionary<string, string> { ["DBInstanceIdentifier"] = "orders-copy" } }, default));
        Assert.Equal(("ResourceNameInUse", "Metadata"), (ex.ErrorId, ex.ParameterName));
        Assert.Contains("-Metadata", ex.Message);
    }

    [Fact]
    public async Task TargetName_and_a_different_Metadata_identifier_conflict_before_any_call()
    {
        var api = ApiWith(new());
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => new RestorePlanner(api, new FakeRdsApi(), new FakeClock(Now)).PlanAsync(RdsPoint(),
            new RestoreOverrides { TargetName = "a-one", Metadata = new Dictionary<string, string> { ["DBInstanceIdentifier"] = "a-two" } }, default));
        Assert.Equal("ConflictingRestoreMetadata", ex.ErrorId);
        Assert.Empty(api.Calls);
    }
}
