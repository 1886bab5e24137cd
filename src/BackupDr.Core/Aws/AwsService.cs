using System;

namespace BackupDr.Core.Aws
{
    /// <summary>The wire protocol a service speaks; decides how requests are encoded and errors parsed.</summary>
    public enum AwsProtocol
    {
        RestJson,
        Query,
        Ec2Query,
    }

    /// <summary>One AWS service as BackupDr talks to it: endpoint prefix, signing name, protocol and API version.</summary>
    public sealed class AwsService
    {
        public static readonly AwsService Backup = new AwsService("Backup", "backup", "backup", "BACKUP", AwsProtocol.RestJson, "2018-11-15");
        public static readonly AwsService Rds = new AwsService("RDS", "rds", "rds", "RDS", AwsProtocol.Query, "2014-10-31");
        public static readonly AwsService Ec2 = new AwsService("EC2", "ec2", "ec2", "EC2", AwsProtocol.Ec2Query, "2016-11-15");

        /// <summary>STS, for GetCallerIdentity: the account id that default role and resource ARNs need.</summary>
        public static readonly AwsService Sts = new AwsService("STS", "sts", "sts", "STS", AwsProtocol.Query, "2011-06-15");

        /// <summary>CloudWatch, for the RDS ReplicaLag metric that failover checks against the RPO (query protocol).</summary>
        public static readonly AwsService CloudWatch = new AwsService("CloudWatch", "monitoring", "monitoring", "CLOUDWATCH", AwsProtocol.Query, "2010-08-01", "cloudwatch");

        private AwsService(string name, string endpointPrefix, string signingName, string environmentSuffix, AwsProtocol protocol, string apiVersion, string? iamPrefix = null)
        {
            IamPrefix = iamPrefix ?? signingName;
            Name = name;
            EndpointPrefix = endpointPrefix;
            SigningName = signingName;
            EnvironmentSuffix = environmentSuffix;
            Protocol = protocol;
            ApiVersion = apiVersion;
        }

        public string Name { get; }
        public string EndpointPrefix { get; }
        public string SigningName { get; }

        /// <summary>The service prefix of IAM actions (cloudwatch:GetMetricStatistics, though CloudWatch signs as 'monitoring').</summary>
        public string IamPrefix { get; }

        /// <summary>Suffix of the service-specific endpoint variable, as in AWS_ENDPOINT_URL_BACKUP.</summary>
        public string EnvironmentSuffix { get; }
        public AwsProtocol Protocol { get; }
        public string ApiVersion { get; }

        public string EndpointVariable => "AWS_ENDPOINT_URL_" + EnvironmentSuffix;

        public static AwsService[] All => new[] { Backup, Rds, Ec2, Sts, CloudWatch };

        public static AwsService FromName(string name)
        {
            foreach (var s in All)
            {
                if (string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(s.EndpointPrefix, name, StringComparison.OrdinalIgnoreCase))
                {
                    return s;
                }
            }

            throw new ArgumentException($"Unknown AWS service '{name}'. Known: Backup, RDS, EC2, STS, CloudWatch.", nameof(name));
        }

        public override string ToString() => Name;
    }
}
