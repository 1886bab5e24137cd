using System;
using System.Management.Automation;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>Reads the drill ledger, verifies its hash chain (a broken link stops with LedgerTampered naming the line) and emits the records.</summary>
    [Cmdlet(VerbsCommon.Get, "DrDrillHistory")]
    [OutputType(typeof(DrillHistoryRecord))]
    public sealed class GetDrDrillHistoryCommand : DrCmdlet
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LedgerPath { get; set; }

        /// <summary>Only the drills of this resource; binds by property name (Get-DrResource, drill results).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Arn")]
        [ValidateNotNullOrEmpty]
        public string? ResourceArn { get; set; }

        /// <summary>Only drills that started after this time (a DateTime, or a TimeSpan meaning that long ago).</summary>
        [Parameter]
        [PointInTime]
        [ValidateNotNull]
        public DateTime? Since { get; set; }

        protected override void ProcessRecord()
        {
            string path;
            DrillLedger ledger;
            DateTime? since;
            try
            {
                path = LedgerPath == null ? DrillLedger.DefaultPath : FileSystemPaths.Resolve(this, LedgerPath, nameof(LedgerPath), "InvalidLedgerPath");
                ledger = new DrillLedger(path);
                var now = DateTime.UtcNow;
                since = Since == null ? (DateTime?)null : SinceParser.Resolve(Since.Value, now, "Since");
                if (since != null)
                {
                    // DrillHistorySinceInFuture regression: a -Since after now listed nothing, which reads as "no drills".
                    SinceParser.EnsureNotInFuture(since.Value, now, "Since");
                }
            }
            catch (DrException ex)
            {
                ThrowDrError(ex, ex.Value);
                return;
            }

            try
            {
                if (ResourceArn != null)
                {
                    // DrillHistoryMalformedArn regression: an ARN no drill can have matched nothing, silently.
                    ResourceArns.ValidateResourceArn(ResourceArn, "ResourceArn", null);
                }
            }
            catch (DrException ex)
            {
                WriteDrError(ex, ResourceArn);
                return;
            }

            try
            {
                foreach (var record in new DrillHistoryQuery(ledger).Read(ResourceArn, since))
                {
                    WriteObject(record);
                }
            }
            catch (DrException ex) when (ex.ErrorId == "LedgerTampered")
            {
                ThrowDrError(ex, path);
            }
            catch (Exception ex) when (ex is DrException || ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                WriteDrError(ex, path);
            }
        }
    }
}
