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
            var path = LedgerPath == null ? DrillLedger.DefaultPath : GetUnresolvedProviderPathFromPSPath(LedgerPath);
            try
            {
                var since = Since == null ? (DateTime?)null : SinceParser.Resolve(Since.Value, DateTime.UtcNow, "Since");
                foreach (var record in new DrillHistoryQuery(new DrillLedger(path)).Read(ResourceArn, since))
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
