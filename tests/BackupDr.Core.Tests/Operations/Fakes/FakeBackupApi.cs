using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Tests.Operations.Fakes;

/// <summary>Hand-written IBackupApi: scripted answers, every call recorded; unscripted calls throw.</summary>
public sealed class FakeBackupApi : CallRecorder, IBackupApi
{
    public FakeBackupApi(string region = "us-east-1") => Context = TestContexts.For(region);

    public AwsContext Context { get; }

    /// <summary>ListBackupJobs source; receives the filter so tests can assert on it.</summary>
    public Func<BackupJobFilter, CancellationToken, IAsyncEnumerable<BackupJob>>? BackupJobs { get; set; }

    public List<BackupJobFilter> BackupJobFilters { get; } = new();

    /// <summary>Successive answers of DescribeBackup/Restore/CopyJob per job id.</summary>
    public Dictionary<string, Queue<DrJob>> JobAnswers { get; } = new();

    public List<RecoveryPoint> RecoveryPoints { get; } = new();

    public List<RecoveryPointFilter> RecoveryPointFilters { get; } = new();

    public RestoreMetadata? Metadata { get; set; }

    /// <summary>ListBackupVaults answer (names); null leaves it unscripted.</summary>
    public List<string>? Vaults { get; set; }

    public Task<BackupJob> DescribeBackupJobAsync(string backupJobId, CancellationToken cancellationToken)
    {
        Record($"DescribeBackupJob {backupJobId}");
        return Task.FromResult((BackupJob)JobAnswers[backupJobId].Dequeue());
    }

    public Task<RestoreJob> DescribeRestoreJobAsync(string restoreJobId, CancellationToken cancellationToken)
    {
        Record($"DescribeRestoreJob {restoreJobId}");
        return Task.FromResult((RestoreJob)JobAnswers[restoreJobId].Dequeue());
    }

    public Task<CopyJob> DescribeCopyJobAsync(string copyJobId, CancellationToken cancellationToken)
    {
        Record($"DescribeCopyJob {copyJobId}");
        return Task.FromResult((CopyJob)JobAnswers[copyJobId].Dequeue());
    }

    public IAsyncEnumerable<BackupJob> ListBackupJobsAsync(BackupJobFilter filter, CancellationToken cancellationToken)
    {
        Record("ListBackupJobs");
        lock (BackupJobFilters)
        {
            BackupJobFilters.Add(filter);
        }

        return (BackupJobs ?? throw new NotImplementedException("ListBackupJobs not scripted"))(filter, cancellationToken);
    }

    public IAsyncEnumerable<RecoveryPoint> ListRecoveryPointsByBackupVaultAsync(string backupVaultName, RecoveryPointFilter filter, CancellationToken cancellationToken)
    {
        Record($"ListRecoveryPointsByBackupVault {backupVaultName}");
        RecoveryPointFilters.Add(filter);
        return Stream(RecoveryPoints.Where(p => p.BackupVaultName == backupVaultName).ToList(), cancellationToken);
    }

    public IAsyncEnumerable<RecoveryPoint> ListRecoveryPointsByResourceAsync(string resourceArn, CancellationToken cancellationToken)
    {
        Record($"ListRecoveryPointsByResource {resourceArn}");
        return Stream(RecoveryPoints.Where(p => p.ResourceArn == resourceArn).ToList(), cancellationToken);
    }

    public Task<RestoreMetadata> GetRecoveryPointRestoreMetadataAsync(string backupVaultName, string recoveryPointArn, CancellationToken cancellationToken)
    {
        Record($"GetRecoveryPointRestoreMetadata {backupVaultName} {recoveryPointArn}");
        return Task.FromResult(Metadata ?? throw new NotImplementedException("metadata not scripted"));
    }

    private T Unscripted<T>(string name)
    {
        Record(name);
        throw new NotImplementedException(name + " is not scripted in FakeBackupApi");
    }

    public Task<BackupJob> StartBackupJobAsync(StartBackupJobRequest request, CancellationToken cancellationToken) => Unscripted<Task<BackupJob>>("StartBackupJob");
    public Task StopBackupJobAsync(string backupJobId, CancellationToken cancellationToken) => Unscripted<Task>("StopBackupJob");
    public Task<RecoveryPoint> DescribeRecoveryPointAsync(string backupVaultName, string recoveryPointArn, CancellationToken cancellationToken) => Unscripted<Task<RecoveryPoint>>("DescribeRecoveryPoint");
    public Task DeleteRecoveryPointAsync(string backupVaultName, string recoveryPointArn, CancellationToken cancellationToken) => Unscripted<Task>("DeleteRecoveryPoint");
    public Task<RestoreJob> StartRestoreJobAsync(StartRestoreJobRequest request, CancellationToken cancellationToken) => Unscripted<Task<RestoreJob>>("StartRestoreJob");
    public IAsyncEnumerable<RestoreJob> ListRestoreJobsAsync(JobListFilter filter, CancellationToken cancellationToken) => Unscripted<IAsyncEnumerable<RestoreJob>>("ListRestoreJobs");
    public Task<CopyJob> StartCopyJobAsync(StartCopyJobRequest request, CancellationToken cancellationToken) => Unscripted<Task<CopyJob>>("StartCopyJob");
    public IAsyncEnumerable<CopyJob> ListCopyJobsAsync(JobListFilter filter, CancellationToken cancellationToken) => Unscripted<IAsyncEnumerable<CopyJob>>("ListCopyJobs");
    public Task<BackupVault> CreateBackupVaultAsync(string backupVaultName, IDictionary<string, string>? tags, string? encryptionKeyArn, string? creatorRequestId, CancellationToken cancellationToken) => Unscripted<Task<BackupVault>>("CreateBackupVault");
    public Task<BackupVault> DescribeBackupVaultAsync(string backupVaultName, CancellationToken cancellationToken) => Unscripted<Task<BackupVault>>("DescribeBackupVault");
    public IAsyncEnumerable<BackupVault> ListBackupVaultsAsync(CancellationToken cancellationToken)
    {
        if (Vaults == null)
        {
            return Unscripted<IAsyncEnumerable<BackupVault>>("ListBackupVaults");
        }

        Record("ListBackupVaults");
        return Stream(Vaults.Select(n => new BackupVault { BackupVaultName = n, Region = Context.Region }).ToList(), cancellationToken);
    }
    public Task<BackupPlan> CreateBackupPlanAsync(BackupPlan plan, IDictionary<string, string>? tags, string? creatorRequestId, CancellationToken cancellationToken) => Unscripted<Task<BackupPlan>>("CreateBackupPlan");
    public Task<BackupPlan> GetBackupPlanAsync(string backupPlanId, string? versionId, CancellationToken cancellationToken) => Unscripted<Task<BackupPlan>>("GetBackupPlan");
    public Task<BackupPlan> UpdateBackupPlanAsync(string backupPlanId, BackupPlan plan, CancellationToken cancellationToken) => Unscripted<Task<BackupPlan>>("UpdateBackupPlan");
    public IAsyncEnumerable<BackupPlan> ListBackupPlansAsync(CancellationToken cancellationToken) => Unscripted<IAsyncEnumerable<BackupPlan>>("ListBackupPlans");
    public Task<BackupSelection> CreateBackupSelectionAsync(BackupSelection selection, string? creatorRequestId, CancellationToken cancellationToken) => Unscripted<Task<BackupSelection>>("CreateBackupSelection");
    public IAsyncEnumerable<BackupSelection> ListBackupSelectionsAsync(string backupPlanId, CancellationToken cancellationToken) => Unscripted<IAsyncEnumerable<BackupSelection>>("ListBackupSelections");
    public Task<BackupSelection> GetBackupSelectionAsync(string backupPlanId, string selectionId, CancellationToken cancellationToken) => Unscripted<Task<BackupSelection>>("GetBackupSelection");
    public IAsyncEnumerable<ProtectedResource> ListProtectedResourcesAsync(CancellationToken cancellationToken) => Unscripted<IAsyncEnumerable<ProtectedResource>>("ListProtectedResources");
    public Task TagResourceAsync(string resourceArn, IDictionary<string, string> tags, CancellationToken cancellationToken) => Unscripted<Task>("TagResource");
    public Task<IReadOnlyDictionary<string, string>> ListTagsAsync(string resourceArn, CancellationToken cancellationToken) => Unscripted<Task<IReadOnlyDictionary<string, string>>>("ListTags");
    public IAsyncEnumerable<BackupJobSummary> ListBackupJobSummariesAsync(BackupJobSummaryFilter filter, CancellationToken cancellationToken) => Unscripted<IAsyncEnumerable<BackupJobSummary>>("ListBackupJobSummaries");
}
