using System;
using System.Management.Automation;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Writes an AWS Backup plan from a tier template (hourly/daily/weekly rules with lifecycles and a copy to the DR
    /// region) with a selection of the resources tagged DrTier = tier. Idempotent: a plan of the same name is updated
    /// only when it differs, never duplicated. -WhatIf prints the plan document it would send.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DrBackupPlan", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(BackupPlanResult))]
    public sealed class NewDrBackupPlanCommand : DrAwsCmdlet
    {
        /// <summary>The tier template: Gold (hourly, daily, weekly), Silver (daily, weekly) or Bronze (weekly).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TierCompleter))]
        public DrTier Tier { get => _tier == null ? default : (DrTier)_tier; set => _tier = value; }

        // Boxed, not a DrTier/DrJobType field: PowerShell loads every public type at import, before DependencyLoader runs,
        // and a field of a Core value type would need BackupDr.Core then (the import contract test checks this).
        private object? _tier;

        /// <summary>The vault in -Region that every rule backs up into.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(BackupVaultNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? BackupVaultName { get; set; }

        /// <summary>The region every rule copies its recovery points to.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        [ValidateNotNullOrEmpty]
        public string? DrRegion { get; set; }

        /// <summary>The vault in -DrRegion; default: the vault named like -BackupVaultName.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(BackupVaultNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? DrVaultName { get; set; }

        /// <summary>The plan's name; default: BackupDr-&lt;Tier&gt;.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PlanName { get; set; }

        /// <summary>The role the selection backs up with; default: AWSBackupDefaultServiceRole of the account.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? IamRoleArn { get; set; }

        protected override void ProcessRecord()
        {
            var options = new BackupPlanOptions
            {
                Tier = Tier,
                PlanName = PlanName,
                BackupVaultName = BackupVaultName!,
                DrRegion = DrRegion!,
                DrVaultName = DrVaultName,
                IamRoleArn = IamRoleArn,
            };
            var name = PlanName ?? BackupPlanTemplates.DefaultPlanName(Tier);
            try
            {
                BackupPlanWriter.Validate(options, Context.Region);
            }
            catch (DrValidationException ex)
            {
                WriteDrError(ex, name);
                return;
            }

            var clients = Clients;
            var writer = new BackupPlanWriter(clients.Backup, clients.Sts);
            BackupPlanDraft draft;
            try
            {
                draft = Run(ct => writer.PrepareAsync(options, ct));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteDrError(ex, name);
                return;
            }

            var rules = string.Join(", ", draft.Plan.Rules.ConvertAll(r => r.RuleName));
            var what = draft.Action switch
            {
                BackupPlanAction.Created => $"Create backup plan '{name}' in {draft.Region} ({Tier}: {rules}; copies to {draft.DrVaultArn}) and its selection of resources tagged {BackupTagKeys.Tier}={Tier}",
                BackupPlanAction.Updated => draft.PlanMatches
                    ? $"Add the selection of resources tagged {BackupTagKeys.Tier}={Tier} to backup plan '{name}' in {draft.Region}"
                    : $"Update backup plan '{name}' in {draft.Region} to the {Tier} template ({rules}; copies to {draft.DrVaultArn})",
                _ => $"Leave backup plan '{name}' in {draft.Region} unchanged: it already matches the {Tier} template, nothing would be sent",
            };
            var document = $"{what}. Plan document:{Environment.NewLine}{draft.PlanDocument}{Environment.NewLine}Selection:{Environment.NewLine}{draft.SelectionDocument}";
            if (!ShouldProcess(document, $"{what}?", $"New-DrBackupPlan {draft.Target}"))
            {
                return;
            }

            try
            {
                WriteObject(Run(ct => writer.ApplyAsync(draft, ct)));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteDrError(ex, draft.Existing?.BackupPlanArn ?? name);
            }
        }
    }
}
