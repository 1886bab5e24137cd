using System;
using System.Collections.Generic;
using System.Management.Automation;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Copies recovery points to a vault in another region or account (AWS Backup StartCopyJob): the
    /// DR-region copy that makes a regional outage survivable.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "DrRecoveryPoint", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = RegionSet)]
    [OutputType(typeof(CopyJob))]
    public sealed class CopyDrRecoveryPointCommand : DrStartJobCmdlet
    {
        private const string RegionSet = "ToRegion";
        private const string VaultArnSet = "ToVaultArn";

        private readonly List<DrJob> _started = new List<DrJob>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? RecoveryPointArn { get; set; }

        /// <summary>The source vault.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string BackupVaultName { get; set; } = "Default";

        [Parameter(Mandatory = true, ParameterSetName = RegionSet)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        [ValidateNotNullOrEmpty]
        public string? DestinationRegion { get; set; }

        /// <summary>Vault in the destination region (default: a vault of the same name as the source).</summary>
        [Parameter(ParameterSetName = RegionSet)]
        [ValidateNotNullOrEmpty]
        public string? DestinationVaultName { get; set; }

        /// <summary>Full destination vault ARN, for a vault in another account.</summary>
        [Parameter(Mandatory = true, ParameterSetName = VaultArnSet)]
        [ValidateNotNullOrEmpty]
        public string? DestinationBackupVaultArn { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? IamRoleArn { get; set; }

        [Parameter]
        [ValidateRange(0, 36500)]
        public long? ColdStorageAfterDays { get; set; }

        [Parameter]
        [ValidateRange(1, 36500)]
        public long? DeleteAfterDays { get; set; }

        protected override void ProcessRecord()
        {
            var arn = RecoveryPointArn!;
            StartCopyJobRequest request;
            string sourceRegion;
            string? vaultToBuild = null;
            string? partition = null;
            try
            {
                var point = ResourceArns.ValidateRecoveryPointArn(arn, "RecoveryPointArn", null);
                sourceRegion = string.IsNullOrEmpty(point.Region) ? Context.Region : point.Region;
                BackupStarter.ValidateVaultName(BackupVaultName, "BackupVaultName");
                var lifecycle = Lifecycles.Validate(ColdStorageAfterDays, DeleteAfterDays);
                string destination;
                if (DestinationBackupVaultArn != null)
                {
                    if (!Arn.TryParse(DestinationBackupVaultArn, out var vaultArn) || vaultArn!.Service != "backup" || vaultArn.ResourceType != "backup-vault")
                    {
                        throw new DrValidationException("InvalidBackupVaultArn", "DestinationBackupVaultArn", DestinationBackupVaultArn, $"'{DestinationBackupVaultArn}' is not a backup vault ARN (arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME).");
                    }

                    destination = vaultArn.Text;
                }
                else
                {
                    AwsContext.ValidateRegion(DestinationRegion!, "-DestinationRegion");
                    var vaultName = DestinationVaultName ?? BackupVaultName;
                    BackupStarter.ValidateVaultName(vaultName, "DestinationVaultName");
                    // EBS snapshot ARNs carry no account: it is asked of STS after ShouldProcess, so -WhatIf sends nothing.
                    destination = string.IsNullOrEmpty(point.AccountId) ? string.Empty : Arn.Build(point.Partition, "backup", DestinationRegion!, point.AccountId, "backup-vault:" + vaultName);
                    vaultToBuild = string.IsNullOrEmpty(point.AccountId) ? vaultName : null;
                    partition = point.Partition;
                }

                var role = IamRoleArn ?? (string.IsNullOrEmpty(point.AccountId) ? string.Empty : ResourceArns.DefaultBackupRoleArn(point.Partition, point.AccountId));
                request = new StartCopyJobRequest
                {
                    RecoveryPointArn = arn,
                    SourceBackupVaultName = BackupVaultName,
                    DestinationBackupVaultArn = destination,
                    IamRoleArn = role,
                    Lifecycle = lifecycle,
                };
            }
            catch (AwsConfigurationException ex)
            {
                WriteDrError(ex, DestinationRegion);
                return;
            }
            catch (Exception ex) when (ex is DrValidationException || ex is ArgumentException)
            {
                WriteDrError(ex, arn);
                return;
            }

            var where = vaultToBuild == null ? request.DestinationBackupVaultArn : $"vault '{vaultToBuild}' in {DestinationRegion}";
            if (!ShouldProcess(arn, $"Copy to {where}"))
            {
                return;
            }

            try
            {
                if (vaultToBuild != null || request.IamRoleArn.Length == 0)
                {
                    var account = Run(ct => Clients.Sts.GetCallerIdentityAsync(ct)).Account;
                    if (vaultToBuild != null)
                    {
                        request.DestinationBackupVaultArn = Arn.Build(partition!, "backup", DestinationRegion!, account, "backup-vault:" + vaultToBuild);
                    }

                    if (request.IamRoleArn.Length == 0)
                    {
                        request.IamRoleArn = ResourceArns.DefaultBackupRoleArn(partition ?? "aws", account);
                    }
                }

                var backup = Clients.ForRegion(sourceRegion).Backup;
                var job = Run(async ct =>
                {
                    var started = await backup.StartCopyJobAsync(request, ct).ConfigureAwait(false);
                    return await backup.DescribeCopyJobAsync(started.CopyJobId, ct).ConfigureAwait(false);
                });
                if (Wait)
                {
                    _started.Add(job);
                    TrackJob(job);
                }
                else
                {
                    WriteObject(job);
                }
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteDrError(ex, arn);
            }
        }

        protected override void EndProcessing()
        {
            if (_started.Count == 0)
            {
                return;
            }

            WaitForJobs(_started, "Copy");
        }
    }
}
