using System.Net;
using System.Text.Json;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Tests.Backup;

/// <summary>Backup, restore and copy jobs: what goes on the wire and how answers are read.</summary>
public sealed class BackupClientJobWireTests : BackupWireTestBase
{
    private const string JobId = "7E6D5C4B-3A29-1807-F6E5-D4C3B2A19087";

    private static string FullBackupJob(string id = JobId, string state = "RUNNING") => $$"""
        {
          "AccountId": "123456789012",
          "BackupJobId": "{{id}}",
          "BackupVaultName": "Default",
          "BackupVaultArn": "{{VaultArn}}",
          "VaultType": "BACKUP_VAULT",
          "RecoveryPointArn": "{{SnapshotPointArn}}",
          "RecoveryPointLifecycle": { "MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 120, "OptInToArchiveForSupportedResources": false },
          "EncryptionKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          "IsEncrypted": true,
          "ResourceArn": "{{VolumeArn}}",
          "CreationDate": 1732190400.5,
          "CompletionDate": 1732194000.25,
          "State": "{{state}}",
          "StatusMessage": "Backup job is running",
          "PercentDone": "12.0",
          "BackupSizeInBytes": 8589934592,
          "IamRoleArn": "{{RoleArn}}",
          "CreatedBy": { "BackupPlanId": "plan-1", "BackupRuleId": "rule-1" },
          "ExpectedCompletionDate": 1732197600,
          "StartBy": 1732219200,
          "ResourceType": "EBS",
          "BytesTransferred": 1073741824,
          "BackupOptions": {},
          "BackupType": "FULL",
          "ParentJobId": "parent-9",
          "IsParent": false,
          "ResourceName": "orders-data",
          "InitiationDate": 1732190399,
          "MessageCategory": "SUCCESS"
        }
        """;

    [Fact]
    public async Task StartBackupJob_puts_body_members_and_generates_an_idempotency_token()
    {
        Ok($$"""{"BackupJobId":"{{JobId}}","RecoveryPointArn":"{{SnapshotPointArn}}","CreationDate":1732190400.5,"IsParent":false}""");

        var job = await Client.StartBackupJobAsync(
            new StartBackupJobRequest
            {
                BackupVaultName = "Default",
                ResourceArn = VolumeArn,
                IamRoleArn = RoleArn,
                StartWindowMinutes = 60,
                CompleteWindowMinutes = 10080,
                Lifecycle = new Lifecycle { MoveToColdStorageAfterDays = 30, DeleteAfterDays = 120 },
                RecoveryPointTags = new Dictionary<string, string> { ["dr:tier"] = "Gold" },
                BackupOptions = new Dictionary<string, string> { ["WindowsVSS"] = "enabled" },
            },
            CancellationToken.None);

        var r = Last;
        Assert.Equal(HttpMethod.Put, r.Method);
        Assert.Equal("/backup-jobs", RawPath(r));
        AssertNoQuery(r);
        AssertSigned(r);
        AssertJsonContent(r);
        var body = Body(r);
        Assert.Equal("Default", body.GetProperty("BackupVaultName").GetString());
        Assert.Equal(VolumeArn, body.GetProperty("ResourceArn").GetString());
        Assert.Equal(RoleArn, body.GetProperty("IamRoleArn").GetString());
        Assert.Equal(60, body.GetProperty("StartWindowMinutes").GetInt64());
        Assert.Equal(10080, body.GetProperty("CompleteWindowMinutes").GetInt64());
        Assert.Equal(30, body.GetProperty("Lifecycle").GetProperty("MoveToColdStorageAfterDays").GetInt64());
        Assert.Equal(120, body.GetProperty("Lifecycle").GetProperty("DeleteAfterDays").GetInt64());
        Assert.False(body.GetProperty("Lifecycle").TryGetProperty("OptInToArchiveForSupportedResources", out _));
        Assert.Equal("Gold", body.GetProperty("RecoveryPointTags").GetProperty("dr:tier").GetString());
        Assert.Equal("enabled", body.GetProperty("BackupOptions").GetProperty("WindowsVSS").GetString());
        Assert.True(Guid.TryParse(body.GetProperty("IdempotencyToken").GetString(), out _));

        Assert.Equal(JobId, job.BackupJobId);
        Assert.Equal(JobId, job.JobId);
        Assert.Equal(SnapshotPointArn, job.RecoveryPointArn);
        Assert.Equal(NoonishUtc, job.CreationDate);
        Assert.Equal(DateTimeKind.Utc, job.CreationDate!.Value.Kind);
        Assert.Equal("us-east-1", job.Region);
        Assert.Equal(Account, job.AccountId);
        Assert.Equal("Default", job.BackupVaultName);
        Assert.Equal(VolumeArn, job.ResourceArn);
        Assert.False(job.IsParent);
    }

    [Fact]
    public async Task StartBackupJob_keeps_the_callers_token_and_omits_unset_members()
    {
        Ok($$"""{"BackupJobId":"{{JobId}}"}""");

        await Client.StartBackupJobAsync(
            new StartBackupJobRequest { BackupVaultName = "Default", ResourceArn = VolumeArn, IamRoleArn = RoleArn, IdempotencyToken = "nightly-2024-11-21-vol-0abc" },
            CancellationToken.None);

        var body = Body(Last);
        Assert.Equal("nightly-2024-11-21-vol-0abc", body.GetProperty("IdempotencyToken").GetString());
        var names = body.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "BackupVaultName", "IamRoleArn", "IdempotencyToken", "ResourceArn" }, names);
    }

    [Fact]
    public async Task StartBackupJob_retried_by_the_transport_sends_the_same_generated_token()
    {
        Stub.Respond(HttpStatusCode.BadRequest, """{"__type":"ThrottlingException","message":"Rate exceeded"}""");
        Ok($$"""{"BackupJobId":"{{JobId}}"}""");

        var job = await Client.StartBackupJobAsync(new StartBackupJobRequest { BackupVaultName = "Default", ResourceArn = VolumeArn, IamRoleArn = RoleArn }, CancellationToken.None);

        Assert.Equal(2, Stub.Requests.Count);
        var first = Body(Stub.Requests[0]).GetProperty("IdempotencyToken").GetString();
        var second = Body(Stub.Requests[1]).GetProperty("IdempotencyToken").GetString();
        Assert.False(string.IsNullOrEmpty(first));
        Assert.Equal(first, second);
        Assert.Equal(JobId, job.BackupJobId);
    }

    [Fact]
    public async Task Two_starts_without_a_token_get_different_tokens()
    {
        Ok($$"""{"BackupJobId":"a"}""");
        Ok($$"""{"BackupJobId":"b"}""");
        var request = new StartBackupJobRequest { BackupVaultName = "Default", ResourceArn = VolumeArn, IamRoleArn = RoleArn };

        await Client.StartBackupJobAsync(request, CancellationToken.None);
        await Client.StartBackupJobAsync(request, CancellationToken.None);

        Assert.NotEqual(Body(Stub.Requests[0]).GetProperty("IdempotencyToken").GetString(), Body(Stub.Requests[1]).GetProperty("IdempotencyToken").GetString());
        Assert.Null(request.IdempotencyToken);
    }

    [Theory]
    [InlineData("", "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "role")]
    [InlineData("Default", " ", "role")]
    [InlineData("Default", "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "")]
    public async Task StartBackupJob_refuses_missing_required_members_before_sending(string vault, string resource, string role)
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Client.StartBackupJobAsync(new StartBackupJobRequest { BackupVaultName = vault, ResourceArn = resource, IamRoleArn = role }, CancellationToken.None));
        Assert.Empty(Stub.Requests);
    }

    [Fact]
    public async Task DescribeBackupJob_reads_every_member()
    {
        Ok(FullBackupJob(), new Dictionary<string, string> { ["x-amzn-RequestId"] = "req-1" });

        var job = await Client.DescribeBackupJobAsync(JobId, CancellationToken.None);

        var r = Last;
        Assert.Equal(HttpMethod.Get, r.Method);
        Assert.Equal("/backup-jobs/" + JobId, RawPath(r));
        Assert.Empty(r.Body);
        AssertSigned(r);

        Assert.Equal(JobId, job.BackupJobId);
        Assert.Equal(DrJobType.Backup, job.JobType);
        Assert.Equal(Account, job.AccountId);
        Assert.Equal("us-east-1", job.Region);
        Assert.Equal("Default", job.BackupVaultName);
        Assert.Equal(VaultArn, job.BackupVaultArn);
        Assert.Equal(SnapshotPointArn, job.RecoveryPointArn);
        Assert.Equal(30, job.RecoveryPointLifecycle!.MoveToColdStorageAfterDays);
        Assert.Equal(120, job.RecoveryPointLifecycle.DeleteAfterDays);
        Assert.False(job.RecoveryPointLifecycle.OptInToArchiveForSupportedResources);
        Assert.True(job.IsEncrypted);
        Assert.StartsWith("arn:aws:kms:", job.EncryptionKeyArn);
        Assert.Equal(VolumeArn, job.ResourceArn);
        Assert.Equal("EBS", job.ResourceType);
        Assert.Equal("orders-data", job.ResourceName);
        Assert.Equal(NoonishUtc, job.CreationDate);
        Assert.Equal(new DateTime(2024, 11, 21, 13, 0, 0, 250, DateTimeKind.Utc), job.CompletionDate);
        Assert.Equal(new DateTime(2024, 11, 21, 14, 0, 0, DateTimeKind.Utc), job.ExpectedCompletionDate);
        Assert.Equal(new DateTime(2024, 11, 21, 20, 0, 0, DateTimeKind.Utc), job.StartBy);
        Assert.Equal(new DateTime(2024, 11, 21, 11, 59, 59, DateTimeKind.Utc), job.InitiationDate);
        Assert.Equal("RUNNING", job.State);
        Assert.Equal("Backup job is running", job.StatusMessage);
        Assert.Equal(12.0, job.PercentDone);
        Assert.Equal(8589934592L, job.BackupSizeInBytes);
        Assert.Equal(1073741824L, job.BytesTransferred);
        Assert.Equal(RoleArn, job.IamRoleArn);
        Assert.Equal("FULL", job.BackupType);
        Assert.Equal("parent-9", job.ParentJobId);
        Assert.False(job.IsParent);
        Assert.Equal("SUCCESS", job.MessageCategory);
        Assert.False(job.IsTerminal);
    }

    [Fact]
    public async Task DescribeBackupJob_parses_percent_in_invariant_culture_whatever_the_thread_culture()
    {
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            Ok($$"""{"BackupJobId":"{{JobId}}","State":"COMPLETED","PercentDone":"99.5","MessageCategory":"AccessDenied"}""");
            var job = await Client.DescribeBackupJobAsync(JobId, CancellationToken.None);
            Assert.Equal(99.5, job.PercentDone);
            Assert.True(job.CompletedWithIssues);
            Assert.Equal(JobStates.CompletedWithIssues, job.Status);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public async Task DescribeBackupJob_with_only_the_id_leaves_optional_members_null_and_takes_account_from_the_vault_arn()
    {
        Ok($$"""{"BackupJobId":"{{JobId}}","State":"CREATED","BackupVaultArn":"arn:aws:backup:eu-west-1:210987654321:backup-vault:dr"}""");

        var job = await Client.DescribeBackupJobAsync(JobId, CancellationToken.None);

        Assert.Equal("CREATED", job.State);
        Assert.Equal("210987654321", job.AccountId);
        Assert.Null(job.PercentDone);
        Assert.Null(job.CreationDate);
        Assert.Null(job.CompletionDate);
        Assert.Null(job.BackupSizeInBytes);
        Assert.Null(job.RecoveryPointLifecycle);
        Assert.Null(job.MessageCategory);
        Assert.Null(job.IsEncrypted);
    }

    [Fact]
    public async Task DescribeBackupJob_encodes_the_id_and_refuses_an_empty_one()
    {
        Ok($$"""{"BackupJobId":"a/b c"}""");
        await Client.DescribeBackupJobAsync("a/b c", CancellationToken.None);
        Assert.Equal("/backup-jobs/a%2Fb%20c", RawPath(Last));

        await Assert.ThrowsAsync<ArgumentException>(() => Client.DescribeBackupJobAsync("", CancellationToken.None));
        Assert.Single(Stub.Requests);
    }

    [Fact]
    public async Task ListBackupJobs_sends_every_filter_as_its_query_parameter()
    {
        Ok("""{"BackupJobs":[]}""");
        var filter = new BackupJobFilter
        {
            ResourceArn = VolumeArn,
            State = "COMPLETED",
            BackupVaultName = "Default",
            CreatedAfter = new DateTime(2024, 11, 1, 0, 0, 0, DateTimeKind.Utc),
            CreatedBefore = new DateTime(2024, 11, 21, 23, 59, 59, 999, DateTimeKind.Utc),
            ResourceType = "EBS",
            AccountId = Account,
            CompleteAfter = new DateTime(2024, 11, 2, 6, 30, 0, DateTimeKind.Utc),
            CompleteBefore = new DateTime(2024, 11, 20, 18, 0, 0, DateTimeKind.Utc),
            ParentJobId = "parent-9",
            MessageCategory = "SUCCESS",
            MaxResults = 250,
        };

        var jobs = await Client.ListBackupJobsAsync(filter, CancellationToken.None).ToListAsync();

        Assert.Empty(jobs);
        var r = Assert.Single(Stub.Requests);
        Assert.Equal(HttpMethod.Get, r.Method);
        Assert.Equal("/backup-jobs/", RawPath(r));
        AssertSigned(r);
        var q = r.QueryPairs.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(12, q.Count);
        Assert.Equal(VolumeArn, q["resourceArn"]);
        Assert.Equal("COMPLETED", q["state"]);
        Assert.Equal("Default", q["backupVaultName"]);
        Assert.Equal("2024-11-01T00:00:00.000Z", q["createdAfter"]);
        Assert.Equal("2024-11-21T23:59:59.999Z", q["createdBefore"]);
        Assert.Equal("EBS", q["resourceType"]);
        Assert.Equal(Account, q["accountId"]);
        Assert.Equal("2024-11-02T06:30:00.000Z", q["completeAfter"]);
        Assert.Equal("2024-11-20T18:00:00.000Z", q["completeBefore"]);
        Assert.Equal("parent-9", q["parentJobId"]);
        Assert.Equal("SUCCESS", q["messageCategory"]);
        Assert.Equal("250", q["maxResults"]);
        Assert.DoesNotContain("nextToken", q.Keys);

        // The ARN's ':' and '/' are percent-encoded in the query string on the wire.
        Assert.Contains("resourceArn=arn%3Aaws%3Aec2%3Aus-east-1%3A123456789012%3Avolume%2Fvol-0abc1234def567890", r.Uri.OriginalString);
    }

    [Fact]
    public async Task ListBackupJobs_converts_local_filter_times_to_utc()
    {
        Ok("""{"BackupJobs":[]}""");
        var local = new DateTime(2024, 11, 21, 12, 0, 0, DateTimeKind.Local);

        await Client.ListBackupJobsAsync(new BackupJobFilter { CreatedAfter = local }, CancellationToken.None).ToListAsync();

        Assert.Equal(AwsEncoding.ToIso8601(local.ToUniversalTime()), Last.QueryValue("createdAfter"));
        Assert.EndsWith("Z", Last.QueryValue("createdAfter"));
    }

    [Fact]
    public async Task ListBackupJobs_without_filters_sends_no_query()
    {
        Ok($$"""{"BackupJobs":[{{FullBackupJob()}}]}""");

        var jobs = await Client.ListBackupJobsAsync(new BackupJobFilter(), CancellationToken.None).ToListAsync();

        AssertNoQuery(Last);
        var job = Assert.Single(jobs);
        Assert.Equal(JobId, job.BackupJobId);
        Assert.Equal(12.0, job.PercentDone);
        Assert.Equal("us-east-1", job.Region);
        Assert.Equal("SUCCESS", job.MessageCategory);
    }

    [Fact]
    public async Task StopBackupJob_posts_to_the_job_path_without_a_body()
    {
        Ok("{}");

        await Client.StopBackupJobAsync(JobId, CancellationToken.None);

        var r = Last;
        Assert.Equal(HttpMethod.Post, r.Method);
        Assert.Equal("/backup-jobs/" + JobId, RawPath(r));
        Assert.Empty(r.Body);
        AssertSigned(r);
        await Assert.ThrowsAsync<ArgumentException>(() => Client.StopBackupJobAsync(" ", CancellationToken.None));
        Assert.Single(Stub.Requests);
    }

    // ------------------------------------------------------------------ restore jobs

    private const string RestoreId = "44A1D8B2-7D1C-4E5F-9A0B-1C2D3E4F5A6B";

    private static string FullRestoreJob(string id = RestoreId, string status = "COMPLETED", string source = VolumeArn) => $$"""
        {
          "AccountId": "123456789012",
          "RestoreJobId": "{{id}}",
          "RecoveryPointArn": "{{SnapshotPointArn}}",
          "SourceResourceArn": "{{source}}",
          "BackupVaultArn": "{{VaultArn}}",
          "CreationDate": 1732190400.5,
          "CompletionDate": 1732194000.25,
          "Status": "{{status}}",
          "StatusMessage": "Restore completed",
          "PercentDone": "100.00%",
          "BackupSizeInBytes": 8589934592,
          "IamRoleArn": "{{RoleArn}}",
          "ExpectedCompletionTimeMinutes": 42,
          "CreatedResourceArn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-0restored000000001",
          "ResourceType": "EBS",
          "RecoveryPointCreationDate": 1732100000,
          "ValidationStatus": "SUCCESSFUL",
          "IsParent": false
        }
        """;

    [Fact]
    public async Task StartRestoreJob_puts_metadata_and_a_token()
    {
        Ok($$"""{"RestoreJobId":"{{RestoreId}}"}""");

        var job = await Client.StartRestoreJobAsync(
            new StartRestoreJobRequest
            {
                RecoveryPointArn = SnapshotPointArn,
                Metadata = new Dictionary<string, string> { ["availabilityZone"] = "us-east-1a", ["volumeType"] = "gp3", ["encrypted"] = "true" },
                IamRoleArn = RoleArn,
                ResourceType = "EBS",
                CopySourceTagsToRestoredResource = true,
            },
            CancellationToken.None);

        var r = Last;
        Assert.Equal(HttpMethod.Put, r.Method);
        Assert.Equal("/restore-jobs", RawPath(r));
        AssertSigned(r);
        AssertJsonContent(r);
        var body = Body(r);
        Assert.Equal(SnapshotPointArn, body.GetProperty("RecoveryPointArn").GetString());
        Assert.Equal("us-east-1a", body.GetProperty("Metadata").GetProperty("availabilityZone").GetString());
        Assert.Equal("gp3", body.GetProperty("Metadata").GetProperty("volumeType").GetString());
        Assert.Equal(RoleArn, body.GetProperty("IamRoleArn").GetString());
        Assert.Equal("EBS", body.GetProperty("ResourceType").GetString());
        Assert.True(body.GetProperty("CopySourceTagsToRestoredResource").GetBoolean());
        Assert.True(Guid.TryParse(body.GetProperty("IdempotencyToken").GetString(), out _));

        Assert.Equal(RestoreId, job.RestoreJobId);
        Assert.Equal(DrJobType.Restore, job.JobType);
        Assert.Equal(SnapshotPointArn, job.RecoveryPointArn);
        Assert.Equal("us-east-1", job.Region);
    }

    [Fact]
    public async Task StartRestoreJob_sends_an_empty_metadata_map_because_the_member_is_required()
    {
        Ok($$"""{"RestoreJobId":"{{RestoreId}}"}""");

        await Client.StartRestoreJobAsync(new StartRestoreJobRequest { RecoveryPointArn = SnapshotPointArn, IdempotencyToken = "t-1" }, CancellationToken.None);

        var body = Body(Last);
        Assert.Equal(JsonValueKind.Object, body.GetProperty("Metadata").ValueKind);
        Assert.Empty(body.GetProperty("Metadata").EnumerateObject());
        Assert.Equal("t-1", body.GetProperty("IdempotencyToken").GetString());
        Assert.False(body.TryGetProperty("IamRoleArn", out _));
        Assert.False(body.TryGetProperty("CopySourceTagsToRestoredResource", out _));
    }

    [Fact]
    public async Task DescribeRestoreJob_maps_status_source_arn_and_created_resource()
    {
        Ok(FullRestoreJob(status: "RUNNING").Replace("\"100.00%\"", "\"37.5\""));

        var job = await Client.DescribeRestoreJobAsync(RestoreId, CancellationToken.None);

        var r = Last;
        Assert.Equal(HttpMethod.Get, r.Method);
        Assert.Equal("/restore-jobs/" + RestoreId, RawPath(r));
        AssertSigned(r);

        Assert.Equal(RestoreId, job.RestoreJobId);
        Assert.Equal(Account, job.AccountId);
        Assert.Equal("us-east-1", job.Region);
        Assert.Equal("RUNNING", job.State);
        Assert.Equal("Restore completed", job.StatusMessage);
        Assert.Equal(37.5, job.PercentDone);
        Assert.Equal(SnapshotPointArn, job.RecoveryPointArn);
        Assert.Equal(VolumeArn, job.ResourceArn);
        Assert.Equal("arn:aws:ec2:us-east-1:123456789012:volume/vol-0restored000000001", job.CreatedResourceArn);
        Assert.Equal(42, job.ExpectedCompletionTimeMinutes);
        Assert.Equal(8589934592L, job.BackupSizeInBytes);
        Assert.Equal("EBS", job.ResourceType);
        Assert.Equal(RoleArn, job.IamRoleArn);
        Assert.Equal(NoonishUtc, job.CreationDate);
        Assert.Equal(new DateTime(2024, 11, 21, 13, 0, 0, 250, DateTimeKind.Utc), job.CompletionDate);
        Assert.Equal(AwsEncoding.FromEpochSeconds(1732100000), job.RecoveryPointCreationDate);
    }

    [Fact]
    public async Task DescribeRestoreJob_leaves_an_unparsable_percent_null()
    {
        Ok(FullRestoreJob());
        var job = await Client.DescribeRestoreJobAsync(RestoreId, CancellationToken.None);
        Assert.Null(job.PercentDone);
        Assert.Equal("COMPLETED", job.State);
        Assert.True(job.Succeeded);
    }

    [Fact]
    public async Task ListRestoreJobs_sends_its_filters_with_the_restore_wire_names()
    {
        Ok("""{"RestoreJobs":[]}""");
        var filter = new JobListFilter
        {
            State = "FAILED",
            ResourceType = "RDS",
            AccountId = Account,
            CreatedAfter = new DateTime(2024, 11, 1, 0, 0, 0, DateTimeKind.Utc),
            CreatedBefore = new DateTime(2024, 11, 2, 0, 0, 0, DateTimeKind.Utc),
            CompleteAfter = new DateTime(2024, 11, 3, 0, 0, 0, DateTimeKind.Utc),
            CompleteBefore = new DateTime(2024, 11, 4, 0, 0, 0, DateTimeKind.Utc),
            MaxResults = 5,
        };

        await Client.ListRestoreJobsAsync(filter, CancellationToken.None).ToListAsync();

        var r = Last;
        Assert.Equal("/restore-jobs/", RawPath(r));
        var q = r.QueryPairs.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(8, q.Count);
        Assert.Equal("FAILED", q["status"]);
        Assert.DoesNotContain("state", q.Keys);
        Assert.Equal("RDS", q["resourceType"]);
        Assert.Equal(Account, q["accountId"]);
        Assert.Equal("2024-11-01T00:00:00.000Z", q["createdAfter"]);
        Assert.Equal("2024-11-02T00:00:00.000Z", q["createdBefore"]);
        Assert.Equal("2024-11-03T00:00:00.000Z", q["completeAfter"]);
        Assert.Equal("2024-11-04T00:00:00.000Z", q["completeBefore"]);
        Assert.Equal("5", q["maxResults"]);
    }

    [Fact]
    public async Task ListRestoreJobs_filters_by_resource_arn_on_the_client_because_the_api_has_no_such_filter()
    {
        Ok($$"""{"RestoreJobs":[{{FullRestoreJob("r-1", source: VolumeArn)}},{{FullRestoreJob("r-2", source: DbArn)}},{{FullRestoreJob("r-3", source: VolumeArn)}}]}""");

        var jobs = await Client.ListRestoreJobsAsync(new JobListFilter { ResourceArn = VolumeArn }, CancellationToken.None).ToListAsync();

        Assert.Equal(new[] { "r-1", "r-3" }, jobs.Select(j => j.RestoreJobId));
        Assert.DoesNotContain(Last.QueryPairs, kv => kv.Key == "resourceArn");
    }

    [Fact]
    public void ListRestoreJobs_refuses_a_destination_vault_filter()
    {
        Assert.Throws<ArgumentException>(() => Client.ListRestoreJobsAsync(new JobListFilter { DestinationVaultArn = VaultArn }, CancellationToken.None));
        Assert.Empty(Stub.Requests);
    }

    // ------------------------------------------------------------------ copy jobs

    private const string CopyId = "C0FFEE00-1111-2222-3333-444455556666";
    private const string DrVaultArn = "arn:aws:backup:us-west-2:123456789012:backup-vault:dr-west";

    private static string FullCopyJob(string id = CopyId) => $$"""
        {
          "AccountId": "123456789012",
          "CopyJobId": "{{id}}",
          "SourceBackupVaultArn": "{{VaultArn}}",
          "SourceRecoveryPointArn": "{{SnapshotPointArn}}",
          "DestinationBackupVaultArn": "{{DrVaultArn}}",
          "DestinationRecoveryPointArn": "arn:aws:ec2:us-west-2::snapshot/snap-0fedcba9876543210",
          "ResourceArn": "{{VolumeArn}}",
          "CreationDate": 1732190400.5,
          "CompletionDate": 1732194000.25,
          "State": "COMPLETED",
          "StatusMessage": "Copy completed",
          "BackupSizeInBytes": 4294967296,
          "IamRoleArn": "{{RoleArn}}",
          "CreatedBy": { "BackupPlanId": "plan-1" },
          "ResourceType": "EBS",
          "ParentJobId": "copy-parent",
          "IsParent": false,
          "MessageCategory": "SUCCESS"
        }
        """;

    [Fact]
    public async Task StartCopyJob_puts_body_members()
    {
        Ok($$"""{"CopyJobId":"{{CopyId}}","CreationDate":1732190400.5,"IsParent":false}""");

        var job = await Client.StartCopyJobAsync(
            new StartCopyJobRequest
            {
                RecoveryPointArn = SnapshotPointArn,
                SourceBackupVaultName = "Default",
                DestinationBackupVaultArn = DrVaultArn,
                IamRoleArn = RoleArn,
                Lifecycle = new Lifecycle { DeleteAfterDays = 35 },
            },
            CancellationToken.None);

        var r = Last;
        Assert.Equal(HttpMethod.Put, r.Method);
        Assert.Equal("/copy-jobs", RawPath(r));
        AssertSigned(r);
        AssertJsonContent(r);
        var body = Body(r);
        Assert.Equal(SnapshotPointArn, body.GetProperty("RecoveryPointArn").GetString());
        Assert.Equal("Default", body.GetProperty("SourceBackupVaultName").GetString());
        Assert.Equal(DrVaultArn, body.GetProperty("DestinationBackupVaultArn").GetString());
        Assert.Equal(RoleArn, body.GetProperty("IamRoleArn").GetString());
        Assert.Equal(35, body.GetProperty("Lifecycle").GetProperty("DeleteAfterDays").GetInt64());
        Assert.False(body.GetProperty("Lifecycle").TryGetProperty("MoveToColdStorageAfterDays", out _));
        Assert.True(Guid.TryParse(body.GetProperty("IdempotencyToken").GetString(), out _));

        Assert.Equal(CopyId, job.CopyJobId);
        Assert.Equal(NoonishUtc, job.CreationDate);
        Assert.Equal("us-west-2", job.DestinationRegion);
        Assert.Equal("us-east-1", job.Region);
        Assert.Equal(Account, job.AccountId);
    }

    [Fact]
    public async Task DescribeCopyJob_unwraps_the_CopyJob_member()
    {
        Ok($$"""{"CopyJob":{{FullCopyJob()}}}""");

        var job = await Client.DescribeCopyJobAsync(CopyId, CancellationToken.None);

        Assert.Equal(HttpMethod.Get, Last.Method);
        Assert.Equal("/copy-jobs/" + CopyId, RawPath(Last));
        AssertSigned(Last);
        Assert.Equal(CopyId, job.CopyJobId);
        Assert.Equal(DrJobType.Copy, job.JobType);
        Assert.Equal(Account, job.AccountId);
        Assert.Equal("us-east-1", job.Region);
        Assert.Equal(VaultArn, job.SourceBackupVaultArn);
        Assert.Equal(SnapshotPointArn, job.SourceRecoveryPointArn);
        Assert.Equal(DrVaultArn, job.DestinationBackupVaultArn);
        Assert.Equal("arn:aws:ec2:us-west-2::snapshot/snap-0fedcba9876543210", job.DestinationRecoveryPointArn);
        Assert.Equal(VolumeArn, job.ResourceArn);
        Assert.Equal("EBS", job.ResourceType);
        Assert.Equal("COMPLETED", job.State);
        Assert.Equal("Copy completed", job.StatusMessage);
        Assert.Equal("SUCCESS", job.MessageCategory);
        Assert.Equal(4294967296L, job.BackupSizeInBytes);
        Assert.Equal(RoleArn, job.IamRoleArn);
        Assert.Equal("copy-parent", job.ParentJobId);
        Assert.Equal(NoonishUtc, job.CreationDate);
        Assert.Equal(new DateTime(2024, 11, 21, 13, 0, 0, 250, DateTimeKind.Utc), job.CompletionDate);
        Assert.Equal("us-west-2", job.DestinationRegion);
        Assert.False(job.CompletedWithIssues);
    }

    [Fact]
    public async Task DescribeCopyJob_without_a_CopyJob_member_is_an_error_not_an_empty_job()
    {
        Ok("{}");
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => Client.DescribeCopyJobAsync(CopyId, CancellationToken.None));
        Assert.Equal("MalformedResponse", ex.ErrorCode);
    }

    [Fact]
    public async Task ListCopyJobs_sends_every_filter_including_the_destination_vault()
    {
        Ok($$"""{"CopyJobs":[{{FullCopyJob()}}]}""");
        var filter = new JobListFilter
        {
            State = "RUNNING",
            ResourceArn = VolumeArn,
            ResourceType = "EBS",
            AccountId = Account,
            CreatedAfter = new DateTime(2024, 11, 1, 0, 0, 0, DateTimeKind.Utc),
            CreatedBefore = new DateTime(2024, 11, 2, 0, 0, 0, DateTimeKind.Utc),
            CompleteAfter = new DateTime(2024, 11, 3, 0, 0, 0, DateTimeKind.Utc),
            CompleteBefore = new DateTime(2024, 11, 4, 0, 0, 0, DateTimeKind.Utc),
            DestinationVaultArn = DrVaultArn,
            MaxResults = 1000,
        };

        var jobs = await Client.ListCopyJobsAsync(filter, CancellationToken.None).ToListAsync();

        var r = Last;
        Assert.Equal(HttpMethod.Get, r.Method);
        Assert.Equal("/copy-jobs/", RawPath(r));
        AssertSigned(r);
        var q = r.QueryPairs.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(10, q.Count);
        Assert.Equal("RUNNING", q["state"]);
        Assert.Equal(VolumeArn, q["resourceArn"]);
        Assert.Equal("EBS", q["resourceType"]);
        Assert.Equal(Account, q["accountId"]);
        Assert.Equal("2024-11-01T00:00:00.000Z", q["createdAfter"]);
        Assert.Equal("2024-11-02T00:00:00.000Z", q["createdBefore"]);
        Assert.Equal("2024-11-03T00:00:00.000Z", q["completeAfter"]);
        Assert.Equal("2024-11-04T00:00:00.000Z", q["completeBefore"]);
        Assert.Equal(DrVaultArn, q["destinationVaultArn"]);
        Assert.Equal("1000", q["maxResults"]);

        var job = Assert.Single(jobs);
        Assert.Equal(CopyId, job.CopyJobId);
        Assert.Equal("us-east-1", job.Region);
    }
}
