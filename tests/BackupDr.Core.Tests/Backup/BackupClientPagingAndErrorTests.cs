using System.Net;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Backup;

/// <summary>NextToken paging, streaming, cancellation and rest-json errors.</summary>
public sealed class BackupClientPagingAndErrorTests : BackupWireTestBase
{
    private static string Job(string id) => $$"""{"BackupJobId":"{{id}}","State":"COMPLETED","PercentDone":"100.0","CreationDate":1732190400.5,"MessageCategory":"SUCCESS"}""";

    private static string JobPage(string? next, params string[] ids) =>
        "{\"BackupJobs\":[" + string.Join(",", ids.Select(Job)) + "]" + (next == null ? string.Empty : $",\"NextToken\":\"{next}\"") + "}";

    [Fact]
    public async Task ListBackupJobs_follows_NextToken_across_three_pages_keeping_filters_and_order()
    {
        Ok(JobPage("AAEAAZ+page/2==", "j1", "j2"));
        Ok(JobPage("AAEAAZ+page/3==", "j3"));
        Ok(JobPage(null, "j4", "j5"));

        var jobs = await Client.ListBackupJobsAsync(new BackupJobFilter { State = "COMPLETED", MaxResults = 2 }, CancellationToken.None).ToListAsync();

        Assert.Equal(new[] { "j1", "j2", "j3", "j4", "j5" }, jobs.Select(j => j.BackupJobId));
        Assert.Equal(3, Stub.Requests.Count);
        Assert.Null(Stub.Requests[0].QueryValue("nextToken"));
        Assert.Equal("AAEAAZ+page/2==", Stub.Requests[1].QueryValue("nextToken"));
        Assert.Equal("AAEAAZ+page/3==", Stub.Requests[2].QueryValue("nextToken"));
        Assert.Contains("nextToken=AAEAAZ%2Bpage%2F2%3D%3D", Stub.Requests[1].Uri.OriginalString);
        Assert.All(Stub.Requests, r =>
        {
            Assert.Equal("/backup-jobs/", RawPath(r));
            Assert.Equal("COMPLETED", r.QueryValue("state"));
            Assert.Equal("2", r.QueryValue("maxResults"));
            AssertSigned(r);
        });
        Assert.All(jobs, j => Assert.Equal("us-east-1", j.Region));
    }

    [Fact]
    public async Task Listing_yields_the_first_page_before_asking_for_the_second()
    {
        Ok(JobPage("t2", "j1", "j2"));
        Ok(JobPage(null, "j3"));
        var requestsSeenAtItem = new List<int>();

        await foreach (var job in Client.ListBackupJobsAsync(new BackupJobFilter(), CancellationToken.None))
        {
            requestsSeenAtItem.Add(Stub.Requests.Count);
        }

        Assert.Equal(new[] { 1, 1, 2 }, requestsSeenAtItem);
    }

    [Fact]
    public async Task Stopping_early_sends_no_further_requests()
    {
        Ok(JobPage("t2", "j1", "j2"));
        Ok(JobPage(null, "j3"));

        var first = await Client.ListBackupJobsAsync(new BackupJobFilter(), CancellationToken.None).FirstAsync();

        Assert.Equal("j1", first.BackupJobId);
        Assert.Single(Stub.Requests);
    }

    [Fact]
    public async Task Cancelling_mid_listing_stops_at_once_and_sends_nothing_more()
    {
        Ok(JobPage("t2", "j1", "j2"));
        Ok(JobPage(null, "j3"));
        using var cts = new CancellationTokenSource();
        var seen = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var job in Client.ListBackupJobsAsync(new BackupJobFilter(), cts.Token))
            {
                seen.Add(job.BackupJobId);
                cts.Cancel();
            }
        });

        Assert.Equal(new[] { "j1" }, seen);
        Assert.Single(Stub.Requests);
    }

    [Fact]
    public async Task Cancelling_while_a_page_is_in_flight_yields_none_of_it()
    {
        using var cts = new CancellationTokenSource();
        Ok(JobPage("t2", "j1"));
        Stub.Respond(_ =>
        {
            cts.Cancel();
            return StubHandler.Build(HttpStatusCode.OK, JobPage(null, "j2", "j3"));
        });
        var seen = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var job in Client.ListBackupJobsAsync(new BackupJobFilter(), cts.Token))
            {
                seen.Add(job.BackupJobId);
            }
        });

        Assert.Equal(new[] { "j1" }, seen);
        Assert.Equal(2, Stub.Requests.Count);
    }

    [Fact]
    public async Task An_already_cancelled_token_sends_nothing()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Client.ListBackupVaultsAsync(cts.Token).ToListAsync());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.DescribeBackupJobAsync("j1", cts.Token));
        Assert.Empty(Stub.Requests);
    }

    [Fact]
    public async Task An_empty_NextToken_ends_the_listing()
    {
        Ok("""{"BackupJobs":[],"NextToken":""}""");
        Assert.Empty(await Client.ListBackupJobsAsync(new BackupJobFilter(), CancellationToken.None).ToListAsync());
        Assert.Single(Stub.Requests);
    }

    [Fact]
    public async Task A_NextToken_that_repeats_is_reported_instead_of_looping_forever()
    {
        Ok(JobPage("same", "j1"));
        Ok(JobPage("same", "j2"));
        Stub.Fallback = _ => StubHandler.Build(HttpStatusCode.OK, JobPage("same", "jx"));

        var ex = await Assert.ThrowsAsync<AwsServiceException>(async () => await Client.ListBackupJobsAsync(new BackupJobFilter(), CancellationToken.None).ToListAsync());

        Assert.Equal("PaginationLoop", ex.ErrorCode);
        Assert.Equal(2, Stub.Requests.Count);
    }

    /// <summary>Each listing: how to call it, its path, its list member and one item that yields an id.</summary>
    public static TheoryData<string> Listings => new() { "vaults", "plans", "selections", "protected", "byVault", "byResource", "restores", "copies" };

    private (Func<IAsyncEnumerable<string>> list, string path, string member, Func<string, string> item) Listing(string name) => name switch
    {
        "vaults" => (() => Client.ListBackupVaultsAsync(CancellationToken.None).Select(v => v.BackupVaultName), "/backup-vaults/", "BackupVaultList", id => $"{{\"BackupVaultName\":\"{id}\"}}"),
        "plans" => (() => Client.ListBackupPlansAsync(CancellationToken.None).Select(p => p.BackupPlanId!), "/backup/plans/", "BackupPlansList", id => $"{{\"BackupPlanId\":\"{id}\"}}"),
        "selections" => (() => Client.ListBackupSelectionsAsync("plan-1", CancellationToken.None).Select(s => s.SelectionId!), "/backup/plans/plan-1/selections/", "BackupSelectionsList", id => $"{{\"SelectionId\":\"{id}\"}}"),
        "protected" => (() => Client.ListProtectedResourcesAsync(CancellationToken.None).Select(p => p.ResourceArn), "/resources/", "Results", id => $"{{\"ResourceArn\":\"{id}\"}}"),
        "byVault" => (() => Client.ListRecoveryPointsByBackupVaultAsync("Default", new RecoveryPointFilter(), CancellationToken.None).Select(p => p.RecoveryPointArn), "/backup-vaults/Default/recovery-points/", "RecoveryPoints", id => $"{{\"RecoveryPointArn\":\"{id}\"}}"),
        "byResource" => (() => Client.ListRecoveryPointsByResourceAsync(DbArn, CancellationToken.None).Select(p => p.RecoveryPointArn), "/resources/arn%3Aaws%3Ards%3Aus-east-1%3A123456789012%3Adb%3Aorders-prod/recovery-points/", "RecoveryPoints", id => $"{{\"RecoveryPointArn\":\"{id}\"}}"),
        "restores" => (() => Client.ListRestoreJobsAsync(new JobListFilter(), CancellationToken.None).Select(j => j.RestoreJobId), "/restore-jobs/", "RestoreJobs", id => $"{{\"RestoreJobId\":\"{id}\",\"Status\":\"RUNNING\"}}"),
        "copies" => (() => Client.ListCopyJobsAsync(new JobListFilter(), CancellationToken.None).Select(j => j.CopyJobId), "/copy-jobs/", "CopyJobs", id => $"{{\"CopyJobId\":\"{id}\",\"State\":\"RUNNING\"}}"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Listings))]
    public async Task Every_listing_follows_NextToken(string name)
    {
        var (list, path, member, item) = Listing(name);
        Ok($"{{\"{member}\":[{item("a")},{item("b")}],\"NextToken\":\"n-2\"}}");
        Ok($"{{\"{member}\":[{item("c")}]}}");

        var ids = await list().ToListAsync();

        Assert.Equal(new[] { "a", "b", "c" }, ids);
        Assert.Equal(2, Stub.Requests.Count);
        Assert.All(Stub.Requests, r =>
        {
            Assert.Equal(HttpMethod.Get, r.Method);
            Assert.Equal(path, RawPath(r));
            AssertSigned(r);
        });
        Assert.Null(Stub.Requests[0].QueryValue("nextToken"));
        Assert.Equal("n-2", Stub.Requests[1].QueryValue("nextToken"));
    }

    // ------------------------------------------------------------------ errors

    [Fact]
    public async Task Error_from_the_x_amzn_ErrorType_header_becomes_AwsServiceException()
    {
        Stub.Respond(
            HttpStatusCode.NotFound,
            """{"Message":"Cannot find backup job 7E6D5C4B","Code":"ERROR_2402"}""",
            "application/json",
            new Dictionary<string, string>
            {
                ["x-amzn-ErrorType"] = "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.backup/",
                ["x-amzn-RequestId"] = "6c9f2a8e-5b7d-4c1e-9f3a-2d8b7e6a5c4f",
            });

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => Client.DescribeBackupJobAsync("7E6D5C4B", CancellationToken.None));

        Assert.Equal("ResourceNotFoundException", ex.ErrorCode);
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal("6c9f2a8e-5b7d-4c1e-9f3a-2d8b7e6a5c4f", ex.RequestId);
        Assert.Equal("Cannot find backup job 7E6D5C4B", ex.AwsMessage);
        Assert.Equal("DescribeBackupJob", ex.Operation);
        Assert.Equal("Backup", ex.Service);
        Assert.True(ex.IsNotFound);
        Assert.Single(Stub.Requests);
    }

    [Fact]
    public async Task Error_from_the_type_body_member_becomes_AwsServiceException()
    {
        Stub.Respond(
            HttpStatusCode.BadRequest,
            """{"__type":"com.amazonaws.backup#InvalidParameterValueException","message":"Invalid lifecycle: DeleteAfterDays must be 90 days greater than MoveToColdStorageAfterDays"}""",
            "application/x-amz-json-1.1",
            new Dictionary<string, string> { ["x-amzn-RequestId"] = "req-400" });

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() =>
            Client.StartBackupJobAsync(new StartBackupJobRequest { BackupVaultName = "Default", ResourceArn = VolumeArn, IamRoleArn = RoleArn, Lifecycle = new Lifecycle { MoveToColdStorageAfterDays = 30, DeleteAfterDays = 31 } }, CancellationToken.None));

        Assert.Equal("InvalidParameterValueException", ex.ErrorCode);
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("req-400", ex.RequestId);
        Assert.Contains("DeleteAfterDays", ex.AwsMessage);
        Assert.Equal("StartBackupJob", ex.Operation);
        Assert.False(ex.IsNotFound);
        Assert.Single(Stub.Requests);
    }

    [Fact]
    public async Task Error_on_a_later_page_surfaces_after_the_earlier_items()
    {
        Ok(JobPage("t2", "j1", "j2"));
        Stub.Respond(HttpStatusCode.BadRequest, """{"__type":"InvalidParameterValueException","Message":"Invalid NextToken"}""", "application/json",
            new Dictionary<string, string> { ["x-amzn-RequestId"] = "req-page2" });
        var seen = new List<string>();

        var ex = await Assert.ThrowsAsync<AwsServiceException>(async () =>
        {
            await foreach (var job in Client.ListBackupJobsAsync(new BackupJobFilter(), CancellationToken.None))
            {
                seen.Add(job.BackupJobId);
            }
        });

        Assert.Equal(new[] { "j1", "j2" }, seen);
        Assert.Equal("InvalidParameterValueException", ex.ErrorCode);
        Assert.Equal("req-page2", ex.RequestId);
        Assert.Equal("ListBackupJobs", ex.Operation);
    }

    [Fact]
    public async Task Throttling_on_a_page_is_retried_by_the_transport_with_the_same_token()
    {
        Ok(JobPage("t2", "j1"));
        Stub.Respond(HttpStatusCode.TooManyRequests, """{"__type":"ThrottlingException","message":"Rate exceeded"}""");
        Ok(JobPage(null, "j2"));

        var ids = await Client.ListBackupJobsAsync(new BackupJobFilter(), CancellationToken.None).Select(j => j.BackupJobId).ToListAsync();

        Assert.Equal(new[] { "j1", "j2" }, ids);
        Assert.Equal(3, Stub.Requests.Count);
        Assert.Equal("t2", Stub.Requests[1].QueryValue("nextToken"));
        Assert.Equal("t2", Stub.Requests[2].QueryValue("nextToken"));
        Assert.Single(Clock.Delays);
    }

    [Fact]
    public async Task A_success_answer_that_is_not_json_is_a_clear_error()
    {
        Stub.Respond(HttpStatusCode.OK, "<html>captive portal</html>", "text/html", new Dictionary<string, string> { ["x-amzn-RequestId"] = "req-html" });

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => Client.DescribeBackupVaultAsync("Default", CancellationToken.None));

        Assert.Equal("MalformedResponse", ex.ErrorCode);
        Assert.Equal("req-html", ex.RequestId);
        Assert.Equal("DescribeBackupVault", ex.Operation);
    }

    [Fact]
    public void Context_is_the_transports()
    {
        Assert.Same(Transport.Context, Client.Context);
        Assert.Equal("us-east-1", Client.Context.Region);
        Assert.Throws<ArgumentNullException>(() => new BackupClient(null!));
    }

    [Fact]
    public async Task Models_carry_the_region_of_the_client()
    {
        using var stub = new StubHandler();
        using var transport = Wire.Transport(stub, region: "eu-central-1");
        var client = new BackupClient(transport);
        stub.Respond(HttpStatusCode.OK, """{"BackupJobId":"j","State":"RUNNING"}""");
        stub.Respond(HttpStatusCode.OK, """{"BackupVaultList":[{"BackupVaultName":"v"}]}""");

        var job = await client.DescribeBackupJobAsync("j", CancellationToken.None);
        var vault = await client.ListBackupVaultsAsync(CancellationToken.None).SingleAsync();

        Assert.Equal("eu-central-1", job.Region);
        Assert.Equal("eu-central-1", vault.Region);
        Assert.Contains("/eu-central-1/backup/aws4_request", stub.Requests[0].Header("Authorization"));
        Assert.Equal("backup.eu-central-1.amazonaws.com", stub.Requests[0].Uri.Host);
    }
}
