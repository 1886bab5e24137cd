using System.Collections.Generic;

namespace BackupDr.Core.Model
{
    /// <summary>What New-DrBackupPlan did to the plan: created it, updated it, or found it as the template wants it.</summary>
    public enum BackupPlanAction
    {
        /// <summary>No plan of that name existed; it was created with its selection.</summary>
        Created,

        /// <summary>The plan existed but differed from the template (or lacked its selection); a new version was written.</summary>
        Updated,

        /// <summary>The plan and its selection already matched the template; nothing was sent.</summary>
        Unchanged,
    }

    /// <summary>New-DrBackupPlan's result: the plan as written, what was done, and the document sent.</summary>
    public sealed class BackupPlanResult
    {
        public string BackupPlanName { get; set; } = string.Empty;
        public string? BackupPlanId { get; set; }
        public string? BackupPlanArn { get; set; }
        public string? VersionId { get; set; }
        public string Region { get; set; } = string.Empty;

        /// <summary>Gold, Silver or Bronze: the template the plan follows.</summary>
        public string Tier { get; set; } = string.Empty;
        public BackupPlanAction Action { get; set; }

        /// <summary>The rule names of the plan (hourly, daily, weekly), in plan order.</summary>
        public List<string> RuleNames { get; set; } = new List<string>();

        /// <summary>The rules as sent (schedules, windows, lifecycles, copy actions).</summary>
        public List<BackupRule> Rules { get; set; } = new List<BackupRule>();
        public string BackupVaultName { get; set; } = string.Empty;
        public string DrRegion { get; set; } = string.Empty;
        public string DrBackupVaultArn { get; set; } = string.Empty;
        public string? SelectionId { get; set; }
        public string SelectionName { get; set; } = string.Empty;

        /// <summary>The tag the selection matches: DrTier = the tier.</summary>
        public string SelectionTag { get; set; } = string.Empty;

        /// <summary>The BackupPlan document (JSON) that was, or would be, sent.</summary>
        public string PlanDocument { get; set; } = string.Empty;
    }
}
