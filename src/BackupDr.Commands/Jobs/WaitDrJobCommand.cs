using System;
using System.Collections.Generic;
using System.Management.Automation;
using BackupDr.Core.Model;

namespace BackupDr.Commands
{
    /// <summary>
    /// Waits for backup, restore and copy jobs from the pipeline, with one progress line per job, until
    /// they finish, -Timeout passes or Ctrl+C. Emits each job as it finishes; a job that did not succeed is
    /// also an error carrying its status message, and one still running at -Timeout a JobWaitTimeout error.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "DrJob", DefaultParameterSetName = ObjectSet)]
    [OutputType(typeof(BackupJob), typeof(RestoreJob), typeof(CopyJob))]
    public sealed class WaitDrJobCommand : DrJobWaitCmdlet
    {
        private const string ObjectSet = "Job";
        private const string IdSet = "ById";

        private readonly List<DrJob> _jobs = new List<DrJob>();

        /// <summary>Jobs from Start-DrBackup, Get-DrBackupJob, Restore-DrResource or Copy-DrRecoveryPoint.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        [ValidateNotNull]
        public DrJob[] InputObject { get; set; } = Array.Empty<DrJob>();

        /// <summary>Ids of jobs of -JobType in -Region.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] JobId { get; set; } = Array.Empty<string>();

        [Parameter(ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
        public DrJobType JobType { get => _jobType == null ? DrJobType.Backup : (DrJobType)_jobType; set => _jobType = value; }

        // Boxed, not a DrTier/DrJobType field: PowerShell loads every public type at import, before DependencyLoader runs,
        // and a field of a Core value type would need BackupDr.Core then (the import contract test checks this).
        private object? _jobType;

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ObjectSet)
            {
                _jobs.AddRange(InputObject);
                return;
            }

            foreach (var id in JobId)
            {
                DrJob job = JobType switch
                {
                    DrJobType.Restore => new RestoreJob { RestoreJobId = id, Region = Context.Region },
                    DrJobType.Copy => new CopyJob { CopyJobId = id, Region = Context.Region },
                    _ => new BackupJob { BackupJobId = id, Region = Context.Region },
                };
                _jobs.Add(job);
            }
        }

        protected override void EndProcessing()
        {
            if (_jobs.Count == 0)
            {
                return;
            }

            foreach (var job in _jobs)
            {
                if (string.IsNullOrEmpty(job.Region))
                {
                    job.Region = Context.Region;
                }
            }

            WaitForJobs(_jobs, "Waiting");
        }
    }
}
