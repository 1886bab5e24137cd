using System;
using System.Collections.Generic;

namespace BackupDr.Sandbox.State
{
    /// <summary>Tags keyed by tag key, ordered as first set.</summary>
    internal sealed class TagSet : Dictionary<string, string>
    {
        public TagSet()
            : base(StringComparer.Ordinal)
        {
        }
    }

    internal sealed class Vault
    {
        public string Name = string.Empty;
        public string Arn = string.Empty;
        public DateTime CreationDate;
        public string? EncryptionKeyArn;
        public string? CreatorRequestId;
        public TagSet Tags = new TagSet();
    }

    internal sealed class Plan
    {
        public string Id = string.Empty;
        public string Arn = string.Empty;
        public string Name = string.Empty;
        public string VersionId = string.Empty;
        public DateTime CreationDate;
        public string? CreatorRequestId;
        public string PlanJson = "{}";

        /// <summary>Earlier versions (VersionId to plan JSON), so GetBackupPlan with a versionId answers as AWS does.</summary>
        public Dictionary<string, string> OldVersions = new Dictionary<string, string>(StringComparer.Ordinal);
        public List<Selection> Selections = new List<Selection>();
        public TagSet Tags = new TagSet();
    }

    internal sealed class Selection
    {
        public string Id = string.Empty;
        public string Name = string.Empty;
        public string IamRoleArn = string.Empty;
        public DateTime CreationDate;
        public string? CreatorRequestId;
        public string SelectionJson = "{}";
    }

    /// <summary>What every job kind shares: timing, the lazily computed state, and how it ends.</summary>
    internal abstract class JobBase
    {
        public string Id = string.Empty;
        public string AccountId = string.Empty;
        public string Region = string.Empty;
        public DateTime CreationDate;
        public TimeSpan Duration;
        public DateTime? StartBy;

        /// <summary>Set when the job is decided to fail (FailureRate) or fails on completion.</summary>
        public string? FailureMessage;
        public bool Aborted;
        public DateTime? AbortedAt;

        /// <summary>Seeded (historical) jobs have a fixed state and dates.</summary>
        public string? FixedState;
        public DateTime? CompletionDate;
        public string? StatusMessage;
        public string MessageCategory = "SUCCESS";
        public bool Materialized;
        public string IamRoleArn = string.Empty;
        public string ResourceArn = string.Empty;
        public string ResourceType = string.Empty;
        public long SizeInBytes;
        public string? ParentJobId;

        public DateTime End => CreationDate + Duration;

        public string StateAt(DateTime now)
        {
            if (FixedState != null)
            {
                return FixedState;
            }

            if (Aborted)
            {
                return "ABORTED";
            }

            var started = CreationDate + TimeSpan.FromTicks(Duration.Ticks / 5);
            if (StartBy.HasValue && started > StartBy.Value && now >= StartBy.Value)
            {
                return "EXPIRED";
            }

            if (now >= End)
            {
                return FailureMessage != null ? "FAILED" : "COMPLETED";
            }

            var fraction = Duration.Ticks == 0 ? 1.0 : (double)(now - CreationDate).Ticks / Duration.Ticks;
            return fraction < 0.1 ? "CREATED" : fraction < 0.2 ? "PENDING" : "RUNNING";
        }

        public static bool IsTerminal(string state) =>
            state == "COMPLETED" || state == "FAILED" || state == "ABORTED" || state == "EXPIRED" || state == "PARTIAL";

        /// <summary>When the job reached its terminal state (null while it runs).</summary>
        public DateTime? CompletedAt(DateTime now)
        {
            if (FixedState != null)
            {
                return CompletionDate;
            }

            var state = StateAt(now);
            return state switch
            {
                "ABORTED" => AbortedAt,
                "EXPIRED" => StartBy,
                "COMPLETED" or "FAILED" => End,
                _ => null,
            };
        }

        public string PercentDone(DateTime now)
        {
            var state = StateAt(now);
            if (state == "COMPLETED")
            {
                return "100.0";
            }

            if (state != "RUNNING" || Duration.Ticks == 0)
            {
                return "0.0";
            }

            var fraction = (double)(now - CreationDate).Ticks / Duration.Ticks;
            return Math.Round(Math.Min(99.0, fraction * 100), 1).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    internal sealed class BackupJob : JobBase
    {
        public string VaultName = string.Empty;
        public string VaultArn = string.Empty;
        public string RecoveryPointArn = string.Empty;
        public string? IdempotencyToken;
        public string? LifecycleJson;
        public TagSet RecoveryPointTags = new TagSet();
        public string? ResourceName;

        /// <summary>The list item as written once, for jobs whose answer can no longer change (seeded, finished): a page is then a copy.</summary>
        public byte[]? ListItemJson;
    }

    internal sealed class RestoreJob : JobBase
    {
        public string RecoveryPointArn = string.Empty;
        public string VaultArn = string.Empty;
        public string SourceResourceArn = string.Empty;
        public Dictionary<string, string> Metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        public string? CreatedResourceArn;
        public DateTime RecoveryPointCreationDate;
    }

    internal sealed class CopyJob : JobBase
    {
        public string SourceRecoveryPointArn = string.Empty;
        public string SourceVaultArn = string.Empty;
        public string DestinationVaultArn = string.Empty;
        public string? DestinationRecoveryPointArn;
        public string? LifecycleJson;
    }

    internal sealed class RecoveryPoint
    {
        public string Arn = string.Empty;
        public string VaultName = string.Empty;
        public string VaultArn = string.Empty;
        public string? SourceVaultArn;
        public string ResourceArn = string.Empty;
        public string ResourceType = string.Empty;
        public string? ResourceName;
        public string IamRoleArn = string.Empty;
        public string Status = "COMPLETED";
        public DateTime CreationDate;
        public DateTime? CompletionDate;
        public long SizeInBytes;
        public string? BackupJobId;
        public string? LifecycleJson;
        public Dictionary<string, string> RestoreMetadata = new Dictionary<string, string>(StringComparer.Ordinal);
        public TagSet Tags = new TagSet();
    }

    internal sealed class Volume
    {
        public string Id = string.Empty;
        public int Size;
        public string AvailabilityZone = string.Empty;
        public string VolumeType = "gp3";
        public int? Iops;
        public int? Throughput;
        public bool Encrypted;
        public string? KmsKeyId;
        public string? SnapshotId;
        public DateTime CreateTime;
        public string? AttachedInstanceId;
        public TagSet Tags = new TagSet();
    }

    internal sealed class Snapshot
    {
        public string Id = string.Empty;
        public string VolumeId = string.Empty;
        public int VolumeSize;
        public string? Description;
        public DateTime StartTime;
        public bool Encrypted;
        public string OwnerId = string.Empty;
        public string AvailabilityZone = string.Empty;
        public string VolumeType = "gp3";
        public TagSet Tags = new TagSet();
    }

    internal sealed class Instance
    {
        public string Id = string.Empty;
        public string InstanceType = "t3.micro";
        public string AvailabilityZone = string.Empty;
        public string State = "running";
        public string ImageId = "ami-12345678";
        public DateTime LaunchTime;
        public List<string> VolumeIds = new List<string>();
        public TagSet Tags = new TagSet();
    }

    internal sealed class DbInstance
    {
        public string Identifier = string.Empty;
        public string Class = "db.t3.micro";
        public string Engine = "postgres";
        public string EngineVersion = "16.3";
        public string Status = "available";
        public string MasterUsername = "admin";
        public int AllocatedStorage = 20;
        public string AvailabilityZone = string.Empty;
        public bool MultiAz;
        public string SubnetGroupName = "default";
        public bool StorageEncrypted;
        public string StorageType = "gp3";
        public DateTime CreateTime;
        public string? ReadReplicaSource;
        public List<string> ReadReplicas = new List<string>();
        public string ResourceId = string.Empty;
        public int BackupRetentionPeriod = 1;
        public TagSet Tags = new TagSet();

        /// <summary>What CloudWatch reports as ReplicaLag (seconds) while this instance is a read replica.</summary>
        public double ReplicaLagSeconds;

        /// <summary>Set by PromoteReadReplica: the instance is 'modifying' until then, then available and standalone.</summary>
        public DateTime? PromotionDoneAt;
    }

    internal sealed class DbSnapshot
    {
        public string Identifier = string.Empty;
        public string InstanceIdentifier = string.Empty;
        public string SnapshotType = "manual";
        public DateTime CreateTime;
        public string Engine = "postgres";
        public string EngineVersion = "16.3";
        public int AllocatedStorage = 20;
        public string AvailabilityZone = string.Empty;
        public string DbInstanceClass = "db.t3.micro";
        public string SubnetGroupName = "default";
        public bool MultiAz;
        public bool Encrypted;
        public string MasterUsername = "admin";
        public string? SourceRegion;
        public string? SourceSnapshotArn;
        public TagSet Tags = new TagSet();
    }
}
