using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BackupDr.Core.Aws;

namespace BackupDr.Core.Tests.Infrastructure;

/// <summary>
/// A moto_server process on a free 127.0.0.1 port, stopped by its PID. moto is our independent peer:
/// it speaks AWS's wire protocols without sharing a line of code with us.
/// </summary>
public sealed class MotoServer : IDisposable
{
    private readonly Process _process;

    private MotoServer(Process process, int port)
    {
        _process = process;
        Port = port;
        Endpoint = $"http://127.0.0.1:{port}";
    }

    public int Port { get; }
    public string Endpoint { get; }
    public int Pid => _process.Id;

    /// <summary>Path of moto_server on PATH, or null.</summary>
    public static string? Locate()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "moto_server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static MotoServer Start(IDictionary<string, string>? environment = null)
    {
        var exe = Locate() ?? throw new InvalidOperationException(
            "moto_server is not on PATH. Install it with 'python3 -m pip install \"moto[server]\"' (.ci/run does this); CI=true requires the moto-backed tests to run.");
        var port = FreePort();
        var psi = new ProcessStartInfo(exe, $"-H 127.0.0.1 -p {port}")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        if (environment != null)
        {
            foreach (var kv in environment)
            {
                psi.Environment[kv.Key] = kv.Value;
            }
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("moto_server did not start.");
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (log) { log.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (log) { log.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new MotoServer(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with code {process.ExitCode}: {log}");
            }

            try
            {
                var response = http.GetAsync(server.Endpoint + "/moto-api/").GetAwaiter().GetResult();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            Thread.Sleep(200);
        }

        server.Dispose();
        throw new InvalidOperationException($"moto_server did not answer on {server.Endpoint} within 60 s: {log}");
    }

    /// <summary>Context options aimed at this server with moto's placeholder credentials.</summary>
    public AwsContextOptions Options(string region = "us-east-1", string accessKey = "testing", string secretKey = "testing") => new()
    {
        Region = region,
        AccessKey = accessKey,
        SecretKey = secretKey,
        EndpointUrl = Endpoint,
    };

    public AwsTransport Transport(string region = "us-east-1", HttpMessageHandler? handler = null) =>
        new(AwsContext.Resolve(Options(region), new DictionaryEnvironment()), handler, new RetryPolicy { MaxAttempts = 2 });

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        try
        {
            using var byPid = Process.GetProcessById(Pid);
            byPid.Kill(entireProcessTree: true);
            byPid.WaitForExit(10_000);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}

/// <summary>One moto_server shared by every test in the "Moto" collection.</summary>
public sealed class MotoFixture : IDisposable
{
    private readonly Lazy<MotoServer> _server = new(() => MotoServer.Start(), LazyThreadSafetyMode.ExecutionAndPublication);

    public MotoServer Server => _server.Value;

    public void Dispose()
    {
        if (_server.IsValueCreated)
        {
            _server.Value.Dispose();
        }
    }
}

[CollectionDefinition("Moto")]
public sealed class MotoCollection : ICollectionFixture<MotoFixture>
{
}

/// <summary>
/// A fact that needs moto_server. Outside CI it is skipped (with the reason) when moto_server is not on
/// PATH; with CI=true it always runs, so a missing moto_server fails the run instead of hiding it.
/// </summary>
public sealed class MotoFactAttribute : FactAttribute
{
    public MotoFactAttribute()
    {
        if (!MotoServer.IsCi && MotoServer.Locate() == null)
        {
            Skip = "moto_server is not on PATH (pip install \"moto[server]\"); CI=true makes this a failure.";
        }
    }
}
