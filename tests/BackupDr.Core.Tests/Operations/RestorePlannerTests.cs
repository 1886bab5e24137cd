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
        var plan = await new RestorePlanner(api, rds, new FakeClock(Now)).PlanAsync(RdsPoint(),
            new RestoreOverrides { InstanceClass = "db.r6g.large", SubnetGroupName = "private", AvailabilityZone = "us-east-1b", Metadata = new Dictionary<string, string> { ["multiaz"] = "false" } }, default);

        var m = plan.Request.Metadata;
        Assert.Equal("orders-restore-202506101407", plan.TargetName);
        Assert.Equal("orders-restore-202506101407", m["DBInstanceIdentifier"]);
        Assert.Equal("db.r6g.large", m["DBInstanceClass"]);
        Assert.Equal("private", m["DBSubnetGroupName"]);
        Assert.Equal("us-east-1b", m["AvailabilityZone"]);
        Assert.Equal("postgres", m["Engine"]);
        Assert.Equal("false", m["multiaz"]);
        Assert.Equal("arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole", plan.Request.IamRoleArn);
        Assert.True(plan.IamRoleDefaulted);
        Assert.Equal("RDS", plan.Request.ResourceType);
        Assert.Equal(new[] { "DescribeDBInstances orders-restore-202506101407" }, rds.Calls);
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

    [Fact]
    public void Default_target_name_fits_rds_63_characters()
    {
        var name = RestorePlanner.DefaultTargetName(new string('a', 60), Now);
        Assert.Equal(63, name.Length);
        Assert.EndsWith("-restore-202506101407", name);
        Assert.True(ResourceArns.IsValidRdsIdentifier(name));
    }
}
