using System;
using System.Collections.Generic;
using System.Management.Automation;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>Finds the DB instances and volumes that past or interrupted drills left (tag BackupDrDrillId, or a drill's temporary name) and deletes them.</summary>
    [Cmdlet(VerbsCommon.Remove, "DrDrillResource", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(DrillLeftover))]
    public sealed class RemoveDrDrillResourceCommand : DrAwsCmdlet
    {
        private readonly HashSet<string> _done = new HashSet<string>(StringComparer.Ordinal);
        private string? _account;

        /// <summary>Only the resources of this drill; binds from Test-DrRestore's results by property name.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? DrillId { get; set; }

        /// <summary>Only resources of drills that started at least this long ago.</summary>
        [Parameter]
        public TimeSpan? OlderThan { get; set; }

        /// <summary>The -NamePrefix the drills used (default drill-): untagged DB instances named like their restores are found too.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string NamePrefix { get; set; } = "drill-";

        /// <summary>Only resources carrying the drill tag: skip the search by drill name.</summary>
        [Parameter]
        public SwitchParameter TaggedOnly { get; set; }

        protected override void BeginProcessing()
        {
            try
            {
                DrillResourceCleaner.Validate(null, OlderThan);
                RestoreDrill.ValidateNamePrefix(NamePrefix, "NamePrefix");
            }
            catch (DrValidationException ex)
            {
                ThrowDrError(ex, ex.Value);
            }
        }

        protected override void ProcessRecord()
        {
            if (!_done.Add(DrillId ?? "*"))
            {
                return;
            }

            try
            {
                // DrillIdAsksSts regression: a blank -DrillId was refused only after STS was asked for the account.
                DrillResourceCleaner.Validate(DrillId, OlderThan);
            }
            catch (DrValidationException ex)
            {
                WriteDrError(ex, DrillId);
                return;
            }

            var cleaner = new DrillResourceCleaner(Clients.Rds, Clients.Ec2);
            var found = new List<DrillLeftover>();
            try
            {
                _account ??= Run(ct => CallerAccount.GetAsync(Clients.Sts, ct));
                var account = _account;
                var prefix = TaggedOnly ? null : NamePrefix;
                Stream(ct => cleaner.FindAsync(DrillId, OlderThan, account, prefix, ct), found.Add);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteDrError(ex, DrillId);
                return;
            }

            foreach (var leftover in found)
            {
                var age = leftover.DrillStarted == null ? string.Empty : $", started {leftover.DrillStarted:u}";
                var by = leftover.FoundBy == DrillResourceCleaner.ByName
                    ? $"an interrupted drill (untagged, found by its drill name {NamePrefix}...; created {leftover.DrillStarted:u})"
                    : $"drill {leftover.DrillId}{age}";
                if (!ShouldProcess(leftover.ResourceArn, $"Delete the {leftover.ResourceType} left by {by}{(leftover.ResourceType == "RDS" ? " (no final snapshot)" : string.Empty)}"))
                {
                    continue;
                }

                try
                {
                    WriteObject(Run(ct => cleaner.RemoveAsync(leftover, ct)));
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    WriteDrError(ex, leftover.ResourceArn);
                }
            }
        }
    }
}
