using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>What Start-DrBackup was asked to do for one resource.</summary>
    public sealed class BackupStartOptions
    {
        public string ResourceArn { get; set; } = string.Empty;
        public string BackupVaultName { get; set; } = "Default";
        public string? IamRoleArn { get; set; }
        public string? IdempotencyToken { get; set; }
        public long? StartWindowMinutes { get; set; }
        public long? CompleteWindowMinutes { get; set; }
        public long? ColdStorageAfterDays { get; set; }
        public long? DeleteAfterDays { get; set; }
        public IDictionary<string, string>? RecoveryPointTags { get; set; }

        /// <summary>Region to copy the recovery point to once the backup completes.</summary>
        public string? CopyToRegion { get; set; }

        /// <summary>Vault in the copy region (default: a vault of the same name).</summary>
        public string? CopyToVault { get; set; }
    }

    /// <summary>A validated backup start: the request to send and what was defaulted (for -Verbose).</summary>
    public sealed class BackupStartPlan
    {
        public StartBackupJobRequest Request { get; set; } = new StartBackupJobRequest();
        public Arn Resource { get; set; } = Arn.Parse("arn:aws:ec2:us-east-1:000000000000:volume/vol-0");
        public bool IamRoleDefaulted { get; set; }
        public bool IdempotencyTokenDefaulted { get; set; }

        /// <summary>The -IdempotencyToken the caller gave (combined with the resource and vault into Request.IdempotencyToken), or null.</summary>
        public string? GivenIdempotencyToken { get; set; }

        /// <summary>ARN of the vault to copy to after completion, or null for no copy.</summary>
        public string? CopyDestinationVaultArn { get; set; }
        public string? CopyDestinationRegion { get; set; }
    }

    /// <summary>What starting one backup gave: the job, and the error of reading it back when that failed after the start.</summary>
    public sealed class BackupStartResult
    {
        public BackupStartResult(BackupJob job, Exception? describeError)
        {
            Job = job ?? throw new ArgumentNullException(nameof(job));
            DescribeError = describeError;
        }

        /// <summary>The job as described, or (when <see cref="DescribeError"/> is set) as StartBackupJob answered it.</summary>
        public BackupJob Job { get; }

        /// <summary>Why the job could not be read back after it was started; null when it was.</summary>
        public Exception? DescribeError { get; }
    }

    /// <summary>
    /// Validates and plans on-demand backups, and starts the DR-region copy once a backup completes.
    /// Every check runs before anything is sent, so bad input never leaves a half-made backup.
    /// </summary>
    public static class BackupStarter
    {
        private static readonly System.Text.RegularExpressions.Regex VaultName = new System.Text.RegularExpressions.Regex("^[a-zA-Z0-9\\-_]{2,50}$");

        public static BackupStartPlan Plan(BackupStartOptions options, string region, DateTime utcNow)
        {
            var resource = ResourceArns.ValidateResourceArn(options.ResourceArn, "ResourceArn", region);
            var (lifecycle, copyRegion, copyVault) = ValidateShared(options, region);
            var copyVaultArn = copyRegion == null ? null : Arn.Build(resource.Partition, "backup", copyRegion, resource.AccountId, "backup-vault:" + copyVault);

            var roleDefaulted = string.IsNullOrEmpty(options.IamRoleArn);
            var role = roleDefaulted ? ResourceArns.DefaultBackupRoleArn(resource) : options.IamRoleArn!;

            var tokenDefaulted = string.IsNullOrEmpty(options.IdempotencyToken);
            return new BackupStartPlan
            {
                Resource = resource,
                IamRoleDefaulted = roleDefaulted,
                IdempotencyTokenDefaulted = tokenDefaulted,
                GivenIdempotencyToken = tokenDefaulted ? null : options.IdempotencyToken,
                CopyDestinationVaultArn = copyVaultArn,
                CopyDestinationRegion = copyVaultArn == null ? null : Arn.Parse(copyVaultArn).Region,
                Request = new StartBackupJobRequest
                {
                    ResourceArn = resource.Text,
                    BackupVaultName = options.BackupVaultName,
                    IamRoleArn = role,
                    IdempotencyToken = tokenDefaulted
                        ? IdempotencyTokens.ForBackup(resource.Text, options.BackupVaultName, utcNow)
                        : IdempotencyTokens.ForGivenToken(options.IdempotencyToken!, resource.Text, options.BackupVaultName),
                    StartWindowMinutes = options.StartWindowMinutes,
                    CompleteWindowMinutes = options.CompleteWindowMinutes,
                    Lifecycle = lifecycle,
                    RecoveryPointTags = options.RecoveryPointTags,
                },
            };
        }

        /// <summary>
        /// The checks of everything but the resource ARN: what applies to every resource of a call, so a cmdlet can
        /// refuse the whole call once (terminating) instead of once per resource. Plan runs them too.
        /// </summary>
        public static void ValidateSharedOptions(BackupStartOptions options, string region) => ValidateShared(options, region);

        private static (Lifecycle? Lifecycle, string? CopyRegion, string? CopyVault) ValidateShared(BackupStartOptions options, string region)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            ValidateVaultName(options.BackupVaultName, "BackupVaultName");
            var lifecycle = Lifecycles.Validate(options.ColdStorageAfterDays, options.DeleteAfterDays);
            if (options.StartWindowMinutes is long start && start < 60)
            {
                throw new DrValidationException("InvalidStartWindow", "StartWindowMinutes", start, $"-StartWindowMinutes is {start}; AWS Backup needs at least 60 minutes.");
            }

            if (options.CompleteWindowMinutes is long complete && options.StartWindowMinutes is long s2 && complete <= s2)
            {
                throw new DrValidationException("InvalidCompleteWindow", "CompleteWindowMinutes", complete, $"-CompleteWindowMinutes ({complete}) must be greater than -StartWindowMinutes ({s2}).");
            }

            if (options.RecoveryPointTags != null)
            {
                TagRules.Validate(options.RecoveryPointTags, null, "RecoveryPointTag");
            }

            string? copyRegion = null;
            string? copyVault = null;
            if (options.CopyToRegion != null || options.CopyToVault != null)
            {
                copyRegion = options.CopyToRegion ?? region;
                try
                {
                    AwsContext.ValidateRegion(copyRegion, "-CopyToRegion");
                }
                catch (AwsConfigurationException ex)
                {
                    throw new DrValidationException("InvalidCopyRegion", "CopyToRegion", copyRegion, ex.Message, DrErrorKind.InvalidArgument, ex);
                }

                copyVault = options.CopyToVault ?? options.BackupVaultName;
                ValidateVaultName(copyVault, "CopyToVault");
                if (copyRegion == region && copyVault == options.BackupVaultName)
                {
                    throw new DrValidationException("CopyToSameVault", "CopyToRegion", copyRegion, $"The copy would go to the same vault ('{copyVault}' in {copyRegion}) as the backup. Give -CopyToRegion with another region, or -CopyToVault with another vault.");
                }
            }

            if (!string.IsNullOrEmpty(options.IamRoleArn) && (!Arn.TryParse(options.IamRoleArn, out var roleArn) || roleArn!.Service != "iam"))
            {
                throw new DrValidationException("InvalidIamRoleArn", "IamRoleArn", options.IamRoleArn, $"'{options.IamRoleArn}' is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME).");
            }

            return (lifecycle, copyRegion, copyVault);
        }

        /// <summary>The copy's token derives from the backup's, so a rerun starts no second copy either.</summary>
        public static string CopyToken(string backupToken)
        {
            var token = "copy" + backupToken;
            return token.Length <= 64 ? token : token.Substring(0, 64);
        }

        public static void ValidateVaultName(string? name, string parameterName)
        {
            if (name == null || !VaultName.IsMatch(name))
            {
                throw new DrValidationException("InvalidBackupVaultName", parameterName, name, $"'{name}' is not a backup vault name: 2 to 50 letters, digits, hyphens or underscores.");
            }
        }

        /// <summary>
        /// Starts the backup and returns the job as AWS describes it right after the start. Once StartBackupJob has
        /// succeeded the job exists in AWS and is never lost: when the describe fails, the result carries the job as the
        /// start answered it (id, resource, vault, state CREATED) and the describe's error. A described job for another
        /// resource or vault than asked (a reused idempotency token) is an error, never a silent wrong answer.
        /// </summary>
        public static async Task<BackupStartResult> StartAsync(IBackupApi backup, BackupStartPlan plan, CancellationToken cancellationToken)
        {
            if (backup == null)
            {
                throw new ArgumentNullException(nameof(backup));
            }

            if (plan == null)
            {
                throw new ArgumentNullException(nameof(plan));
            }

            var started = await backup.StartBackupJobAsync(plan.Request, cancellationToken).ConfigureAwait(false);
            BackupJob described;
            try
            {
                described = await backup.DescribeBackupJobAsync(started.BackupJobId, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                started.State = string.IsNullOrEmpty(started.State) ? JobStates.Created : started.State;
                started.ResourceArn ??= plan.Request.ResourceArn;
                started.BackupVaultName ??= plan.Request.BackupVaultName;
                started.IamRoleArn ??= plan.Request.IamRoleArn;
                return new BackupStartResult(started, ex);
            }

            EnsureJobIsTheOneAsked(plan, described);
            return new BackupStartResult(described, null);
        }

        /// <summary>AWS answers a seen idempotency token with the job it started for it, whatever the request: check it is ours.</summary>
        public static void EnsureJobIsTheOneAsked(BackupStartPlan plan, BackupJob job)
        {
            var request = plan.Request;
            var otherResource = !string.IsNullOrEmpty(job.ResourceArn) && !string.Equals(job.ResourceArn, request.ResourceArn, StringComparison.Ordinal);
            var otherVault = !string.IsNullOrEmpty(job.BackupVaultName) && !string.Equals(job.BackupVaultName, request.BackupVaultName, StringComparison.Ordinal);
            if (otherResource || otherVault)
            {
                var token = plan.GivenIdempotencyToken != null ? $"-IdempotencyToken '{plan.GivenIdempotencyToken}'" : $"the idempotency token {request.IdempotencyToken}";
                throw new DrException(
                    "BackupJobResourceMismatch",
                    plan.GivenIdempotencyToken != null ? "IdempotencyToken" : null,
                    request.ResourceArn,
                    $"AWS answered the backup of {request.ResourceArn} into vault '{request.BackupVaultName}' with job {job.JobId}, which backs up {job.ResourceArn} into vault '{job.BackupVaultName}': {token} was already used for that backup. No backup of {request.ResourceArn} was started; give another -IdempotencyToken.",
                    DrErrorKind.ResourceExists);
            }
        }

        /// <summary>
        /// Starts many planned backups with at most <paramref name="throttleLimit"/> starts at once, yielding each outcome
        /// as it finishes; a failed start is that plan's outcome and the rest go on. Each plan carries its own idempotency
        /// token, and every retry of a start (after a throttle, a 5xx or a lost answer) sends that same token, so AWS
        /// answers a repeat with the job it already started: every backup starts once.
        /// </summary>
        public static IAsyncEnumerable<ParallelOutcome<BackupStartPlan, BackupStartResult>> StartManyAsync(IBackupApi backup, IEnumerable<BackupStartPlan> plans, int throttleLimit, CancellationToken cancellationToken)
        {
            if (backup == null)
            {
                throw new ArgumentNullException(nameof(backup));
            }

            BoundedParallel.ValidateLimit(throttleLimit);
            return BoundedParallel.RunAsync(plans, throttleLimit, (plan, ct) => StartAsync(backup, plan, ct), cancellationToken);
        }

        /// <summary>Starts the copy of a completed backup's recovery point to the plan's destination vault.</summary>
        public static async Task<CopyJob> StartCopyAsync(IBackupApi backup, BackupStartPlan plan, BackupJob completed, CancellationToken cancellationToken)
        {
            if (plan.CopyDestinationVaultArn == null)
            {
                throw new InvalidOperationException("This backup has no copy destination.");
            }

            if (!completed.Succeeded || string.IsNullOrEmpty(completed.RecoveryPointArn))
            {
                throw new DrValidationException("BackupNotCompleted", "CopyToRegion", completed.JobId, $"Backup job {completed.JobId} ended {completed.Status}; nothing was copied. {completed.StatusMessage}", DrErrorKind.InvalidOperation);
            }

            var copy = await backup.StartCopyJobAsync(
                new StartCopyJobRequest
                {
                    RecoveryPointArn = completed.RecoveryPointArn!,
                    SourceBackupVaultName = plan.Request.BackupVaultName,
                    DestinationBackupVaultArn = plan.CopyDestinationVaultArn,
                    IamRoleArn = plan.Request.IamRoleArn,
                    IdempotencyToken = plan.Request.IdempotencyToken == null ? null : CopyToken(plan.Request.IdempotencyToken),
                    Lifecycle = plan.Request.Lifecycle,
                },
                cancellationToken).ConfigureAwait(false);
            return await backup.DescribeCopyJobAsync(copy.CopyJobId, cancellationToken).ConfigureAwait(false);
        }
    }
}
