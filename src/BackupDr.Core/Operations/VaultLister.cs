using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>Get-DrBackupVault: the vaults of a region, streamed page by page, or one vault by name.</summary>
    public sealed class VaultLister
    {
        private readonly IBackupApi _backup;

        public VaultLister(IBackupApi backup)
        {
            _backup = backup ?? throw new ArgumentNullException(nameof(backup));
        }

        /// <summary>
        /// Checks the name before anything is sent, then streams ListBackupVaults, or describes the one vault named
        /// (BackupVaultNotFound, with how to list vaults, when it does not exist).
        /// </summary>
        public IAsyncEnumerable<BackupVault> ListAsync(string? backupVaultName, CancellationToken cancellationToken)
        {
            if (backupVaultName == null)
            {
                return _backup.ListBackupVaultsAsync(cancellationToken);
            }

            BackupStarter.ValidateVaultName(backupVaultName, "BackupVaultName");
            return One(backupVaultName, cancellationToken);
        }

        private async IAsyncEnumerable<BackupVault> One(string name, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            BackupVault vault;
            try
            {
                vault = await _backup.DescribeBackupVaultAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException ex) when (ex.IsNotFound)
            {
                throw NotFound(name, _backup.Context.Region, ex);
            }

            yield return vault;
        }

        /// <summary>The error every operation gives for a vault that does not exist, so scripts match one id.</summary>
        public static DrException NotFound(string name, string region, Exception? inner = null) =>
            new DrException("BackupVaultNotFound", "BackupVaultName", name,
                $"Backup vault '{name}' does not exist in {region}. List the vaults with Get-DrBackupVault, or create it with New-DrBackupVault.",
                DrErrorKind.ObjectNotFound, inner);
    }
}
