using System;
using System.Management.Automation;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Pilot-light failover: promotes an RDS read replica in the DR region to a standalone DB instance once it is
    /// shown to be an available replica whose CloudWatch ReplicaLag is within its tier's RPO, and waits until it is
    /// available. -WhatIf runs every check (reads) and changes nothing.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "DrFailover", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FailoverResult))]
    public sealed class InvokeDrFailoverCommand : DrAwsCmdlet
    {
        /// <summary>Progress activity id of the promotion wait.</summary>
        private const int FailoverActivityId = 0x0DB1;

        private ProgressRecord? _progress;
        private string? _promoting;

        /// <summary>The read replica in the DR region (-Region) to promote.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? DBInstanceIdentifier { get; set; }

        /// <summary>The tier whose RPO the lag must meet; default: the replica's (or its source's) DrTier tag.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(TierCompleter))]
        public DrTier? Tier { get => (DrTier?)_tier; set => _tier = value; }

        // Boxed, not a DrTier/DrJobType field: PowerShell loads every public type at import, before DependencyLoader runs,
        // and a field of a Core value type would need BackupDr.Core then (the import contract test checks this).
        private object? _tier;

        /// <summary>A tier policy file (.psd1 or .json) whose RPOs replace the defaults, as for Get-DrTier and Get-DrProtectionStatus.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PolicyPath { get; set; }

        private TierPolicy _policy = TierPolicy.Default;

        protected override void BeginProcessing()
        {
            if (PolicyPath != null)
            {
                try
                {
                    _policy = TierPolicyFile.Load(TierPolicyPaths.Resolve(this, PolicyPath));
                    WriteVerbose($"Tier objectives: {_policy.Path} over BackupDr's defaults.");
                }
                catch (DrException ex)
                {
                    ThrowDrError(ex, ex.Value);
                }
            }
        }

        /// <summary>Promote even when the lag exceeds the RPO, cannot be read, or no tier is known.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>How long to wait for the promoted instance to become available (seconds or a TimeSpan); default: no limit.</summary>
        [Parameter]
        [SecondsToTimeSpan]
        [ValidatePositiveTimeSpan]
        public TimeSpan? Timeout { get; set; }

        protected override void ProcessRecord()
        {
            var id = DBInstanceIdentifier!;
            var options = new FailoverOptions
            {
                DBInstanceIdentifier = id,
                Tier = Tier,
                Policy = _policy,
                Force = Force.IsPresent,
                Timeout = Timeout,
                Schedule = DrState.PollSchedule,
            };

            var clients = Clients;
            var promoter = new ReplicaPromoter(clients.Rds, clients.CloudWatch, null, region => clients.ForRegion(region).Rds);
            FailoverCheck check;
            try
            {
                check = Run(ct => promoter.CheckAsync(options, ct));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteDrError(ex, null);
                return;
            }

            var lag = check.Lag == null ? "lag unknown" : "replica lag " + ReplicaPromoter.Format(check.Lag.Value);
            var rpo = check.Rpo == null ? "no RPO" : $"{check.Tier} RPO {ReplicaPromoter.Format(check.Rpo.Value)} ({check.RpoSource})";
            if (check.Notes != null)
            {
                WriteWarning($"{id}: {check.Notes}");
            }

            WriteVerbose($"{id} in {Context.Region} is an available read replica of {check.Replica.ReadReplicaSourceDBInstanceIdentifier}; {lag}, {rpo}.");
            if (!ShouldProcess(check.Target, $"Promote the read replica of {check.Replica.ReadReplicaSourceDBInstanceIdentifier} to a standalone DB instance ({lag}, {rpo})"))
            {
                return;
            }

            if (check.ForcedBecause != null)
            {
                WriteWarning($"Promoting {id} because of -Force although {check.ForcedBecause}.");
            }

            _promoting = id;
            try
            {
                var progress = new SyncProgress<FailoverProgress>(p => Post(() => ShowProgress(p)));
                var result = Run(ct => promoter.PromoteAsync(check, options, progress, ct));
                _promoting = null;
                WriteObject(result);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                _promoting = null;
                WriteDrError(ex, ex is DrException dr && dr.Value is FailoverResult partial ? partial : (object)check.Target);
            }
            finally
            {
                CompleteProgress();
            }
        }

        /// <summary>Ctrl+C during the wait: the promotion cannot be undone and goes on in AWS, so say so.</summary>
        protected override void OnStopping()
        {
            if (_promoting != null)
            {
                try
                {
                    Host?.UI?.WriteWarningLine($"Stopped waiting: the promotion of {_promoting} goes on in AWS and cannot be undone. Check it with Get-DrResource -Region {Context.Region}.");
                }
                catch (Exception ex) when (ex is PipelineStoppedException || ex is InvalidOperationException || ex is NotImplementedException || ex is System.Management.Automation.Host.HostException)
                {
                    // A host without a UI: nothing more can be said.
                }
            }

            CompleteProgress();
        }

        private void ShowProgress(FailoverProgress p)
        {
            _progress ??= new ProgressRecord(FailoverActivityId, $"Promoting read replica {p.DBInstanceIdentifier}", "Starting");
            _progress.StatusDescription = $"{p.Status ?? "unknown"}, {p.Elapsed:hh\\:mm\\:ss} elapsed";
            if (Timeout != null && Timeout.Value > TimeSpan.Zero)
            {
                _progress.PercentComplete = (int)Math.Min(99, 100 * p.Elapsed.TotalSeconds / Timeout.Value.TotalSeconds);
            }

            WriteProgress(_progress);
        }

        private void CompleteProgress()
        {
            if (_progress != null && _progress.RecordType != ProgressRecordType.Completed)
            {
                _progress.RecordType = ProgressRecordType.Completed;
                try
                {
                    WriteProgress(_progress);
                }
                catch (Exception ex) when (ex is PipelineStoppedException || ex is InvalidOperationException)
                {
                    // The pipeline is stopping: nothing more can be written.
                }
            }
        }
    }
}
