using System;
using System.Collections;
using System.Management.Automation;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Creates a backup vault (AWS Backup CreateBackupVault) with an optional KMS key and tags; an existing
    /// vault is never changed and gives BackupVaultExists.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DrBackupVault", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(BackupVault))]
    public sealed class NewDrBackupVaultCommand : DrAwsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? BackupVaultName { get; set; }

        /// <summary>KMS key that encrypts the vault's backups (default: AWS Backup's own key).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EncryptionKeyArn { get; set; }

        [Parameter]
        public Hashtable? Tag { get; set; }

        /// <summary>Makes a rerun with the same id return the vault the first run made instead of an error.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CreatorRequestId { get; set; }

        protected override void ProcessRecord()
        {
            var name = BackupVaultName!;
            VaultCreateOptions options;
            try
            {
                options = new VaultCreateOptions
                {
                    BackupVaultName = name,
                    EncryptionKeyArn = EncryptionKeyArn,
                    Tags = Hashtables.ToStringMap(Tag, "Tag"),
                    CreatorRequestId = CreatorRequestId,
                };
                VaultCreator.Validate(options, Context.Region);
            }
            catch (Exception ex) when (ex is DrValidationException || ex is ArgumentException)
            {
                WriteDrError(ex, name);
                return;
            }

            var key = EncryptionKeyArn == null ? "AWS Backup's own key" : EncryptionKeyArn;
            if (!ShouldProcess($"{name} ({Context.Region})", $"Create backup vault encrypted with {key}"))
            {
                return;
            }

            try
            {
                var vault = Run(ct => new VaultCreator(Clients.Backup).CreateAsync(options, ct));
                DrState.RememberVaults(new[] { vault.BackupVaultName }, replace: false);
                WriteObject(vault);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteDrError(ex, name);
            }
        }
    }
}
