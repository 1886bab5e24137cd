using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>
    /// ARN rules for resources and recovery points, checked before any call so a typo or an ARN from the
    /// wrong region fails with a clear error instead of an AWS AccessDenied or NotFound far away.
    /// </summary>
    public static class ResourceArns
    {
        /// <summary>The AWS Backup ResourceType names BackupDr knows, as AWS spells them (for -ResourceType and completers).</summary>
        public static readonly IReadOnlyList<string> KnownResourceTypes = new[]
        {
            "Aurora", "CloudFormation", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "Neptune",
            "RDS", "Redshift", "S3", "Storage Gateway", "Timestream", "VirtualMachine",
        };

        private static readonly Regex InstanceId = new Regex("^i-[0-9a-f]{8}([0-9a-f]{9})?$", RegexOptions.CultureInvariant);
        private static readonly Regex VolumeId = new Regex("^vol-[0-9a-f]{8}([0-9a-f]{9})?$", RegexOptions.CultureInvariant);
        private static readonly Regex RdsIdentifier = new Regex("^[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*$", RegexOptions.CultureInvariant);

        /// <summary>
        /// Parses and checks a resource ARN for a -ResourceArn style parameter: a resource AWS Backup can protect,
        /// in <paramref name="expectedRegion"/> when one is given. Throws DrValidationException (nothing is sent).
        /// </summary>
        public static Arn ValidateResourceArn(string value, string parameterName, string? expectedRegion)
        {
            var arn = ParseOrThrow(value, parameterName, "InvalidResourceArn", "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0");
            if (arn.Service == "backup" && arn.ResourceType == "recovery-point")
            {
                throw Invalid(value, parameterName, $"'{value}' is a recovery point ARN, not a resource ARN. Pass it to -RecoveryPointArn, or give the ARN of the resource that was backed up.");
            }

            if (TryResourceTypeOf(arn) == null)
            {
                throw Invalid(value, parameterName,
                    $"'{value}' is not the ARN of a resource AWS Backup protects (service '{arn.Service}', type '{arn.ResourceType}'). Expected an EC2 instance or volume, an RDS DB instance or cluster, or a DynamoDB table, EFS file system, S3 bucket, FSx file system and the like.");
            }

            CheckIdentifiers(arn, value, parameterName);
            CheckRegion(arn, value, parameterName, expectedRegion);
            return arn;
        }

        /// <summary>
        /// Checks a recovery point ARN (AWS Backup's own, or an EBS/EC2/RDS/Redshift/DynamoDB/FSx snapshot ARN,
        /// which is how AWS Backup names those points) and its region before anything is sent.
        /// </summary>
        public static Arn ValidateRecoveryPointArn(string value, string parameterName, string? expectedRegion)
        {
            var arn = ParseOrThrow(value, parameterName, "InvalidRecoveryPointArn", "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45");
            var ok = (arn.Service == "backup" && arn.ResourceType == "recovery-point")
                || (arn.Service == "ec2" && (arn.ResourceType == "snapshot" || arn.ResourceType == "image"))
                || (arn.Service == "rds" && (arn.ResourceType == "snapshot" || arn.ResourceType == "cluster-snapshot"))
                || (arn.Service == "redshift" && arn.ResourceType == "snapshot")
                || (arn.Service == "dynamodb" && arn.Resource.IndexOf("/backup/", StringComparison.Ordinal) >= 0)
                || (arn.Service == "fsx" && arn.ResourceType == "backup");
            if (!ok || arn.ResourceId.Length == 0)
            {
                throw new DrValidationException("InvalidRecoveryPointArn", parameterName, value,
                    $"'{value}' is not a recovery point ARN (arn:aws:backup:REGION:ACCOUNT:recovery-point:ID, or an EBS/RDS snapshot ARN). Get one with Get-DrRecoveryPoint.");
            }

            CheckRegion(arn, value, parameterName, expectedRegion);
            return arn;
        }

        /// <summary>AWS Backup's ResourceType name for a resource ARN (EBS, EC2, RDS, Aurora...), as filters and StartRestoreJob expect it.</summary>
        public static string ResourceTypeOf(Arn arn) =>
            TryResourceTypeOf(arn) ?? throw new DrValidationException("UnsupportedResourceType", "ResourceArn", arn?.Text,
                $"'{arn?.Text}' is not a resource type AWS Backup protects.");

        /// <summary>Null when AWS Backup does not protect this kind of resource; used where "unknown" must not throw.</summary>
        public static string? TryResourceTypeOf(Arn arn)
        {
            if (arn == null)
            {
                throw new ArgumentNullException(nameof(arn));
            }

            switch (arn.Service)
            {
                case "ec2":
                    return arn.ResourceType == "volume" ? "EBS" : arn.ResourceType == "instance" ? "EC2" : null;
                case "rds":
                    // Aurora, Neptune and DocumentDB clusters all live under rds:cluster; the engine is not in the ARN,
                    // and AWS Backup accepts "Aurora" for the cluster family when restoring an RDS cluster ARN.
                    return arn.ResourceType == "db" ? "RDS" : arn.ResourceType == "cluster" ? "Aurora" : null;
                case "dynamodb":
                    return arn.ResourceType == "table" && arn.Resource.IndexOf("/backup/", StringComparison.Ordinal) < 0 ? "DynamoDB" : null;
                case "elasticfilesystem":
                    return arn.ResourceType == "file-system" ? "EFS" : null;
                case "s3":
                    return arn.Resource.IndexOf('/') < 0 ? "S3" : null;
                case "fsx":
                    return arn.ResourceType == "file-system" || arn.ResourceType == "volume" ? "FSx" : null;
                case "storagegateway":
                    return arn.ResourceType == "gateway" ? "Storage Gateway" : null;
                case "redshift":
                    return arn.ResourceType == "cluster" ? "Redshift" : null;
                case "timestream":
                    return arn.ResourceType == "database" ? "Timestream" : null;
                case "cloudformation":
                    return arn.ResourceType == "stack" ? "CloudFormation" : null;
                case "backup-gateway":
                    return arn.ResourceType == "vm" ? "VirtualMachine" : null;
                default:
                    return null;
            }
        }

        /// <summary>
        /// Canonical spelling of a -ResourceType value (case-insensitive), so filters match what AWS returns;
        /// unknown names fail with UnsupportedResourceType before anything is sent.
        /// </summary>
        public static string NormalizeResourceType(string value, string parameterName)
        {
            var match = KnownResourceTypes.FirstOrDefault(t => string.Equals(t, value?.Trim(), StringComparison.OrdinalIgnoreCase));
            return match ?? throw new DrValidationException("UnsupportedResourceType", parameterName, value,
                $"'{value}' is not an AWS Backup resource type. Use one of: {string.Join(", ", KnownResourceTypes)}.");
        }

        /// <summary>
        /// The AWS Backup default service role of the resource's account: what StartBackupJob/StartRestoreJob use
        /// when -IamRoleArn is not given (AWS creates it the first time Backup is used from the console).
        /// </summary>
        public static string DefaultBackupRoleArn(Arn resource)
        {
            if (resource == null)
            {
                throw new ArgumentNullException(nameof(resource));
            }

            if (resource.AccountId.Length == 0)
            {
                throw new DrValidationException("IamRoleArnRequired", "IamRoleArn", resource.Text,
                    $"The account cannot be read from '{resource.Text}' (it has no account id), so no default backup role can be chosen. Pass -IamRoleArn.");
            }

            return DefaultBackupRoleArn(resource.Partition, resource.AccountId);
        }

        /// <summary>The default backup role for an account when only the account is known (e.g. from a vault ARN).</summary>
        public static string DefaultBackupRoleArn(string partition, string accountId) =>
            $"arn:{partition}:iam::{accountId}:role/service-role/AWSBackupDefaultServiceRole";

        /// <summary>Builds an EC2 instance ARN from -InstanceId, so tagging and backup work on one ARN form.</summary>
        public static string InstanceArn(string region, string accountId, string instanceId, string partition = "aws") =>
            Arn.Build(partition, "ec2", region, accountId, "instance/" + instanceId);

        /// <summary>Builds an EBS volume ARN from -VolumeId.</summary>
        public static string VolumeArn(string region, string accountId, string volumeId, string partition = "aws") =>
            Arn.Build(partition, "ec2", region, accountId, "volume/" + volumeId);

        /// <summary>Builds an RDS DB instance ARN from -DBInstanceIdentifier (RDS uses ':' after 'db').</summary>
        public static string DbArn(string region, string accountId, string dbInstanceIdentifier, string partition = "aws") =>
            Arn.Build(partition, "rds", region, accountId, "db:" + dbInstanceIdentifier);

        /// <summary>True for an RDS DB instance/cluster identifier RDS would accept (letter first, letters/digits/single hyphens, 1-63).</summary>
        public static bool IsValidRdsIdentifier(string? name) =>
            !string.IsNullOrEmpty(name) && name!.Length <= 63 && RdsIdentifier.IsMatch(name);

        private static Arn ParseOrThrow(string value, string parameterName, string errorId, string example)
        {
            if (!Arn.TryParse(value, out var arn))
            {
                throw new DrValidationException(errorId, parameterName, value,
                    $"'{value}' is not an ARN. Expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, for example {example}.");
            }

            return arn!;
        }

        private static void CheckIdentifiers(Arn arn, string value, string parameterName)
        {
            if (arn.ResourceId.Length == 0)
            {
                throw Invalid(value, parameterName, $"'{value}' has no resource id after '{arn.ResourceType}'.");
            }

            if (arn.Service == "ec2" && arn.ResourceType == "instance" && !InstanceId.IsMatch(arn.ResourceId))
            {
                throw Invalid(value, parameterName, $"'{arn.ResourceId}' in '{value}' is not an EC2 instance id (i- followed by 8 or 17 hex digits).");
            }

            if (arn.Service == "ec2" && arn.ResourceType == "volume" && !VolumeId.IsMatch(arn.ResourceId))
            {
                throw Invalid(value, parameterName, $"'{arn.ResourceId}' in '{value}' is not an EBS volume id (vol- followed by 8 or 17 hex digits).");
            }

            if (arn.Service == "rds" && !IsValidRdsIdentifier(arn.ResourceId))
            {
                throw Invalid(value, parameterName, $"'{arn.ResourceId}' in '{value}' is not a valid RDS identifier.");
            }

            if (arn.Service != "s3" && arn.Region.Length == 0)
            {
                throw Invalid(value, parameterName, $"'{value}' has no region; resource ARNs of {arn.Service} name their region.");
            }
        }

        private static void CheckRegion(Arn arn, string value, string parameterName, string? expectedRegion)
        {
            if (!string.IsNullOrEmpty(expectedRegion) && arn.Region.Length != 0 && !string.Equals(arn.Region, expectedRegion, StringComparison.Ordinal))
            {
                throw new DrValidationException("ResourceArnRegionMismatch", parameterName, value,
                    $"'{value}' is in region '{arn.Region}', but the command is talking to region '{expectedRegion}'. Pass -Region {arn.Region} (AWS Backup works on resources in its own region).");
            }
        }

        private static DrValidationException Invalid(string value, string parameterName, string message) =>
            new DrValidationException("InvalidResourceArn", parameterName, value, message);
    }
}
