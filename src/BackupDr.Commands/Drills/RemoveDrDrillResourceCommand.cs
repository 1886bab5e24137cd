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

        /// <summary>Only resources carrying the drill tag: skip the search by drill name and the drill journal.</summary>
        [Parameter]
        public SwitchParameter TaggedOnly { get; set; }

        /// <summary>The ledger the drills wrote (Test-DrRestore -LedgerPath); its journal (the same path plus .pending) lists the restores they never cleaned up.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LedgerPath { get; set; }

        private DrillJournal? _journal;

        /// <summary>-WhatIf given, or $WhatIfPreference set: then not even the journal is written.</summary>
        private bool WhatIfRequested
        {
            get
            {
                if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var given) && given is SwitchParameter s)
                {
                    return s.IsPresent;
                }

                var preference = GetVariableValue("WhatIfPreference");
                return preference is SwitchParameter p ? p.IsPresent : preference is bool b && b;
            }
        }

        protected override void BeginProcessing()
        {
            try
            {
                DrillResourceCleaner.Validate(null, OlderThan);
                RestoreDrill.ValidateNamePrefix(NamePrefix, "NamePrefix");
                if (!TaggedOnly)
                {
                    var ledger = new DrillLedger(LedgerPath == null ? DrillLedger.DefaultPath : FileSystemPaths.Resolve(this, LedgerPath, nameof(LedgerPath), "InvalidLedgerPath"));
                    _journal = DrillJournal.ForLedger(ledger.Path);
                }
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
            var settled = new List<KeyValuePair<DrillLeftover?, PendingDrillRestore>>();
            var warnings = new List<string>();
            try
            {
                _account ??= Run(ct => CallerAccount.GetAsync(Clients.Sts, ct));
                var account = _account;
                var prefix = TaggedOnly ? null : NamePrefix;
                Stream(ct => cleaner.FindAsync(DrillId, OlderThan, account, prefix, ct), found.Add);
                if (_journal != null)
                {
                    var journal = _journal;
                    var backup = Clients.Backup;
                    var known = new HashSet<string>(found.ConvertAll(f => f.ResourceArn), StringComparer.Ordinal);
                    Stream(ct => cleaner.FindInJournalAsync(journal, backup, DrillId, OlderThan, settled, warnings, ct), leftover =>
                    {
                        // Killed after tagging: the tag search found it already.
                        if (known.Add(leftover.ResourceArn))
                        {
                            found.Add(leftover);
                        }
                    });
                }
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteDrError(ex, DrillId);
                return;
            }

            foreach (var warning in warnings)
            {
                WriteWarning(warning);
            }

            // Journal entries with nothing left (the restore failed, or what it made is gone) are closed; not under -WhatIf.
            if (_journal != null && !WhatIfRequested)
            {
                foreach (var entry in settled)
                {
                    if (entry.Key == null)
                    {
                        _journal.RestoreFinished(entry.Value.DrillId, entry.Value.ResourceArn);
                    }
                }
            }

            foreach (var leftover in found)
            {
                var age = leftover.DrillStarted == null ? string.Empty : $", started {leftover.DrillStarted:u}";
                var by = leftover.FoundBy == DrillResourceCleaner.ByName
                    ? $"an interrupted drill (untagged, found by its drill name {NamePrefix}...; created {leftover.DrillStarted:u})"
                    : leftover.FoundBy == DrillResourceCleaner.ByJournal
                        ? $"interrupted drill {leftover.DrillId}{age} (untagged, found through its journal {_journal?.Path})"
                        : $"drill {leftover.DrillId}{age}";
                if (!ShouldProcess(leftover.ResourceArn, $"Delete the {leftover.ResourceType} left by {by}{(leftover.ResourceType == "RDS" ? " (no final snapshot)" : string.Empty)}"))
                {
                    continue;
                }

                try
                {
                    var removed = Run(ct => cleaner.RemoveAsync(leftover, ct));
                    foreach (var entry in settled)
                    {
                        if (entry.Key != null && string.Equals(entry.Key.ResourceArn, removed.ResourceArn, StringComparison.Ordinal))
                        {
                            _journal?.RestoreFinished(entry.Value.DrillId, entry.Value.ResourceArn);
                        }
                    }

                    WriteObject(removed);
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    WriteDrError(ex, leftover.ResourceArn);
                }
            }
        }
    }
}
