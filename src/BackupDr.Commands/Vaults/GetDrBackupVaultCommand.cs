using System;
using System.Collections.Generic;
using System.Management.Automation;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Lists the backup vaults of a region (streamed page by page) or describes one, so a runbook can check the
    /// vault it backs up into exists before it starts anything.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DrBackupVault")]
    [OutputType(typeof(BackupVault))]
    public sealed class GetDrBackupVaultCommand : DrAwsCmdlet
    {
        /// <summary>The one vault to describe; without it every vault of the region is listed.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(BackupVaultNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? BackupVaultName { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var stream = new VaultLister(Clients.Backup).ListAsync(BackupVaultName, CancellationToken);
                var names = new List<string>();
                Stream(_ => stream, vault =>
                {
                    names.Add(vault.BackupVaultName);
                    WriteObject(vault);
                });

                // Offline -BackupVaultName completion reads the names of the runspace's last listing.
                DrState.RememberVaults(names, replace: BackupVaultName == null);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteDrError(ex, BackupVaultName);
            }
        }
    }
}
