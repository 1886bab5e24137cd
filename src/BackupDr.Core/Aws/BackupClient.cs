using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Model;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// AWS Backup over rest-json, built on <see cref="IAwsTransport"/>. Wire shapes follow the service
    /// model (botocore data/backup): path members percent-encoded, query timestamps in ISO 8601,
    /// bodies as JSON with epoch-second timestamps. Listings stream page by page.
    /// </summary>
    public sealed class BackupClient : IBackupApi
    {
        private const string JsonContentType = "application/json";

        private readonly IAwsTransport _transport;

        public BackupClient(IAwsTransport transport)
        {
            _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        }

        public AwsContext Context => _transport.Context;

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

            // Generated once per call, so a transport retry of this same request never starts a second job.
            var token = string.IsNullOrEmpty(request.IdempotencyToken) ? Guid.NewGuid().ToString() : request.IdempotencyToken;
            var body = new JsonBody()
                .String("BackupVaultName", request.BackupVaultName)
                .String("ResourceArn", request.ResourceArn)
                .String("IamRoleArn", request.IamRoleArn)
                .String("IdempotencyToken", token)
                .Number("StartWindowMinutes", request.StartWindowMinutes)
                .Number("CompleteWindowMinutes", request.CompleteWindowMinutes);
            WriteLifecycle(body, "Lifecycle", request.Lifecycle);
            body.Map("RecoveryPointTags", request.RecoveryPointTags)
                .Map("BackupOptions", request.BackupOptions);

            var json = await SendAsync(JsonRequest("StartBackupJob", HttpMethod.Put, "/backup-jobs", body), cancellationToken).ConfigureAwait(false);
            var job = new BackupJob
            {
                BackupJobId = json.Str("BackupJobId") ?? string.Empty,
                RecoveryPointArn = json.Str("RecoveryPointArn"),
                CreationDate = json.Date("CreationDate"),
                IsParent = json.Bool("IsParent"),
                BackupVaultName = request.BackupVaultName,
                ResourceArn = request.ResourceArn,
                IamRoleArn = request.IamRoleArn,
                Region = Context.Region,
            };
            job.AccountId = AccountFrom(job.RecoveryPointArn, job.ResourceArn);
            return job;
        }

        public async Task<BackupJob> DescribeBackupJobAsync(string backupJobId, CancellationToken cancellationToken)
        {
            Require(backupJobId, nameof(backupJobId));
            var request = new AwsRequest(AwsService.Backup, "DescribeBackupJob", HttpMethod.Get, "/backup-jobs/" + Seg(backupJobId));
            return ReadBackupJob(await SendAsync(request, cancellationToken).ConfigureAwait(false));
        }

        public IAsyncEnumerable<BackupJob> ListBackupJobsAsync(BackupJobFilter filter, CancellationToken cancellationToken)
        {
            filter ??= new BackupJobFilter();
            return PagesAsync(
                "ListBackupJobs",
                "/backup-jobs/",
                q => q.AddQuery("resourceArn", filter.ResourceArn)
                      .AddQuery("state", filter.State)
                      .AddQuery("backupVaultName", filter.BackupVaultName)
                      .AddQuery("createdBefore", Iso(filter.CreatedBefore))
                      .AddQuery("createdAfter", Iso(filter.CreatedAfter))
                      .AddQuery("resourceType", filter.ResourceType)
                      .AddQuery("accountId", filter.AccountId)
                      .AddQuery("completeAfter", Iso(filter.CompleteAfter))
                      .AddQuery("completeBefore", Iso(filter.CompleteBefore))
                      .AddQuery("parentJobId", filter.ParentJobId)
                      .AddQuery("messageCategory", filter.MessageCategory),
                filter.MaxResults,
                "BackupJobs",
                ReadBackupJob,
                cancellationToken);
        }

        public async Task StopBackupJobAsync(string backupJobId, CancellationToken cancellationToken)
        {
            Require(backupJobId, nameof(backupJobId));
            var request = new AwsRequest(AwsService.Backup, "StopBackupJob", HttpMethod.Post, "/backup-jobs/" + Seg(backupJobId));
            await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

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
                ReadRecoveryPoint,
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
                e => ReadRecoveryPointByResource(e, resourceArn),
                cancellationToken);
        }

        public async Task<RecoveryPoint> DescribeRecoveryPointAsync(string backupVaultName, string recoveryPointArn, CancellationToken cancellationToken)
        {
            Require(backupVaultName, nameof(backupVaultName));
            Require(recoveryPointArn, nameof(recoveryPointArn));
            var request = new AwsRequest(AwsService.Backup, "DescribeRecoveryPoint", HttpMethod.Get, RecoveryPointPath(backupVaultName, recoveryPointArn));
            var point = ReadRecoveryPoint(await SendAsync(request, cancellationToken).ConfigureAwait(false));
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
            var json = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            return new RestoreMetadata
            {
                RecoveryPointArn = json.Str("RecoveryPointArn") ?? recoveryPointArn,
                BackupVaultArn = json.Str("BackupVaultArn"),
                ResourceType = json.Str("ResourceType"),
                Metadata = new Dictionary<string, string>(json.StrMap("RestoreMetadata").ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal),
            };
        }

        public async Task DeleteRecoveryPointAsync(string backupVaultName, string recoveryPointArn, CancellationToken cancellationToken)
        {
            Require(backupVaultName, nameof(backupVaultName));
            Require(recoveryPointArn, nameof(recoveryPointArn));
            var request = new AwsRequest(AwsService.Backup, "DeleteRecoveryPoint", HttpMethod.Delete, RecoveryPointPath(backupVaultName, recoveryPointArn));
            await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
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

            var token = string.IsNullOrEmpty(request.IdempotencyToken) ? Guid.NewGuid().ToString() : request.IdempotencyToken;
            var body = new JsonBody()
                .String("RecoveryPointArn", request.RecoveryPointArn)
                .Map("Metadata", request.Metadata)
                .String("IamRoleArn", request.IamRoleArn)
                .String("IdempotencyToken", token)
                .String("ResourceType", request.ResourceType)
                .Bool("CopySourceTagsToRestoredResource", request.CopySourceTagsToRestoredResource);

            var json = await SendAsync(JsonRequest("StartRestoreJob", HttpMethod.Put, "/restore-jobs", body), cancellationToken).ConfigureAwait(false);
            return new RestoreJob
            {
                RestoreJobId = json.Str("RestoreJobId") ?? string.Empty,
                RecoveryPointArn = request.RecoveryPointArn,
                IamRoleArn = request.IamRoleArn,
                ResourceType = request.ResourceType,
                AccountId = AccountFrom(request.RecoveryPointArn),
                Region = Context.Region,
            };
        }

        public async Task<RestoreJob> DescribeRestoreJobAsync(string restoreJobId, CancellationToken cancellationToken)
        {
            Require(restoreJobId, nameof(restoreJobId));
            var request = new AwsRequest(AwsService.Backup, "DescribeRestoreJob", HttpMethod.Get, "/restore-jobs/" + Seg(restoreJobId));
            return ReadRestoreJob(await SendAsync(request, cancellationToken).ConfigureAwait(false));
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
                ReadRestoreJob,
                cancellationToken);
            return filter.ResourceArn == null ? pages : WhereAsync(pages, j => string.Equals(j.ResourceArn, filter.ResourceArn, StringComparison.Ordinal), cancellationToken);
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

            var token = string.IsNullOrEmpty(request.IdempotencyToken) ? Guid.NewGuid().ToString() : request.IdempotencyToken;
            var body = new JsonBody()
                .String("RecoveryPointArn", request.RecoveryPointArn)
                .String("SourceBackupVaultName", request.SourceBackupVaultName)
                .String("DestinationBackupVaultArn", request.DestinationBackupVaultArn)
                .String("IamRoleArn", request.IamRoleArn)
                .String("IdempotencyToken", token);
            WriteLifecycle(body, "Lifecycle", request.Lifecycle);

            var json = await SendAsync(JsonRequest("StartCopyJob", HttpMethod.Put, "/copy-jobs", body), cancellationToken).ConfigureAwait(false);
            return new CopyJob
            {
                CopyJobId = json.Str("CopyJobId") ?? string.Empty,
                CreationDate = json.Date("CreationDate"),
                SourceRecoveryPointArn = request.RecoveryPointArn,
                DestinationBackupVaultArn = request.DestinationBackupVaultArn,
                IamRoleArn = request.IamRoleArn,
                AccountId = AccountFrom(request.RecoveryPointArn, request.DestinationBackupVaultArn),
                Region = Context.Region,
            };
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

            return ReadCopyJob(copy);
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
                ReadCopyJob,
                cancellationToken);
        }

        // ---------------------------------------------------------------- vaults

        public async Task<BackupVault> CreateBackupVaultAsync(string backupVaultName, IDictionary<string, string>? tags, string? encryptionKeyArn, string? creatorRequestId, CancellationToken cancellationToken)
        {
            Require(backupVaultName, nameof(backupVaultName));
            var body = new JsonBody()
                .Map("BackupVaultTags", tags)
                .String("EncryptionKeyArn", encryptionKeyArn)
                .String("CreatorRequestId", creatorRequestId);
            var json = await SendAsync(JsonRequest("CreateBackupVault", HttpMethod.Put, "/backup-vaults/" + Seg(backupVaultName), body), cancellationToken).ConfigureAwait(false);
            return new BackupVault
            {
                BackupVaultName = json.Str("BackupVaultName") ?? backupVaultName,
                BackupVaultArn = json.Str("BackupVaultArn"),
                CreationDate = json.Date("CreationDate"),
                EncryptionKeyArn = encryptionKeyArn,
                CreatorRequestId = creatorRequestId,
                Region = Context.Region,
            };
        }

        public async Task<BackupVault> DescribeBackupVaultAsync(string backupVaultName, CancellationToken cancellationToken)
        {
            Require(backupVaultName, nameof(backupVaultName));
            var request = new AwsRequest(AwsService.Backup, "DescribeBackupVault", HttpMethod.Get, "/backup-vaults/" + Seg(backupVaultName));
            var vault = ReadBackupVault(await SendAsync(request, cancellationToken).ConfigureAwait(false));
            if (vault.BackupVaultName.Length == 0)
            {
                vault.BackupVaultName = backupVaultName;
            }

            return vault;
        }

        public IAsyncEnumerable<BackupVault> ListBackupVaultsAsync(CancellationToken cancellationToken) =>
            PagesAsync("ListBackupVaults", "/backup-vaults/", null, null, "BackupVaultList", ReadBackupVault, cancellationToken);

        // ---------------------------------------------------------------- plans and selections

        public async Task<BackupPlan> CreateBackupPlanAsync(BackupPlan plan, IDictionary<string, string>? tags, string? creatorRequestId, CancellationToken cancellationToken)
        {
            ValidatePlan(plan);
            var body = new JsonBody();
            body.Object("BackupPlan", b => WritePlanInput(b, plan));
            body.Map("BackupPlanTags", tags)
                .String("CreatorRequestId", creatorRequestId);
            var json = await SendAsync(JsonRequest("CreateBackupPlan", HttpMethod.Put, "/backup/plans/", body), cancellationToken).ConfigureAwait(false);
            var created = CopyPlan(plan);
            created.BackupPlanId = json.Str("BackupPlanId");
            created.BackupPlanArn = json.Str("BackupPlanArn");
            created.VersionId = json.Str("VersionId");
            created.CreationDate = json.Date("CreationDate");
            return created;
        }

        public async Task<BackupPlan> GetBackupPlanAsync(string backupPlanId, string? versionId, CancellationToken cancellationToken)
        {
            Require(backupPlanId, nameof(backupPlanId));
            var request = new AwsRequest(AwsService.Backup, "GetBackupPlan", HttpMethod.Get, "/backup/plans/" + Seg(backupPlanId) + "/")
                .AddQuery("versionId", versionId);
            var json = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            var plan = ReadPlanSummary(json);
            if (json.TryGet("BackupPlan", out var doc) && doc.ValueKind == JsonValueKind.Object)
            {
                plan.BackupPlanName = doc.Str("BackupPlanName") ?? plan.BackupPlanName;
                plan.Rules = doc.Items("Rules").Select(ReadRule).ToList();
            }

            plan.BackupPlanId ??= backupPlanId;
            return plan;
        }

        public async Task<BackupPlan> UpdateBackupPlanAsync(string backupPlanId, BackupPlan plan, CancellationToken cancellationToken)
        {
            Require(backupPlanId, nameof(backupPlanId));
            ValidatePlan(plan);
            var body = new JsonBody();
            body.Object("BackupPlan", b => WritePlanInput(b, plan));
            var json = await SendAsync(JsonRequest("UpdateBackupPlan", HttpMethod.Post, "/backup/plans/" + Seg(backupPlanId), body), cancellationToken).ConfigureAwait(false);
            var updated = CopyPlan(plan);
            updated.BackupPlanId = json.Str("BackupPlanId") ?? backupPlanId;
            updated.BackupPlanArn = json.Str("BackupPlanArn");
            updated.VersionId = json.Str("VersionId");
            updated.CreationDate = json.Date("CreationDate");
            return updated;
        }

        public IAsyncEnumerable<BackupPlan> ListBackupPlansAsync(CancellationToken cancellationToken) =>
            PagesAsync("ListBackupPlans", "/backup/plans/", null, null, "BackupPlansList", ReadPlanSummary, cancellationToken);

        public async Task<BackupSelection> CreateBackupSelectionAsync(BackupSelection selection, string? creatorRequestId, CancellationToken cancellationToken)
        {
            if (selection == null)
            {
                throw new ArgumentNullException(nameof(selection));
            }

            Require(selection.BackupPlanId, "BackupPlanId");
            Require(selection.SelectionName, "SelectionName");
            Require(selection.IamRoleArn, "IamRoleArn");

            var body = new JsonBody();
            body.Object("BackupSelection", b =>
            {
                b.String("SelectionName", selection.SelectionName)
                 .String("IamRoleArn", selection.IamRoleArn);
                WriteStrings(b, "Resources", selection.Resources);
                WriteStrings(b, "NotResources", selection.NotResources);
                if (selection.ListOfTags != null && selection.ListOfTags.Count > 0)
                {
                    b.Writer.WriteStartArray("ListOfTags");
                    foreach (var c in selection.ListOfTags)
                    {
                        b.Writer.WriteStartObject();
                        b.String("ConditionType", c.ConditionType)
                         .String("ConditionKey", c.ConditionKey)
                         .String("ConditionValue", c.ConditionValue);
                        b.Writer.WriteEndObject();
                    }

                    b.Writer.WriteEndArray();
                }
            });
            body.String("CreatorRequestId", creatorRequestId);

            var path = "/backup/plans/" + Seg(selection.BackupPlanId) + "/selections/";
            var json = await SendAsync(JsonRequest("CreateBackupSelection", HttpMethod.Put, path, body), cancellationToken).ConfigureAwait(false);
            return new BackupSelection
            {
                SelectionName = selection.SelectionName,
                SelectionId = json.Str("SelectionId"),
                BackupPlanId = json.Str("BackupPlanId") ?? selection.BackupPlanId,
                IamRoleArn = selection.IamRoleArn,
                Resources = new List<string>(selection.Resources ?? new List<string>()),
                NotResources = new List<string>(selection.NotResources ?? new List<string>()),
                ListOfTags = new List<BackupSelectionCondition>(selection.ListOfTags ?? new List<BackupSelectionCondition>()),
                CreationDate = json.Date("CreationDate"),
            };
        }

        public IAsyncEnumerable<BackupSelection> ListBackupSelectionsAsync(string backupPlanId, CancellationToken cancellationToken)
        {
            Require(backupPlanId, nameof(backupPlanId));
            return PagesAsync(
                "ListBackupSelections",
                "/backup/plans/" + Seg(backupPlanId) + "/selections/",
                null,
                null,
                "BackupSelectionsList",
                e => new BackupSelection
                {
                    SelectionId = e.Str("SelectionId"),
                    SelectionName = e.Str("SelectionName") ?? string.Empty,
                    BackupPlanId = e.Str("BackupPlanId") ?? backupPlanId,
                    IamRoleArn = e.Str("IamRoleArn") ?? string.Empty,
                    CreationDate = e.Date("CreationDate"),
                },
                cancellationToken);
        }

        public IAsyncEnumerable<ProtectedResource> ListProtectedResourcesAsync(CancellationToken cancellationToken) =>
            PagesAsync(
                "ListProtectedResources",
                "/resources/",
                null,
                null,
                "Results",
                e => new ProtectedResource
                {
                    ResourceArn = e.Str("ResourceArn") ?? string.Empty,
                    ResourceType = e.Str("ResourceType"),
                    ResourceName = e.Str("ResourceName"),
                    LastBackupTime = e.Date("LastBackupTime"),
                    LastBackupVaultArn = e.Str("LastBackupVaultArn"),
                    LastRecoveryPointArn = e.Str("LastRecoveryPointArn"),
                    Region = Context.Region,
                },
                cancellationToken);

        // ---------------------------------------------------------------- tags

        public async Task TagResourceAsync(string resourceArn, IDictionary<string, string> tags, CancellationToken cancellationToken)
        {
            Require(resourceArn, nameof(resourceArn));
            if (tags == null)
            {
                throw new ArgumentNullException(nameof(tags));
            }

            var body = new JsonBody().Map("Tags", tags);
            await SendAsync(JsonRequest("TagResource", HttpMethod.Post, "/tags/" + Seg(resourceArn), body), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>All tags of the resource; ListTags pages are merged into one map.</summary>
        public async Task<IReadOnlyDictionary<string, string>> ListTagsAsync(string resourceArn, CancellationToken cancellationToken)
        {
            Require(resourceArn, nameof(resourceArn));
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            string? next = null;
            do
            {
                var request = new AwsRequest(AwsService.Backup, "ListTags", HttpMethod.Get, "/tags/" + Seg(resourceArn) + "/")
                    .AddQuery("nextToken", next);
                var json = await SendAsync(request, cancellationToken).ConfigureAwait(false);
                foreach (var kv in json.StrMap("Tags"))
                {
                    tags[kv.Key] = kv.Value;
                }

                next = NextToken(json, next, "ListTags");
            }
            while (next != null);

            return tags;
        }

        // ---------------------------------------------------------------- plumbing

        /// <summary>
        /// Streams a listing: one request per page, items yielded as each page arrives, NextToken followed
        /// to the end, cancellation checked before every request and every item.
        /// </summary>
        private async IAsyncEnumerable<T> PagesAsync<T>(
            string operation,
            string path,
            Action<AwsRequest>? addFilters,
            int? maxResults,
            string itemsMember,
            Func<JsonElement, T> read,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            string? next = null;
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                var request = new AwsRequest(AwsService.Backup, operation, HttpMethod.Get, path);
                addFilters?.Invoke(request);
                request.AddQuery("maxResults", maxResults?.ToString(CultureInfo.InvariantCulture));
                request.AddQuery("nextToken", next);

                var json = await SendAsync(request, cancellationToken).ConfigureAwait(false);
                foreach (var item in json.Items(itemsMember))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return read(item);
                }

                next = NextToken(json, next, operation);
            }
            while (next != null);
        }

        private static async IAsyncEnumerable<T> WhereAsync<T>(IAsyncEnumerable<T> source, Func<T, bool> predicate, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (predicate(item))
                {
                    yield return item;
                }
            }
        }

        /// <summary>The next page's token; null at the end. A token that repeats the one just sent would loop forever.</summary>
        private string? NextToken(JsonElement json, string? sent, string operation)
        {
            var next = json.Str("NextToken");
            if (string.IsNullOrEmpty(next))
            {
                return null;
            }

            if (string.Equals(next, sent, StringComparison.Ordinal))
            {
                throw new AwsServiceException(AwsService.Backup.Name, operation, 200, "PaginationLoop", "The service returned the same NextToken it was given; stopping to avoid an endless listing.", null, Context.Region);
            }

            return next;
        }

        private async Task<JsonElement> SendAsync(AwsRequest request, CancellationToken cancellationToken)
        {
            var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
            try
            {
                return JsonRead.Parse(response.Body);
            }
            catch (JsonException ex)
            {
                throw new AwsServiceException(AwsService.Backup.Name, request.Operation, response.StatusCode, "MalformedResponse", "The answer was not valid JSON: " + ex.Message, response.RequestId, Context.Region, ex);
            }
        }

        private static AwsRequest JsonRequest(string operation, HttpMethod method, string path, JsonBody body) =>
            new AwsRequest(AwsService.Backup, operation, method, path)
            {
                Body = body.ToBytes(),
                ContentType = JsonContentType,
            };

        private static string Seg(string value) => AwsEncoding.EncodePathSegment(value);

        private static string RecoveryPointPath(string backupVaultName, string recoveryPointArn) =>
            "/backup-vaults/" + Seg(backupVaultName) + "/recovery-points/" + Seg(recoveryPointArn);

        private static string? Iso(DateTime? value) => value == null ? null : AwsEncoding.ToIso8601(value.Value);

        /// <summary>An empty path member would turn a Describe into a List (or worse); refuse before sending.</summary>
        private static void Require(string? value, string name)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"{name} is required and cannot be empty.", name);
            }
        }

        private static void ValidatePlan(BackupPlan plan)
        {
            if (plan == null)
            {
                throw new ArgumentNullException(nameof(plan));
            }

            Require(plan.BackupPlanName, "BackupPlanName");
            if (plan.Rules == null || plan.Rules.Count == 0)
            {
                throw new ArgumentException("A backup plan needs at least one rule.", nameof(plan));
            }

            foreach (var rule in plan.Rules)
            {
                Require(rule.RuleName, "RuleName");
                Require(rule.TargetBackupVaultName, "TargetBackupVaultName");
            }
        }

        /// <summary>The account of the first ARN that names one (EC2 snapshot ARNs carry none).</summary>
        private static string? AccountFrom(params string?[] arns)
        {
            foreach (var text in arns)
            {
                if (Arn.TryParse(text, out var arn) && arn!.AccountId.Length > 0)
                {
                    return arn.AccountId;
                }
            }

            return null;
        }

        private static double? Percent(JsonElement e, string name) =>
            double.TryParse(e.Str(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null;

        // ---------------------------------------------------------------- readers

        private BackupJob ReadBackupJob(JsonElement e)
        {
            var job = new BackupJob
            {
                BackupJobId = e.Str("BackupJobId") ?? string.Empty,
                BackupVaultName = e.Str("BackupVaultName"),
                BackupVaultArn = e.Str("BackupVaultArn"),
                RecoveryPointArn = e.Str("RecoveryPointArn"),
                RecoveryPointLifecycle = ReadLifecycle(e, "RecoveryPointLifecycle"),
                EncryptionKeyArn = e.Str("EncryptionKeyArn"),
                IsEncrypted = e.Bool("IsEncrypted"),
                ResourceArn = e.Str("ResourceArn"),
                ResourceType = e.Str("ResourceType"),
                ResourceName = e.Str("ResourceName"),
                CreationDate = e.Date("CreationDate"),
                CompletionDate = e.Date("CompletionDate"),
                State = e.Str("State") ?? string.Empty,
                StatusMessage = e.Str("StatusMessage"),
                MessageCategory = e.Str("MessageCategory"),
                PercentDone = Percent(e, "PercentDone"),
                BackupSizeInBytes = e.Long("BackupSizeInBytes"),
                BytesTransferred = e.Long("BytesTransferred"),
                IamRoleArn = e.Str("IamRoleArn"),
                ExpectedCompletionDate = e.Date("ExpectedCompletionDate"),
                StartBy = e.Date("StartBy"),
                BackupType = e.Str("BackupType"),
                ParentJobId = e.Str("ParentJobId"),
                IsParent = e.Bool("IsParent"),
                InitiationDate = e.Date("InitiationDate"),
                Region = Context.Region,
            };
            job.AccountId = e.Str("AccountId") ?? AccountFrom(job.BackupVaultArn, job.RecoveryPointArn, job.ResourceArn);
            return job;
        }

        private RestoreJob ReadRestoreJob(JsonElement e)
        {
            var job = new RestoreJob
            {
                RestoreJobId = e.Str("RestoreJobId") ?? string.Empty,
                RecoveryPointArn = e.Str("RecoveryPointArn"),
                ResourceArn = e.Str("SourceResourceArn"),
                ResourceType = e.Str("ResourceType"),
                CreatedResourceArn = e.Str("CreatedResourceArn"),
                CreationDate = e.Date("CreationDate"),
                CompletionDate = e.Date("CompletionDate"),
                State = e.Str("Status") ?? string.Empty,
                StatusMessage = e.Str("StatusMessage"),
                PercentDone = Percent(e, "PercentDone"),
                BackupSizeInBytes = e.Long("BackupSizeInBytes"),
                IamRoleArn = e.Str("IamRoleArn"),
                ExpectedCompletionTimeMinutes = e.Long("ExpectedCompletionTimeMinutes"),
                RecoveryPointCreationDate = e.Date("RecoveryPointCreationDate"),
                Region = Context.Region,
            };
            job.AccountId = e.Str("AccountId") ?? AccountFrom(e.Str("BackupVaultArn"), job.RecoveryPointArn);
            return job;
        }

        private CopyJob ReadCopyJob(JsonElement e)
        {
            var job = new CopyJob
            {
                CopyJobId = e.Str("CopyJobId") ?? string.Empty,
                SourceBackupVaultArn = e.Str("SourceBackupVaultArn"),
                SourceRecoveryPointArn = e.Str("SourceRecoveryPointArn"),
                DestinationBackupVaultArn = e.Str("DestinationBackupVaultArn"),
                DestinationRecoveryPointArn = e.Str("DestinationRecoveryPointArn"),
                ResourceArn = e.Str("ResourceArn"),
                ResourceType = e.Str("ResourceType"),
                CreationDate = e.Date("CreationDate"),
                CompletionDate = e.Date("CompletionDate"),
                State = e.Str("State") ?? string.Empty,
                StatusMessage = e.Str("StatusMessage"),
                MessageCategory = e.Str("MessageCategory"),
                BackupSizeInBytes = e.Long("BackupSizeInBytes"),
                IamRoleArn = e.Str("IamRoleArn"),
                ParentJobId = e.Str("ParentJobId"),
                Region = Context.Region,
            };
            job.AccountId = e.Str("AccountId") ?? AccountFrom(job.SourceBackupVaultArn, job.SourceRecoveryPointArn);
            return job;
        }

        /// <summary>DescribeRecoveryPoint and RecoveryPointByBackupVault share these members.</summary>
        private RecoveryPoint ReadRecoveryPoint(JsonElement e)
        {
            var point = new RecoveryPoint
            {
                RecoveryPointArn = e.Str("RecoveryPointArn") ?? string.Empty,
                BackupVaultName = e.Str("BackupVaultName"),
                BackupVaultArn = e.Str("BackupVaultArn"),
                SourceBackupVaultArn = e.Str("SourceBackupVaultArn"),
                ResourceArn = e.Str("ResourceArn"),
                ResourceType = e.Str("ResourceType"),
                ResourceName = e.Str("ResourceName"),
                IamRoleArn = e.Str("IamRoleArn"),
                Status = e.Str("Status"),
                StatusMessage = e.Str("StatusMessage"),
                CreationDate = e.Date("CreationDate"),
                CompletionDate = e.Date("CompletionDate"),
                BackupSizeInBytes = e.Long("BackupSizeInBytes"),
                Lifecycle = ReadLifecycle(e, "Lifecycle"),
                EncryptionKeyArn = e.Str("EncryptionKeyArn"),
                IsEncrypted = e.Bool("IsEncrypted"),
                StorageClass = e.Str("StorageClass"),
                Region = Context.Region,
            };

            if (e.TryGet("CalculatedLifecycle", out var calc))
            {
                point.MoveToColdStorageAt = calc.Date("MoveToColdStorageAt");
                point.DeleteAt = calc.Date("DeleteAt");
            }

            if (e.TryGet("CreatedBy", out var createdBy))
            {
                point.BackupPlanId = createdBy.Str("BackupPlanId");
            }

            point.AccountId = AccountFrom(point.BackupVaultArn, point.RecoveryPointArn, point.ResourceArn);
            return point;
        }

        /// <summary>RecoveryPointByResource: fewer members, and the size is 'BackupSizeBytes'.</summary>
        private RecoveryPoint ReadRecoveryPointByResource(JsonElement e, string resourceArn)
        {
            var point = new RecoveryPoint
            {
                RecoveryPointArn = e.Str("RecoveryPointArn") ?? string.Empty,
                ResourceArn = resourceArn,
                BackupVaultName = e.Str("BackupVaultName"),
                ResourceName = e.Str("ResourceName"),
                CreationDate = e.Date("CreationDate"),
                Status = e.Str("Status"),
                StatusMessage = e.Str("StatusMessage"),
                EncryptionKeyArn = e.Str("EncryptionKeyArn"),
                BackupSizeInBytes = e.Long("BackupSizeBytes"),
                Region = Context.Region,
            };
            point.AccountId = AccountFrom(point.RecoveryPointArn, resourceArn);
            return point;
        }

        private BackupVault ReadBackupVault(JsonElement e) => new BackupVault
        {
            BackupVaultName = e.Str("BackupVaultName") ?? string.Empty,
            BackupVaultArn = e.Str("BackupVaultArn"),
            CreationDate = e.Date("CreationDate"),
            EncryptionKeyArn = e.Str("EncryptionKeyArn"),
            NumberOfRecoveryPoints = e.Long("NumberOfRecoveryPoints"),
            VaultType = e.Str("VaultType"),
            Locked = e.Bool("Locked"),
            CreatorRequestId = e.Str("CreatorRequestId"),
            Region = Context.Region,
        };

        /// <summary>The top-level plan members GetBackupPlan and BackupPlansListMember share.</summary>
        private BackupPlan ReadPlanSummary(JsonElement e) => new BackupPlan
        {
            BackupPlanName = e.Str("BackupPlanName") ?? string.Empty,
            BackupPlanId = e.Str("BackupPlanId"),
            BackupPlanArn = e.Str("BackupPlanArn"),
            VersionId = e.Str("VersionId"),
            CreationDate = e.Date("CreationDate"),
            LastExecutionDate = e.Date("LastExecutionDate"),
            Region = Context.Region,
        };

        private static BackupRule ReadRule(JsonElement e)
        {
            var rule = new BackupRule
            {
                RuleName = e.Str("RuleName") ?? string.Empty,
                TargetBackupVaultName = e.Str("TargetBackupVaultName") ?? string.Empty,
                ScheduleExpression = e.Str("ScheduleExpression"),
                StartWindowMinutes = e.Long("StartWindowMinutes"),
                CompletionWindowMinutes = e.Long("CompletionWindowMinutes"),
                Lifecycle = ReadLifecycle(e, "Lifecycle"),
                EnableContinuousBackup = e.Bool("EnableContinuousBackup"),
                RuleId = e.Str("RuleId"),
            };

            if (e.TryGet("RecoveryPointTags", out _))
            {
                rule.RecoveryPointTags = e.StrMap("RecoveryPointTags").ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            }

            if (e.TryGet("CopyActions", out _))
            {
                rule.CopyActions = e.Items("CopyActions")
                    .Select(c => new CopyAction
                    {
                        DestinationBackupVaultArn = c.Str("DestinationBackupVaultArn") ?? string.Empty,
                        Lifecycle = ReadLifecycle(c, "Lifecycle"),
                    })
                    .ToList();
            }

            return rule;
        }

        private static Lifecycle? ReadLifecycle(JsonElement e, string name)
        {
            if (!e.TryGet(name, out var l) || l.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new Lifecycle
            {
                MoveToColdStorageAfterDays = l.Long("MoveToColdStorageAfterDays"),
                DeleteAfterDays = l.Long("DeleteAfterDays"),
                OptInToArchiveForSupportedResources = l.Bool("OptInToArchiveForSupportedResources"),
            };
        }

        // ---------------------------------------------------------------- writers

        private static void WriteLifecycle(JsonBody body, string name, Lifecycle? lifecycle)
        {
            if (lifecycle == null)
            {
                return;
            }

            body.Object(name, b => b
                .Number("MoveToColdStorageAfterDays", lifecycle.MoveToColdStorageAfterDays)
                .Number("DeleteAfterDays", lifecycle.DeleteAfterDays)
                .Bool("OptInToArchiveForSupportedResources", lifecycle.OptInToArchiveForSupportedResources));
        }

        private static void WriteStrings(JsonBody body, string name, IReadOnlyCollection<string>? values)
        {
            if (values == null || values.Count == 0)
            {
                return;
            }

            body.Writer.WriteStartArray(name);
            foreach (var v in values)
            {
                body.Writer.WriteStringValue(v);
            }

            body.Writer.WriteEndArray();
        }

        /// <summary>BackupPlanInput: name plus BackupRuleInput items (no RuleId: the service assigns it).</summary>
        private static void WritePlanInput(JsonBody body, BackupPlan plan)
        {
            body.String("BackupPlanName", plan.BackupPlanName);
            body.Writer.WriteStartArray("Rules");
            foreach (var rule in plan.Rules)
            {
                body.Writer.WriteStartObject();
                body.String("RuleName", rule.RuleName)
                    .String("TargetBackupVaultName", rule.TargetBackupVaultName)
                    .String("ScheduleExpression", rule.ScheduleExpression)
                    .Number("StartWindowMinutes", rule.StartWindowMinutes)
                    .Number("CompletionWindowMinutes", rule.CompletionWindowMinutes);
                WriteLifecycle(body, "Lifecycle", rule.Lifecycle);
                body.Map("RecoveryPointTags", rule.RecoveryPointTags);
                if (rule.CopyActions != null && rule.CopyActions.Count > 0)
                {
                    body.Writer.WriteStartArray("CopyActions");
                    foreach (var copy in rule.CopyActions)
                    {
                        body.Writer.WriteStartObject();
                        WriteLifecycle(body, "Lifecycle", copy.Lifecycle);
                        body.String("DestinationBackupVaultArn", copy.DestinationBackupVaultArn);
                        body.Writer.WriteEndObject();
                    }

                    body.Writer.WriteEndArray();
                }

                body.Bool("EnableContinuousBackup", rule.EnableContinuousBackup);
                body.Writer.WriteEndObject();
            }

            body.Writer.WriteEndArray();
        }

        /// <summary>A copy for the answer, so the caller's plan object is never changed behind its back.</summary>
        private BackupPlan CopyPlan(BackupPlan plan) => new BackupPlan
        {
            BackupPlanName = plan.BackupPlanName,
            Rules = plan.Rules.ToList(),
            Region = Context.Region,
        };
    }
}
