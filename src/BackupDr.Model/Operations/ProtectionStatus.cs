using System;
using System.Collections.Generic;
using System.Linq;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>Why a resource is (or may be) out of policy. Every gap but VaultNotLocked makes it out of policy; VaultNotLocked does with -RequireVaultLock.</summary>
    public enum ProtectionGap
    {
        /// <summary>It has a DrTier tag but no COMPLETED recovery point in its region.</summary>
        TaggedNeverBackedUp,

        /// <summary>It has COMPLETED recovery points but no DrTier tag, so no objectives to meet.</summary>
        BackedUpUntagged,

        /// <summary>No DrTier tag and no recovery point (resources asked for by ARN or piped in, or selected by a backup plan).</summary>
        UntaggedNeverBackedUp,

        /// <summary>A DrTier, DrRpoMinutes or DrRtoMinutes tag holds a value that is not valid (Notes says which).</summary>
        InvalidTierTag,

        /// <summary>The newest COMPLETED recovery point is older than the RPO.</summary>
        RpoMissed,

        /// <summary>With -DrRegion: no COMPLETED recovery point of the resource in the DR region.</summary>
        NoDrCopy,

        /// <summary>With -DrRegion: the newest copy in the DR region is older than the RPO.</summary>
        DrCopyStale,

        /// <summary>The vault holding the newest recovery point has no vault lock (and is not logically air-gapped).</summary>
        VaultNotLocked,

        /// <summary>The last restore drill (Test-DrRestore, from the ledger) is older than -DrillMaxAgeDays, or there was none; raised only with -DrillMaxAgeDays.</summary>
        DrillOverdue,

        /// <summary>A backup plan's selection assigns it (BackupPlan says which), but it has no valid DrTier tag: it is backed up with no objectives to meet.</summary>
        SelectedWithoutTier,
    }

    /// <summary>
    /// One resource against its tier: the newest COMPLETED recovery point in its region and in the DR region, their ages,
    /// whether the RPO is met, and the gaps. Get-DrProtectionStatus emits one per resource in scope.
    /// </summary>
    public sealed class ProtectionStatus
    {
        public string ResourceArn { get; set; } = string.Empty;

        /// <summary>The short id (vol-0123..., orders-db) that the table view shows.</summary>
        public string ResourceId => Arn.ShortIdOf(ResourceArn) ?? ResourceArn;

        /// <summary>EBS, EC2, RDS or Aurora.</summary>
        public string ResourceType { get; set; } = string.Empty;

        /// <summary>The resource's (home) region.</summary>
        public string Region { get; set; } = string.Empty;

        /// <summary>The tier of its DrTier tag; null when untagged or the tag is not a tier.</summary>
        public DrTier? Tier { get; set; }

        /// <summary>The RPO it is measured against (the tier's, or its DrRpoMinutes tag); null without a tier.</summary>
        public TimeSpan? Rpo { get; set; }

        /// <summary>The RTO drills are measured against (the tier's, or its DrRtoMinutes tag); null without a tier.</summary>
        public TimeSpan? Rto { get; set; }

        /// <summary>Where Rpo and Rto come from: Default, File (-PolicyPath) or Tag.</summary>
        public TierSource? ObjectivesSource { get; set; }

        /// <summary>The newest COMPLETED recovery point in the home region.</summary>
        public string? LastRecoveryPointArn { get; set; }

        /// <summary>Its creation time (UTC).</summary>
        public DateTime? LastBackupTime { get; set; }

        /// <summary>How old it was when checked (what the RPO is measured against).</summary>
        public TimeSpan? LastBackupAge { get; set; }

        /// <summary>The vault holding it.</summary>
        public string? BackupVaultName { get; set; }

        /// <summary>The backup plan(s) whose selections assign the resource (names, comma-separated); null when no plan selects it.</summary>
        public string? BackupPlan { get; set; }

        /// <summary>The selections that assign it, as plan/selection (comma-separated); null when none does.</summary>
        public string? BackupSelection { get; set; }

        /// <summary>Whether that vault has a vault lock (or is logically air-gapped); null when there is no point.</summary>
        public bool? VaultLocked { get; set; }

        /// <summary>LastBackupAge within Rpo; false when never backed up; null without a tier.</summary>
        public bool? RpoMet { get; set; }

        /// <summary>The region checked for copies (-DrRegion); null when none was asked for.</summary>
        public string? DrRegion { get; set; }

        /// <summary>The newest COMPLETED recovery point of the resource in the DR region.</summary>
        public string? DrRecoveryPointArn { get; set; }

        /// <summary>Its creation time (UTC).</summary>
        public DateTime? DrCopyTime { get; set; }

        /// <summary>Its age when checked.</summary>
        public TimeSpan? DrCopyAge { get; set; }

        /// <summary>The DR-region vault holding it.</summary>
        public string? DrBackupVaultName { get; set; }

        /// <summary>When the last restore drill ran. Empty until drills (Test-DrRestore) write their history.</summary>
        public DateTime? LastDrillTime { get; set; }

        /// <summary>The RTO the last drill measured. Empty until drills (Test-DrRestore) write their history.</summary>
        public TimeSpan? LastDrillRto { get; set; }

        /// <summary>Everything that is missing, in a fixed order.</summary>
        public IReadOnlyList<ProtectionGap> Gaps { get; set; } = Array.Empty<ProtectionGap>();

        /// <summary>True when no gap counts against the policy (VaultNotLocked counts only with -RequireVaultLock).</summary>
        public bool InPolicy { get; set; }

        /// <summary>What a tag problem or an advisory gap means, in words; null when there is nothing to say.</summary>
        public string? Notes { get; set; }

        /// <summary>The time (UTC) ages were measured at.</summary>
        public DateTime CheckedAt { get; set; }
    }

    /// <summary>Counts of one tier in a protection summary.</summary>
    public sealed class ProtectionTierCount
    {
        /// <summary>Gold, Silver, Bronze, or "(none)" for resources without a valid DrTier tag.</summary>
        public string Tier { get; set; } = string.Empty;

        public int Total { get; set; }

        public int InPolicy { get; set; }

        public int OutOfPolicy => Total - InPolicy;

        public override string ToString() => $"{Tier} {InPolicy}/{Total}";
    }

    /// <summary>Get-DrProtectionStatus -Summary: counts per tier and per gap, and how many resources are out of policy.</summary>
    public sealed class ProtectionSummary
    {
        public DateTime CheckedAt { get; set; }

        /// <summary>The home regions checked.</summary>
        public IReadOnlyList<string> Regions { get; set; } = Array.Empty<string>();

        /// <summary>The region checked for copies, if any.</summary>
        public string? DrRegion { get; set; }

        public int Total { get; set; }

        public int InPolicy { get; set; }

        public int OutOfPolicy => Total - InPolicy;

        /// <summary>Gold, Silver, Bronze, then "(none)", each with total and in-policy counts (tiers with no resource are listed with 0).</summary>
        public IReadOnlyList<ProtectionTierCount> ByTier { get; set; } = Array.Empty<ProtectionTierCount>();

        /// <summary>How many resources have each gap (gaps nobody has are left out).</summary>
        public IReadOnlyDictionary<string, int> ByGap { get; set; } = new Dictionary<string, int>();

        /// <summary>The ARNs of the resources out of policy, for a runbook to act on.</summary>
        public IReadOnlyList<string> OutOfPolicyResourceArns { get; set; } = Array.Empty<string>();

        /// <summary>Errors met while checking (a resource that could not be read); the counts leave those out.</summary>
        public int Errors { get; set; }

        /// <summary>The count of a tier (Gold, Silver, Bronze or "(none)").</summary>
        public ProtectionTierCount? this[string tier] => ByTier.FirstOrDefault(t => string.Equals(t.Tier, tier, StringComparison.OrdinalIgnoreCase));
    }
}
