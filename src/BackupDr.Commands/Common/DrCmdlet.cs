using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>IProgress that calls back synchronously (Progress&lt;T&gt; would post to a SynchronizationContext PowerShell lacks).</summary>
    internal sealed class SyncProgress<T> : IProgress<T>
    {
        private readonly Action<T> _report;

        public SyncProgress(Action<T> report)
        {
            _report = report;
        }

        public void Report(T value) => _report(value);
    }

    /// <summary>
    /// Base of every BackupDr cmdlet: the runspace's BackupDr state, Ctrl+C wired to a CancellationToken,
    /// and a pump that replays work done on other threads (output, verbose, progress, errors) on the
    /// pipeline thread, where PowerShell requires it. Cmdlets that call no AWS API derive from it directly.
    /// </summary>
    public abstract class DrCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private readonly ConcurrentQueue<Action> _pending = new ConcurrentQueue<Action>();
        private BlockingCollection<Action>? _queue;
        private DrRunspaceState? _state;
        private int _pipelineThread;

        /// <summary>Cancelled by Ctrl+C (StopProcessing).</summary>
        protected CancellationToken CancellationToken => _cancellation.Token;

        /// <summary>This runspace's defaults, polling interval, client factory and sandbox (never the process's).</summary>
        private protected DrRunspaceState DrState => _state ??= DrRunspaceState.Of(SessionState);

        protected override void StopProcessing() => _cancellation.Cancel();

        /// <summary>
        /// Called on the pipeline thread when Ctrl+C ended work in <see cref="Run{T}"/>, before the pipeline stops:
        /// the last chance to say what is left running (a warning) and to close progress records.
        /// </summary>
        protected virtual void OnStopping()
        {
        }

        /// <summary>
        /// Runs async work while pumping its posted actions on this (the pipeline) thread. Ctrl+C cancels the
        /// token and ends the wait at once; PowerShell then stops the pipeline.
        /// </summary>
        protected T Run<T>(Func<CancellationToken, Task<T>> work)
        {
            _pipelineThread = Thread.CurrentThread.ManagedThreadId;
            BeforeRun();
            var queue = new BlockingCollection<Action>();
            var previous = _queue;
            _queue = queue;
            try
            {
                var task = Task.Run(async () =>
                {
                    try
                    {
                        return await work(_cancellation.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        queue.CompleteAdding();
                    }
                });

                try
                {
                    FlushPosted();
                    foreach (var action in queue.GetConsumingEnumerable())
                    {
                        try
                        {
                            action();
                        }
                        catch (PipelineStoppedException) when (_cancellation.IsCancellationRequested)
                        {
                            // After Ctrl+C PowerShell refuses writes; keep pumping so the work can finish its cleanup
                            // (a drill deletes what it restored) before the cmdlet and its clients are disposed.
                        }
                    }

                    FlushPosted();
                }
                catch
                {
                    // A write failed (pipeline stopped downstream, terminating error): stop the work too.
                    _cancellation.Cancel();
                    throw;
                }

                try
                {
                    return task.GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
                {
                    OnStopping();
                    throw new PipelineStoppedException();
                }
                catch (AwsConfigurationException ex)
                {
                    // No usable credentials (found at first signing): no other item can succeed, so one terminating error.
                    ThrowTerminatingError(DrErrorRecords.From(ex, ex.Value));
                    throw; // unreachable: ThrowTerminatingError always throws
                }
            }
            finally
            {
                _queue = previous;
            }
        }

        /// <summary>Runs on the pipeline thread before the work of <see cref="Run{T}"/> starts.</summary>
        private protected virtual void BeforeRun()
        {
        }

        protected void Run(Func<CancellationToken, Task> work) => Run<bool>(async ct =>
        {
            await work(ct).ConfigureAwait(false);
            return true;
        });

        /// <summary>Streams an async listing to the pipeline item by item, as pages arrive.</summary>
        protected void Stream<T>(Func<CancellationToken, IAsyncEnumerable<T>> listing, Action<T>? onItem = null)
        {
            onItem ??= item => WriteObject(item);
            Run(async ct =>
            {
                var e = listing(ct).GetAsyncEnumerator(ct);
                try
                {
                    while (await e.MoveNextAsync().ConfigureAwait(false))
                    {
                        var item = e.Current;
                        Post(() => onItem(item));
                    }
                }
                finally
                {
                    await e.DisposeAsync().ConfigureAwait(false);
                }
            });
        }

        /// <summary>
        /// Queues an action for the pipeline thread; runs it at once when already on it. Work still running between two
        /// <see cref="Run{T}"/> calls (bounded parallel work fed from ProcessRecord) posts into a holding queue that the
        /// next Run, or <see cref="FlushPosted"/>, replays on the pipeline thread.
        /// </summary>
        protected void Post(Action action)
        {
            var queue = _queue;
            if (queue == null || queue.IsAddingCompleted)
            {
                PostOutsideRun(action);
                return;
            }

            try
            {
                queue.Add(action);
            }
            catch (InvalidOperationException)
            {
                PostOutsideRun(action);
            }
        }

        /// <summary>Replays, on the pipeline thread, what other threads posted while no Run was pumping.</summary>
        protected void FlushPosted()
        {
            while (_pending.TryDequeue(out var action))
            {
                try
                {
                    action();
                }
                catch (PipelineStoppedException) when (_cancellation.IsCancellationRequested)
                {
                }
            }
        }

        private void PostOutsideRun(Action action)
        {
            if (_pipelineThread == 0 || Thread.CurrentThread.ManagedThreadId == _pipelineThread)
            {
                action();
            }
            else
            {
                _pending.Enqueue(action);
            }
        }

        /// <summary>Writes a non-terminating error built from any BackupDr or AWS exception.</summary>
        protected void WriteDrError(Exception ex, object? target) => WriteError(DrErrorRecords.From(ex, target));

        /// <summary>Throws a terminating error built from any BackupDr or AWS exception.</summary>
        protected void ThrowDrError(Exception ex, object? target) => ThrowTerminatingError(DrErrorRecords.From(ex, target));

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (disposing)
            {
                _cancellation.Dispose();
            }
        }
    }

    /// <summary>
    /// Base of the cmdlets that call AWS: the connection parameters, one resolution of them per call over
    /// the runspace's session defaults (with where each value came from), the clients, and job waits.
    /// </summary>
    public abstract class DrAwsCmdlet : DrCmdlet
    {
        private AwsContext? _context;
        private AwsClientSet? _clients;

        /// <summary>AWS region, e.g. eu-west-1. Default: Set-DrDefault, AWS_REGION, AWS_DEFAULT_REGION, the profile.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(RegionCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Region { get; set; }

        /// <summary>Named profile from the shared AWS credentials/config files (assume-role and SSO profiles work).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ProfileCompleter))]
        [ValidateNotNullOrEmpty]
        public string? ProfileName { get; set; }

        /// <summary>Path of a shared credentials file to read instead of ~/.aws/credentials.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ProfileLocation { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AccessKey { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SecretKey { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SessionToken { get; set; }

        /// <summary>Service endpoint, e.g. a sandbox or moto_server URL. Default: AWS_ENDPOINT_URL_* / AWS_ENDPOINT_URL / public endpoint.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EndpointUrl { get; set; }

        /// <summary>The resolved AWS context (region, credentials, endpoints) for this call.</summary>
        protected AwsContext Context => _context ??= ResolveContext();

        /// <summary>Typed clients for this call; AWS calls are logged with -Verbose.</summary>
        protected AwsClientSet Clients => _clients ??= DrState.ClientFactory.Create(Context, record => Post(() => WriteVerbose(record.ToString())));

        /// <summary>Options the user passed explicitly on this call.</summary>
        protected AwsContextOptions ExplicitOptions() => new AwsContextOptions
        {
            Region = Region,
            ProfileName = ProfileName,
            ProfileLocation = ProfileLocation,
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            SessionToken = SessionToken,
            EndpointUrl = EndpointUrl,
        };

        private AwsContext ResolveContext()
        {
            try
            {
                var ctx = DrState.Resolve(ExplicitOptions());
                WriteVerbose($"Region {ctx.Region} (from {ctx.RegionSource}); credentials from {ctx.CredentialSource}.");
                WriteDebug($"Endpoints: Backup {ctx.GetEndpoint(AwsService.Backup)}; RDS {ctx.GetEndpoint(AwsService.Rds)}; EC2 {ctx.GetEndpoint(AwsService.Ec2)}.");
                return ctx;
            }
            catch (AwsConfigurationException ex)
            {
                ThrowTerminatingError(DrErrorRecords.From(ex, ex.Value));
                throw; // unreachable: ThrowTerminatingError always throws
            }
        }

        // Clients (and the context under them) are made here, on the pipeline thread: resolving them may
        // write verbose records or a terminating error, which PowerShell allows only on this thread.
        private protected override void BeforeRun() => _ = Clients;

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _clients?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
