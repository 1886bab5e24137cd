using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;

namespace BackupDr.Core.Operations
{
    /// <summary>
    /// AWS Backup lists nothing, without an error, for a vault name that does not exist; a typo would then read as
    /// "no jobs". Listings that found nothing under a vault filter ask whether the vault exists.
    /// </summary>
    public static class BackupVaultCheck
    {
        /// <summary>True only when AWS says the vault does not exist; any other failure of the check is not a verdict.</summary>
        public static async Task<bool> IsMissingAsync(IBackupApi backup, string backupVaultName, CancellationToken cancellationToken)
        {
            if (backup == null)
            {
                throw new ArgumentNullException(nameof(backup));
            }

            try
            {
                await backup.DescribeBackupVaultAsync(backupVaultName, cancellationToken).ConfigureAwait(false);
                return false;
            }
            catch (AwsServiceException ex) when (ex.IsNotFound)
            {
                return true;
            }
            catch (AwsServiceException)
            {
                return false;
            }
        }

        /// <summary>The BackupVaultNotFound error: names the vault, the regions, and how to list the vaults there.</summary>
        public static DrException NotFound(string backupVaultName, IReadOnlyList<string> regions)
        {
            var where = string.Join(", ", regions);
            var first = regions.Count > 0 ? regions[0] : "REGION";
            return new DrException(
                "BackupVaultNotFound",
                "BackupVaultName",
                backupVaultName,
                $"Backup vault '{backupVaultName}' does not exist in {where}, so no job could match -BackupVaultName. Check the name (it is case-sensitive); list the vaults with 'aws backup list-backup-vaults --region {first} --query BackupVaultList[].BackupVaultName'.",
                DrErrorKind.ObjectNotFound);
        }

        /// <summary>The warning for a vault missing in some of the regions of a multi-region report.</summary>
        public static string MissingInRegionWarning(string backupVaultName, string region) =>
            $"Backup vault '{backupVaultName}' does not exist in {region}; no jobs were counted there. List the vaults with 'aws backup list-backup-vaults --region {region} --query BackupVaultList[].BackupVaultName'.";
    }
}
