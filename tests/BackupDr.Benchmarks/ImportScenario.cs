using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace BackupDr.Benchmarks;

/// <summary>
/// What Import-Module BackupDr adds to a cold PowerShell start, next to a bare start, to the smallest binary module
/// there is (one cmdlet, a four-key manifest: BackupDr.Benchmarks.MinimalModule) and to the floor (that same one-cmdlet
/// assembly under BackupDr's own manifest and format file, so PowerShell's share of the import without any BackupDr code)
/// and to BackupDr without isolation (a copy with every assembly in its root) in the same run, and how long the first
/// AWS cmdlet takes against the sandbox (it loads BackupDr.Core and AWSSDK.Core into the private context).
/// </summary>
/// <remarks>
/// Two PowerShells: the one pinned in .config/dotnet-tools.json (the PowerShell dotnet tool, which ships IL only, so
/// every PowerShell code path an import takes is compiled on the spot), and a ReadyToRun copy of it compiled here with
/// crossgen2 from NuGet, as PowerShell's own packages (MSI, deb, rpm, tar.gz) ship. `--tool-only` skips the second.
/// Each figure is a median of interleaved runs; "in process" is Import-Module timed inside PowerShell (less noise than
/// whole process starts, same ordering).
/// </remarks>
public sealed class ImportScenario : IScenario
{
    private const int Runs = 11;

    /// <summary>The PowerShell assemblies a start and an import run through; the rest of the tool is left as it is.</summary>
    private static readonly string[] PrecompiledAssemblies =
    {
        "System.Management.Automation.dll", "Microsoft.PowerShell.ConsoleHost.dll", "Microsoft.PowerShell.Commands.Utility.dll",
        "Microsoft.PowerShell.Commands.Management.dll", "Microsoft.PowerShell.Security.dll", "Microsoft.PowerShell.CoreCLR.Eventing.dll",
        "Microsoft.ApplicationInsights.dll", "Newtonsoft.Json.dll", "Microsoft.Management.Infrastructure.dll", "pwsh.dll",
    };

    public string Name => "import";

    public string Description => "cold Import-Module cost vs a bare pwsh start, a minimal binary module, the floor (BackupDr's manifest and format file on that module) and BackupDr without isolation (median of 11), first-cmdlet latency; args: [module.psd1] [--tool-only]";

    public async Task<IReadOnlyList<KeyValuePair<string, string>>> RunAsync(string[] args, CancellationToken cancel)
    {
        var root = RepoRoot();
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var module = positional.Count > 0 ? Path.GetFullPath(positional[0]) : Path.Combine(root, "out", "BackupDr", "BackupDr.psd1");
        if (!File.Exists(module))
        {
            throw new FileNotFoundException($"No module at {module}: run 'dotnet pwsh ./build.ps1' first.", module);
        }

        var minimal = MinimalModule();
        var floor = FloorModule(module);
        var flat = FlatModule(module);
        var tool = PwshDll(root);
        Console.WriteLine($"module:  {module}");
        Console.WriteLine($"minimal: {minimal}");
        Console.WriteLine($"floor:   {floor}");
        Console.WriteLine($"flat:    {flat}");

        var results = new List<KeyValuePair<string, string>>();
        var toolFigures = await MeasureAsync("tool", tool, module, minimal, floor, flat, cancel);
        results.AddRange(toolFigures.Select(kv => Kv(kv.Key, kv.Value)));

        results.Add(Kv("first_cmdlet_ms", (await FirstCmdletAsync(root, tool, module, cancel)).ToString("F0", CultureInfo.InvariantCulture)));

        if (!args.Contains("--tool-only"))
        {
            var precompiled = await PrecompiledPwshAsync(root, tool, cancel);
            var r2r = await MeasureAsync("ready-to-run", precompiled, module, minimal, floor, flat, cancel);
            results.AddRange(r2r.Select(kv => Kv("r2r_" + kv.Key, kv.Value)));
        }

        return results;
    }

    /// <summary>
    /// Bare start, minimal module, floor, BackupDr: whole-process medians, then the in-process Import-Module medians
    /// (and of the flat copy: BackupDr without isolation).
    /// </summary>
    private static async Task<List<KeyValuePair<string, string>>> MeasureAsync(string label, string pwsh, string module, string minimal, string floor, string flat, CancellationToken cancel)
    {
        Console.WriteLine($"== {label} PowerShell: dotnet {pwsh}");

        // One warm-up of each, so the first measured run does not pay for a cold disk cache.
        await RunPwshAsync(pwsh, "exit", cancel);
        foreach (var m in new[] { minimal, floor, module, flat })
        {
            await RunPwshAsync(pwsh, $"Import-Module '{m}'", cancel);
        }

        var bare = new List<double>();
        var small = new List<double>();
        var least = new List<double>();
        var import = new List<double>();
        var smallIn = new List<double>();
        var leastIn = new List<double>();
        var importIn = new List<double>();
        var flatIn = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            // Interleaved, so a burst of load on the machine hits every series alike.
            bare.Add(await RunPwshAsync(pwsh, "exit", cancel));
            small.Add(await RunPwshAsync(pwsh, $"Import-Module '{minimal}'", cancel));
            least.Add(await RunPwshAsync(pwsh, $"Import-Module '{floor}'", cancel));
            import.Add(await RunPwshAsync(pwsh, $"Import-Module '{module}'", cancel));
            smallIn.Add(await InProcessAsync(pwsh, minimal, cancel));
            leastIn.Add(await InProcessAsync(pwsh, floor, cancel));
            importIn.Add(await InProcessAsync(pwsh, module, cancel));
            flatIn.Add(await InProcessAsync(pwsh, flat, cancel));
            Console.WriteLine($"run {i + 1,2}: bare {bare[^1]:F0} ms, minimal module {small[^1]:F0} ms, floor {least[^1]:F0} ms, BackupDr {import[^1]:F0} ms; "
                + $"in process: minimal {smallIn[^1]:F0} ms, floor {leastIn[^1]:F0} ms, BackupDr {importIn[^1]:F0} ms, without isolation {flatIn[^1]:F0} ms");
        }

        var bareMs = Median(bare);
        var importMs = Median(import);
        var added = importMs - bareMs;
        var minimalAdded = Median(small) - bareMs;
        var floorAdded = Median(least) - bareMs;
        var own = Median(importIn) - Median(leastIn);
        var isolation = Median(importIn) - Median(flatIn);
        Console.WriteLine($"median bare {bareMs:F0} ms; Import-Module adds {added:F0} ms (target < 60); the minimal module adds {minimalAdded:F0} ms, "
            + $"the floor {floorAdded:F0} ms; in process {Median(importIn):F0} ms vs {Median(smallIn):F0} ms (minimal) and {Median(leastIn):F0} ms (floor): "
            + $"BackupDr's own code {own:F0} ms; isolation {isolation:F0} ms (vs {Median(flatIn):F0} ms without it)");
        return new List<KeyValuePair<string, string>>
        {
            Kv("bare_ms", bareMs.ToString("F0", CultureInfo.InvariantCulture)),
            Kv("import_ms", importMs.ToString("F0", CultureInfo.InvariantCulture)),
            Kv("import_added_ms", added.ToString("F0", CultureInfo.InvariantCulture)),
            Kv("minimal_added_ms", minimalAdded.ToString("F0", CultureInfo.InvariantCulture)),
            Kv("floor_added_ms", floorAdded.ToString("F0", CultureInfo.InvariantCulture)),
            Kv("ratio", (importMs / bareMs).ToString("F2", CultureInfo.InvariantCulture)),
            Kv("inproc_import_ms", Median(importIn).ToString("F0", CultureInfo.InvariantCulture)),
            Kv("inproc_minimal_ms", Median(smallIn).ToString("F0", CultureInfo.InvariantCulture)),
            Kv("inproc_floor_ms", Median(leastIn).ToString("F0", CultureInfo.InvariantCulture)),
            Kv("own_ms", own.ToString("F0", CultureInfo.InvariantCulture)),
            Kv("inproc_flat_ms", Median(flatIn).ToString("F0", CultureInfo.InvariantCulture)),
            Kv("isolation_ms", isolation.ToString("F0", CultureInfo.InvariantCulture)),
        };
    }

    private static async Task<double> FirstCmdletAsync(string root, string pwsh, string module, CancellationToken cancel)
    {
        var first = new List<double>();
        var seed = Path.Combine(root, "examples", "sandbox-seed.json");
        var script = $"Import-Module '{module}'; $null = Start-DrSandbox -JobDuration 0 -SeedPath '{seed}'; "
            + "$w = [Diagnostics.Stopwatch]::StartNew(); $null = @(Get-DrBackupVault); $w.Stop(); Stop-DrSandbox; "
            + "[Console]::Out.WriteLine('FIRST=' + $w.Elapsed.TotalMilliseconds.ToString([Globalization.CultureInfo]::InvariantCulture))";
        for (var i = 0; i < 3; i++)
        {
            first.Add(Figure(await RunPwshOutputAsync(pwsh, script, cancel), "FIRST="));
            Console.WriteLine($"first cmdlet (Get-DrBackupVault against the sandbox): {first[^1]:F0} ms");
        }

        return Median(first);
    }

    private static async Task<double> InProcessAsync(string pwsh, string module, CancellationToken cancel) =>
        Figure(await RunPwshOutputAsync(pwsh, $"$w = [Diagnostics.Stopwatch]::StartNew(); Import-Module '{module}'; $w.Stop(); "
            + "[Console]::Out.WriteLine('IMPORT=' + $w.Elapsed.TotalMilliseconds.ToString([Globalization.CultureInfo]::InvariantCulture))", cancel), "IMPORT=");

    private static double Figure(string output, string prefix)
    {
        var line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"the run printed no {prefix} line: " + output);
        return double.Parse(line.Substring(prefix.Length), CultureInfo.InvariantCulture);
    }

    /// <summary>The baseline module laid out as a module folder (manifest and dll) in the temp directory.</summary>
    private static string MinimalModule()
    {
        var dir = Path.Combine(Path.GetTempPath(), "BackupDr.Benchmarks", "MinimalModule");
        Directory.CreateDirectory(dir);
        foreach (var file in new[] { "BackupDr.Benchmarks.MinimalModule.dll", "MinimalModule.psd1" })
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, file), Path.Combine(dir, file), overwrite: true);
        }

        return Path.Combine(dir, "MinimalModule.psd1");
    }

    /// <summary>
    /// BackupDr without isolation: a copy of the module with dependencies/ emptied into its root, where the runtime finds
    /// every assembly in the default context (DependencyLoader then stands aside, as in a development build). Its
    /// import against BackupDr's is what isolation costs.
    /// </summary>
    private static string FlatModule(string module)
    {
        var source = Path.GetDirectoryName(module)!;
        var dir = Path.Combine(Path.GetTempPath(), "BackupDr.Benchmarks", "FlatModule", Path.GetFileName(source));
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        CopyDirectory(source, dir);
        var dependencies = Path.Combine(dir, "dependencies");
        if (Directory.Exists(dependencies))
        {
            foreach (var file in Directory.GetFiles(dependencies))
            {
                File.Move(file, Path.Combine(dir, Path.GetFileName(file)));
            }

            Directory.Delete(dependencies, recursive: true);
        }

        return Path.Combine(dir, Path.GetFileName(module));
    }

    /// <summary>
    /// The floor: the minimal module's one-cmdlet assembly under BackupDr's manifest (its RootModule swapped, the one
    /// cmdlet added to CmdletsToExport) and BackupDr's format file: everything PowerShell does for an import of BackupDr
    /// except running and scanning BackupDr's own code.
    /// </summary>
    private static string FloorModule(string module)
    {
        var dir = Path.Combine(Path.GetTempPath(), "BackupDr.Benchmarks", "FloorModule");
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "BackupDr.Benchmarks.MinimalModule.dll"), Path.Combine(dir, "BackupDr.Benchmarks.MinimalModule.dll"), overwrite: true);
        var folder = Path.GetDirectoryName(module)!;
        foreach (var format in Directory.GetFiles(folder, "*.format.ps1xml"))
        {
            File.Copy(format, Path.Combine(dir, Path.GetFileName(format)), overwrite: true);
        }

        var manifest = File.ReadAllText(module);
        var root = System.Text.RegularExpressions.Regex.Match(manifest, @"RootModule\s*=\s*'[^']*'");
        var exports = System.Text.RegularExpressions.Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\(");
        if (!root.Success || !exports.Success)
        {
            throw new InvalidOperationException($"{module} has no RootModule = '...' or CmdletsToExport = @( line to build the floor module from.");
        }

        manifest = manifest.Substring(0, exports.Index + exports.Length) + " 'Get-MinimalThing'" + manifest.Substring(exports.Index + exports.Length);
        manifest = manifest.Replace(root.Value, "RootModule = 'BackupDr.Benchmarks.MinimalModule.dll'");
        var path = Path.Combine(dir, "FloorModule.psd1");
        File.WriteAllText(path, manifest);
        return path;
    }

    /// <summary>
    /// A copy of the tool's PowerShell with its own assemblies compiled ReadyToRun (out/pwsh-r2r, made once per version);
    /// crossgen2 comes from NuGet through build/Crossgen2Download.csproj.
    /// </summary>
    private static async Task<string> PrecompiledPwshAsync(string root, string toolPwsh, CancellationToken cancel)
    {
        var source = Path.GetDirectoryName(toolPwsh)!;
        var version = Path.GetFileName(Path.GetFullPath(Path.Combine(source, "..", "..", "..", "..")));
        var target = Path.Combine(root, "out", "pwsh-r2r", version);
        var stamp = Path.Combine(target, ".precompiled");
        if (File.Exists(stamp))
        {
            return Path.Combine(target, "pwsh.dll");
        }

        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            throw new PlatformNotSupportedException("The ReadyToRun PowerShell is made for linux-x64 only; run with --tool-only here.");
        }

        Console.WriteLine($"compiling a ReadyToRun copy of PowerShell {version} into {target} (once) ...");
        await RunAsync("dotnet", new[] { "restore", Path.Combine(root, "build", "Crossgen2Download.csproj"), "-nologo", "-v", "q" }, cancel);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var crossgen = Directory.GetFiles(Path.Combine(packages, "microsoft.netcore.app.crossgen2.linux-x64"), "crossgen2", SearchOption.AllDirectories)
            .OrderByDescending(p => p, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new FileNotFoundException("crossgen2 not found after restoring build/Crossgen2Download.csproj.");
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;

        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        CopyDirectory(source, target);
        foreach (var name in PrecompiledAssemblies)
        {
            var input = Path.Combine(source, name);
            if (!File.Exists(input))
            {
                continue;
            }

            await RunAsync(crossgen, new[] { "-r", Path.Combine(framework, "*.dll"), "-r", Path.Combine(source, "*.dll"), "--targetos", "linux", "--targetarch", "x64", "-O", input, "-o", Path.Combine(target, name) }, cancel);
        }

        await File.WriteAllTextAsync(stamp, string.Join(Environment.NewLine, PrecompiledAssemblies), cancel);
        return Path.Combine(target, "pwsh.dll");
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
        }
    }

    /// <summary>Runs a process to its end and returns its standard output; a non-zero exit throws with what it printed.</summary>
    private static async Task<string> RunAsync(string exe, IEnumerable<string> arguments, CancellationToken cancel)
    {
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + exe);
        var stdout = process.StandardOutput.ReadToEndAsync(cancel);
        var stderr = process.StandardError.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(exe)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stdout}{await stderr}");
        }

        return await stdout;
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

    private static Task<string> RunPwshOutputAsync(string pwsh, string command, CancellationToken cancel) =>
        RunAsync("dotnet", new[] { pwsh, "-NoProfile", "-NonInteractive", "-Command", command }, cancel);

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
