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

        if (Arg(args, "--peak-client") is string peakEndpoint)
        {
            return await PeakClientAsync(peakEndpoint, cancel);
        }

        Console.WriteLine($"report: {jobs:N0} jobs in {Region}, {latencyMs} ms per call (SandboxOptions.Latency), {Environment.ProcessorCount} cores");

        // The sandbox stands in for AWS, which runs on its own machines: it serves from a child process, so its heap
        // and its collections are not the client's (the cores are still shared, so its CPU is still paid).
        var (host, endpoint) = await StartHostAsync(jobs, latencyMs, cancel);
        using var hostProcess = host;
        try
        {
            using var transport = Transport(endpoint);
            long calls = 0;
            transport.CallCompleted += r =>
            {
                if (r.Operation == "ListBackupJobs")
                {
                    Interlocked.Increment(ref calls);
                }
            };
            var client = new BackupClient(transport);
            var since = DateTime.UtcNow.AddDays(-7);
            var options = new BackupReportOptions { Since = since, Regions = { Region } };

            // Warm up both paths (JIT tiers, connections, the sandbox's per-job answers) with one full run of each
            // shape, so neither timed run pays for it.
            await SequentialAsync(client, DateTime.UtcNow.AddDays(-1), cancel);
            await new BackupReportBuilder(_ => client).BuildAsync(options, cancel);

            var cpu = new CpuMeter(host);
            var sw = Stopwatch.StartNew();
            var sequential = await SequentialAsync(client, since, cancel);
            var sequentialSeconds = sw.Elapsed.TotalSeconds;
            var (sequentialCpu, sequentialHostCpu) = cpu.Lap();
            Console.WriteLine($"sequential single chain: {sequential.Total:N0} jobs, {sequential.Pages} pages, {sequentialSeconds:F2} s (CPU {sequentialCpu:F2} s client, {sequentialHostCpu:F2} s sandbox)");

            // The report three times; the figure is the median.
            var runs = new List<(double Seconds, double Cpu, double HostCpu, BackupReport Report, long Calls, long Pages)>();
            for (var run = 0; run < 3; run++)
            {
                Interlocked.Exchange(ref calls, 0);
                long lastPages = 0;
                var progress = new Progress(p => Interlocked.Exchange(ref lastPages, p.Pages));
                var gc = (G0: GC.CollectionCount(0), G1: GC.CollectionCount(1), G2: GC.CollectionCount(2), Pause: GC.GetTotalPauseDuration(), Alloc: GC.GetTotalAllocatedBytes(true));
                cpu.Lap();
                sw.Restart();
                var built = await new BackupReportBuilder(_ => client).BuildAsync(options, progress, cancel);
                var seconds = sw.Elapsed.TotalSeconds;
                var (runCpu, runHostCpu) = cpu.Lap();
                Console.WriteLine($"sliced report run {run + 1}:   {built.TotalJobs:N0} jobs, {Interlocked.Read(ref calls)} ListBackupJobs calls ({Interlocked.Read(ref lastPages)} pages counted), {seconds:F2} s (CPU {runCpu:F2} s client, {runHostCpu:F2} s sandbox; "
                    + $"GC {GC.CollectionCount(0) - gc.G0}/{GC.CollectionCount(1) - gc.G1}/{GC.CollectionCount(2) - gc.G2}, paused {(GC.GetTotalPauseDuration() - gc.Pause).TotalMilliseconds:F0} ms, allocated {(GC.GetTotalAllocatedBytes(true) - gc.Alloc) / 1048576} MB)");
                runs.Add((seconds, runCpu, runHostCpu, built, Interlocked.Read(ref calls), Interlocked.Read(ref lastPages)));
            }

            var median = runs.OrderBy(r => r.Seconds).ElementAt(1);
            var report = median.Report;
            var reportSeconds = median.Seconds;
            var reportCpu = median.Cpu;
            var reportHostCpu = median.HostCpu;
            var totalsEqual = runs.All(r => SameTotals(r.Report, sequential, jobs));
            var ratio = sequentialSeconds / reportSeconds;
            Console.WriteLine($"vs_sequential={ratio:F1}x (median of 3) totals_equal={totalsEqual.ToString().ToLowerInvariant()} (states {string.Join(", ", report.TotalsByState.Select(kv => kv.Key + "=" + kv.Value))})");

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
                Kv("report_cpu_s", reportCpu.ToString("F2", CultureInfo.InvariantCulture)),
                Kv("sandbox_cpu_s", reportHostCpu.ToString("F2", CultureInfo.InvariantCulture)),
                Kv("load", File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a"),
                Kv("vs_sequential", ratio.ToString("F1", CultureInfo.InvariantCulture)),
                Kv("totals_equal", totalsEqual.ToString().ToLowerInvariant()),
                Kv("peak_jobs", peakJobs.ToString(CultureInfo.InvariantCulture)),
                Kv("peak_mb", peak),
            };
        }
        finally
        {
            StopHost(host);
        }
    }

    private static bool SameTotals(BackupReport report, (long Total, long Bytes, long WithIssues, Dictionary<string, long> ByState, long Pages) sequential, int jobs) =>
        report.TotalJobs == sequential.Total
        && report.BytesBackedUp == sequential.Bytes
        && report.CompletedWithIssues == sequential.WithIssues
        && report.TotalsByState.OrderBy(kv => kv.Key, StringComparer.Ordinal).SequenceEqual(sequential.ByState.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        && report.TotalJobs == jobs;

    /// <summary>A sandbox host child process with the jobs seeded, and the endpoint it listens on.</summary>
    private static async Task<(Process Host, string Endpoint)> StartHostAsync(int jobs, int latencyMs, CancellationToken cancel)
    {
        Console.WriteLine($"starting a sandbox host process with {jobs:N0} jobs ...");
        var host = Self("--host", "--jobs", jobs.ToString(CultureInfo.InvariantCulture), "--latency-ms", latencyMs.ToString(CultureInfo.InvariantCulture));
        try
        {
            while (true)
            {
                var line = await host.StandardOutput.ReadLineAsync(cancel) ?? throw new InvalidOperationException("The sandbox host process ended before it listened: " + await host.StandardError.ReadToEndAsync(cancel));
                Console.WriteLine("  host: " + line);
                if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
                {
                    return (host, line.Substring("LISTENING ".Length).Trim());
                }
            }
        }
        catch
        {
            StopHost(host);
            host.Dispose();
            throw;
        }
    }

    private static void StopHost(Process host)
    {
        try
        {
            host.StandardInput.Close();
            if (!host.WaitForExit(10_000))
            {
                host.Kill();
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>CPU time of this process and of the sandbox host since the last lap.</summary>
    private sealed class CpuMeter
    {
        private readonly Process _host;
        private TimeSpan _self;
        private TimeSpan _other;

        public CpuMeter(Process host)
        {
            _host = host;
            Lap();
        }

        public (double Self, double Host) Lap()
        {
            var me = Process.GetCurrentProcess();
            _host.Refresh();
            var self = me.TotalProcessorTime;
            var other = _host.TotalProcessorTime;
            var lap = ((self - _self).TotalSeconds, (other - _other).TotalSeconds);
            _self = self;
            _other = other;
            return lap;
        }
    }

    /// <summary>Sandbox host child + report client child; the figure is the client's peak resident set (VmHWM).</summary>
    private static async Task<string> PeakAsync(int peakJobs, int latencyMs, CancellationToken cancel)
    {
        var (started, endpoint) = await StartHostAsync(peakJobs, latencyMs, cancel);
        using var host = started;
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
            StopHost(host);
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
