using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Core.Tests.Operations;

public class DrErrorsTests
{
    [Theory]
    [InlineData("AccessDeniedException", 403, DrErrorKind.PermissionDenied)]
    [InlineData("AccessDenied", 400, DrErrorKind.PermissionDenied)]
    [InlineData("UnauthorizedOperation", 403, DrErrorKind.PermissionDenied)]
    [InlineData("AuthFailure", 401, DrErrorKind.PermissionDenied)]
    [InlineData("InvalidClientTokenId", 403, DrErrorKind.PermissionDenied)]
    [InlineData("ResourceNotFoundException", 400, DrErrorKind.ObjectNotFound)]
    [InlineData("DBInstanceNotFound", 404, DrErrorKind.ObjectNotFound)]
    [InlineData("InvalidVolume.NotFound", 400, DrErrorKind.ObjectNotFound)]
    [InlineData("DBInstanceAlreadyExists", 400, DrErrorKind.ResourceExists)]
    [InlineData("AlreadyExistsException", 400, DrErrorKind.ResourceExists)]
    [InlineData("ThrottlingException", 400, DrErrorKind.LimitsExceeded)]
    [InlineData("Throttling", 400, DrErrorKind.LimitsExceeded)]
    [InlineData("LimitExceededException", 400, DrErrorKind.LimitsExceeded)]
    [InlineData("TagLimitExceeded", 400, DrErrorKind.LimitsExceeded)]
    [InlineData("RequestTimeout", 0, DrErrorKind.OperationTimeout)]
    [InlineData("NetworkError", 0, DrErrorKind.ConnectionError)]
    [InlineData("ValidationException", 400, DrErrorKind.InvalidArgument)]
    [InlineData("InvalidParameterValueException", 400, DrErrorKind.InvalidArgument)]
    [InlineData("InvalidParameterCombination", 400, DrErrorKind.InvalidArgument)]
    [InlineData("MissingParameter", 400, DrErrorKind.InvalidArgument)]
    [InlineData("InvalidDBInstanceState", 400, DrErrorKind.InvalidOperation)]
    public void KindOf_maps_aws_codes(string code, int status, DrErrorKind expected)
    {
        var ex = new AwsServiceException("backup", "Op", status, code, "msg", "rid");
        Assert.Equal(expected, DrErrors.KindOf(ex));
    }

    [Fact]
    public void Validation_exception_carries_id_parameter_value_and_kind()
    {
        var ex = new DrValidationException("TooManyTags", "Tag", 51, "too many", DrErrorKind.LimitsExceeded);
        Assert.IsAssignableFrom<Exception>(ex);
        Assert.Equal(("TooManyTags", "Tag", (object?)51, DrErrorKind.LimitsExceeded), (ex.ErrorId, ex.ParameterName, ex.Value, ex.Kind));
    }
}

public class ResourceArnsTests
{
    private const string Vol = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0";
    private const string Inst = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0";
    private const string Db = "arn:aws:rds:us-east-1:123456789012:db:orders-db";
    private const string Cluster = "arn:aws:rds:us-east-1:123456789012:cluster:orders-aurora";

    [Theory]
    [InlineData(Vol, "EBS")]
    [InlineData(Inst, "EC2")]
    [InlineData(Db, "RDS")]
    [InlineData(Cluster, "Aurora")]
    [InlineData("arn:aws:dynamodb:us-east-1:123456789012:table/Orders", "DynamoDB")]
    [InlineData("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-12345678", "EFS")]
    [InlineData("arn:aws:s3:::my-bucket", "S3")]
    [InlineData("arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0", "FSx")]
    public void Valid_resource_arns_parse_and_map_to_backup_resource_types(string arn, string type)
    {
        var parsed = ResourceArns.ValidateResourceArn(arn, "ResourceArn", "us-east-1");
        Assert.Equal(type, ResourceArns.ResourceTypeOf(parsed));
    }

    [Theory]
    [InlineData("vol-0123456789abcdef0")]
    [InlineData("arn:aws:ec2:us-east-1:123456789012:volume/")]
    [InlineData("arn:aws:ec2:us-east-1:123456789012:volume/i-0123456789abcdef0")]
    [InlineData("arn:aws:ec2:us-east-1:123456789012:security-group/sg-12345678")]
    [InlineData("arn:aws:iam::123456789012:role/x")]
    [InlineData("arn:aws:backup:us-east-1:123456789012:recovery-point:abc")]
    [InlineData("arn:aws:rds:us-east-1:123456789012:snapshot:snap1")]
    public void Bad_or_wrong_service_arns_give_InvalidResourceArn_naming_parameter_and_value(string value)
    {
        var ex = Assert.Throws<DrValidationException>(() => ResourceArns.ValidateResourceArn(value, "ResourceArn", null));
        Assert.Equal("InvalidResourceArn", ex.ErrorId);
        Assert.Equal("ResourceArn", ex.ParameterName);
        Assert.Equal(value, ex.Value);
        Assert.Equal(DrErrorKind.InvalidArgument, ex.Kind);
    }

    [Fact]
    public void Region_mismatch_names_both_regions_and_suggests_Region()
    {
        var ex = Assert.Throws<DrValidationException>(() => ResourceArns.ValidateResourceArn(Vol, "ResourceArn", "eu-west-1"));
        Assert.Equal("ResourceArnRegionMismatch", ex.ErrorId);
        Assert.Contains("us-east-1", ex.Message);
        Assert.Contains("eu-west-1", ex.Message);
        Assert.Contains("-Region us-east-1", ex.Message);
    }

    [Fact]
    public void S3_arn_has_no_region_and_passes_any_region_check()
    {
        Assert.Equal("S3", ResourceArns.ResourceTypeOf(ResourceArns.ValidateResourceArn("arn:aws:s3:::b", "ResourceArn", "eu-west-1")));
    }

    [Theory]
    [InlineData("arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45")]
    [InlineData("arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0")]
    [InlineData("arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1234")]
    public void Recovery_point_arns_are_accepted(string value)
    {
        Assert.Equal(value, ResourceArns.ValidateRecoveryPointArn(value, "RecoveryPointArn", "us-east-1").Text);
    }

    [Fact]
    public void Resource_arn_is_not_a_recovery_point()
    {
        var ex = Assert.Throws<DrValidationException>(() => ResourceArns.ValidateRecoveryPointArn(Vol, "RecoveryPointArn", null));
        Assert.Equal("InvalidRecoveryPointArn", ex.ErrorId);
    }

    [Fact]
    public void Default_role_uses_account_and_partition_of_the_resource()
    {
        var arn = Arn.Parse("arn:aws-cn:rds:cn-north-1:210987654321:db:x");
        Assert.Equal("arn:aws-cn:iam::210987654321:role/service-role/AWSBackupDefaultServiceRole", ResourceArns.DefaultBackupRoleArn(arn));
        Assert.Equal("IamRoleArnRequired", Assert.Throws<DrValidationException>(() => ResourceArns.DefaultBackupRoleArn(Arn.Parse("arn:aws:s3:::b"))).ErrorId);
    }

    [Fact]
    public void Builders_produce_arns_that_validate_back()
    {
        Assert.Equal(Inst, ResourceArns.InstanceArn("us-east-1", "123456789012", "i-0123456789abcdef0"));
        Assert.Equal(Vol, ResourceArns.VolumeArn("us-east-1", "123456789012", "vol-0123456789abcdef0"));
        Assert.Equal(Db, ResourceArns.DbArn("us-east-1", "123456789012", "orders-db"));
        Assert.Equal("arn:aws-us-gov:ec2:us-gov-west-1:123456789012:volume/vol-01234567", ResourceArns.VolumeArn("us-gov-west-1", "123456789012", "vol-01234567", "aws-us-gov"));
    }

    [Fact]
    public void Resource_type_names_normalise_case_and_unknown_is_refused()
    {
        Assert.Equal("DynamoDB", ResourceArns.NormalizeResourceType("dynamodb", "ResourceType"));
        Assert.Equal("UnsupportedResourceType", Assert.Throws<DrValidationException>(() => ResourceArns.NormalizeResourceType("Floppy", "ResourceType")).ErrorId);
    }
}

public class LifecyclesTests
{
    [Fact]
    public void Both_null_means_no_lifecycle() => Assert.Null(Lifecycles.Validate(null, null));

    [Fact]
    public void Delete_exactly_cold_plus_90_is_accepted()
    {
        var l = Lifecycles.Validate(30, 120)!;
        Assert.Equal((30L, 120L), (l.MoveToColdStorageAfterDays!.Value, l.DeleteAfterDays!.Value));
    }

    [Fact]
    public void Delete_before_cold_plus_90_names_both_parameters_and_values()
    {
        var ex = Assert.Throws<DrValidationException>(() => Lifecycles.Validate(30, 119));
        Assert.Equal("InvalidLifecycle", ex.ErrorId);
        Assert.Contains("-DeleteAfterDays (119)", ex.Message);
        Assert.Contains("-ColdStorageAfterDays (30)", ex.Message);
        Assert.Equal(119L, ex.Value);
    }

    [Theory]
    [InlineData(-1L, null, "ColdStorageAfterDays")]
    [InlineData(null, -5L, "DeleteAfterDays")]
    public void Negative_days_are_refused(long? cold, long? delete, string parameter)
    {
        var ex = Assert.Throws<DrValidationException>(() => Lifecycles.Validate(cold, delete));
        Assert.Equal(parameter, ex.ParameterName);
    }

    [Fact]
    public void Delete_only_is_fine_without_cold() => Assert.Equal(7L, Lifecycles.Validate(null, 7)!.DeleteAfterDays);
}

public class IdempotencyTokensTests
{
    private const string R = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0";

    [Fact]
    public void Same_inputs_same_utc_day_give_same_token_at_any_hour()
    {
        var a = IdempotencyTokens.ForBackup(R, "Default", new DateTime(2025, 3, 1, 0, 5, 0, DateTimeKind.Utc));
        var b = IdempotencyTokens.ForBackup(R, "Default", new DateTime(2025, 3, 1, 23, 59, 0, DateTimeKind.Utc));
        Assert.Equal(a, b);
        Assert.Matches("^[0-9a-f]{64}$", a);
    }

    [Fact]
    public void Different_day_vault_or_resource_give_different_tokens()
    {
        var day = new DateTime(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var t = IdempotencyTokens.ForBackup(R, "Default", day);
        Assert.NotEqual(t, IdempotencyTokens.ForBackup(R, "Default", day.AddDays(1)));
        Assert.NotEqual(t, IdempotencyTokens.ForBackup(R, "Other", day));
        Assert.NotEqual(t, IdempotencyTokens.ForBackup(R.Replace("vol-0123", "vol-0124"), "Default", day));
    }
}

public class SinceParserTests
{
    private static readonly DateTime Now = new(2025, 6, 10, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void TimeSpan_means_now_minus_span() => Assert.Equal(Now.AddDays(-7), SinceParser.Resolve(TimeSpan.FromDays(7), Now));

    [Fact]
    public void Utc_DateTime_is_kept() => Assert.Equal(Now.AddHours(-1), SinceParser.Resolve(Now.AddHours(-1), Now));

    [Fact]
    public void String_TimeSpan_and_DateTime_are_understood()
    {
        Assert.Equal(Now.AddDays(-2), SinceParser.Resolve("2.00:00:00", Now));
        Assert.Equal(new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc), SinceParser.Resolve("2025-06-01T00:00:00Z", Now));
    }

    [Fact]
    public void Negative_span_and_future_time_are_SinceInFuture()
    {
        Assert.Equal("SinceInFuture", Assert.Throws<DrValidationException>(() => SinceParser.Resolve(TimeSpan.FromHours(-1), Now)).ErrorId);
        Assert.Equal("SinceInFuture", Assert.Throws<DrValidationException>(() => SinceParser.EnsureNotInFuture(Now.AddMinutes(1), Now)).ErrorId);
    }

    [Fact]
    public void Other_types_are_InvalidSince() => Assert.Equal("InvalidSince", Assert.Throws<DrValidationException>(() => SinceParser.Resolve(42, Now)).ErrorId);
}

public class DrTierTests
{
    [Theory]
    [InlineData(DrTier.Gold, 5, 15)]
    [InlineData(DrTier.Silver, 60, 240)]
    [InlineData(DrTier.Bronze, 1440, 1440)]
    public void Default_objectives(DrTier tier, int rpoMinutes, int rtoMinutes)
    {
        var o = DrTiers.DefaultObjectives(tier);
        Assert.Equal((TimeSpan.FromMinutes(rpoMinutes), TimeSpan.FromMinutes(rtoMinutes), TierSource.Default), (o.Rpo, o.Rto, o.Source));
    }

    [Fact]
    public void Parse_is_case_insensitive_and_refuses_unknown()
    {
        Assert.Equal(DrTier.Silver, DrTiers.Parse("silver", "Tier"));
        Assert.Equal("UnknownTier", Assert.Throws<DrValidationException>(() => DrTiers.Parse("Platinum", "Tier")).ErrorId);
    }
}
