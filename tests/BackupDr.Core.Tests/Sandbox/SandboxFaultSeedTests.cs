using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using BackupDr.Core.Aws;
using BackupDr.Sandbox;
using static BackupDr.Core.Tests.Sandbox.SandboxHarness;

namespace BackupDr.Core.Tests.Sandbox;

public sealed class SandboxFaultTests
{
    [Fact]
    public async Task Throttling_answers_429_ThrottlingException_after_the_burst_and_query_dialects_their_own_codes()
    {
        using var sb = new SandboxHarness(o => { o.ThrottleRate = 0.01; o.ThrottleBurst = 3; });
        for (var i = 0; i < 3; i++)
        {
            await sb.Backup(HttpMethod.Get, "/backup-vaults/");
        }

        var e = await sb.BackupError(HttpMethod.Get, "/backup-vaults/");
        Assert.Equal(("ThrottlingException", 429), (e.ErrorCode, e.StatusCode));
        await sb.Backup(HttpMethod.Get, "/backup-jobs/");

        for (var i = 0; i < 3; i++)
        {
            await sb.Query(AwsService.Rds, "DescribeDBInstances");
            await sb.Query(AwsService.Ec2, "DescribeVolumes");
        }

        var rds = await sb.QueryError(AwsService.Rds, "DescribeDBInstances");
        Assert.Equal(("Throttling", 400), (rds.ErrorCode, rds.StatusCode));
        var ec2 = await sb.QueryError(AwsService.Ec2, "DescribeVolumes");
        Assert.Equal(("RequestLimitExceeded", 503), (ec2.ErrorCode, ec2.StatusCode));
    }

    [Fact]
    public async Task Latency_delays_every_call_at_least_the_configured_time()
    {
        using var sb = new SandboxHarness(o => o.Latency = TimeSpan.FromMilliseconds(300));
        var sw = Stopwatch.StartNew();
        await sb.Backup(HttpMethod.Get, "/backup-vaults/");
        Assert.True(sw.ElapsedMilliseconds >= 290, $"took {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task ErrorRate_one_gives_503_in_each_dialect()
    {
        using var sb = new SandboxHarness(o => o.ErrorRate = 1);
        var e = await sb.BackupError(HttpMethod.Get, "/backup-vaults/");
        Assert.Equal(("ServiceUnavailableException", 503), (e.ErrorCode, e.StatusCode));
        var rds = await sb.QueryError(AwsService.Rds, "DescribeDBInstances");
        Assert.Equal(("ServiceUnavailable", 503), (rds.ErrorCode, rds.StatusCode));
        var ec2 = await sb.QueryError(AwsService.Ec2, "DescribeVolumes");
        Assert.Equal(503, ec2.StatusCode);
    }

    [Fact]
    public async Task FailureRate_one_fails_jobs_with_a_status_message_and_makes_no_recovery_point()
    {
        using var sb = new SandboxHarness();
        await sb.CreateVault("Main");
        var vol = await sb.CreateVolume();
        sb.Server.Configure(o => o.FailureRate = 1);
        var job = (await sb.StartBackup("Main", VolumeArn(vol))).Str("BackupJobId");
        var d = await sb.Backup(HttpMethod.Get, "/backup-jobs/" + job);
        Assert.Equal("FAILED", d.Str("State"));
        Assert.False(string.IsNullOrEmpty(d.Str("StatusMessage")));
        Assert.Equal("FAILURE", d.Str("MessageCategory"));
        Assert.Empty((await sb.Backup(HttpMethod.Get, "/backup-vaults/Main/recovery-points/")).Items("RecoveryPoints"));
    }

    [Fact]
    public async Task Request_log_records_calls_and_Reset_clears_state_and_log()
    {
        using var sb = new SandboxHarness();
        Assert.Empty(sb.Server.RequestLog);
        await sb.CreateVault("Main");
        await sb.BackupError(HttpMethod.Get, "/backup-vaults/Nope");
        var log = sb.Server.RequestLog;
        Assert.Equal(new[] { ("backup", "CreateBackupVault", "us-east-1", 200), ("backup", "DescribeBackupVault", "us-east-1", 400) }, log.Select(r => (r.Service, r.Operation, r.Region, r.Status)));
        Assert.Equal("ResourceNotFoundException", log[1].ErrorCode);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var json = await http.GetStringAsync(new Uri(sb.Server.Endpoint, "/_sandbox/requests"));
        Assert.Contains("DescribeBackupVault", json);

        var reset = await http.PostAsync(new Uri(sb.Server.Endpoint, "/_sandbox/reset"), null);
        Assert.True(reset.IsSuccessStatusCode);
        Assert.Empty(sb.Server.RequestLog);
        // Reset forgets Main; the region starts again with only its Default vault.
        Assert.Equal(new[] { "Default" }, (await sb.Backup(HttpMethod.Get, "/backup-vaults/")).Items("BackupVaultList").Select(v => v.Str("BackupVaultName")));

        var opts = await http.PostAsync(new Uri(sb.Server.Endpoint, "/_sandbox/options"), new StringContent("{\"ErrorRate\":1}"));
        Assert.True(opts.IsSuccessStatusCode);
        Assert.Equal(503, (await sb.BackupError(HttpMethod.Get, "/backup-vaults/")).StatusCode);
        var badOpts = await http.PostAsync(new Uri(sb.Server.Endpoint, "/_sandbox/options"), new StringContent("{\"ErrorRate\":7}"));
        Assert.Equal(400, (int)badOpts.StatusCode);
    }

    [Fact]
    public async Task Server_handles_chunked_bodies_expect_continue_keep_alive_and_stops_without_hanging()
    {
        var sb = new SandboxHarness();
        using var client = new TcpClient();
        await client.ConnectAsync(sb.Server.Endpoint.Host, sb.Server.Endpoint.Port);
        var stream = client.GetStream();
        stream.ReadTimeout = 5000;
        var body = "{\"BackupVaultTags\":{}}";
        var auth = "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/backup/aws4_request, SignedHeaders=host, Signature=abcdef";
        var head = $"PUT /backup-vaults/Chunky HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var reader = new StreamReader(stream, Encoding.ASCII);
        Assert.Equal("HTTP/1.1 100 Continue", await reader.ReadLineAsync());
        Assert.Equal(string.Empty, await reader.ReadLineAsync());
        var chunked = $"{body.Length - 5:x}\r\n{body.Substring(0, body.Length - 5)}\r\n5\r\n{body.Substring(body.Length - 5)}\r\n0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(chunked));
        Assert.Equal("HTTP/1.1 200 OK", await reader.ReadLineAsync());

        var length = 0;
        string? line;
        while ((line = await reader.ReadLineAsync()) is { Length: > 0 })
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line.Substring(15).Trim());
            }
        }

        var buf = new char[length];
        var read = 0;
        while (read < length)
        {
            read += await reader.ReadAsync(buf, read, length - read);
        }

        Assert.Contains("backup-vault:Chunky", new string(buf));

        // Same connection, second request (keep-alive).
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /backup-vaults/Chunky HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n\r\n"));
        Assert.Equal("HTTP/1.1 200 OK", await reader.ReadLineAsync());

        var sw = Stopwatch.StartNew();
        sb.Dispose();
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(6), "Stop took " + sw.Elapsed);
    }
}

public sealed class SandboxSeedTests
{
    [Fact]
    public async Task Hundred_thousand_seeded_jobs_page_through_ListBackupJobs()
    {
        using var sb = new SandboxHarness();
        var path = Path.Combine(Path.GetTempPath(), $"sandbox-seed-{Guid.NewGuid():N}.json");
        try
        {
            using (var w = new StreamWriter(path))
            {
                w.WriteLine("{ \"regions\": [ { \"region\": \"us-east-1\",");
                w.WriteLine("  \"volumes\": [ { \"id\": \"vol-0000000000000001\", \"size\": 8, \"tags\": { \"tier\": \"gold\" } } ],");
                w.WriteLine("  \"vaults\": [ { \"name\": \"Main\" } ],");
                w.WriteLine("  \"backupJobs\": [");
                for (var i = 0; i < 100_000; i++)
                {
                    var state = i % 10 == 0 ? "FAILED" : "COMPLETED";
                    w.Write($"    {{ \"vault\": \"Main\", \"resourceArn\": \"arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000001\", \"state\": \"{state}\", \"createdAgeMinutes\": {(i % 40000) * 1.0 + 1} }}");
                    w.WriteLine(i < 99_999 ? "," : string.Empty);
                }

                w.WriteLine("  ] } ] }");
            }

            var summary = sb.Server.SeedFromFile(path);
            Assert.Equal(100_000, summary.BackupJobs);

            var total = 0;
            string? token = null;
            for (var page = 0; page < 5; page++)
            {
                var q = new List<(string, string)> { ("maxResults", "1000") };
                if (token != null)
                {
                    q.Add(("nextToken", token));
                }

                var res = await sb.Backup(HttpMethod.Get, "/backup-jobs/", query: q.ToArray());
                total += res.Items("BackupJobs").Count();
                token = res.Str("NextToken");
                Assert.NotNull(token);
            }

            Assert.Equal(5000, total);
            var failed = await sb.Backup(HttpMethod.Get, "/backup-jobs/", query: new[] { ("state", "FAILED"), ("maxResults", "7") });
            Assert.Equal(7, failed.Items("BackupJobs").Count());
            Assert.All(failed.Items("BackupJobs"), j => Assert.Equal("FAILURE", j.Str("MessageCategory")));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Broken_seed_files_are_refused_with_the_line_and_reason()
    {
        using var sb = new SandboxHarness();
        var syntax = Assert.Throws<SandboxSeedException>(() => sb.Server.SeedFromJson("{\n \"regions\": [\n  { \"region\": \"us-east-1\",\n    \"vaults\": [ { \"name\": } ]\n  }\n ]\n}"));
        Assert.Equal(4, syntax.LineNumber);

        var semantic = Assert.Throws<SandboxSeedException>(() => sb.Server.SeedFromJson("{ \"regions\": [ { \"region\": \"us-east-1\",\n  \"vaults\": [ { \"name\": \"Main\" } ],\n  \"backupJobs\": [\n    { \"vault\": \"Main\", \"resourceArn\": \"arn:aws:rds:us-east-1:123456789012:db:a\", \"createdAgeDays\": 1 },\n    { \"vault\": \"Gone\", \"resourceArn\": \"arn:aws:rds:us-east-1:123456789012:db:a\", \"createdAgeDays\": 1 }\n  ] } ] }"));
        Assert.Equal(5, semantic.LineNumber);
        Assert.Contains("Gone", semantic.Reason);

        var state = Assert.Throws<SandboxSeedException>(() => sb.Server.SeedFromJson("{ \"regions\": [ { \"region\": \"us-east-1\",\n \"vaults\": [ { \"name\": \"Main\" } ],\n \"backupJobs\": [\n\n { \"vault\": \"Main\", \"resourceArn\": \"arn:aws:rds:us-east-1:123456789012:db:a\", \"state\": \"DONE\", \"createdAgeDays\": 1 } ] } ] }"));
        Assert.Equal(5, state.LineNumber);
        Assert.Contains("DONE", state.Reason);
        Assert.Empty(sb.Server.RequestLog);
    }
}

public sealed class SandboxConcurrencyTests
{
    [Fact]
    public async Task Sixteen_parallel_clients_lose_and_duplicate_no_job()
    {
        using var sb = new SandboxHarness();
        await sb.CreateVault("Main");
        var vol = await sb.CreateVolume();
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        var sameToken = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await Task.WhenAll(Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
        {
            var t = sb.Transport();
            for (var i = 0; i < 50; i++)
            {
                var r = await t.SendAsync(JsonRequest(HttpMethod.Put, "/backup-jobs", new { BackupVaultName = "Main", ResourceArn = VolumeArn(vol), IamRoleArn = Role, IdempotencyToken = $"c{c}-{i}" }), cts.Token);
                ids.Add(JsonRead.Parse(r.Body).Str("BackupJobId")!);
                var s = await t.SendAsync(JsonRequest(HttpMethod.Put, "/backup-jobs", new { BackupVaultName = "Main", ResourceArn = VolumeArn(vol), IamRoleArn = Role, IdempotencyToken = "shared" }), cts.Token);
                sameToken.Add(JsonRead.Parse(s.Body).Str("BackupJobId")!);
                if (i % 10 == 0)
                {
                    await t.SendAsync(JsonRequest(HttpMethod.Get, "/backup-jobs/"), cts.Token);
                }
            }
        })));

        Assert.Equal(800, ids.Distinct().Count());
        Assert.Single(sameToken.Distinct());
        var listed = await sb.Backup(HttpMethod.Get, "/backup-jobs/");
        var all = listed.Items("BackupJobs").Select(j => j.Str("BackupJobId")!).ToHashSet();
        Assert.Equal(801, all.Count);
        Assert.Subset(all, ids.ToHashSet());
    }
}
