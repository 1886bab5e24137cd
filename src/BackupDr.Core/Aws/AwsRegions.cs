using System.Collections.Generic;

namespace BackupDr.Core.Aws
{
    /// <summary>A public AWS region: its name, its partition and what AWS calls it.</summary>
    public sealed class AwsRegion
    {
        public AwsRegion(string name, string partition, string description)
        {
            Name = name;
            Partition = partition;
            Description = description;
        }

        public string Name { get; }

        /// <summary>aws, aws-cn or aws-us-gov (as <see cref="AwsContext.PartitionOf"/> says).</summary>
        public string Partition { get; }
        public string Description { get; }
    }

    /// <summary>
    /// The regions of the aws, aws-cn and aws-us-gov partitions, for offline -Region completion: copied from botocore's
    /// data/partitions.json (a Core test compares them when botocore is installed). The ISO and EUSC partitions are left out.
    /// </summary>
    public static class AwsRegions
    {
        public static readonly IReadOnlyList<AwsRegion> All = new[]
        {
            new AwsRegion("af-south-1", "aws", "Africa (Cape Town)"),
            new AwsRegion("ap-east-1", "aws", "Asia Pacific (Hong Kong)"),
            new AwsRegion("ap-east-2", "aws", "Asia Pacific (Taipei)"),
            new AwsRegion("ap-northeast-1", "aws", "Asia Pacific (Tokyo)"),
            new AwsRegion("ap-northeast-2", "aws", "Asia Pacific (Seoul)"),
            new AwsRegion("ap-northeast-3", "aws", "Asia Pacific (Osaka)"),
            new AwsRegion("ap-south-1", "aws", "Asia Pacific (Mumbai)"),
            new AwsRegion("ap-south-2", "aws", "Asia Pacific (Hyderabad)"),
            new AwsRegion("ap-southeast-1", "aws", "Asia Pacific (Singapore)"),
            new AwsRegion("ap-southeast-2", "aws", "Asia Pacific (Sydney)"),
            new AwsRegion("ap-southeast-3", "aws", "Asia Pacific (Jakarta)"),
            new AwsRegion("ap-southeast-4", "aws", "Asia Pacific (Melbourne)"),
            new AwsRegion("ap-southeast-5", "aws", "Asia Pacific (Malaysia)"),
            new AwsRegion("ap-southeast-6", "aws", "Asia Pacific (New Zealand)"),
            new AwsRegion("ap-southeast-7", "aws", "Asia Pacific (Thailand)"),
            new AwsRegion("ca-central-1", "aws", "Canada (Central)"),
            new AwsRegion("ca-west-1", "aws", "Canada West (Calgary)"),
            new AwsRegion("eu-central-1", "aws", "Europe (Frankfurt)"),
            new AwsRegion("eu-central-2", "aws", "Europe (Zurich)"),
            new AwsRegion("eu-north-1", "aws", "Europe (Stockholm)"),
            new AwsRegion("eu-south-1", "aws", "Europe (Milan)"),
            new AwsRegion("eu-south-2", "aws", "Europe (Spain)"),
            new AwsRegion("eu-west-1", "aws", "Europe (Ireland)"),
            new AwsRegion("eu-west-2", "aws", "Europe (London)"),
            new AwsRegion("eu-west-3", "aws", "Europe (Paris)"),
            new AwsRegion("il-central-1", "aws", "Israel (Tel Aviv)"),
            new AwsRegion("me-central-1", "aws", "Middle East (UAE)"),
            new AwsRegion("me-south-1", "aws", "Middle East (Bahrain)"),
            new AwsRegion("mx-central-1", "aws", "Mexico (Central)"),
            new AwsRegion("sa-east-1", "aws", "South America (Sao Paulo)"),
            new AwsRegion("us-east-1", "aws", "US East (N. Virginia)"),
            new AwsRegion("us-east-2", "aws", "US East (Ohio)"),
            new AwsRegion("us-west-1", "aws", "US West (N. California)"),
            new AwsRegion("us-west-2", "aws", "US West (Oregon)"),
            new AwsRegion("cn-north-1", "aws-cn", "China (Beijing)"),
            new AwsRegion("cn-northwest-1", "aws-cn", "China (Ningxia)"),
            new AwsRegion("us-gov-east-1", "aws-us-gov", "AWS GovCloud (US-East)"),
            new AwsRegion("us-gov-west-1", "aws-us-gov", "AWS GovCloud (US-West)"),
        };
    }
}
