using System.Globalization;
using System.Reflection;
using BackupDr.Benchmarks;

// dotnet run -c Release --project tests/BackupDr.Benchmarks -- <scenario> [args]
// Every scenario measures its baseline in the same run and ends with one line: RESULT key=value ...
var scenarios = typeof(Program).Assembly.GetTypes()
    .Where(t => typeof(IScenario).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IScenario)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToList();

void Usage(TextWriter w)
{
    w.WriteLine("Usage: dotnet run -c Release --project tests/BackupDr.Benchmarks -- <scenario> [args]");
    w.WriteLine("Scenarios:");
    foreach (var s in scenarios) w.WriteLine($"  {s.Name,-10} {s.Description}");
}

if (args.Length == 0 || args[0] is "-h" or "--help" or "-?")
{
    Usage(args.Length == 0 ? Console.Error : Console.Out);
    return args.Length == 0 ? 2 : 0;
}

var scenario = scenarios.FirstOrDefault(s => string.Equals(s.Name, args[0], StringComparison.OrdinalIgnoreCase));
if (scenario is null)
{
    Console.Error.WriteLine($"Unknown scenario '{args[0]}'.");
    Usage(Console.Error);
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;

var result = await scenario.RunAsync(args.Skip(1).ToArray(), cts.Token);
Console.WriteLine("RESULT " + string.Join(' ', result.Select(kv => $"{kv.Key}={kv.Value}")));
return 0;
