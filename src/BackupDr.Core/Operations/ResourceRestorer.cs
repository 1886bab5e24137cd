using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>One recovery point Restore-DrResource was asked to restore.</summary>
    public sealed class RestoreRequest
    {
        public string RecoveryPointArn { get; set; } = string.Empty;

        /// <summary>The point as Get-DrRecoveryPoint emitted it (vault, region, status known), or null for an ARN alone.</summary>
        public RecoveryPoint? Point { get; set; }

        /// <summary>The point's vault; null means find it.</summary>
        public string? BackupVaultName { get; set; }

        public RestoreOverrides Overrides { get; set; } = new RestoreOverrides();
    }

    /// <summary>A restore that passed every local check: what ShouldProcess shows and StartAsync sends.</summary>
    public sealed class CheckedRestore
    {
        internal CheckedRestore(RestoreRequest request, string region, string? vaultName, string? targetName)
        {
            Request = request;
            Region = region;
            BackupVaultName = vaultName;
            TargetName = targetName;
        }

        public RestoreRequest Request { get; }
        public string Region { get; }

        /// <summary>The vault, when known before any call.</summary>
        public string? BackupVaultName { get; }

        /// <summary>The name the caller chose, or null for a default name.</summary>
        public string? TargetName { get; }
    }

    /// <summary>
    /// Restore-DrResource for one call: checks each point locally before anything is sent (ARN, vault name, status,
    /// target name rules, a target name used twice in the call), then finds the vault when not given, plans and
    /// starts the restore job. One instance per cmdlet call, so target names are remembered across the pipeline.
    /// </summary>
    public sealed class ResourceRestorer
    {
        private readonly Func<string, IBackupApi> _backup;
        private readonly Func<string, IRdsApi?> _rds;
        private readonly string _defaultRegion;
        private readonly IAwsClock _clock;
        private readonly Func<string>? _suffix;

        // RDS identifiers are case-insensitive: Orders-Copy and orders-copy are one name.
        private readonly Dictionary<string, string> _names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Clients per region (points of several regions can come down one pipeline).</summary>
        public ResourceRestorer(Func<string, IBackupApi> backup, Func<string, IRdsApi?> rds, string defaultRegion, IAwsClock? clock = null, Func<string>? suffix = null)
        {
            _backup = backup ?? throw new ArgumentNullException(nameof(backup));
            _rds = rds ?? throw new ArgumentNullException(nameof(rds));
            _defaultRegion = defaultRegion;
            _clock = clock ?? SystemClock.Instance;
            _suffix = suffix;
        }

        /// <summary>Every check that needs no AWS call; throws DrValidationException. A target name passed is claimed for this call.</summary>
        public CheckedRestore Check(RestoreRequest request)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            var arn = ResourceArns.ValidateRecoveryPointArn(request.RecoveryPointArn, "RecoveryPointArn", null);
            var point = request.Point;
            var region = !string.IsNullOrEmpty(point?.Region) ? point!.Region : !string.IsNullOrEmpty(arn.Region) ? arn.Region : _defaultRegion;
            var vault = request.BackupVaultName ?? VaultOf(point);
            if (vault != null)
            {
                BackupStarter.ValidateVaultName(vault, "BackupVaultName");
            }

            if (point != null)
            {
                RecoveryPointLocator.EnsureUsable(point, "restore");
            }

            var overrides = request.Overrides ?? new RestoreOverrides();
            RestorePlanner.ValidateOverrides(overrides);
            var type = !string.IsNullOrEmpty(point?.ResourceType) ? ResourceArns.NormalizeResourceType(point!.ResourceType!, "ResourceType") : TypeOfPointArn(arn);
            if (type != null)
            {
                RestorePlanner.CheckOverridesApply(type, overrides);
            }

            var name = RestorePlanner.ExplicitTargetName(overrides);
            if (name != null)
            {
                Claim(name, request.RecoveryPointArn, overrides.TargetName != null ? "TargetName" : "Metadata");
            }

            return new CheckedRestore(request, region, vault, name);
        }

        /// <summary>
        /// Finds the vault when not known (saying which through <paramref name="log"/>), describes the point and
        /// refuses one that is not COMPLETED, plans (the target name is checked free) and starts the restore.
        /// </summary>
        public async Task<RestoreJob> StartAsync(CheckedRestore restore, Action<string>? log, CancellationToken cancellationToken)
        {
            if (restore == null)
            {
                throw new ArgumentNullException(nameof(restore));
            }

            var backup = _backup(restore.Region);
            var request = restore.Request;
            var point = request.Point != null && restore.BackupVaultName != null && request.Point.Status != null
                ? request.Point
                : await RecoveryPointLocator.DescribeAsync(backup, request.RecoveryPointArn, restore.BackupVaultName, log, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(point.Region))
            {
                point.Region = restore.Region;
            }

            RecoveryPointLocator.EnsureUsable(point, "restore");
            var plan = await new RestorePlanner(backup, _rds(restore.Region), _clock, _suffix).PlanAsync(point, request.Overrides, cancellationToken).ConfigureAwait(false);
            if (restore.TargetName == null && plan.TargetName != null)
            {
                Claim(plan.TargetName, request.RecoveryPointArn, "TargetName");
            }

            log?.Invoke($"Restoring {plan.ResourceType} {request.RecoveryPointArn} as '{plan.TargetName}' with role {plan.Request.IamRoleArn}{(plan.IamRoleDefaulted ? " (default backup role)" : string.Empty)}.");
            var started = await backup.StartRestoreJobAsync(plan.Request, cancellationToken).ConfigureAwait(false);
            started.Region = restore.Region;
            started.RecoveryPointArn ??= request.RecoveryPointArn;
            try
            {
                var described = await backup.DescribeRestoreJobAsync(started.RestoreJobId, cancellationToken).ConfigureAwait(false);
                described.Region = restore.Region;
                return described;
            }
            catch (AwsServiceException ex)
            {
                // The job is started: hand it back (a wait refreshes it) rather than lose it.
                log?.Invoke($"Restore job {started.RestoreJobId} started, but describing it failed ({ex.ErrorCode}); its state is refreshed on the next read.");
                return started;
            }
        }

        private void Claim(string name, string pointArn, string parameterName)
        {
            if (_names.TryGetValue(name, out var first))
            {
                throw new DrValidationException("DuplicateTargetName", parameterName, name,
                    $"The target name '{name}' is already used by the restore of '{first}' in this call; two restores cannot create the same resource. Give each restore its own -TargetName, or omit it for a default name.",
                    DrErrorKind.ResourceExists);
            }

            _names[name] = pointArn;
        }

        private static string? VaultOf(RecoveryPoint? point)
        {
            if (!string.IsNullOrEmpty(point?.BackupVaultName))
            {
                return point!.BackupVaultName;
            }

            return Arn.TryParse(point?.BackupVaultArn, out var vaultArn) && vaultArn!.ResourceType == "backup-vault" ? vaultArn.ResourceId : null;
        }

        /// <summary>The resource type a snapshot-style point ARN gives away; null for AWS Backup's own recovery-point ARNs.</summary>
        private static string? TypeOfPointArn(Arn arn)
        {
            if (arn.Service == "ec2")
            {
                return arn.ResourceType == "snapshot" ? "EBS" : arn.ResourceType == "image" ? "EC2" : null;
            }

            if (arn.Service == "rds")
            {
                return arn.ResourceType == "snapshot" ? "RDS" : arn.ResourceType == "cluster-snapshot" ? "Aurora" : null;
            }

            return null;
        }
    }
}
