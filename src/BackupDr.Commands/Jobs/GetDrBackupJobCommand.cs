using System;
using System.Management.Automation;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Gets AWS Backup jobs by id, or lists them with every filter AWS Backup has, streaming page by page.
    /// Jobs that completed with issues show the status COMPLETED_WITH_ISSUES.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DrBackupJob", DefaultParameterSetName = ListSet)]
    [OutputType(typeof(BackupJob))]
    public sealed class GetDrBackupJobCommand : DrAwsCmdlet
    {
        private const string ListSet = "List";
        private const string IdSet = "ById";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("BackupJobId")]
        [ValidateNotNullOrEmpty]
        public string[] JobId { get; set; } = Array.Empty<string>();

        /// <summary>CREATED, PENDING, RUNNING, ABORTING, ABORTED, COMPLETED, FAILED, EXPIRED, PARTIAL, or COMPLETED_WITH_ISSUES.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateSet("CREATED", "PENDING", "RUNNING", "ABORTING", "ABORTED", "COMPLETED", "FAILED", "EXPIRED", "PARTIAL", "COMPLETED_WITH_ISSUES", IgnoreCase = true)]
        public string? State { get; set; }

        [Parameter(ParameterSetName = ListSet)]
        [ArgumentCompleter(typeof(BackupVaultNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? BackupVaultName { get; set; }

        [Parameter(ParameterSetName = ListSet)]
        [Alias("Arn")]
        [ValidateNotNullOrEmpty]
        public string? ResourceArn { get; set; }

        [Parameter(ParameterSetName = ListSet)]
        [ArgumentCompleter(typeof(ResourceTypeCompleter))]
        [ValidateNotNullOrEmpty]
        public string? ResourceType { get; set; }

        /// <summary>A DateTime, or a TimeSpan meaning "that long ago" (e.g. (New-TimeSpan -Days 2)).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [PointInTime]
        [ValidateNotNull]
        public DateTime? Since { get; set; }

        /// <summary>A DateTime, or a TimeSpan meaning "that long ago"; must be later than -Since.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [PointInTime]
        [ValidateNotNull]
        public DateTime? Until { get; set; }

        [Parameter(ParameterSetName = ListSet)]
        [ValidatePattern("^[0-9]{12}$")]
        public string? AccountId { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == IdSet)
            {
                foreach (var id in JobId)
                {
                    try
                    {
                        WriteObject(Run(ct => new BackupJobQuery(Clients.Backup).GetAsync(id, ct)));
                    }
                    catch (Exception ex) when (!(ex is PipelineStoppedException))
                    {
                        WriteDrError(ex, id);
                    }
                }

                return;
            }

            BackupJobFilter filter;
            try
            {
                filter = BuildFilter(DateTime.UtcNow);
            }
            catch (Exception ex) when (ex is DrValidationException || ex is ArgumentException)
            {
                ThrowDrError(ex, ex is DrValidationException v ? v.Value : null);
                return;
            }

            var withIssuesOnly = string.Equals(State, JobStates.CompletedWithIssues, StringComparison.OrdinalIgnoreCase);
            var vaultMissing = false;
            try
            {
                long listed = 0;
                var query = new BackupJobQuery(Clients.Backup);
                Stream(ct => query.ListAsync(filter, ct), job =>
                {
                    listed++;
                    if (!withIssuesOnly || job.CompletedWithIssues)
                    {
                        WriteObject(job);
                    }
                });

                // AWS lists nothing for a vault that does not exist: a typo must not read as "no jobs".
                vaultMissing = listed == 0 && BackupVaultName != null && Run(ct => query.IsVaultMissingAsync(BackupVaultName, ct));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                ThrowDrError(ex, BackupVaultName ?? ResourceArn);
            }

            if (vaultMissing)
            {
                ThrowDrError(BackupVaultCheck.NotFound(BackupVaultName!, new[] { Context.Region }), BackupVaultName);
            }
        }

        private BackupJobFilter BuildFilter(DateTime now)
        {
            // JobListingVaultNameSent regression: a name no vault can have was listed and described before it was refused.
            if (BackupVaultName != null)
            {
                BackupStarter.ValidateVaultName(BackupVaultName, "BackupVaultName");
            }

            var filter = new BackupJobFilter
            {
                BackupVaultName = BackupVaultName,
                ResourceType = ResourceType == null ? null : ResourceArns.NormalizeResourceType(ResourceType, "ResourceType"),
                AccountId = AccountId,
            };
            if (ResourceArn != null)
            {
                filter.ResourceArn = ResourceArns.ValidateResourceArn(ResourceArn, "ResourceArn", Context.Region).Text;
            }

            if (State != null)
            {
                filter.State = string.Equals(State, JobStates.CompletedWithIssues, StringComparison.OrdinalIgnoreCase) ? JobStates.Completed : State.ToUpperInvariant();
            }

            if (Since != null)
            {
                filter.CreatedAfter = SinceParser.Resolve(Since.Value, now, "Since");
                SinceParser.EnsureNotInFuture(filter.CreatedAfter.Value, now, "Since");
            }

            if (Until != null)
            {
                filter.CreatedBefore = SinceParser.Resolve(Until.Value, now, "Until");
            }

            if (filter.CreatedAfter != null && filter.CreatedBefore != null)
            {
                SinceParser.EnsureOrder(filter.CreatedAfter.Value, filter.CreatedBefore.Value, "Since", "Until");
            }

            return filter;
        }

        internal static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;
    }
}
