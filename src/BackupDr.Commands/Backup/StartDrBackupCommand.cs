using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Starts on-demand AWS Backup jobs for resources (EBS volumes, EC2 instances, RDS instances, Aurora
    /// clusters, ...), optionally waits for them and copies the recovery points to a DR region. Starts run in
    /// parallel (-ThrottleLimit at once) and are written as they finish; the client paces itself when AWS throttles.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "DrBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(BackupJob), typeof(CopyJob))]
    public sealed class StartDrBackupCommand : DrStartJobCmdlet
    {
        /// <summary>The default of -ThrottleLimit: starts in flight at once.</summary>
        public const int DefaultThrottleLimit = 10;

        private readonly List<(BackupStartPlan Plan, BackupJob Job)> _started = new List<(BackupStartPlan, BackupJob)>();
        private Dictionary<string, string>? _recoveryPointTags;
        private ThrottledPipeline? _fanOut;
        private int _startedCount;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Arn")]
        [ValidateNotNullOrEmpty]
        public string[] ResourceArn { get; set; } = Array.Empty<string>();

        [Parameter]
        [ArgumentCompleter(typeof(BackupVaultNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string BackupVaultName { get; set; } = "Default";

        /// <summary>Role AWS Backup assumes; default: the account's AWSBackupDefaultServiceRole.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? IamRoleArn { get; set; }

        /// <summary>Default: derived from resource, vault and UTC day, so a rerun the same day starts no second backup.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? IdempotencyToken { get; set; }

        [Parameter]
        [ValidateRange(60, 100000)]
        public long? StartWindowMinutes { get; set; }

        [Parameter]
        [ValidateRange(1, 100000)]
        public long? CompleteWindowMinutes { get; set; }

        [Parameter]
        [ValidateRange(0, 36500)]
        public long? ColdStorageAfterDays { get; set; }

        [Parameter]
        [ValidateRange(1, 36500)]
        public long? DeleteAfterDays { get; set; }

        [Parameter]
        public Hashtable? RecoveryPointTag { get; set; }

        /// <summary>Copy the recovery point to this region when the backup completes (waits for the backup).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(RegionCompleter))]
        [ValidateNotNullOrEmpty]
        public string? CopyToRegion { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CopyToVault { get; set; }

        /// <summary>How many starts run at once (1-64, default 10); 1 starts one after the other.</summary>
        [Parameter]
        [ValidateRange(1, BoundedParallel.MaxLimit)]
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        protected override void BeginProcessing()
        {
            // What applies to every resource of the call (vault, lifecycle, windows, tags, copy, role) is checked once:
            // a bad value stops the whole call (terminating), before anything is sent. Per-resource checks stay per item.
            try
            {
                _recoveryPointTags = Hashtables.ToStringMap(RecoveryPointTag, "RecoveryPointTag");
                BackupStarter.ValidateSharedOptions(OptionsFor(string.Empty), Context.Region);
            }
            catch (Exception ex) when (ex is DrValidationException || ex is ArgumentException)
            {
                ThrowDrError(ex, ex is DrValidationException v ? v.Value : RecoveryPointTag);
            }
        }

        private BackupStartOptions OptionsFor(string arn) => new BackupStartOptions
        {
            ResourceArn = arn,
            BackupVaultName = BackupVaultName,
            IamRoleArn = IamRoleArn,
            IdempotencyToken = IdempotencyToken,
            StartWindowMinutes = StartWindowMinutes,
            CompleteWindowMinutes = CompleteWindowMinutes,
            ColdStorageAfterDays = ColdStorageAfterDays,
            DeleteAfterDays = DeleteAfterDays,
            RecoveryPointTags = _recoveryPointTags,
            CopyToRegion = CopyToRegion,
            CopyToVault = CopyToVault,
        };

        protected override void ProcessRecord()
        {
            foreach (var arn in ResourceArn)
            {
                BackupStartPlan plan;
                try
                {
                    plan = BackupStarter.Plan(OptionsFor(arn), Context.Region, DateTime.UtcNow);
                }
                catch (Exception ex) when (ex is DrValidationException || ex is ArgumentException)
                {
                    WriteDrError(ex, arn);
                    continue;
                }

                if (plan.IamRoleDefaulted)
                {
                    WriteVerbose($"Using the default backup role {plan.Request.IamRoleArn} (account {plan.Resource.AccountId}, from the resource ARN); pass -IamRoleArn to use another.");
                }

                if (plan.IdempotencyTokenDefaulted)
                {
                    WriteVerbose($"Idempotency token {plan.Request.IdempotencyToken} (resource, vault and UTC day): a rerun today returns the same job.");
                }
                else
                {
                    WriteVerbose($"Idempotency token {plan.Request.IdempotencyToken} (-IdempotencyToken combined with resource and vault): a rerun with the same token returns the same job, and each resource gets its own.");
                }

                var action = plan.CopyDestinationVaultArn == null
                    ? $"Start backup into vault '{BackupVaultName}'"
                    : $"Start backup into vault '{BackupVaultName}' and copy it to {plan.CopyDestinationVaultArn}";
                if (!ShouldProcess(plan.Resource.Text, action))
                {
                    continue;
                }

                var backup = Clients.Backup;
                _fanOut ??= new ThrottledPipeline(ThrottleLimit);
                var fanOut = _fanOut;
                Run(ct => fanOut.StartAsync(itemCt => StartOneAsync(backup, plan, itemCt), ct));
            }
        }

        /// <summary>One start on a worker: its outcome is posted to the pipeline thread; a failure is an error record and the rest go on.</summary>
        private async Task StartOneAsync(IBackupApi backup, BackupStartPlan plan, CancellationToken cancellationToken)
        {
            BackupStartResult result;
            try
            {
                result = await BackupStarter.StartAsync(backup, plan, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (AwsConfigurationException ex)
            {
                // No usable credentials (found at first signing): no other start can succeed, so one terminating error.
                Post(() => ThrowDrError(ex, ex.Value));
                return;
            }
            catch (Exception ex)
            {
                Post(() => WriteDrError(ex, plan.Resource.Text));
                return;
            }

            Post(() => Started(plan, result));
        }

        private void Started(BackupStartPlan plan, BackupStartResult result)
        {
            _startedCount++;
            var job = result.Job;
            if (result.DescribeError != null)
            {
                // The job exists in AWS: emit what is known rather than lose it.
                WriteWarning($"Backup job {job.JobId} of {plan.Resource.Text} was started, but reading it back failed ({result.DescribeError.Message}). It is written as the start answered it (state {job.State}); check it with Get-DrBackupJob -JobId {job.JobId}.");
            }

            if (Wait || plan.CopyDestinationVaultArn != null)
            {
                _started.Add((plan, job));
                TrackJob(job);
            }
            else
            {
                WriteObject(job);
            }
        }

        /// <summary>Ctrl+C: say how many backups were started and how many starts were cut off with an unknown outcome.</summary>
        protected override void OnStopping()
        {
            var inFlight = _fanOut?.InFlight ?? 0;
            if (_startedCount > 0 || inFlight > 0)
            {
                var written = Wait || CopyToRegion != null || CopyToVault != null ? "kept running in AWS" : "written above";
                var text = $"Stopped: {_startedCount} backup job(s) were started by this call ({written})"
                    + (inFlight > 0 ? $"; {inFlight} start(s) were in flight and may have started too" : string.Empty)
                    + ". Running the same command again today starts no second backup of those resources: the same idempotency tokens return the jobs already started.";
                try
                {
                    // After Ctrl+C PowerShell refuses stream writes: the warning goes to the host (console, transcript).
                    Host?.UI?.WriteWarningLine(text);
                }
                catch (Exception ex) when (ex is PipelineStoppedException || ex is InvalidOperationException || ex is NotImplementedException || ex is System.Management.Automation.Host.HostException)
                {
                }
            }

            base.OnStopping();
        }

        protected override void EndProcessing()
        {
            if (_fanOut != null)
            {
                var fanOut = _fanOut;
                Run(ct => fanOut.WhenAllAsync(ct));
                FlushPosted();
            }

            if (_started.Count == 0)
            {
                return;
            }

            if (!Wait)
            {
                WriteVerbose("-CopyToRegion starts the copy when the backup completes: waiting for the backup.");
            }

            var plans = new Dictionary<string, BackupStartPlan>(StringComparer.Ordinal);
            foreach (var (plan, job) in _started)
            {
                plans[job.JobId] = plan;
            }

            var toCopy = new List<(BackupStartPlan Plan, BackupJob Job)>();
            WaitForJobs(_started.ConvertAll(s => (DrJob)s.Job), "Backup", finished =>
            {
                if (finished.Succeeded && plans.TryGetValue(finished.JobId, out var plan) && plan.CopyDestinationVaultArn != null)
                {
                    toCopy.Add((plan, (BackupJob)finished));
                }
            });

            var copies = new List<DrJob>();
            foreach (var (plan, job) in toCopy)
            {
                try
                {
                    var copy = Run(ct => BackupStarter.StartCopyAsync(Clients.Backup, plan, job, ct));
                    if (Wait)
                    {
                        copies.Add(copy);
                        TrackJob(copy);
                    }
                    else
                    {
                        WriteObject(copy);
                    }
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    WriteDrError(ex, job.RecoveryPointArn);
                }
            }

            WaitForJobs(copies, "Copy");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _fanOut?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
