using BackupDr.Core.Aws;
using BackupDr.Core.Operations;

namespace BackupDr.Core.Tests.DataSafety;

/// <summary>Regressions of issue 8 (error ids and parameter names).</summary>
public sealed class ErrorParameterTests
{
    [Theory]
    [InlineData("-ReportRegion", "ReportRegion")]
    [InlineData("-DestinationRegion", "DestinationRegion")]
    [InlineData("-CopyToRegion", "CopyToRegion")]
    [InlineData("-Region", "Region")]
    [InlineData("AWS_REGION", "Region")]
    [InlineData("profile 'ops'", "Region")]
    [InlineData("session default region", "Region")]
    public void Bad_region_reported_as_Region_regression_the_parameter_named_is_the_one_given(string source, string parameter)
    {
        var ex = Assert.Throws<AwsConfigurationException>(() => AwsContext.ValidateRegion("Mars", source));

        Assert.Equal("InvalidRegion", ex.ErrorId);
        Assert.Equal(parameter, ex.ParameterName);
        Assert.Contains(source, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_region_reported_as_Region_regression_copy_region_names_CopyToRegion()
    {
        var ex = Assert.Throws<DrValidationException>(() => BackupStarter.Plan(new BackupStartOptions { ResourceArn = "arn:aws:ec2:us-east-1:111122223333:volume/vol-0123456789abcdef0", CopyToRegion = "Mars" }, "us-east-1", DateTime.UtcNow));

        Assert.Equal(("InvalidCopyRegion", "CopyToRegion"), (ex.ErrorId, ex.ParameterName));
        Assert.Equal("CopyToRegion", Assert.IsType<AwsConfigurationException>(ex.InnerException).ParameterName);
    }
}
