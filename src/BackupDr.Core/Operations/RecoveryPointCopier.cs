using System;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>What Copy-DrRecoveryPoint was asked to copy, and where to.</summary>
    public sealed class CopyOptions
    {
        public string RecoveryPointArn { get; set; } = string.Empty;

        /// <summary>The point as Get-DrRecoveryPoint emitted it, or null for an ARN alone.</summary>
        public RecoveryPoint? Point { get; set; }

        /// <summary>The source vault; null means find it.</summary>
        public string? SourceVaultName { get; set; }

        /// <summary>Region of the destination vault (with <see cref="DestinationVaultName"/>, default: the source vault's name).</summary>
        public string? DestinationRegion { get; set; }
        public string? DestinationVaultName { get; set; }

        /// <summary>Full destination vault ARN (another account); replaces DestinationRegion/DestinationVaultName.</summary>
        public string? DestinationBackupVaultArn { get; set; }

        public string? IamRoleArn { get; set; }
        public long? ColdStorageAfterDays { get; set; }
        public long? DeleteAfterDays { get; set; }
    }

    /// <summary>A copy that passed every local check: what ShouldProcess shows and StartAsync sends.</summary>
    public sealed class CopyPlan
    {
        internal CopyPlan(CopyOptions options, Arn point, string sourceRegion, string? sourceVault, string destinationRegion, string? destinationVault, Arn? destinationArn, Lifecycle? lifecycle)
        {
            Options = options;
            Point = point;
            SourceRegion = sourceRegion;
            SourceVaultName = sourceVault;
            DestinationRegion = destinationRegion;
            DestinationVaultName = destinationVault;
            DestinationArn = destinationArn;
            Lifecycle = lifecycle;
        }

        public CopyOptions Options { get; }
        public string SourceRegion { get; }

        /// <summary>The source vault when known before any call.</summary>
        public string? SourceVaultName { get; }
        public string DestinationRegion { get; }

        /// <summary>The destination vault's name, when known before any call (it defaults to the source vault's).</summary>
        public string? DestinationVaultName { get; }

        /// <summary>What the copy goes to, for -WhatIf and -Confirm.</summary>
        public string Destination => DestinationArn?.Text
            ?? (DestinationVaultName == null ? $"the vault of the source's name in {DestinationRegion}" : $"vault '{DestinationVaultName}' in {DestinationRegion}");

        internal Arn Point { get; }
        internal Arn? DestinationArn { get; }
        internal Lifecycle? Lifecycle { get; }
    }

    /// <summary>
    /// Copy-DrRecoveryPoint: checks everything it can before a call (ARN, vault names, regions, lifecycle, role, a copy
    /// into its own source vault), finds the source vault when not given, refuses points that are not COMPLETED, and
    /// starts the copy with a token derived from point, destination and UTC day, so a rerun starts no second copy.
    /// </summary>
    public sealed class RecoveryPointCopier
    {
        private readonly Func<string, IBackupApi> _backup;
        private readonly IStsApi? _sts;
        private readonly string _defaultRegion;
        private readonly IAwsClock _clock;

        /// <summary>STS is asked for the account only when neither the point's ARN nor the destination gives it.</summary>
        public RecoveryPointCopier(Func<string, IBackupApi> backup, IStsApi? sts, string defaultRegion, IAwsClock? clock = null)
        {
            _backup = backup ?? throw new ArgumentNullException(nameof(backup));
            _sts = sts;
            _defaultRegion = defaultRegion;
            _clock = clock ?? SystemClock.Instance;
        }

        /// <summary>Every check that needs no AWS call; throws DrValidationException.</summary>
        public CopyPlan Plan(CopyOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            var point = ResourceArns.ValidateRecoveryPointArn(options.RecoveryPointArn, "RecoveryPointArn", null);
            var sourceRegion = !string.IsNullOrEmpty(options.Point?.Region) ? options.Point!.Region : !string.IsNullOrEmpty(point.Region) ? point.Region : _defaultRegion;
            var sourceVault = options.SourceVaultName ?? VaultOf(options.Point);
            if (sourceVault != null)
            {
                BackupStarter.ValidateVaultName(sourceVault, "BackupVaultName");
            }

            if (options.Point != null)
            {
                RecoveryPointLocator.EnsureUsable(options.Point, "copy");
            }

            var lifecycle = Lifecycles.Validate(options.ColdStorageAfterDays, options.DeleteAfterDays);
            if (options.IamRoleArn != null && (!Arn.TryParse(options.IamRoleArn, out var role) || role!.Service != "iam"))
            {
                throw new DrValidationException("InvalidIamRoleArn", "IamRoleArn", options.IamRoleArn, $"'{options.IamRoleArn}' is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME).");
            }

            string destinationRegion;
            string? destinationVault;
            Arn? destinationArn = null;
            if (options.DestinationBackupVaultArn != null)
            {
                if (!Arn.TryParse(options.DestinationBackupVaultArn, out destinationArn) || destinationArn!.Service != "backup" || destinationArn.ResourceType != "backup-vault")
                {
                    throw new DrValidationException("InvalidBackupVaultArn", "DestinationBackupVaultArn", options.DestinationBackupVaultArn,
                        $"'{options.DestinationBackupVaultArn}' is not a backup vault ARN (arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME).");
                }

                destinationRegion = destinationArn.Region;
                destinationVault = destinationArn.ResourceId;
                BackupStarter.ValidateVaultName(destinationVault, "DestinationBackupVaultArn");
            }
            else
            {
                destinationRegion = options.DestinationRegion ?? throw new DrValidationException("DestinationRequired", "DestinationRegion", null,
                    "Give -DestinationRegion (with -DestinationVaultName) or -DestinationBackupVaultArn: a copy needs a destination.");
                try
                {
                    AwsContext.ValidateRegion(destinationRegion, "-DestinationRegion");
                }
                catch (AwsConfigurationException ex)
                {
                    throw new DrValidationException(ex.ErrorId, "DestinationRegion", destinationRegion, ex.Message, DrErrorKind.InvalidArgument, ex);
                }

                destinationVault = options.DestinationVaultName ?? sourceVault;
                if (options.DestinationVaultName != null)
                {
                    BackupStarter.ValidateVaultName(options.DestinationVaultName, "DestinationVaultName");
                }
                else if (destinationRegion == sourceRegion)
                {
                    // The destination vault defaults to the source's: in the source region that is always the same vault.
                    throw SameVault(sourceVault ?? "the source vault", sourceRegion, "DestinationRegion");
                }
            }

            var plan = new CopyPlan(options, point, sourceRegion, sourceVault, destinationRegion, destinationVault, destinationArn, lifecycle);
            if (sourceVault != null)
            {
                CheckNotSameVault(plan, sourceVault, point.AccountId.Length > 0 ? point.AccountId : null);
            }

            return plan;
        }

        /// <summary>
        /// Finds and describes the point (saying which vault through <paramref name="log"/>), refuses it when not COMPLETED
        /// or when the copy would land in its own vault, and starts the copy job; a started job is returned even when
        /// describing it fails.
        /// </summary>
        public async Task<CopyJob> StartAsync(CopyPlan plan, Action<string>? log, CancellationToken cancellationToken)
        {
            if (plan == null)
            {
                throw new ArgumentNullException(nameof(plan));
            }

            var options = plan.Options;
            var backup = _backup(plan.SourceRegion);
            var point = options.Point != null && plan.SourceVaultName != null && options.Point.Status != null
                ? options.Point
                : await RecoveryPointLocator.DescribeAsync(backup, options.RecoveryPointArn, plan.SourceVaultName, log, cancellationToken).ConfigureAwait(false);
            RecoveryPointLocator.EnsureUsable(point, "copy");
            var sourceVault = plan.SourceVaultName ?? point.BackupVaultName ?? throw new DrException("RecoveryPointNotFound", "BackupVaultName", options.RecoveryPointArn,
                $"AWS Backup did not say which vault '{options.RecoveryPointArn}' is in; give -BackupVaultName.", DrErrorKind.ObjectNotFound);

            var account = plan.Point.AccountId.Length > 0 ? plan.Point.AccountId : point.AccountId;
            if (string.IsNullOrEmpty(account) && Arn.TryParse(point.BackupVaultArn, out var sourceVaultArn) && sourceVaultArn!.AccountId.Length > 0)
            {
                account = sourceVaultArn.AccountId;
            }

            var needAccount = string.IsNullOrEmpty(account) && (plan.DestinationArn == null || options.IamRoleArn == null || plan.DestinationArn.Region == plan.SourceRegion);
            if (needAccount)
            {
                var sts = _sts ?? throw new InvalidOperationException("RecoveryPointCopier needs STS to learn the account of this recovery point.");
                account = (await sts.GetCallerIdentityAsync(cancellationToken).ConfigureAwait(false)).Account;
            }

            CheckNotSameVault(plan, sourceVault, account);
            var partition = plan.Point.Partition;
            var destination = plan.DestinationArn?.Text ?? Arn.Build(partition, "backup", plan.DestinationRegion, account!, "backup-vault:" + (plan.DestinationVaultName ?? sourceVault));
            var request = new StartCopyJobRequest
            {
                RecoveryPointArn = options.RecoveryPointArn,
                SourceBackupVaultName = sourceVault,
                DestinationBackupVaultArn = destination,
                IamRoleArn = options.IamRoleArn ?? ResourceArns.DefaultBackupRoleArn(partition, account!),
                Lifecycle = plan.Lifecycle,
                IdempotencyToken = IdempotencyTokens.ForCopy(options.RecoveryPointArn, destination, _clock.UtcNow),
            };
            log?.Invoke($"Copying {options.RecoveryPointArn} from vault '{sourceVault}' ({plan.SourceRegion}) to {destination} with role {request.IamRoleArn}; idempotency token {request.IdempotencyToken} (point, destination and UTC day): a rerun today returns the same copy job.");
            var started = await backup.StartCopyJobAsync(request, cancellationToken).ConfigureAwait(false);
            started.Region = plan.SourceRegion;
            started.SourceRecoveryPointArn ??= options.RecoveryPointArn;
            started.DestinationBackupVaultArn ??= destination;
            try
            {
                return await backup.DescribeCopyJobAsync(started.CopyJobId, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException ex)
            {
                log?.Invoke($"Copy job {started.CopyJobId} started, but describing it failed ({ex.ErrorCode}); its state is refreshed on the next read.");
                return started;
            }
        }

        private static void CheckNotSameVault(CopyPlan plan, string sourceVault, string? sourceAccount)
        {
            if (plan.DestinationRegion != plan.SourceRegion || !string.Equals(plan.DestinationVaultName ?? sourceVault, sourceVault, StringComparison.Ordinal))
            {
                return;
            }

            if (plan.DestinationArn != null)
            {
                if (sourceAccount != null && plan.DestinationArn.AccountId == sourceAccount)
                {
                    throw SameVault(sourceVault, plan.SourceRegion, "DestinationBackupVaultArn");
                }

                return;
            }

            throw SameVault(sourceVault, plan.SourceRegion, plan.Options.DestinationVaultName == null ? "DestinationRegion" : "DestinationVaultName");
        }

        private static DrValidationException SameVault(string vault, string region, string parameterName) =>
            new DrValidationException("CopyToSameVault", parameterName, region,
                $"The copy would go to the vault it comes from ('{vault}' in {region}). Give -DestinationRegion with another region, or -DestinationVaultName with another vault.");

        private static string? VaultOf(RecoveryPoint? point)
        {
            if (!string.IsNullOrEmpty(point?.BackupVaultName))
            {
                return point!.BackupVaultName;
            }

            return Arn.TryParse(point?.BackupVaultArn, out var vaultArn) && vaultArn!.ResourceType == "backup-vault" ? vaultArn.ResourceId : null;
        }
    }
}
