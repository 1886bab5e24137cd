using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Restores recovery points as new resources (a DB instance, a volume, ...): reads the restore
    /// metadata, applies typed overrides, refuses to restore over an existing name, starts the restore
    /// job and, with -Wait, reports the duration and the new resource's ARN.
    /// </summary>
    [Cmdlet(VerbsData.Restore, "DrResource", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ObjectSet)]
    [OutputType(typeof(RestoreJob))]
    public sealed class RestoreDrResourceCommand : DrStartJobCmdlet
    {
        private const string ArnSet = "ByArn";
        private const string ObjectSet = "ByObject";

        private readonly List<RestoreJob> _started = new List<RestoreJob>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        [ValidateNotNull]
        public RecoveryPoint? InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ArnSet)]
        [ValidateNotNullOrEmpty]
        public string? RecoveryPointArn { get; set; }

        /// <summary>The point's vault; without it every vault of the region is searched.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ArnSet)]
        [ArgumentCompleter(typeof(BackupVaultNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? BackupVaultName { get; set; }

        /// <summary>Name of the new resource (DB instance identifier); default: &lt;source&gt;-restore-&lt;yyyyMMddHHmmss&gt;-&lt;suffix&gt;.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TargetName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? InstanceClass { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SubnetGroupName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AvailabilityZone { get; set; }

        [Parameter]
        [ValidateSet("gp2", "gp3", "io1", "io2", "st1", "sc1", "standard")]
        public string? VolumeType { get; set; }

        /// <summary>Any other restore metadata key, as AWS Backup names it.</summary>
        [Parameter]
        public Hashtable? Metadata { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? IamRoleArn { get; set; }

        private ResourceRestorer? _restorer;

        protected override void ProcessRecord()
        {
            var arn = InputObject?.RecoveryPointArn ?? RecoveryPointArn!;
            CheckedRestore restore;
            try
            {
                // One restorer per call: it remembers the target names of earlier pipeline items.
                _restorer ??= new ResourceRestorer(r => Clients.ForRegion(r).Backup, r => Clients.ForRegion(r).Rds, Context.Region);
                restore = _restorer.Check(new RestoreRequest
                {
                    RecoveryPointArn = arn,
                    Point = InputObject,
                    BackupVaultName = InputObject == null ? BackupVaultName : null,
                    Overrides = new RestoreOverrides
                    {
                        TargetName = TargetName,
                        InstanceClass = InstanceClass,
                        SubnetGroupName = SubnetGroupName,
                        AvailabilityZone = AvailabilityZone,
                        VolumeType = VolumeType,
                        Metadata = Hashtables.ToStringMap(Metadata, "Metadata"),
                        IamRoleArn = IamRoleArn,
                    },
                });
            }
            catch (Exception ex) when (ex is DrValidationException || ex is ArgumentException)
            {
                WriteDrError(ex, arn);
                return;
            }

            var target = restore.TargetName == null ? "a new resource (default name)" : $"'{restore.TargetName}'";
            if (!ShouldProcess(arn, $"Restore as {target} in {restore.Region}"))
            {
                return;
            }

            try
            {
                var restorer = _restorer;
                var job = Run(ct => restorer.StartAsync(restore, message => Post(() => WriteVerbose(message)), ct));
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

            WaitForJobs(_started.ConvertAll(j => (DrJob)j), "Restore", job =>
            {
                if (job.Succeeded)
                {
                    WriteVerbose($"Restore job {job.JobId} finished in {job.Duration:hh\\:mm\\:ss}: {((RestoreJob)job).CreatedResourceArn}");
                }
            });
        }
    }
}
