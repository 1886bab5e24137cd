using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>
    /// Finds and describes a recovery point given by ARN. Recovery point ARNs do not name their vault (an EBS
    /// point is a snapshot ARN), so without a vault every vault of the region is asked in turn.
    /// </summary>
    public static class RecoveryPointLocator
    {
        /// <summary>Statuses AWS Backup cannot restore or copy from: the point is unfinished, incomplete or going away.</summary>
        public static readonly IReadOnlyCollection<string> UnusableStatuses = new[] { "CREATING", "PARTIAL", "DELETING", "EXPIRED" };

        /// <summary>
        /// Describes the point in <paramref name="vaultName"/>, or, when it is null, in the first vault of the region
        /// that has it; <paramref name="log"/> hears which vault that was. RecoveryPointNotFound when no vault has it.
        /// </summary>
        public static async Task<RecoveryPoint> DescribeAsync(IBackupApi backup, string recoveryPointArn, string? vaultName, Action<string>? log, CancellationToken cancellationToken)
        {
            if (backup == null)
            {
                throw new ArgumentNullException(nameof(backup));
            }

            var region = backup.Context.Region;
            if (vaultName != null)
            {
                try
                {
                    return await backup.DescribeRecoveryPointAsync(vaultName, recoveryPointArn, cancellationToken).ConfigureAwait(false);
                }
                catch (AwsServiceException ex) when (ex.IsNotFound)
                {
                    throw new DrException("RecoveryPointNotFound", "BackupVaultName", recoveryPointArn,
                        $"Recovery point '{recoveryPointArn}' was not found in vault '{vaultName}' in {region}. Omit -BackupVaultName to search every vault, or check -Region.",
                        DrErrorKind.ObjectNotFound, ex);
                }
            }

            var searched = 0;
            await foreach (var vault in backup.ListBackupVaultsAsync(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                searched++;
                try
                {
                    var point = await backup.DescribeRecoveryPointAsync(vault.BackupVaultName, recoveryPointArn, cancellationToken).ConfigureAwait(false);
                    if (string.IsNullOrEmpty(point.BackupVaultName))
                    {
                        point.BackupVaultName = vault.BackupVaultName;
                    }

                    log?.Invoke($"Recovery point {recoveryPointArn} is in vault '{vault.BackupVaultName}' ({searched} vault(s) of {region} searched; give -BackupVaultName to skip the search).");
                    return point;
                }
                catch (AwsServiceException ex) when (ex.IsNotFound)
                {
                    // Not in this vault: ask the next one.
                }
            }

            throw new DrException("RecoveryPointNotFound", "RecoveryPointArn", recoveryPointArn,
                $"Recovery point '{recoveryPointArn}' is in none of the {searched} backup vault(s) of {region}. Check the ARN and -Region; Get-DrRecoveryPoint lists the points of every vault.",
                DrErrorKind.ObjectNotFound);
        }

        /// <summary>Refuses a point that is not restorable or copyable (RecoveryPointNotCompleted); an unknown status passes.</summary>
        public static void EnsureUsable(RecoveryPoint point, string action)
        {
            var status = point.Status;
            if (status == null)
            {
                return;
            }

            foreach (var bad in UnusableStatuses)
            {
                if (string.Equals(status, bad, StringComparison.OrdinalIgnoreCase))
                {
                    throw new DrValidationException("RecoveryPointNotCompleted", "RecoveryPointArn", point.RecoveryPointArn,
                        $"Recovery point '{point.RecoveryPointArn}' is {status.ToUpperInvariant()}; only a COMPLETED recovery point can be used to {action}. Pick another with Get-DrRecoveryPoint -Latest.",
                        DrErrorKind.InvalidOperation);
                }
            }
        }
    }
}
