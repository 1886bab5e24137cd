using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>
    /// Get-DrBackupJob's operation: one job by id, or a streamed listing by AWS Backup's filters, and whether a
    /// vault that listed nothing exists at all (so a typo never reads as "no jobs").
    /// </summary>
    public sealed class BackupJobQuery
    {
        private readonly IBackupApi _backup;

        public BackupJobQuery(IBackupApi backup)
        {
            _backup = backup ?? throw new ArgumentNullException(nameof(backup));
        }

        public Task<BackupJob> GetAsync(string backupJobId, CancellationToken cancellationToken) =>
            _backup.DescribeBackupJobAsync(backupJobId, cancellationToken);

        public IAsyncEnumerable<BackupJob> ListAsync(BackupJobFilter filter, CancellationToken cancellationToken) =>
            _backup.ListBackupJobsAsync(filter, cancellationToken);

        public Task<bool> IsVaultMissingAsync(string backupVaultName, CancellationToken cancellationToken) =>
            BackupVaultCheck.IsMissingAsync(_backup, backupVaultName, cancellationToken);
    }

    /// <summary>The account of the caller's credentials (STS GetCallerIdentity), for ARNs the cmdlets build from ids.</summary>
    public static class CallerAccount
    {
        public static async Task<string> GetAsync(IStsApi sts, CancellationToken cancellationToken)
        {
            if (sts == null)
            {
                throw new ArgumentNullException(nameof(sts));
            }

            var identity = await sts.GetCallerIdentityAsync(cancellationToken).ConfigureAwait(false);
            return identity.Account;
        }
    }
}
