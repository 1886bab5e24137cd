using System;
using System.Management.Automation;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Lists recovery points of a vault, of a resource or of every vault, streaming page by page; -Latest keeps the newest
    /// completed point of each resource, ready to pipe into Restore-DrResource.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DrRecoveryPoint", DefaultParameterSetName = VaultSet)]
    [OutputType(typeof(RecoveryPoint))]
    public sealed class GetDrRecoveryPointCommand : DrAwsCmdlet
    {
        private const string VaultSet = "ByVault";
        private const string ResourceSet = "ByResource";

        // -ResourceArn alone must select ResourceSet: were it optional in VaultSet, the default set would win and prompt for a vault.
        // -BackupVaultName is optional: with neither, the points of every vault of the region are listed (no prompt).
        [Parameter(Position = 0, ParameterSetName = VaultSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ResourceSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(BackupVaultNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? BackupVaultName { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ResourceSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Arn")]
        [ValidateNotNullOrEmpty]
        public string? ResourceArn { get; set; }

        /// <summary>A DateTime, or a TimeSpan meaning "that long ago".</summary>
        [Parameter]
        [PointInTime]
        [ValidateNotNull]
        public DateTime? Since { get; set; }

        /// <summary>Only the newest COMPLETED point of each resource.</summary>
        [Parameter]
        public SwitchParameter Latest { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(ResourceTypeCompleter))]
        [ValidateNotNullOrEmpty]
        public string? ResourceType { get; set; }

        [Parameter]
        [ValidateSet("COMPLETED", "PARTIAL", "DELETING", "EXPIRED", "AVAILABLE", "STOPPED", "CREATING", IgnoreCase = true)]
        public string? Status { get; set; }

        protected override void BeginProcessing()
        {
            // -Since applies to every vault or resource of the call: a bad one stops the whole call (terminating), before anything is sent.
            if (Since != null)
            {
                try
                {
                    SinceParser.EnsureNotInFuture(SinceParser.Resolve(Since.Value, DateTime.UtcNow, "Since"), DateTime.UtcNow, "Since");
                }
                catch (DrValidationException ex)
                {
                    ThrowDrError(ex, ex.Value);
                }
            }
        }

        protected override void ProcessRecord()
        {
            RecoveryPointQueryOptions options;
            try
            {
                var now = DateTime.UtcNow;
                options = new RecoveryPointQueryOptions
                {
                    BackupVaultName = BackupVaultName,
                    ResourceArn = ResourceArn,
                    Since = Since == null ? (DateTime?)null : SinceParser.Resolve(Since.Value, now, "Since"),
                    ResourceType = ResourceType,
                    Status = Status?.ToUpperInvariant(),
                    Latest = Latest,
                    Region = Context.Region,
                };
                var query = new RecoveryPointQuery(Clients.Backup);
                var stream = query.ListAsync(options, CancellationToken);
                Stream(_ => stream);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteDrError(ex, (object?)ResourceArn ?? BackupVaultName);
            }
        }
    }
}
