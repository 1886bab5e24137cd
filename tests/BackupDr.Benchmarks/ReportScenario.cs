using System.Diagnostics;
using System.Globalization;
using BackupDr.Core.Aws;
using BackupDr.Core.Operations;
using BackupDr.Sandbox;

namespace BackupDr.Benchmarks;

/// <summary>
/// Get-DrBackupReport's operation (time-sliced, concurrent) against one sequential NextToken chain over the same
/// sandbox in the same run, then the report's own peak memory at 1,000,000 jobs, measured in a child process that
/// only runs the report (the sandbox holding the jobs is another child process).
/// </summary>
public sealed class ReportScenario : IScenario
{
    private const string Region = "us-east-1";
    private const string Vault = "Main";

    public string Name => "report";

    public string Description => "Get-DrBackupReport over 100,000 jobs at 50 ms/call vs a sequential pager; peak MB at 1,000,000 jobs";

    public async Task<IReadOnlyList<KeyValuePair<string, string>>> RunAsync(string[] args, CancellationToken cancel)
    {
        var jobs = IntArg(args, "--jobs", 100_000);
        var peakJobs = IntArg(args, "--peak-jobs", 1_000_000);
        var latencyMs = IntArg(args, "--latency-ms", 50);
        if (args.Contains("--host"))
        {
            await HostAsync(jobs, latencyMs, cancel);
            return Array.Empty<KeyValuePair<string, string>>();
        }

        if (Arg(args, "--peak-client") is string endpoint)
        {
            return await PeakClientAsync(endpoint, cancel);
        }

        Console.WriteLine($"report: {jobs:N0} jobs in {Region}, {latencyMs} ms per call (SandboxOptions.Latency), {Environment.ProcessorCount} cores");
        using var server = SandboxServer.StartNew(new SandboxOptions { Latency = TimeSpan.FromMilliseconds(latencyMs), JobDuration = TimeSpan.Zero });
        var seedWatch = Stopwatch.StartNew();
        server.SeedFromJson(SeedJson(jobs));
        Console.WriteLine($"seeded {jobs:N0} jobs in {seedWatch.Elapsed.TotalSeconds:F1} s");
        using var transport = Transport(server.Endpoint.ToString());
        var client = new BackupClient(transport);
        var since = DateTime.UtcNow.AddDays(-7);

        // Warm up both paths (JIT, connections) on a small window so neither pays it in the timing, and let the
        // sandbox write every job's answer once (it then copies it), so neither timed run pays that either.
        await SequentialAsync(client, DateTime.UtcNow.AddDays(-8), cancel);
        await SequentialAsync(client, DateTime.UtcNow.AddMinutes(-30), cancel);
        await new BackupReportBuilder(_ => client).BuildAsync(new BackupReportOptions { Since = DateTime.UtcNow.AddMinutes(-30), Regions = { Region } }, cancel);

        var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var sequential = await SequentialAsync(client, since, cancel);
        var sequentialSeconds = sw.Elapsed.TotalSeconds;
        self.Refresh();
        var sequentialCpu = (self.TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine($"sequential single chain: {sequential.Total:N0} jobs, {sequential.Pages} pages, {sequentialSeconds:F2} s (CPU {sequentialCpu:F2} s, sandbox included)");

        server.ClearRequestLog();
        long lastPages = 0;
        var progress = new Progress(p => Interlocked.Exchange(ref lastPages, p.Pages));
        self.Refresh();
        cpu = self.TotalProcessorTime;
        sw.Restart();
        var report = await new BackupReportBuilder(_ => client).BuildAsync(new BackupReportOptions { Since = since, Regions = { Region } }, progress, cancel);
        var reportSeconds = sw.Elapsed.TotalSeconds;
        self.Refresh();
        var reportCpu = (self.TotalProcessorTime - cpu).TotalSeconds;
        var calls = server.RequestLog.Count(r => r.Operation == "ListBackupJobs");
        Console.WriteLine($"sliced report:           {report.TotalJobs:N0} jobs, {calls} ListBackupJobs calls ({Interlocked.Read(ref lastPages)} pages counted), {reportSeconds:F2} s (CPU {reportCpu:F2} s)");

        var totalsEqual = report.TotalJobs == sequential.Total
            && report.BytesBackedUp == sequential.Bytes
            && report.CompletedWithIssues == sequential.WithIssues
            && report.TotalsByState.OrderBy(kv => kv.Key, StringComparer.Ordinal).SequenceEqual(sequential.ByState.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            && report.TotalJobs == jobs;
        var ratio = sequentialSeconds / reportSeconds;
        Console.WriteLine($"vs_sequential={ratio:F1}x totals_equal={totalsEqual.ToString().ToLowerInvariant()} (states {string.Join(", ", report.TotalsByState.Select(kv => kv.Key + "=" + kv.Value))})");

        string peak = "skipped";
        if (peakJobs > 0)
        {
            peak = await PeakAsync(peakJobs, latencyMs, cancel);
        }

        return new[]
        {
            Kv("jobs", jobs.ToString(CultureInfo.InvariantCulture)),
            Kv("latency_ms", latencyMs.ToString(CultureInfo.InvariantCulture)),
            Kv("sequential_s", sequentialSeconds.ToString("F2", CultureInfo.InvariantCulture)),
            Kv("report_s", reportSeconds.ToString("F2", CultureInfo.InvariantCulture)),
            Kv("sequential_cpu_s", sequentialCpu.ToString("F2", CultureInfo.InvariantCulture)),
            Kv("report_cpu_s", reportCpu.ToString("F2", CultureInfo.InvariantCulture)),
            Kv("load", File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a"),
            Kv("vs_sequential", ratio.ToString("F1", CultureInfo.InvariantCulture)),
            Kv("totals_equal", totalsEqual.ToString().ToLowerInvariant()),
            Kv("peak_jobs", peakJobs.ToString(CultureInfo.InvariantCulture)),
            Kv("peak_mb", peak),
        };
    }

    /// <summary>Sandbox host child + report client child; the figure is the client's peak resident set (VmHWM).</summary>
    private static async Task<string> PeakAsync(int peakJobs, int latencyMs, CancellationToken cancel)
    {
        Console.WriteLine($"peak: starting a sandbox host process with {peakJobs:N0} jobs ...");
        using var host = Self("--host", "--jobs", peakJobs.ToString(CultureInfo.InvariantCulture), "--latency-ms", latencyMs.ToString(CultureInfo.InvariantCulture));
        string? endpoint = null;
        while (endpoint == null)
        {
            var line = await host.StandardOutput.ReadLineAsync(cancel) ?? throw new InvalidOperationException("The sandbox host process ended before it listened: " + await host.StandardError.ReadToEndAsync(cancel));
            Console.WriteLine("  host: " + line);
            if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
            {
                endpoint = line.Substring("LISTENING ".Length).Trim();
            }
        }

        try
        {
            using var client = Self("--peak-client", endpoint);
            string? peak = null;
            string? line;
            while ((line = await client.StandardOutput.ReadLineAsync(cancel)) != null)
            {
                Console.WriteLine("  client: " + line);
                if (line.StartsWith("RESULT ", StringComparison.Ordinal))
                {
                    peak = line.Split(' ').Select(p => p.Split('=')).Where(p => p.Length == 2 && p[0] == "peak_mb").Select(p => p[1]).FirstOrDefault();
                }
            }

            await client.WaitForExitAsync(cancel);
            if (client.ExitCode != 0 || peak == null)
            {
                throw new InvalidOperationException("The report client process failed: " + await client.StandardError.ReadToEndAsync(cancel));
            }

            return peak;
        }
        finally
        {
            host.StandardInput.Close();
            if (!host.WaitForExit(10_000))
            {
                host.Kill();
            }
        }
    }

    /// <summary>The report alone in this process, against the host; prints its peak resident set.</summary>
    private static async Task<IReadOnlyList<KeyValuePair<string, string>>> PeakClientAsync(string endpoint, CancellationToken cancel)
    {
        using var transport = Transport(endpoint);
        var client = new BackupClient(transport);
        long pages = 0;
        var sw = Stopwatch.StartNew();
        var report = await new BackupReportBuilder(_ => client).BuildAsync(
            new BackupReportOptions { Since = DateTime.UtcNow.AddDays(-7), Regions = { Region } },
            new Progress(p =>
            {
                if (p.Pages / 200 > Interlocked.Exchange(ref pages, p.Pages) / 200)
                {
                    Console.WriteLine($"{p.Pages} pages, {p.Jobs:N0} jobs, {sw.Elapsed.TotalSeconds:F1} s, managed heap {GC.GetTotalMemory(false) / 1048576} MB");
                }
            }),
            cancel);
        var peakMb = PeakResidentMb();
        Console.WriteLine($"{report.TotalJobs:N0} jobs reported in {sw.Elapsed.TotalSeconds:F1} s; {report.Resources.Count} resources; peak resident set of this process {peakMb} MB");
        return new[] { Kv("jobs", report.TotalJobs.ToString(CultureInfo.InvariantCulture)), Kv("peak_mb", peakMb.ToString(CultureInfo.InvariantCulture)) };
    }

    /// <summary>Peak resident set size (Linux VmHWM; elsewhere the peak working set).</summary>
    private static long PeakResidentMb()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line != null)
            {
                return long.Parse(line.Substring(6).Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
            }
        }
        catch (IOException)
        {
        }

        return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576;
    }

    /// <summary>A sandbox holding the jobs, serving until its standard input closes.</summary>
    private static async Task HostAsync(int jobs, int latencyMs, CancellationToken cancel)
    {
        using var server = SandboxServer.StartNew(new SandboxOptions { Latency = TimeSpan.FromMilliseconds(latencyMs), JobDuration = TimeSpan.Zero });
        var sw = Stopwatch.StartNew();
        server.SeedFromJson(SeedJson(jobs));
        Console.WriteLine($"seeded {jobs:N0} jobs in {sw.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine("LISTENING " + server.Endpoint);
        Console.Out.Flush();
        await Task.Run(() => Console.In.ReadToEnd(), cancel);
    }

    private static Process Self(params string[] args)
    {
        var exe = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(exe).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            psi.ArgumentList.Add(typeof(ReportScenario).Assembly.Location);
        }

        psi.ArgumentList.Add("report");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("Could not start " + exe);
    }

    private static string SeedJson(int jobs) =>
        "{ \"regions\": [ { \"region\": \"" + Region + "\", \"vaults\": [ { \"name\": \"" + Vault + "\" } ], "
        + "\"generatedBackupJobs\": { \"count\": " + jobs.ToString(CultureInfo.InvariantCulture)
        + ", \"vault\": \"" + Vault + "\", \"resources\": 500, \"spreadDays\": 6.9, \"failedEvery\": 20, \"issuesEvery\": 7 } } ] }";

    private static AwsTransport Transport(string endpoint)
    {
        var ctx = AwsContext.Resolve(new AwsContextOptions { Region = Region, AccessKey = "AKIDBENCHMARK", SecretKey = "secret", EndpointUrl = endpoint }, new DictionaryEnvironment());
        return new AwsTransport(ctx, null, new RetryPolicy { AttemptTimeout = TimeSpan.FromSeconds(60) });
    }

    /// <summary>The baseline: one NextToken chain, 1,000 per page, the same aggregates.</summary>
    private static async Task<(long Total, long Bytes, long WithIssues, Dictionary<string, long> ByState, long Pages)> SequentialAsync(BackupClient client, DateTime since, CancellationToken cancel)
    {
        long total = 0, bytes = 0, issues = 0, pages = 0;
        var byState = new Dictionary<string, long>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await client.ListBackupJobsPageAsync(new BackupJobFilter { CreatedAfter = since, MaxResults = 1000 }, token, cancel);
            pages++;
            foreach (var j in page.Jobs)
            {
                total++;
                byState[j.State] = byState.TryGetValue(j.State, out var n) ? n + 1 : 1;
                if (j.Succeeded)
                {
                    bytes += j.BackupSizeInBytes ?? 0;
                    issues += j.CompletedWithIssues ? 1 : 0;
                }
            }

            token = page.NextToken;
        }
        while (token != null);
        return (total, bytes, issues, byState, pages);
    }

    private static int IntArg(string[] args, string name, int fallback) =>
        Arg(args, name) is string s ? int.Parse(s, CultureInfo.InvariantCulture) : fallback;

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static KeyValuePair<string, string> Kv(string k, string v) => new(k, v);

    private sealed class Progress(Action<BackupJobSliceProgress> report) : IProgress<BackupJobSliceProgress>
    {
        public void Report(BackupJobSliceProgress value) => report(value);
    }
}
