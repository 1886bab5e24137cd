using System;
using System.Collections.Generic;

namespace BackupDr.Core.Model
{
    public sealed class RecoveryPoint
    {
        public string RecoveryPointArn { get; set; } = string.Empty;
        public string Region { get; set; } = string.Empty;
        public string? AccountId { get; set; }
        public string? BackupVaultName { get; set; }
        public string? BackupVaultArn { get; set; }
        public string? SourceBackupVaultArn { get; set; }
        public string? ResourceArn { get; set; }

        /// <summary>The short id of <see cref="ResourceArn"/> (vol-0123..., orders-db) that table views show.</summary>
        public string? ResourceId => Arn.ShortIdOf(ResourceArn);
        public string? ResourceType { get; set; }
        public string? ResourceName { get; set; }
        public DateTime? CreationDate { get; set; }
        public DateTime? CompletionDate { get; set; }

        /// <summary>COMPLETED, PARTIAL, DELETING, EXPIRED, AVAILABLE, STOPPED, CREATING.</summary>
        public string? Status { get; set; }
        public string? StatusMessage { get; set; }
        public long? BackupSizeInBytes { get; set; }
        public string? IamRoleArn { get; set; }
        public Lifecycle? Lifecycle { get; set; }
        public DateTime? MoveToColdStorageAt { get; set; }
        public DateTime? DeleteAt { get; set; }
        public bool? IsEncrypted { get; set; }
        public string? EncryptionKeyArn { get; set; }
        public string? StorageClass { get; set; }
        public string? BackupPlanId { get; set; }
        public string? BackupJobId { get; set; }

        /// <summary>Time since the point was created (what RPO is measured against).</summary>
        public TimeSpan? Age => CreationDate == null ? (TimeSpan?)null : DateTime.UtcNow - CreationDate.Value;
    }

    /// <summary>GetRecoveryPointRestoreMetadata: the key/value map StartRestoreJob takes back.</summary>
    public sealed class RestoreMetadata
    {
        public string RecoveryPointArn { get; set; } = string.Empty;
        public string? BackupVaultArn { get; set; }
        public string? ResourceType { get; set; }
        public Dictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    }

    public sealed class BackupVault
    {
        public string BackupVaultName { get; set; } = string.Empty;
        public string? BackupVaultArn { get; set; }
        public string Region { get; set; } = string.Empty;
        public DateTime? CreationDate { get; set; }
        public string? EncryptionKeyArn { get; set; }
        public long? NumberOfRecoveryPoints { get; set; }
        public string? VaultType { get; set; }
        public bool? Locked { get; set; }
        public string? CreatorRequestId { get; set; }
    }

    public sealed class CopyAction
    {
        public string DestinationBackupVaultArn { get; set; } = string.Empty;
        public Lifecycle? Lifecycle { get; set; }
    }

    public sealed class BackupRule
    {
        public string RuleName { get; set; } = string.Empty;
        public string TargetBackupVaultName { get; set; } = string.Empty;
        public string? ScheduleExpression { get; set; }
        public long? StartWindowMinutes { get; set; }
        public long? CompletionWindowMinutes { get; set; }
        public Lifecycle? Lifecycle { get; set; }
        public Dictionary<string, string>? RecoveryPointTags { get; set; }
        public List<CopyAction>? CopyActions { get; set; }
        public bool? EnableContinuousBackup { get; set; }
        public string? RuleId { get; set; }
    }

    public sealed class BackupPlan
    {
        public string BackupPlanName { get; set; } = string.Empty;
        public string? BackupPlanId { get; set; }
        public string? BackupPlanArn { get; set; }
        public string? VersionId { get; set; }
        public string Region { get; set; } = string.Empty;
        public DateTime? CreationDate { get; set; }
        public DateTime? LastExecutionDate { get; set; }
        public List<BackupRule> Rules { get; set; } = new List<BackupRule>();
    }

    public sealed class BackupSelectionCondition
    {
        /// <summary>STRINGEQUALS (the only condition type ListOfTags accepts).</summary>
        public string ConditionType { get; set; } = "STRINGEQUALS";
        public string ConditionKey { get; set; } = string.Empty;
        public string ConditionValue { get; set; } = string.Empty;
    }

    /// <summary>A key/value of a selection's Conditions (the key is aws:ResourceTag/NAME).</summary>
    public sealed class BackupSelectionConditionParameter
    {
        public string ConditionKey { get; set; } = string.Empty;
        public string ConditionValue { get; set; } = string.Empty;
    }

    /// <summary>A selection's Conditions: every entry of every list must hold (AND).</summary>
    public sealed class BackupSelectionConditions
    {
        public List<BackupSelectionConditionParameter> StringEquals { get; set; } = new List<BackupSelectionConditionParameter>();
        public List<BackupSelectionConditionParameter> StringNotEquals { get; set; } = new List<BackupSelectionConditionParameter>();
        public List<BackupSelectionConditionParameter> StringLike { get; set; } = new List<BackupSelectionConditionParameter>();
        public List<BackupSelectionConditionParameter> StringNotLike { get; set; } = new List<BackupSelectionConditionParameter>();

        public bool IsEmpty => StringEquals.Count + StringNotEquals.Count + StringLike.Count + StringNotLike.Count == 0;
    }

    public sealed class BackupSelection
    {
        public string SelectionName { get; set; } = string.Empty;
        public string? SelectionId { get; set; }
        public string BackupPlanId { get; set; } = string.Empty;
        public string IamRoleArn { get; set; } = string.Empty;
        public List<string> Resources { get; set; } = new List<string>();
        public List<string> NotResources { get; set; } = new List<string>();
        public List<BackupSelectionCondition> ListOfTags { get; set; } = new List<BackupSelectionCondition>();

        /// <summary>The AND-ed tag conditions; empty when the selection has none (or was read from a listing, which carries no document).</summary>
        public BackupSelectionConditions Conditions { get; set; } = new BackupSelectionConditions();

        public DateTime? CreationDate { get; set; }
    }

    public sealed class ProtectedResource
    {
        public string ResourceArn { get; set; } = string.Empty;
        public string? ResourceType { get; set; }
        public string? ResourceName { get; set; }
        public DateTime? LastBackupTime { get; set; }
        public string? LastBackupVaultArn { get; set; }
        public string? LastRecoveryPointArn { get; set; }
        public string Region { get; set; } = string.Empty;
    }
}
