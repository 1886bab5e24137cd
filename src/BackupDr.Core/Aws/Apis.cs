using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Model;

namespace BackupDr.Core.Aws
{
    /// <summary>StartBackupJob input.</summary>
    public sealed class StartBackupJobRequest
    {
        public string BackupVaultName { get; set; } = string.Empty;
        public string ResourceArn { get; set; } = string.Empty;
        public string IamRoleArn { get; set; } = string.Empty;
        public string? IdempotencyToken { get; set; }
        public long? StartWindowMinutes { get; set; }
        public long? CompleteWindowMinutes { get; set; }
        public Lifecycle? Lifecycle { get; set; }
        public IDictionary<string, string>? RecoveryPointTags { get; set; }
        public IDictionary<string, string>? BackupOptions { get; set; }
    }

    /// <summary>ListBackupJobs filters (every one the API has).</summary>
    public sealed class BackupJobFilter
    {
        public string? ResourceArn { get; set; }
        public string? State { get; set; }
        public string? BackupVaultName { get; set; }
        public DateTime? CreatedBefore { get; set; }
        public DateTime? CreatedAfter { get; set; }
        public string? ResourceType { get; set; }
        public string? AccountId { get; set; }
        public DateTime? CompleteAfter { get; set; }
        public DateTime? CompleteBefore { get; set; }
        public string? ParentJobId { get; set; }
        public string? MessageCategory { get; set; }

        /// <summary>Page size asked for (1-1000); null lets the service choose.</summary>
        public int? MaxResults { get; set; }
    }

    /// <summary>ListRecoveryPointsByBackupVault filters.</summary>
    public sealed class RecoveryPointFilter
    {
        public string? ResourceArn { get; set; }
        public string? ResourceType { get; set; }
        public string? BackupPlanId { get; set; }
        public DateTime? CreatedBefore { get; set; }
        public DateTime? CreatedAfter { get; set; }
        public string? BackupVaultAccountId { get; set; }
        public int? MaxResults { get; set; }
    }

    public sealed class StartRestoreJobRequest
    {
        public string RecoveryPointArn { get; set; } = string.Empty;
        public IDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        public string? IamRoleArn { get; set; }
        public string? IdempotencyToken { get; set; }
        public string? ResourceType { get; set; }
        public bool? CopySourceTagsToRestoredResource { get; set; }
    }

    public sealed class StartCopyJobRequest
    {
        public string RecoveryPointArn { get; set; } = string.Empty;
        public string SourceBackupVaultName { get; set; } = string.Empty;
        public string DestinationBackupVaultArn { get; set; } = string.Empty;
        public string IamRoleArn { get; set; } = string.Empty;
        public string? IdempotencyToken { get; set; }
        public Lifecycle? Lifecycle { get; set; }
    }

    /// <summary>Filters shared by ListRestoreJobs and ListCopyJobs.</summary>
    public sealed class JobListFilter
    {
        public string? State { get; set; }
        public string? ResourceArn { get; set; }
        public string? ResourceType { get; set; }
        public string? AccountId { get; set; }
        public DateTime? CreatedBefore { get; set; }
        public DateTime? CreatedAfter { get; set; }
        public DateTime? CompleteBefore { get; set; }
        public DateTime? CompleteAfter { get; set; }

        /// <summary>ListCopyJobs only: the destination vault ARN.</summary>
        public string? DestinationVaultArn { get; set; }
        public int? MaxResults { get; set; }
    }

    /// <summary>The AWS Backup operations BackupDr calls (rest-json). Listings stream every page.</summary>
    public interface IBackupApi
    {
        AwsContext Context { get; }

        Task<BackupJob> StartBackupJobAsync(StartBackupJobRequest request, CancellationToken cancellationToken);
        Task<BackupJob> DescribeBackupJobAsync(string backupJobId, CancellationToken cancellationToken);
        IAsyncEnumerable<BackupJob> ListBackupJobsAsync(BackupJobFilter filter, CancellationToken cancellationToken);
        Task StopBackupJobAsync(string backupJobId, CancellationToken cancellationToken);

        IAsyncEnumerable<RecoveryPoint> ListRecoveryPointsByBackupVaultAsync(string backupVaultName, RecoveryPointFilter filter, CancellationToken cancellationToken);
        IAsyncEnumerable<RecoveryPoint> ListRecoveryPointsByResourceAsync(string resourceArn, CancellationToken cancellationToken);
        Task<RecoveryPoint> DescribeRecoveryPointAsync(string backupVaultName, string recoveryPointArn, CancellationToken cancellationToken);
        Task<RestoreMetadata> GetRecoveryPointRestoreMetadataAsync(string backupVaultName, string recoveryPointArn, CancellationToken cancellationToken);
        Task DeleteRecoveryPointAsync(string backupVaultName, string recoveryPointArn, CancellationToken cancellationToken);

        Task<RestoreJob> StartRestoreJobAsync(StartRestoreJobRequest request, CancellationToken cancellationToken);
        Task<RestoreJob> DescribeRestoreJobAsync(string restoreJobId, CancellationToken cancellationToken);
        IAsyncEnumerable<RestoreJob> ListRestoreJobsAsync(JobListFilter filter, CancellationToken cancellationToken);

        Task<CopyJob> StartCopyJobAsync(StartCopyJobRequest request, CancellationToken cancellationToken);
        Task<CopyJob> DescribeCopyJobAsync(string copyJobId, CancellationToken cancellationToken);
        IAsyncEnumerable<CopyJob> ListCopyJobsAsync(JobListFilter filter, CancellationToken cancellationToken);

        Task<BackupVault> CreateBackupVaultAsync(string backupVaultName, IDictionary<string, string>? tags, string? encryptionKeyArn, string? creatorRequestId, CancellationToken cancellationToken);
        Task<BackupVault> DescribeBackupVaultAsync(string backupVaultName, CancellationToken cancellationToken);
        IAsyncEnumerable<BackupVault> ListBackupVaultsAsync(CancellationToken cancellationToken);

        /// <summary>Returns the plan with BackupPlanId, BackupPlanArn and VersionId filled in.</summary>
        Task<BackupPlan> CreateBackupPlanAsync(BackupPlan plan, IDictionary<string, string>? tags, string? creatorRequestId, CancellationToken cancellationToken);
        Task<BackupPlan> GetBackupPlanAsync(string backupPlanId, string? versionId, CancellationToken cancellationToken);
        Task<BackupPlan> UpdateBackupPlanAsync(string backupPlanId, BackupPlan plan, CancellationToken cancellationToken);

        /// <summary>Plan summaries (no rules): id, ARN, name, version, dates.</summary>
        IAsyncEnumerable<BackupPlan> ListBackupPlansAsync(CancellationToken cancellationToken);
        Task<BackupSelection> CreateBackupSelectionAsync(BackupSelection selection, string? creatorRequestId, CancellationToken cancellationToken);
        IAsyncEnumerable<BackupSelection> ListBackupSelectionsAsync(string backupPlanId, CancellationToken cancellationToken);

        /// <summary>One selection with its document (Resources, NotResources, ListOfTags, Conditions), which the listing leaves out.</summary>
        Task<BackupSelection> GetBackupSelectionAsync(string backupPlanId, string selectionId, CancellationToken cancellationToken);
        IAsyncEnumerable<ProtectedResource> ListProtectedResourcesAsync(CancellationToken cancellationToken);

        Task TagResourceAsync(string resourceArn, IDictionary<string, string> tags, CancellationToken cancellationToken);
        Task<IReadOnlyDictionary<string, string>> ListTagsAsync(string resourceArn, CancellationToken cancellationToken);

        /// <summary>AWS's job counts per period, account, state, resource type and message category (BackupClient.Summaries.cs).</summary>
        IAsyncEnumerable<BackupJobSummary> ListBackupJobSummariesAsync(BackupJobSummaryFilter filter, CancellationToken cancellationToken);
    }

    public sealed class CreateDbInstanceRequest
    {
        public string DBInstanceIdentifier { get; set; } = string.Empty;
        public string DBInstanceClass { get; set; } = "db.t3.micro";
        public string Engine { get; set; } = "postgres";
        public int? AllocatedStorage { get; set; }
        public string? MasterUsername { get; set; }

        /// <summary>Sent to AWS only; never logged or echoed.</summary>
        public string? MasterUserPassword { get; set; }
        public string? DBName { get; set; }
        public string? DBSubnetGroupName { get; set; }
        public string? AvailabilityZone { get; set; }
        public string? DBClusterIdentifier { get; set; }
        public IList<ResourceTag>? Tags { get; set; }
    }

    public sealed class RestoreDbInstanceFromSnapshotRequest
    {
        public string DBInstanceIdentifier { get; set; } = string.Empty;
        public string DBSnapshotIdentifier { get; set; } = string.Empty;
        public string? DBInstanceClass { get; set; }
        public string? DBSubnetGroupName { get; set; }
        public string? AvailabilityZone { get; set; }
        public bool? MultiAZ { get; set; }
        public IList<ResourceTag>? Tags { get; set; }
    }

    /// <summary>The RDS operations BackupDr calls (query protocol, XML answers). Listings follow Marker.</summary>
    public interface IRdsApi
    {
        AwsContext Context { get; }

        /// <summary>All instances, or the one named (DBInstanceNotFound when it does not exist).</summary>
        IAsyncEnumerable<DbInstance> DescribeDBInstancesAsync(string? dbInstanceIdentifier, CancellationToken cancellationToken);
        IAsyncEnumerable<DbCluster> DescribeDBClustersAsync(string? dbClusterIdentifier, CancellationToken cancellationToken);
        Task<DbInstance> CreateDBInstanceAsync(CreateDbInstanceRequest request, CancellationToken cancellationToken);
        Task AddTagsToResourceAsync(string resourceArn, IEnumerable<ResourceTag> tags, CancellationToken cancellationToken);
        Task RemoveTagsFromResourceAsync(string resourceArn, IEnumerable<string> tagKeys, CancellationToken cancellationToken);
        Task<IReadOnlyList<ResourceTag>> ListTagsForResourceAsync(string resourceArn, CancellationToken cancellationToken);
        Task<DbSnapshot> CreateDBSnapshotAsync(string dbSnapshotIdentifier, string dbInstanceIdentifier, IEnumerable<ResourceTag>? tags, CancellationToken cancellationToken);

        /// <summary>Snapshots by snapshot id, or of one instance, or all (both null).</summary>
        IAsyncEnumerable<DbSnapshot> DescribeDBSnapshotsAsync(string? dbSnapshotIdentifier, string? dbInstanceIdentifier, CancellationToken cancellationToken);

        /// <summary>Copies a snapshot into this client's region; for a cross-region copy pass the source ARN (sourceRegion is checked against it, not sent: it is no RDS wire member).</summary>
        Task<DbSnapshot> CopyDBSnapshotAsync(string sourceDBSnapshotIdentifier, string targetDBSnapshotIdentifier, string? sourceRegion, string? kmsKeyId, CancellationToken cancellationToken);
        Task<DbInstance> RestoreDBInstanceFromDBSnapshotAsync(RestoreDbInstanceFromSnapshotRequest request, CancellationToken cancellationToken);
        Task<DbInstance> CreateDBInstanceReadReplicaAsync(string dbInstanceIdentifier, string sourceDBInstanceIdentifier, string? dbInstanceClass, string? sourceRegion, CancellationToken cancellationToken);
        Task<DbInstance> PromoteReadReplicaAsync(string dbInstanceIdentifier, CancellationToken cancellationToken);
        Task<DbInstance> DeleteDBInstanceAsync(string dbInstanceIdentifier, bool skipFinalSnapshot, string? finalDBSnapshotIdentifier, CancellationToken cancellationToken);
    }

    /// <summary>An EC2 Filter (Name plus values).</summary>
    public sealed class Ec2Filter
    {
        public Ec2Filter(string name, params string[] values)
        {
            Name = name;
            Values = values;
        }

        public string Name { get; }
        public IReadOnlyList<string> Values { get; }
    }

    public sealed class CreateVolumeRequest
    {
        public string AvailabilityZone { get; set; } = string.Empty;
        public int? Size { get; set; }
        public string? SnapshotId { get; set; }
        public string? VolumeType { get; set; }
        public int? Iops { get; set; }
        public bool? Encrypted { get; set; }

        /// <summary>Idempotency token: a retried CreateVolume with the same token makes one volume.</summary>
        public string? ClientToken { get; set; }
        public IList<ResourceTag>? Tags { get; set; }
    }

    /// <summary>The EC2 operations BackupDr calls (ec2 protocol, XML answers). Listings follow NextToken.</summary>
    public interface IEc2Api
    {
        AwsContext Context { get; }

        IAsyncEnumerable<Ec2Instance> DescribeInstancesAsync(IEnumerable<string>? instanceIds, IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken);
        IAsyncEnumerable<Ec2Volume> DescribeVolumesAsync(IEnumerable<string>? volumeIds, IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken);
        Task<Ec2Volume> CreateVolumeAsync(CreateVolumeRequest request, CancellationToken cancellationToken);

        /// <summary>Deletes a volume that is not attached (drill cleanup); InvalidVolume.NotFound when it is gone.</summary>
        Task DeleteVolumeAsync(string volumeId, CancellationToken cancellationToken);
        Task CreateTagsAsync(IEnumerable<string> resourceIds, IEnumerable<ResourceTag> tags, CancellationToken cancellationToken);

        /// <summary>Deletes tags; a tag with a null/empty value deletes the key whatever its value.</summary>
        Task DeleteTagsAsync(IEnumerable<string> resourceIds, IEnumerable<ResourceTag> tags, CancellationToken cancellationToken);
        IAsyncEnumerable<Ec2TagDescription> DescribeTagsAsync(IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken);
        Task<Ec2Snapshot> CreateSnapshotAsync(string volumeId, string? description, IEnumerable<ResourceTag>? tags, CancellationToken cancellationToken);

        /// <summary>Snapshots by id, filters, or owners (e.g. 'self').</summary>
        IAsyncEnumerable<Ec2Snapshot> DescribeSnapshotsAsync(IEnumerable<string>? snapshotIds, IEnumerable<string>? ownerIds, IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken);

        /// <summary>Copies a snapshot into this client's region; returns the new snapshot id.</summary>
        Task<string> CopySnapshotAsync(string sourceSnapshotId, string sourceRegion, string? description, bool? encrypted, string? kmsKeyId, CancellationToken cancellationToken);
    }
}
