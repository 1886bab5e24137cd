using System.Net;
using System.Text;
using System.Text.Json;
using BackupDr.Sandbox;

namespace BackupDr.Core.Tests.Sandbox;

/// <summary>Fault rules: make the next N calls of one operation fail (e.g. a describe after a start), by API or control endpoint.</summary>
public sealed class SandboxFaultRuleTests
{
    [Fact]
    public async Task A_rule_fails_exactly_count_calls_of_its_operation_after_skip()
    {
        using var h = new SandboxHarness();
        var t = h.Transport();
        h.Server.AddFault("ListBackupVaults", count: 2, status: 503, skip: 1);

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            try
            {
                await t.SendAsync(SandboxHarness.JsonRequest(HttpMethod.Get, "/backup-vaults/"), CancellationToken.None);
                statuses.Add(200);
            }
            catch (BackupDr.Core.Aws.AwsServiceException ex)
            {
                statuses.Add(ex.StatusCode);
                Assert.Equal("ServiceUnavailableException", ex.ErrorCode);
            }
        }

        Assert.Equal(new[] { 200, 503, 503, 200 }, statuses);
        var rule = Assert.Single(h.Server.Faults);
        Assert.Equal((0, 2), (rule.Remaining, rule.Fired));

        // Other operations are untouched.
        h.Server.AddFault("ListBackupVaults", count: 1, errorCode: "AccessDeniedException", status: 403);
        await t.SendAsync(SandboxHarness.JsonRequest(HttpMethod.Get, "/backup-jobs/"), CancellationToken.None);
        var denied = await Assert.ThrowsAsync<BackupDr.Core.Aws.AwsServiceException>(() => t.SendAsync(SandboxHarness.JsonRequest(HttpMethod.Get, "/backup-vaults/"), CancellationToken.None));
        Assert.Equal(("AccessDeniedException", 403), (denied.ErrorCode, denied.StatusCode));
    }

    [Fact]
    public async Task Control_endpoint_adds_lists_and_clears_rules_and_reset_forgets_them()
    {
        using var h = new SandboxHarness();
        using var http = new HttpClient { BaseAddress = h.Server.Endpoint };

        var added = await http.PostAsync("_sandbox/faults", new StringContent("{\"Operation\":\"DescribeBackupJob\",\"Count\":3,\"Status\":500}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        using (var doc = JsonDocument.Parse(await http.GetStringAsync("_sandbox/faults")))
        {
            var f = Assert.Single(doc.RootElement.GetProperty("Faults").EnumerateArray().ToList());
            Assert.Equal(("DescribeBackupJob", 3, 500), (f.GetProperty("Operation").GetString(), f.GetProperty("Remaining").GetInt32(), f.GetProperty("Status").GetInt32()));
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("_sandbox/faults", new StringContent("{\"Count\":3}", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("_sandbox/faults", new StringContent("{\"Operation\":\"X\",\"Count\":0}", Encoding.UTF8, "application/json"))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await http.DeleteAsync("_sandbox/faults")).StatusCode);
        Assert.Empty(h.Server.Faults);

        h.Server.AddFault("DescribeBackupJob", 1);
        h.Server.Reset();
        Assert.Empty(h.Server.Faults);
    }
}
