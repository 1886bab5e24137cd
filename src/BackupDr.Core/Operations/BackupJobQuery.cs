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

        /// <summary>
        /// A listing by AWS Backup's filters. With a window start (CreatedAfter, inclusive here) the window
        /// [CreatedAfter, CreatedBefore) is cut into time slices paged concurrently (BackupJobSlicer): the jobs then come
        /// slice by slice, not newest first. Without one it is AWS's own single newest-first listing.
        /// </summary>
        public IAsyncEnumerable<BackupJob> ListAsync(BackupJobFilter filter, CancellationToken cancellationToken) =>
            ListAsync(filter, null, null, cancellationToken);

        public IAsyncEnumerable<BackupJob> ListAsync(BackupJobFilter filter, BackupJobSlicerOptions? slicing, IProgress<BackupJobSliceProgress>? progress, CancellationToken cancellationToken)
        {
            if (filter?.CreatedAfter == null || !(_backup is IBackupJobPager))
            {
                return _backup.ListBackupJobsAsync(filter ?? new BackupJobFilter(), cancellationToken);
            }

            var unit = new BackupJobSliceUnit(_backup.Context.Region, _backup, filter, filter.CreatedAfter.Value, filter.CreatedBefore);
            return new BackupJobSlicer(slicing).StreamAsync(unit, progress, cancellationToken);
        }

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
