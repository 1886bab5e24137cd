using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Model;

namespace BackupDr.Core.Aws
{
    /// <summary>One ListBackupJobs answer: its jobs and the token of the next page (null on the last).</summary>
    public sealed class BackupJobPage
    {
        public BackupJobPage(IReadOnlyList<BackupJob> jobs, string? nextToken)
        {
            Jobs = jobs ?? throw new ArgumentNullException(nameof(jobs));
            NextToken = string.IsNullOrEmpty(nextToken) ? null : nextToken;
        }

        public IReadOnlyList<BackupJob> Jobs { get; }

        public string? NextToken { get; }
    }

    /// <summary>
    /// Page-at-a-time ListBackupJobs, for callers that decide per page (the report's time slicer splits a slice
    /// whose first page is full). An optional seam next to IBackupApi: an api without it is listed item by item.
    /// </summary>
    public interface IBackupJobPager
    {
        /// <summary>One page of ListBackupJobs with every filter of <paramref name="filter"/> (ByAccountId included).</summary>
        Task<BackupJobPage> ListBackupJobsPageAsync(BackupJobFilter filter, string? nextToken, CancellationToken cancellationToken);
    }

    /// <summary>The job operations (backup, restore and copy jobs): start, describe, list, stop.</summary>
    public sealed partial class BackupClient : IBackupJobPager
    {
        // ---------------------------------------------------------------- backup jobs

        public async Task<BackupJob> StartBackupJobAsync(StartBackupJobRequest request, CancellationToken cancellationToken)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            Require(request.BackupVaultName, "BackupVaultName");
            Require(request.ResourceArn, "ResourceArn");
            Require(request.IamRoleArn, "IamRoleArn");

            var body = BackupWire.StartBackupJobBody(request, IdempotencyToken(request.IdempotencyToken));
            var json = await SendAsync(JsonRequest("StartBackupJob", HttpMethod.Put, "/backup-jobs", body), cancellationToken).ConfigureAwait(false);
            return BackupWire.ReadStartedBackupJob(json, request, Context.Region);
        }

        public async Task<BackupJob> DescribeBackupJobAsync(string backupJobId, CancellationToken cancellationToken)
        {
            Require(backupJobId, nameof(backupJobId));
            var request = new AwsRequest(AwsService.Backup, "DescribeBackupJob", HttpMethod.Get, "/backup-jobs/" + Seg(backupJobId));
            return BackupWire.ReadBackupJob(await SendAsync(request, cancellationToken).ConfigureAwait(false), Context.Region);
        }

        public IAsyncEnumerable<BackupJob> ListBackupJobsAsync(BackupJobFilter filter, CancellationToken cancellationToken) =>
            ListBackupJobPagesAsync(filter ?? new BackupJobFilter(), cancellationToken);

        /// <summary>The listing as one NextToken chain over <see cref="ListBackupJobsPageAsync"/>; cancellation checked before every request and item.</summary>
        private async IAsyncEnumerable<BackupJob> ListBackupJobPagesAsync(BackupJobFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            string? token = null;
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                var page = await ListBackupJobsPageAsync(filter, token, cancellationToken).ConfigureAwait(false);
                foreach (var job in page.Jobs)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return job;
                }

                token = page.NextToken;
            }
            while (token != null);
        }

        public async Task<BackupJobPage> ListBackupJobsPageAsync(BackupJobFilter filter, string? nextToken, CancellationToken cancellationToken)
        {
            filter ??= new BackupJobFilter();
            cancellationToken.ThrowIfCancellationRequested();
            var request = new AwsRequest(AwsService.Backup, "ListBackupJobs", HttpMethod.Get, "/backup-jobs/");
            AddBackupJobFilters(request, filter);
            request.AddQuery("maxResults", filter.MaxResults?.ToString(CultureInfo.InvariantCulture));
            request.AddQuery("nextToken", string.IsNullOrEmpty(nextToken) ? null : nextToken);
            using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
            List<BackupJob> jobs;
            string? next;
            try
            {
                // Read straight from the bytes (no document): these pages are the report's whole cost.
                jobs = BackupJobPageReader.Read(response.Content, Context.Region, out next);
            }
            catch (JsonException ex)
            {
                throw new AwsServiceException(AwsService.Backup.Name, "ListBackupJobs", response.StatusCode, "MalformedResponse", "The answer was not valid JSON: " + ex.Message, response.RequestId, Context.Region, ex);
            }

            if (!string.IsNullOrEmpty(next) && string.Equals(next, nextToken, StringComparison.Ordinal))
            {
                throw PaginationLoop("ListBackupJobs");
            }

            return new BackupJobPage(jobs, next);
        }

        /// <summary>Every ListBackupJobs filter on the wire (ByAccountId too: '*' from an organization's management account).</summary>
        private static AwsRequest AddBackupJobFilters(AwsRequest q, BackupJobFilter filter) =>
            q.AddQuery("resourceArn", filter.ResourceArn)
             .AddQuery("state", filter.State)
             .AddQuery("backupVaultName", filter.BackupVaultName)
             .AddQuery("createdBefore", Iso(filter.CreatedBefore))
             .AddQuery("createdAfter", Iso(filter.CreatedAfter))
             .AddQuery("resourceType", filter.ResourceType)
             .AddQuery("accountId", filter.AccountId)
             .AddQuery("completeAfter", Iso(filter.CompleteAfter))
             .AddQuery("completeBefore", Iso(filter.CompleteBefore))
             .AddQuery("parentJobId", filter.ParentJobId)
             .AddQuery("messageCategory", filter.MessageCategory);

        public async Task StopBackupJobAsync(string backupJobId, CancellationToken cancellationToken)
        {
            Require(backupJobId, nameof(backupJobId));
            var request = new AwsRequest(AwsService.Backup, "StopBackupJob", HttpMethod.Post, "/backup-jobs/" + Seg(backupJobId));
            (await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false)).Dispose();
        }

        // ---------------------------------------------------------------- restore jobs

        public async Task<RestoreJob> StartRestoreJobAsync(StartRestoreJobRequest request, CancellationToken cancellationToken)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            Require(request.RecoveryPointArn, "RecoveryPointArn");
            if (request.Metadata == null)
            {
                throw new ArgumentException("Metadata is required by StartRestoreJob (use GetRecoveryPointRestoreMetadata).", nameof(request));
            }

            var body = BackupWire.StartRestoreJobBody(request, IdempotencyToken(request.IdempotencyToken));
            var json = await SendAsync(JsonRequest("StartRestoreJob", HttpMethod.Put, "/restore-jobs", body), cancellationToken).ConfigureAwait(false);
            return BackupWire.ReadStartedRestoreJob(json, request, Context.Region);
        }

        public async Task<RestoreJob> DescribeRestoreJobAsync(string restoreJobId, CancellationToken cancellationToken)
        {
            Require(restoreJobId, nameof(restoreJobId));
            var request = new AwsRequest(AwsService.Backup, "DescribeRestoreJob", HttpMethod.Get, "/restore-jobs/" + Seg(restoreJobId));
            return BackupWire.ReadRestoreJob(await SendAsync(request, cancellationToken).ConfigureAwait(false), Context.Region);
        }

        /// <summary>
        /// ListRestoreJobs has no resource-ARN filter on the wire, so <see cref="JobListFilter.ResourceArn"/>
        /// is applied here to SourceResourceArn; DestinationVaultArn does not apply to restores.
        /// </summary>
        public IAsyncEnumerable<RestoreJob> ListRestoreJobsAsync(JobListFilter filter, CancellationToken cancellationToken)
        {
            filter ??= new JobListFilter();
            if (filter.DestinationVaultArn != null)
            {
                throw new ArgumentException("DestinationVaultArn filters copy jobs only; ListRestoreJobs has no such filter.", nameof(filter));
            }

            var pages = PagesAsync(
                "ListRestoreJobs",
                "/restore-jobs/",
                q => q.AddQuery("accountId", filter.AccountId)
                      .AddQuery("resourceType", filter.ResourceType)
                      .AddQuery("createdBefore", Iso(filter.CreatedBefore))
                      .AddQuery("createdAfter", Iso(filter.CreatedAfter))
                      .AddQuery("status", filter.State)
                      .AddQuery("completeBefore", Iso(filter.CompleteBefore))
                      .AddQuery("completeAfter", Iso(filter.CompleteAfter)),
                filter.MaxResults,
                "RestoreJobs",
                BackupWire.ReadRestoreJob,
                cancellationToken);
            return filter.ResourceArn == null ? pages : AwsPaging.WhereAsync(pages, j => string.Equals(j.ResourceArn, filter.ResourceArn, StringComparison.Ordinal), cancellationToken);
        }

        // ---------------------------------------------------------------- copy jobs

        public async Task<CopyJob> StartCopyJobAsync(StartCopyJobRequest request, CancellationToken cancellationToken)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            Require(request.RecoveryPointArn, "RecoveryPointArn");
            Require(request.SourceBackupVaultName, "SourceBackupVaultName");
            Require(request.DestinationBackupVaultArn, "DestinationBackupVaultArn");
            Require(request.IamRoleArn, "IamRoleArn");

            var body = BackupWire.StartCopyJobBody(request, IdempotencyToken(request.IdempotencyToken));
            var json = await SendAsync(JsonRequest("StartCopyJob", HttpMethod.Put, "/copy-jobs", body), cancellationToken).ConfigureAwait(false);
            return BackupWire.ReadStartedCopyJob(json, request, Context.Region);
        }

        public async Task<CopyJob> DescribeCopyJobAsync(string copyJobId, CancellationToken cancellationToken)
        {
            Require(copyJobId, nameof(copyJobId));
            var request = new AwsRequest(AwsService.Backup, "DescribeCopyJob", HttpMethod.Get, "/copy-jobs/" + Seg(copyJobId));
            var json = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!json.TryGet("CopyJob", out var copy) || copy.ValueKind != JsonValueKind.Object)
            {
                throw new AwsServiceException(AwsService.Backup.Name, "DescribeCopyJob", 200, "MalformedResponse", "The answer carried no CopyJob.", null, Context.Region);
            }

            return BackupWire.ReadCopyJob(copy, Context.Region);
        }

        public IAsyncEnumerable<CopyJob> ListCopyJobsAsync(JobListFilter filter, CancellationToken cancellationToken)
        {
            filter ??= new JobListFilter();
            return PagesAsync(
                "ListCopyJobs",
                "/copy-jobs/",
                q => q.AddQuery("resourceArn", filter.ResourceArn)
                      .AddQuery("state", filter.State)
                      .AddQuery("createdBefore", Iso(filter.CreatedBefore))
                      .AddQuery("createdAfter", Iso(filter.CreatedAfter))
                      .AddQuery("resourceType", filter.ResourceType)
                      .AddQuery("destinationVaultArn", filter.DestinationVaultArn)
                      .AddQuery("accountId", filter.AccountId)
                      .AddQuery("completeBefore", Iso(filter.CompleteBefore))
                      .AddQuery("completeAfter", Iso(filter.CompleteAfter)),
                filter.MaxResults,
                "CopyJobs",
                BackupWire.ReadCopyJob,
                cancellationToken);
        }
    }
}
