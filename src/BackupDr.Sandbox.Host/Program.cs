using System.Globalization;
using BackupDr.Sandbox;

// The sandbox as a console process, for the AWS CLI, SDKs and runbooks: flags mirror SandboxOptions.
const string Usage = """
Usage: BackupDr.Sandbox.Host [options]
  --port N               port on 127.0.0.1 (default 4566; 0 = a free port)
  --job-duration SECONDS time a job takes to finish (default 30; 0 = done on the next read)
  --latency MS           fixed delay added to every AWS call (default 0)
  --throttle-rate N      calls per second per API operation before throttling (default 0 = off)
  --throttle-burst N     token-bucket size per API operation (default 10)
  --failure-rate F       fraction 0..1 of jobs that end FAILED (default 0)
  --error-rate F         fraction 0..1 of calls answered 503 (default 0)
  --random-seed N        seed for failures, errors and ids (deterministic runs)
  --seed FILE            seed file (schema in docs/sandbox.md)
  --help                 this text
""";

var options = new SandboxOptions { Port = 4566 };
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
        double Num() => double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new ArgumentException($"{args[i]} needs a number, not '{args[i]}'.");
        switch (args[i])
        {
            case "--help": case "-h": case "-?": Console.WriteLine(Usage); return 0;
            case "--port": options.Port = (int)Num(); break;
            case "--job-duration": options.JobDuration = TimeSpan.FromSeconds(Num()); break;
            case "--latency": options.Latency = TimeSpan.FromMilliseconds(Num()); break;
            case "--throttle-rate": options.ThrottleRate = Num(); break;
            case "--throttle-burst": options.ThrottleBurst = (int)Num(); break;
            case "--failure-rate": options.FailureRate = Num(); break;
            case "--error-rate": options.ErrorRate = Num(); break;
            case "--random-seed": options.RandomSeed = (int)Num(); break;
            case "--seed": options.SeedPath = Path.GetFullPath(Next()); break;
            default: throw new ArgumentException($"Unknown option '{args[i]}'.");
        }
    }

    options.Validate();
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}

SandboxServer server;
try
{
    server = SandboxServer.StartNew(options);
}
catch (SandboxSeedException e)
{
    Console.Error.WriteLine("Seed file refused: " + e.Message);
    return 3;
}
catch (System.Net.Sockets.SocketException e)
{
    Console.Error.WriteLine($"Cannot listen on 127.0.0.1:{options.Port}: {e.Message}");
    return 4;
}

using var done = new ManualResetEventSlim();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; done.Set(); };
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; done.Set(); });
Console.WriteLine($"BackupDr sandbox listening on {server.Endpoint}");
Console.WriteLine($"  aws --endpoint-url {server.Endpoint.ToString().TrimEnd('/')} backup list-backup-vaults   (any credentials; account {options.DefaultAccountId})");
Console.WriteLine("Press Ctrl+C to stop.");
done.Wait();
server.Dispose();
Console.WriteLine("Sandbox stopped.");
return 0;
