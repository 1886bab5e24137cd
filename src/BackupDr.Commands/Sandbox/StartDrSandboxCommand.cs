using System;
using System.IO;
using System.Management.Automation;
using System.Net.Sockets;
using BackupDr.Core.Aws;
using BackupDr.Core.Operations;
using BackupDr.Sandbox;

namespace BackupDr.Commands
{
    /// <summary>
    /// Starts a local AWS (Backup, RDS and EC2) on 127.0.0.1 and makes it the session default for every
    /// BackupDr cmdlet, so BackupDr can be tried and runbooks tested without an AWS account.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "DrSandbox", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(DrSandbox))]
    public sealed class StartDrSandboxCommand : DrCmdlet
    {
        /// <summary>The sandbox's region (the sandbox answers in every region; this one becomes the session default).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(RegionCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Region { get; set; }

        /// <summary>TCP port on 127.0.0.1 (0, the default, picks a free one).</summary>
        [Parameter]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        /// <summary>How long a job takes from CREATED to COMPLETED (seconds or a TimeSpan; default 5 s; 0 = at once).</summary>
        [Parameter]
        [SecondsToTimeSpan]
        public TimeSpan JobDuration { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>Added to every call (seconds or a TimeSpan).</summary>
        [Parameter]
        [SecondsToTimeSpan]
        public TimeSpan Latency { get; set; } = TimeSpan.Zero;

        /// <summary>Calls per second per API before throttling answers (0 = no throttling).</summary>
        [Parameter]
        [ValidateRange(0, 100000)]
        public double ThrottleRate { get; set; }

        [Parameter]
        [ValidateRange(1, 100000)]
        public int ThrottleBurst { get; set; } = 10;

        /// <summary>Fraction (0-1) of jobs that end FAILED.</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double FailureRate { get; set; }

        /// <summary>Fraction (0-1) of calls answered with a 5xx.</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double ErrorRate { get; set; }

        /// <summary>A JSON seed file: resources with tags, vaults, historical jobs and recovery points.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SeedPath { get; set; }

        protected override void EndProcessing()
        {
            var region = Region ?? DrState.Defaults?.Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1";
            var options = new SandboxOptions
            {
                Port = Port,
                JobDuration = JobDuration,
                Latency = Latency,
                ThrottleRate = ThrottleRate,
                ThrottleBurst = ThrottleBurst,
                FailureRate = FailureRate,
                ErrorRate = ErrorRate,
            };

            try
            {
                options.SeedPath = SeedPath == null ? null : FileSystemPaths.Resolve(this, SeedPath, nameof(SeedPath), "SandboxSeedNotFound", DrErrorKind.ObjectNotFound);
                AwsContext.ValidateRegion(region, "-Region");
                if (options.SeedPath != null && !File.Exists(options.SeedPath))
                {
                    throw new DrValidationException("SandboxSeedNotFound", nameof(SeedPath), options.SeedPath, $"The seed file '{options.SeedPath}' does not exist.", DrErrorKind.ObjectNotFound);
                }

                try
                {
                    options.Validate();
                }
                catch (ArgumentException ex)
                {
                    // SandboxOptionLeaksArgumentException regression: a negative -JobDuration or -Latency was a bare ArgumentException.
                    var parameter = ex.ParamName ?? "JobDuration";
                    throw new DrValidationException("InvalidSandboxOption", parameter, parameter == nameof(Latency) ? (object)Latency : JobDuration,
                        $"-{parameter}: {ex.Message.Split(new[] { " (Parameter" }, StringSplitOptions.None)[0]} Nothing was started.", DrErrorKind.InvalidArgument, ex);
                }
            }
            catch (Exception ex) when (ex is ArgumentException || ex is AwsConfigurationException || ex is DrException || ex is InvalidOperationException)
            {
                ThrowDrError(ex, SeedPath ?? region);
                return;
            }

            var running = DrState.Sandbox;
            if (running != null && running.IsRunning)
            {
                ThrowDrError(
                    new DrValidationException("SandboxAlreadyRunning", null, running.EndpointUrl, $"A sandbox already runs in this session at {running.EndpointUrl}. Stop it with Stop-DrSandbox first.", DrErrorKind.InvalidOperation),
                    running.EndpointUrl);
                return;
            }

            if (!ShouldProcess("127.0.0.1", "Start a local AWS sandbox and make it the session default"))
            {
                return;
            }

            SandboxServer server;
            try
            {
                server = SandboxServer.StartNew(options);
            }
            catch (Exception ex)
            {
                ThrowDrError(StartFailure(ex, options), ex is SandboxSeedException ? options.SeedPath : (object)Port);
                return;
            }

            var previous = DrState.Exchange(new AwsContextOptions
            {
                Region = region,
                EndpointUrl = server.Endpoint.ToString().TrimEnd('/'),
                AccessKey = SandboxSession.AccessKey,
                SecretKey = SandboxSession.SecretKey,
                Origin = "sandbox",
            });
            var sandbox = new DrSandbox(server, region, previous, DrState.PollSchedule);
            DrState.Sandbox = sandbox;
            // Jobs here take JobDuration: poll from a tenth of it (0.1-1 s), backing off to a quarter (at most 2 s).
            var first = TimeSpan.FromMilliseconds(Math.Max(100, Math.Min(1000, JobDuration.TotalMilliseconds / 10)));
            DrState.PollSchedule = new PollSchedule(first, TimeSpan.FromMilliseconds(Math.Max(first.TotalMilliseconds, Math.Min(2000, JobDuration.TotalMilliseconds / 4))));
            WriteVerbose($"Sandbox at {sandbox.EndpointUrl} ({region}); every BackupDr cmdlet now uses it until Stop-DrSandbox.");
            WriteObject(sandbox);
        }

        /// <summary>Why the sandbox did not start, as a BackupDr error with a stable id (the cause kept as the inner exception).</summary>
        private static DrException StartFailure(Exception ex, SandboxOptions options) => ex switch
        {
            SandboxSeedException seed => new DrValidationException(
                "SandboxSeedInvalid", nameof(SeedPath), options.SeedPath, $"The seed file is not valid: {seed.Message}", DrErrorKind.InvalidData, seed),
            SocketException socket when socket.SocketErrorCode == SocketError.AddressAlreadyInUse => new DrValidationException(
                "SandboxPortInUse", nameof(Port), options.Port, $"Port {options.Port} on 127.0.0.1 is already in use. Pick another -Port, or 0 for a free one.", DrErrorKind.ResourceBusy, socket),
            _ => new DrException("SandboxStartFailed", null, options.Port, $"The sandbox did not start: {ex.Message}", DrErrorKind.InvalidOperation, ex),
        };
    }
}
