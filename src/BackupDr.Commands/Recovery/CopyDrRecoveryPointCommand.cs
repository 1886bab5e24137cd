using System;
using System.Collections.Generic;
using System.Management.Automation;
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
        private RecoveryPointCopier? _copier;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? RecoveryPointArn { get; set; }

        /// <summary>The source vault; without it every vault of the source region is searched.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(BackupVaultNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? BackupVaultName { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = RegionSet)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        [ValidateNotNullOrEmpty]
        public string? DestinationRegion { get; set; }

        /// <summary>Vault in the destination region (default: a vault of the same name as the source).</summary>
        [Parameter(ParameterSetName = RegionSet)]
        [ArgumentCompleter(typeof(BackupVaultNameCompleter))]
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
            CopyPlan plan;
            try
            {
                _copier ??= new RecoveryPointCopier(r => Clients.ForRegion(r).Backup, Clients.Sts, Context.Region);
                plan = _copier.Plan(new CopyOptions
                {
                    RecoveryPointArn = arn,
                    SourceVaultName = BackupVaultName,
                    DestinationRegion = DestinationRegion,
                    DestinationVaultName = DestinationVaultName,
                    DestinationBackupVaultArn = DestinationBackupVaultArn,
                    IamRoleArn = IamRoleArn,
                    ColdStorageAfterDays = ColdStorageAfterDays,
                    DeleteAfterDays = DeleteAfterDays,
                });
            }
            catch (Exception ex) when (ex is DrValidationException || ex is ArgumentException)
            {
                WriteDrError(ex, arn);
                return;
            }

            if (!ShouldProcess(arn, $"Copy to {plan.Destination}"))
            {
                return;
            }

            try
            {
                var copier = _copier;
                var job = Run(ct => copier.StartAsync(plan, message => Post(() => WriteVerbose(message)), ct));
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
