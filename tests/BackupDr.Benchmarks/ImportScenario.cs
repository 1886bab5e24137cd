using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace BackupDr.Benchmarks;

/// <summary>
/// What Import-Module BackupDr adds to a cold PowerShell start, next to a bare start in the same run, and how long the
/// first AWS cmdlet takes against the sandbox (it loads AWSSDK.Core into the private context). Uses the PowerShell pinned
/// in .config/dotnet-tools.json and the module laid out by build.ps1 (out/BackupDr), or the path given as the first argument.
/// </summary>
public sealed class ImportScenario : IScenario
{
    private const int Runs = 7;

    public string Name => "import";

    public string Description => "cold Import-Module cost vs a bare pwsh start (median of 7), and first-cmdlet latency; args: [module.psd1]";

    public async Task<IReadOnlyList<KeyValuePair<string, string>>> RunAsync(string[] args, CancellationToken cancel)
    {
        var root = RepoRoot();
        var module = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.Combine(root, "out", "BackupDr", "BackupDr.psd1");
        if (!File.Exists(module))
        {
            throw new FileNotFoundException($"No module at {module}: run 'dotnet pwsh ./build.ps1' first.", module);
        }

        var pwsh = PwshDll(root);
        Console.WriteLine($"pwsh: dotnet {pwsh}");
        Console.WriteLine($"module: {module}");

        // One warm-up of each, so the first measured run does not pay for a cold disk cache.
        await RunPwshAsync(pwsh, "exit", cancel);
        await RunPwshAsync(pwsh, $"Import-Module '{module}'", cancel);

        var bare = new List<double>();
        var import = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            // Interleaved, so a burst of load on the machine hits both series alike.
            bare.Add(await RunPwshAsync(pwsh, "exit", cancel));
            import.Add(await RunPwshAsync(pwsh, $"Import-Module '{module}'", cancel));
            Console.WriteLine($"run {i + 1}: bare {bare[^1]:F0} ms, import {import[^1]:F0} ms");
        }

        var first = new List<double>();
        var seed = Path.Combine(root, "examples", "sandbox-seed.json");
        var script = $"Import-Module '{module}'; $null = Start-DrSandbox -JobDuration 0 -SeedPath '{seed}'; "
            + "$w = [Diagnostics.Stopwatch]::StartNew(); $null = @(Get-DrBackupVault); $w.Stop(); Stop-DrSandbox; "
            + "[Console]::Out.WriteLine('FIRST=' + $w.Elapsed.TotalMilliseconds.ToString([Globalization.CultureInfo]::InvariantCulture))";
        for (var i = 0; i < 3; i++)
        {
            var output = await RunPwshOutputAsync(pwsh, script, cancel);
            var line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("FIRST=", StringComparison.Ordinal))
                ?? throw new InvalidOperationException("the first-cmdlet run printed no FIRST= line: " + output);
            first.Add(double.Parse(line.Substring(6), CultureInfo.InvariantCulture));
            Console.WriteLine($"first cmdlet (Get-DrBackupVault against the sandbox): {first[^1]:F0} ms");
        }

        var bareMs = Median(bare);
        var importMs = Median(import);
        var added = importMs - bareMs;
        Console.WriteLine($"median bare {bareMs:F0} ms, with Import-Module {importMs:F0} ms: import adds {added:F0} ms (target < 60)");
        return new[]
        {
            Kv("bare_ms", bareMs.ToString("F0", CultureInfo.InvariantCulture)),
            Kv("import_ms", importMs.ToString("F0", CultureInfo.InvariantCulture)),
            Kv("import_added_ms", added.ToString("F0", CultureInfo.InvariantCulture)),
            Kv("ratio", (importMs / bareMs).ToString("F2", CultureInfo.InvariantCulture)),
            Kv("first_cmdlet_ms", Median(first).ToString("F0", CultureInfo.InvariantCulture)),
        };
    }

    private static KeyValuePair<string, string> Kv(string k, string v) => new(k, v);

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task<double> RunPwshAsync(string pwsh, string command, CancellationToken cancel)
    {
        var watch = Stopwatch.StartNew();
        await RunPwshOutputAsync(pwsh, command, cancel);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task<string> RunPwshOutputAsync(string pwsh, string command, CancellationToken cancel)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { pwsh, "-NoProfile", "-NonInteractive", "-Command", command })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet pwsh");
        var stdout = process.StandardOutput.ReadToEndAsync(cancel);
        var stderr = process.StandardError.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pwsh -c \"{command}\" exited with {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }

    /// <summary>pwsh.dll of the PowerShell tool that `dotnet tool restore` put in the NuGet packages folder.</summary>
    private static string PwshDll(string root)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, ".config", "dotnet-tools.json")));
        var version = manifest.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString()!;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var toolDir = Path.Combine(packages, "powershell", version, "tools");
        var dll = Directory.Exists(toolDir)
            ? Directory.GetFiles(toolDir, "pwsh.dll", SearchOption.AllDirectories)
                .OrderBy(p => p.Contains(OperatingSystem.IsWindows() ? "win" : "unix", StringComparison.Ordinal) ? 0 : 1).FirstOrDefault()
            : null;
        return dll ?? throw new FileNotFoundException($"pwsh.dll of PowerShell {version} not found under {toolDir}: run 'dotnet tool restore'.");
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "BackupDr.psd1")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("BackupDr.psd1 not found above the benchmark directory.");
    }
}
