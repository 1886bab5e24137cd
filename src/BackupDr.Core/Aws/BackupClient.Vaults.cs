using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Model;

namespace BackupDr.Core.Aws
{
    /// <summary>The vault operations and those on the recovery points vaults hold.</summary>
    public sealed partial class BackupClient
    {
        // ---------------------------------------------------------------- vaults

        public async Task<BackupVault> CreateBackupVaultAsync(string backupVaultName, IDictionary<string, string>? tags, string? encryptionKeyArn, string? creatorRequestId, CancellationToken cancellationToken)
        {
            Require(backupVaultName, nameof(backupVaultName));
            var body = BackupWire.CreateBackupVaultBody(tags, encryptionKeyArn, creatorRequestId);
            var json = await SendAsync(JsonRequest("CreateBackupVault", HttpMethod.Put, "/backup-vaults/" + Seg(backupVaultName), body), cancellationToken).ConfigureAwait(false);
            return BackupWire.ReadCreatedBackupVault(json, backupVaultName, encryptionKeyArn, creatorRequestId, Context.Region);
        }

        public async Task<BackupVault> DescribeBackupVaultAsync(string backupVaultName, CancellationToken cancellationToken)
        {
            Require(backupVaultName, nameof(backupVaultName));
            var request = new AwsRequest(AwsService.Backup, "DescribeBackupVault", HttpMethod.Get, "/backup-vaults/" + Seg(backupVaultName));
            var vault = BackupWire.ReadBackupVault(await SendAsync(request, cancellationToken).ConfigureAwait(false), Context.Region);
            if (vault.BackupVaultName.Length == 0)
            {
                vault.BackupVaultName = backupVaultName;
            }

            return vault;
        }

        public IAsyncEnumerable<BackupVault> ListBackupVaultsAsync(CancellationToken cancellationToken) =>
            PagesAsync("ListBackupVaults", "/backup-vaults/", null, null, "BackupVaultList", BackupWire.ReadBackupVault, cancellationToken);

        // ---------------------------------------------------------------- recovery points

        public IAsyncEnumerable<RecoveryPoint> ListRecoveryPointsByBackupVaultAsync(string backupVaultName, RecoveryPointFilter filter, CancellationToken cancellationToken)
        {
            Require(backupVaultName, nameof(backupVaultName));
            filter ??= new RecoveryPointFilter();
            return PagesAsync(
                "ListRecoveryPointsByBackupVault",
                "/backup-vaults/" + Seg(backupVaultName) + "/recovery-points/",
                q => q.AddQuery("backupVaultAccountId", filter.BackupVaultAccountId)
                      .AddQuery("resourceArn", filter.ResourceArn)
                      .AddQuery("resourceType", filter.ResourceType)
                      .AddQuery("backupPlanId", filter.BackupPlanId)
                      .AddQuery("createdBefore", Iso(filter.CreatedBefore))
                      .AddQuery("createdAfter", Iso(filter.CreatedAfter)),
                filter.MaxResults,
                "RecoveryPoints",
                BackupWire.ReadRecoveryPoint,
                cancellationToken);
        }

        public IAsyncEnumerable<RecoveryPoint> ListRecoveryPointsByResourceAsync(string resourceArn, CancellationToken cancellationToken)
        {
            Require(resourceArn, nameof(resourceArn));
            return PagesAsync(
                "ListRecoveryPointsByResource",
                "/resources/" + Seg(resourceArn) + "/recovery-points/",
                null,
                null,
                "RecoveryPoints",
                (e, region) => BackupWire.ReadRecoveryPointByResource(e, resourceArn, region),
                cancellationToken);
        }

        public async Task<RecoveryPoint> DescribeRecoveryPointAsync(string backupVaultName, string recoveryPointArn, CancellationToken cancellationToken)
        {
            Require(backupVaultName, nameof(backupVaultName));
            Require(recoveryPointArn, nameof(recoveryPointArn));
            var request = new AwsRequest(AwsService.Backup, "DescribeRecoveryPoint", HttpMethod.Get, RecoveryPointPath(backupVaultName, recoveryPointArn));
            var point = BackupWire.ReadRecoveryPoint(await SendAsync(request, cancellationToken).ConfigureAwait(false), Context.Region);
            point.BackupVaultName ??= backupVaultName;
            if (point.RecoveryPointArn.Length == 0)
            {
                point.RecoveryPointArn = recoveryPointArn;
            }

            return point;
        }

        public async Task<RestoreMetadata> GetRecoveryPointRestoreMetadataAsync(string backupVaultName, string recoveryPointArn, CancellationToken cancellationToken)
        {
            Require(backupVaultName, nameof(backupVaultName));
            Require(recoveryPointArn, nameof(recoveryPointArn));
            var request = new AwsRequest(AwsService.Backup, "GetRecoveryPointRestoreMetadata", HttpMethod.Get, RecoveryPointPath(backupVaultName, recoveryPointArn) + "/restore-metadata");
            return BackupWire.ReadRestoreMetadata(await SendAsync(request, cancellationToken).ConfigureAwait(false), recoveryPointArn);
        }

        public async Task DeleteRecoveryPointAsync(string backupVaultName, string recoveryPointArn, CancellationToken cancellationToken)
        {
            Require(backupVaultName, nameof(backupVaultName));
            Require(recoveryPointArn, nameof(recoveryPointArn));
            var request = new AwsRequest(AwsService.Backup, "DeleteRecoveryPoint", HttpMethod.Delete, RecoveryPointPath(backupVaultName, recoveryPointArn));
            (await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false)).Dispose();
        }

        private static string RecoveryPointPath(string backupVaultName, string recoveryPointArn) =>
            "/backup-vaults/" + Seg(backupVaultName) + "/recovery-points/" + Seg(recoveryPointArn);
    }
}
