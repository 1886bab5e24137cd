using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>Restore-DrResource's typed overrides, so users never hand-write restore-metadata hashtables for the common cases.</summary>
    public sealed class RestoreOverrides
    {
        /// <summary>Name of the resource to create (RDS DB instance/cluster identifier).</summary>
        public string? TargetName { get; set; }

        /// <summary>RDS DB instance class, e.g. db.t3.medium.</summary>
        public string? InstanceClass { get; set; }

        /// <summary>RDS DB subnet group to restore into.</summary>
        public string? SubnetGroupName { get; set; }

        /// <summary>Availability zone of the new DB instance or volume.</summary>
        public string? AvailabilityZone { get; set; }

        /// <summary>EBS volume type (gp3, io2...).</summary>
        public string? VolumeType { get; set; }

        /// <summary>Any other restore metadata key, as AWS names it (matched case-insensitively to the point's own keys).</summary>
        public IDictionary<string, string>? Metadata { get; set; }

        /// <summary>Role AWS Backup restores with; default: AWSBackupDefaultServiceRole of the point's account.</summary>
        public string? IamRoleArn { get; set; }

        /// <summary>Optional idempotency token for StartRestoreJob.</summary>
        public string? IdempotencyToken { get; set; }
    }

    /// <summary>A planned restore: the request to send plus what -WhatIf and -Verbose should say about it.</summary>
    public sealed class RestorePlan
    {
        /// <summary>The StartRestoreJob request, ready to send.</summary>
        public StartRestoreJobRequest Request { get; set; } = new StartRestoreJobRequest();

        /// <summary>AWS Backup resource type being restored.</summary>
        public string ResourceType { get; set; } = string.Empty;

        /// <summary>The name the restored resource will get, when the type has one (RDS).</summary>
        public string? TargetName { get; set; }

        /// <summary>True when IamRoleArn was defaulted (for -Verbose: "using the default backup role").</summary>
        public bool IamRoleDefaulted { get; set; }
    }

    /// <summary>
    /// Builds StartRestoreJob requests from a recovery point, its restore metadata and typed overrides, and refuses
    /// to restore over an existing DB name. Metadata keys are case-sensitive and not uniform: RDS/Aurora keys echo the
    /// RDS API's parameter names (DBInstanceIdentifier, DBInstanceClass: PascalCase), EBS keys are AWS Backup's own
    /// camelCase (availabilityZone, volumeType). A key in the wrong case is sent as a second key that AWS ignores, so
    /// overrides are written with the exact names and -Metadata keys are matched to the point's keys ignoring case.
    /// </summary>
    public sealed class RestorePlanner
    {
        /// <summary>RDS restore metadata key for the new DB instance's name.</summary>
        public const string RdsInstanceIdentifierKey = "DBInstanceIdentifier";

        /// <summary>Aurora restore metadata key for the new cluster's name.</summary>
        public const string RdsClusterIdentifierKey = "DBClusterIdentifier";

        /// <summary>Characters of the random part of a default target name (lowercase letters and digits).</summary>
        public const int DefaultNameSuffixLength = 4;

        private const string SuffixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

        private readonly IBackupApi _backup;
        private readonly IRdsApi? _rds;
        private readonly IAwsClock _clock;
        private readonly Func<string> _suffix;

        /// <summary>
        /// RDS is needed to check that a target DB name is free; the clock and <paramref name="suffix"/> (default:
        /// random) name default targets.
        /// </summary>
        public RestorePlanner(IBackupApi backup, IRdsApi? rds, IAwsClock? clock = null, Func<string>? suffix = null)
        {
            _backup = backup ?? throw new ArgumentNullException(nameof(backup));
            _rds = rds;
            _clock = clock ?? SystemClock.Instance;
            _suffix = suffix ?? RandomSuffix;
        }

        /// <summary>
        /// Reads the point's restore metadata, applies overrides by resource type, defaults the RDS target name to
        /// &lt;source&gt;-restore-&lt;yyyyMMddHHmmss&gt;-&lt;suffix&gt; and the role to the default backup role, and checks the name is free.
        /// Sends no StartRestoreJob.
        /// </summary>
        public async Task<RestorePlan> PlanAsync(RecoveryPoint point, RestoreOverrides? overrides, CancellationToken cancellationToken)
        {
            if (point == null)
            {
                throw new ArgumentNullException(nameof(point));
            }

            overrides ??= new RestoreOverrides();
            var pointArn = ResourceArns.ValidateRecoveryPointArn(point.RecoveryPointArn, "RecoveryPointArn", string.IsNullOrEmpty(point.Region) ? null : point.Region);
            var vault = VaultNameOf(point);
            Arn? sourceArn = Arn.TryParse(point.ResourceArn, out var parsedSource) ? parsedSource : null;
            var resourceType = ResourceTypeOf(point, sourceArn);
            ValidateOverrides(overrides);
            CheckOverridesApply(resourceType, overrides);

            var (role, defaulted) = RoleOf(point, pointArn, sourceArn, overrides);

            var restoreMetadata = await _backup.GetRecoveryPointRestoreMetadataAsync(vault, point.RecoveryPointArn, cancellationToken).ConfigureAwait(false);
            var metadata = new Dictionary<string, string>(restoreMetadata.Metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            foreach (var kv in overrides.Metadata ?? new Dictionary<string, string>())
            {
                var existing = metadata.Keys.FirstOrDefault(k => string.Equals(k, kv.Key, StringComparison.OrdinalIgnoreCase));
                metadata[existing ?? kv.Key] = kv.Value;
            }

            string? targetName = null;
            switch (resourceType)
            {
                case "RDS":
                case "Aurora":
                    var key = resourceType == "RDS" ? RdsInstanceIdentifierKey : RdsClusterIdentifierKey;
                    var source = sourceArn?.ResourceId ?? (metadata.TryGetValue(key, out var m) ? m : null) ?? "db";
                    var explicitName = overrides.TargetName ?? Explicit(overrides.Metadata, key);
                    targetName = explicitName ?? DefaultTargetName(source, _clock.UtcNow, _suffix());
                    Set(metadata, key, targetName, overrides.Metadata, "TargetName");
                    if (resourceType == "RDS")
                    {
                        Set(metadata, "DBInstanceClass", overrides.InstanceClass, overrides.Metadata, "InstanceClass");
                        Set(metadata, "AvailabilityZone", overrides.AvailabilityZone, overrides.Metadata, "AvailabilityZone");
                    }

                    Set(metadata, "DBSubnetGroupName", overrides.SubnetGroupName, overrides.Metadata, "SubnetGroupName");
                    await EnsureNameFreeAsync(resourceType, targetName, explicitName == null ? null : overrides.TargetName != null ? "TargetName" : "Metadata", cancellationToken).ConfigureAwait(false);
                    break;
                case "EBS":
                    Set(metadata, "availabilityZone", overrides.AvailabilityZone, overrides.Metadata, "AvailabilityZone");
                    Set(metadata, "volumeType", overrides.VolumeType, overrides.Metadata, "VolumeType");
                    break;
            }

            return new RestorePlan
            {
                Request = new StartRestoreJobRequest
                {
                    RecoveryPointArn = point.RecoveryPointArn,
                    Metadata = metadata,
                    IamRoleArn = role,
                    IdempotencyToken = overrides.IdempotencyToken,
                    ResourceType = resourceType,
                },
                ResourceType = resourceType,
                TargetName = targetName,
                IamRoleDefaulted = defaulted,
            };
        }

        /// <summary>
        /// &lt;source&gt;-restore-&lt;yyyyMMddHHmmss&gt;-&lt;suffix&gt; (UTC), shortened to RDS's 63 characters: seconds and
        /// a random suffix keep two restores of one point in the same minute (or second) from colliding.
        /// </summary>
        public static string DefaultTargetName(string source, DateTime utcNow, string suffix)
        {
            if (suffix == null || suffix.Length == 0 || suffix.Any(c => !char.IsLetterOrDigit(c) || c > 'z'))
            {
                throw new ArgumentException("The suffix must be one or more ASCII letters or digits.", nameof(suffix));
            }

            var tail = "-restore-" + utcNow.ToUniversalTime().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + suffix.ToLowerInvariant();

            // Keep what RDS accepts of the source: letters, digits and single hyphens, starting with a letter.
            var cleaned = new System.Text.StringBuilder(source?.Length ?? 0);
            foreach (var c in source ?? string.Empty)
            {
                var ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                if (ok && (cleaned.Length > 0 || char.IsLetter(c)))
                {
                    cleaned.Append(c);
                }
                else if (c == '-' && cleaned.Length > 0 && cleaned[cleaned.Length - 1] != '-')
                {
                    cleaned.Append('-');
                }
            }

            var head = cleaned.ToString();
            var room = 63 - tail.Length;
            if (head.Length > room)
            {
                head = head.Substring(0, room);
            }

            head = head.TrimEnd('-');
            return (head.Length == 0 ? "db" : head) + tail;
        }

        /// <summary>
        /// The local rules of the overrides, whatever the resource type: a target name given by -TargetName or by
        /// -Metadata (DBInstanceIdentifier, DBClusterIdentifier) is a valid RDS identifier, and the two agree.
        /// Throws DrValidationException; sends nothing.
        /// </summary>
        public static void ValidateOverrides(RestoreOverrides? overrides)
        {
            if (overrides == null)
            {
                return;
            }

            if (overrides.TargetName != null)
            {
                CheckName(overrides.TargetName, "TargetName", "-TargetName");
            }

            // ConflictingMetadataSent regression: a setting given twice, differently, was refused only after the point was read.
            foreach (var (value, key, parameter) in new[]
            {
                (overrides.AvailabilityZone, "AvailabilityZone", "AvailabilityZone"),
                (overrides.InstanceClass, "DBInstanceClass", "InstanceClass"),
                (overrides.SubnetGroupName, "DBSubnetGroupName", "SubnetGroupName"),
                (overrides.VolumeType, "volumeType", "VolumeType"),
            })
            {
                var fromMetadata = value == null ? null : Explicit(overrides.Metadata, key);
                if (fromMetadata != null && !string.Equals(fromMetadata, value, StringComparison.Ordinal))
                {
                    throw new DrValidationException("ConflictingRestoreMetadata", parameter, value,
                        $"-{parameter} '{value}' and -Metadata {key}='{fromMetadata}' disagree. Give one of them. Nothing was sent.");
                }
            }

            // RestoreIamRoleArnSent regression: a role that is no IAM role ARN went to StartRestoreJob for AWS to refuse.
            if (!string.IsNullOrEmpty(overrides.IamRoleArn) && (!Arn.TryParse(overrides.IamRoleArn, out var role) || role!.Service != "iam"))
            {
                throw new DrValidationException("InvalidIamRoleArn", "IamRoleArn", overrides.IamRoleArn,
                    $"'{overrides.IamRoleArn}' is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME). Nothing was sent.");
            }

            foreach (var key in new[] { RdsInstanceIdentifierKey, RdsClusterIdentifierKey })
            {
                var fromMetadata = Explicit(overrides.Metadata, key);
                if (fromMetadata == null)
                {
                    continue;
                }

                CheckName(fromMetadata, "Metadata", $"-Metadata {key}");
                if (overrides.TargetName != null && !string.Equals(overrides.TargetName, fromMetadata, StringComparison.Ordinal))
                {
                    throw new DrValidationException("ConflictingRestoreMetadata", "TargetName", overrides.TargetName,
                        $"-TargetName '{overrides.TargetName}' and -Metadata {key}='{fromMetadata}' disagree. Give one of them.");
                }
            }
        }

        /// <summary>The target name the caller chose (-TargetName, else -Metadata's identifier key), or null for a default name.</summary>
        public static string? ExplicitTargetName(RestoreOverrides? overrides) =>
            overrides == null ? null : overrides.TargetName ?? Explicit(overrides.Metadata, RdsInstanceIdentifierKey) ?? Explicit(overrides.Metadata, RdsClusterIdentifierKey);

        private static void CheckName(string name, string parameterName, string given)
        {
            if (!ResourceArns.IsValidRdsIdentifier(name))
            {
                throw new DrValidationException("InvalidTargetName", parameterName, name,
                    $"{given} '{name}' is not a valid RDS identifier: 1-63 letters, digits and single hyphens, starting with a letter and not ending with a hyphen.");
            }
        }

        private static string RandomSuffix()
        {
            var bytes = new byte[DefaultNameSuffixLength];
            using (var rng = System.Security.Cryptography.RandomNumberGenerator.Create())
            {
                rng.GetBytes(bytes);
            }

            var chars = new char[bytes.Length];
            for (var i = 0; i < bytes.Length; i++)
            {
                chars[i] = SuffixAlphabet[bytes[i] % SuffixAlphabet.Length];
            }

            return new string(chars);
        }

        /// <summary>Refuses a name RDS already has; givenBy is the parameter that named it (TargetName, Metadata) or null for a default name.</summary>
        private async Task EnsureNameFreeAsync(string resourceType, string name, string? givenBy, CancellationToken cancellationToken)
        {
            var rds = _rds ?? throw new InvalidOperationException("RestorePlanner needs an RDS client to check that the target name is free.");
            var what = resourceType == "RDS" ? "DB instance" : "DB cluster";
            try
            {
                var exists = resourceType == "RDS"
                    ? await Any(rds.DescribeDBInstancesAsync(name, cancellationToken), cancellationToken).ConfigureAwait(false)
                    : await Any(rds.DescribeDBClustersAsync(name, cancellationToken), cancellationToken).ConfigureAwait(false);
                if (!exists)
                {
                    return;
                }
            }
            catch (AwsServiceException ex) when (ex.IsNotFound)
            {
                return;
            }

            var next = givenBy switch
            {
                null => "The name was made by default (no -TargetName was given); run the restore again for a new default name, or pass -TargetName.",
                "Metadata" => $"Give another {(resourceType == "RDS" ? RdsInstanceIdentifierKey : RdsClusterIdentifierKey)} in -Metadata, or leave it out for <source>-restore-<timestamp>-<suffix>.",
                _ => "Pass another -TargetName, or omit it for <source>-restore-<timestamp>-<suffix>.",
            };
            throw new DrValidationException("ResourceNameInUse", givenBy ?? "TargetName", name,
                $"An RDS {what} named '{name}' already exists in {rds.Context.Region}; a restore will not replace it. {next}",
                DrErrorKind.ResourceExists);
        }

        private static async Task<bool> Any<T>(IAsyncEnumerable<T> source, CancellationToken cancellationToken)
        {
            await foreach (var _ in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            return false;
        }

        private static void Set(Dictionary<string, string> metadata, string key, string? value, IDictionary<string, string>? extra, string parameterName)
        {
            if (value == null)
            {
                return;
            }

            var explicitValue = Explicit(extra, key);
            if (explicitValue != null && !string.Equals(explicitValue, value, StringComparison.Ordinal))
            {
                throw new DrValidationException("ConflictingRestoreMetadata", parameterName, value,
                    $"-{parameterName} '{value}' and -Metadata {key}='{explicitValue}' disagree. Give one of them.");
            }

            foreach (var k in metadata.Keys.Where(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase) && k != key).ToList())
            {
                metadata.Remove(k);
            }

            metadata[key] = value;
        }

        private static string? Explicit(IDictionary<string, string>? extra, string key) =>
            extra?.FirstOrDefault(kv => string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

        /// <summary>Refuses overrides the resource type has no use for (OverrideNotApplicable), so nothing half-applies.</summary>
        internal static void CheckOverridesApply(string resourceType, RestoreOverrides o)
        {
            var rds = resourceType == "RDS" || resourceType == "Aurora";
            void Refuse(string parameter, string applies) =>
                throw new DrValidationException("OverrideNotApplicable", parameter, resourceType,
                    $"-{parameter} applies to {applies} restores; this recovery point is {resourceType}. Use -Metadata for {resourceType}-specific keys.");

            if (o.TargetName != null && !rds)
            {
                Refuse("TargetName", "RDS and Aurora");
            }

            if (o.InstanceClass != null && resourceType != "RDS")
            {
                Refuse("InstanceClass", "RDS");
            }

            if (o.SubnetGroupName != null && !rds)
            {
                Refuse("SubnetGroupName", "RDS and Aurora");
            }

            if (o.AvailabilityZone != null && resourceType != "RDS" && resourceType != "EBS")
            {
                Refuse("AvailabilityZone", "RDS and EBS");
            }

            if (o.VolumeType != null && resourceType != "EBS")
            {
                Refuse("VolumeType", "EBS");
            }
        }

        private static string VaultNameOf(RecoveryPoint point)
        {
            if (!string.IsNullOrEmpty(point.BackupVaultName))
            {
                return point.BackupVaultName!;
            }

            if (Arn.TryParse(point.BackupVaultArn, out var vaultArn) && vaultArn!.ResourceType == "backup-vault")
            {
                return vaultArn.ResourceId;
            }

            throw new DrValidationException("InvalidBackupVaultName", "BackupVaultName", null,
                $"The recovery point '{point.RecoveryPointArn}' does not say which vault it is in. Pass it from Get-DrRecoveryPoint, or give -BackupVaultName.");
        }

        private static string ResourceTypeOf(RecoveryPoint point, Arn? sourceArn)
        {
            if (!string.IsNullOrEmpty(point.ResourceType))
            {
                return ResourceArns.NormalizeResourceType(point.ResourceType!, "ResourceType");
            }

            var fromArn = sourceArn == null ? null : ResourceArns.TryResourceTypeOf(sourceArn);
            return fromArn ?? throw new DrValidationException("UnsupportedResourceType", "RecoveryPointArn", point.RecoveryPointArn,
                $"The resource type of '{point.RecoveryPointArn}' is unknown; pass the recovery point from Get-DrRecoveryPoint.");
        }

        private static (string Role, bool Defaulted) RoleOf(RecoveryPoint point, Arn pointArn, Arn? sourceArn, RestoreOverrides o)
        {
            if (!string.IsNullOrEmpty(o.IamRoleArn))
            {
                return (o.IamRoleArn!, false);
            }

            var account = point.AccountId;
            if (string.IsNullOrEmpty(account))
            {
                account = pointArn.AccountId.Length > 0 ? pointArn.AccountId
                    : Arn.TryParse(point.BackupVaultArn, out var v) && v!.AccountId.Length > 0 ? v.AccountId
                    : sourceArn?.AccountId;
            }

            if (string.IsNullOrEmpty(account))
            {
                throw new DrValidationException("IamRoleArnRequired", "IamRoleArn", point.RecoveryPointArn,
                    $"The account of '{point.RecoveryPointArn}' is unknown, so no default backup role can be chosen. Pass -IamRoleArn.");
            }

            return (ResourceArns.DefaultBackupRoleArn(pointArn.Partition, account!), true);
        }
    }
}
