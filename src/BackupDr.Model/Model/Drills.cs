using System;

namespace BackupDr.Core.Model
{
    /// <summary>One resource's restore drill as Test-DrRestore emits it: what was restored, how long it took, and whether the tier's targets were met.</summary>
    public class DrillResult
    {
        /// <summary>The id every resource of this drill is tagged with (tag BackupDrDrillId).</summary>
        public string DrillId { get; set; } = string.Empty;

        public string ResourceArn { get; set; } = string.Empty;

        /// <summary>The short id of <see cref="ResourceArn"/> that table views show.</summary>
        public string? ResourceId => Arn.ShortIdOf(ResourceArn);

        /// <summary>EBS or RDS.</summary>
        public string? ResourceType { get; set; }

        public string? Region { get; set; }

        /// <summary>The tier graded against (the DrTier tag, else -Tier); null when the resource has none.</summary>
        public string? Tier { get; set; }

        public string? RecoveryPointArn { get; set; }

        /// <summary>When the restored recovery point was created (UTC).</summary>
        public DateTime? RecoveryPointCreated { get; set; }

        public string? RestoreJobId { get; set; }

        /// <summary>The resource the drill created (deleted again unless -KeepRestored).</summary>
        public string? RestoredResourceArn { get; set; }

        /// <summary>The short id of <see cref="RestoredResourceArn"/>.</summary>
        public string? RestoredResourceId => Arn.ShortIdOf(RestoredResourceArn);

        /// <summary>When the drill of this resource started (UTC); achieved RPO is measured from here.</summary>
        public DateTime DrillStarted { get; set; }

        /// <summary>Measured recovery time: restore start to verified.</summary>
        public TimeSpan? Rto { get; set; }

        /// <summary>Achieved recovery point: drill start minus the recovery point's creation time.</summary>
        public TimeSpan? RpoAchieved { get; set; }

        public TimeSpan? RtoTarget { get; set; }
        public TimeSpan? RpoTarget { get; set; }

        /// <summary>Rto within RtoTarget; null when ungraded (no tier, or not measured).</summary>
        public bool? RtoMet { get; set; }

        /// <summary>RpoAchieved within RpoTarget; null when ungraded.</summary>
        public bool? RpoMet { get; set; }

        /// <summary>The restored resource was available with the expected engine/endpoint or size, and -Validation passed.</summary>
        public bool Verified { get; set; }

        /// <summary>Nothing the drill created is left (or -KeepRestored kept it on purpose: then false).</summary>
        public bool CleanedUp { get; set; }

        /// <summary>Restored, verified, cleaned up (or kept on request) and every graded target met.</summary>
        public bool Passed { get; set; }

        /// <summary>What went wrong, or a one-line summary when it passed.</summary>
        public string? Message { get; set; }
    }

    /// <summary>A drill result read back from the ledger, with where it sits in the hash chain.</summary>
    public sealed class DrillHistoryRecord : DrillResult
    {
        /// <summary>1-based line of the ledger file.</summary>
        public int Line { get; set; }

        /// <summary>When the record was appended (UTC).</summary>
        public DateTime Recorded { get; set; }

        /// <summary>SHA-256 (hex) of this record's content.</summary>
        public string Hash { get; set; } = string.Empty;

        /// <summary>SHA-256 (hex) of the previous line as written; 64 zeros for the first.</summary>
        public string PreviousHash { get; set; } = string.Empty;
    }

    /// <summary>A resource left by a drill (tagged BackupDrDrillId, or named like a drill's restore), as Remove-DrDrillResource finds and removes it.</summary>
    public sealed class DrillLeftover
    {
        public string ResourceArn { get; set; } = string.Empty;
        public string? ResourceId => Arn.ShortIdOf(ResourceArn);

        /// <summary>EBS or RDS.</summary>
        public string ResourceType { get; set; } = string.Empty;
        public string Region { get; set; } = string.Empty;
        public string DrillId { get; set; } = string.Empty;

        /// <summary>When the drill started (tag BackupDrDrillStarted, else the resource's creation time).</summary>
        public DateTime? DrillStarted { get; set; }
        public string? State { get; set; }

        /// <summary>
        /// Tag (it carries BackupDrDrillId), Name (an untagged DB instance named like a drill's restore: a drill killed
        /// before tagging it; DrillId is empty) or Journal (what a restore job created that a drill wrote in its journal
        /// and never cleaned up: a drill killed before the restore finished, so the volume carries no drill tag).
        /// </summary>
        public string FoundBy { get; set; } = "Tag";

        /// <summary>True once deleted.</summary>
        public bool Removed { get; set; }
    }
}
