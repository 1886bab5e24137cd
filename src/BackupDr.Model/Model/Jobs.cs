using System;
using System.Collections.Generic;

namespace BackupDr.Core.Model
{
    public enum DrJobType
    {
        Backup,
        Restore,
        Copy,
    }

    /// <summary>What backup, restore and copy jobs share, so Wait-DrJob and reports treat them alike.</summary>
    public abstract class DrJob
    {
        /// <summary>The job id (BackupJobId, RestoreJobId or CopyJobId).</summary>
        public string JobId { get; set; } = string.Empty;
        public abstract DrJobType JobType { get; }
        public string? AccountId { get; set; }
        public string Region { get; set; } = string.Empty;

        /// <summary>AWS state: CREATED, PENDING, RUNNING, ABORTING, ABORTED, COMPLETED, FAILED, EXPIRED, PARTIAL.</summary>
        public string State { get; set; } = string.Empty;
        public string? StatusMessage { get; set; }

        /// <summary>SUCCESS, or another category (e.g. a warning) when a COMPLETED job had issues.</summary>
        public string? MessageCategory { get; set; }
        public string? ResourceArn { get; set; }

        /// <summary>The short id of <see cref="ResourceArn"/> (vol-0123..., orders-db) that table views show.</summary>
        public string? ResourceId => Arn.ShortIdOf(ResourceArn);
        public string? ResourceType { get; set; }
        public string? IamRoleArn { get; set; }
        public DateTime? CreationDate { get; set; }
        public DateTime? CompletionDate { get; set; }

        /// <summary>Percent done as AWS reports it (0-100), when it does.</summary>
        public double? PercentDone { get; set; }

        public bool IsTerminal => JobStates.IsTerminal(State);

        /// <summary>COMPLETED with a MessageCategory other than SUCCESS: AWS's "completed with issues".</summary>
        public bool CompletedWithIssues => JobStates.IsCompletedWithIssues(State, MessageCategory);

        /// <summary>Finished and succeeded (COMPLETED, with or without issues).</summary>
        public bool Succeeded => string.Equals(State, JobStates.Completed, StringComparison.Ordinal);

        /// <summary>State as shown to people: COMPLETED_WITH_ISSUES where AWS says COMPLETED with a non-SUCCESS category.</summary>
        public string Status => CompletedWithIssues ? JobStates.CompletedWithIssues : State;

        /// <summary>How long the job ran (to completion, or so far).</summary>
        public TimeSpan? Duration => CreationDate == null ? (TimeSpan?)null : (CompletionDate ?? DateTime.UtcNow) - CreationDate.Value;
    }

    public static class JobStates
    {
        public const string Created = "CREATED";
        public const string Pending = "PENDING";
        public const string Running = "RUNNING";
        public const string Aborting = "ABORTING";
        public const string Aborted = "ABORTED";
        public const string Completed = "COMPLETED";
        public const string Failed = "FAILED";
        public const string Expired = "EXPIRED";
        public const string Partial = "PARTIAL";
        public const string CompletedWithIssues = "COMPLETED_WITH_ISSUES";

        public static readonly IReadOnlyList<string> BackupStates = new[] { Created, Pending, Running, Aborting, Aborted, Completed, Failed, Expired, Partial };

        public static bool IsTerminal(string? state) =>
            state == Completed || state == Failed || state == Aborted || state == Expired || state == Partial;

        public static bool IsCompletedWithIssues(string? state, string? messageCategory) =>
            state == Completed && !string.IsNullOrEmpty(messageCategory) && !string.Equals(messageCategory, "SUCCESS", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Recovery-point lifecycle: days to cold storage and days to deletion.</summary>
    public sealed class Lifecycle
    {
        public long? MoveToColdStorageAfterDays { get; set; }
        public long? DeleteAfterDays { get; set; }
        public bool? OptInToArchiveForSupportedResources { get; set; }

        public override string ToString() =>
            $"cold {(MoveToColdStorageAfterDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-")}d / delete {(DeleteAfterDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-")}d";
    }

    public sealed class BackupJob : DrJob
    {
        public override DrJobType JobType => DrJobType.Backup;
        public string BackupJobId { get => JobId; set => JobId = value; }
        public string? BackupVaultName { get; set; }
        public string? BackupVaultArn { get; set; }
        public string? RecoveryPointArn { get; set; }
        public string? ResourceName { get; set; }
        public long? BackupSizeInBytes { get; set; }
        public long? BytesTransferred { get; set; }
        public DateTime? ExpectedCompletionDate { get; set; }
        public DateTime? StartBy { get; set; }
        public string? BackupType { get; set; }
        public Lifecycle? RecoveryPointLifecycle { get; set; }
        public bool? IsEncrypted { get; set; }
        public string? EncryptionKeyArn { get; set; }
        public string? ParentJobId { get; set; }
        public bool? IsParent { get; set; }
        public DateTime? InitiationDate { get; set; }
    }

    public sealed class RestoreJob : DrJob
    {
        public override DrJobType JobType => DrJobType.Restore;
        public string RestoreJobId { get => JobId; set => JobId = value; }
        public string? RecoveryPointArn { get; set; }

        /// <summary>ARN of the resource the restore made (a DB instance, a volume); known once COMPLETED.</summary>
        public string? CreatedResourceArn { get; set; }

        /// <summary>The short id of <see cref="CreatedResourceArn"/> (the new volume id or DB identifier) that table views show.</summary>
        public string? CreatedResourceId => Arn.ShortIdOf(CreatedResourceArn);
        public long? BackupSizeInBytes { get; set; }
        public long? ExpectedCompletionTimeMinutes { get; set; }
        public DateTime? RecoveryPointCreationDate { get; set; }
    }

    public sealed class CopyJob : DrJob
    {
        public override DrJobType JobType => DrJobType.Copy;
        public string CopyJobId { get => JobId; set => JobId = value; }
        public string? SourceBackupVaultArn { get; set; }
        public string? SourceRecoveryPointArn { get; set; }
        public string? DestinationBackupVaultArn { get; set; }
        public string? DestinationRecoveryPointArn { get; set; }
        public long? BackupSizeInBytes { get; set; }
        public string? ParentJobId { get; set; }

        /// <summary>The region of the destination vault (taken from its ARN).</summary>
        public string? DestinationRegion => Arn.TryParse(DestinationBackupVaultArn, out var arn) ? arn!.Region : null;
    }
}
