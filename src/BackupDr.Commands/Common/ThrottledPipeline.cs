using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace BackupDr.Commands
{
    /// <summary>
    /// Bounded parallel work fed from ProcessRecord, one item at a time, for cmdlets that fan out over pipeline input
    /// (Start-DrBackup, Set-DrBackupTag): at most <see cref="Limit"/> items run at once; a new item waits for a free slot.
    /// Call <see cref="StartAsync"/> and <see cref="WhenAllAsync"/> inside the cmdlet's Run, so the pump replays on the
    /// pipeline thread what finished items Post (results, errors, ShouldProcess questions) while the cmdlet waits.
    /// Each item handles its own failure (a Posted error record); only cancellation ends the whole run.
    /// </summary>
    internal sealed class ThrottledPipeline : IDisposable
    {
        private readonly SemaphoreSlim _slots;
        private readonly List<Task> _running = new List<Task>();
        private int _started;
        private int _finished;

        public ThrottledPipeline(int limit)
        {
            if (limit < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit must be at least 1.");
            }

            Limit = limit;
            _slots = new SemaphoreSlim(limit, limit);
        }

        public int Limit { get; }

        /// <summary>Items started so far.</summary>
        public int Started => Volatile.Read(ref _started);

        /// <summary>Items still running (after Ctrl+C: the ones whose outcome is unknown).</summary>
        public int InFlight => Started - Volatile.Read(ref _finished);

        /// <summary>Waits for a free slot, then starts <paramref name="work"/> without waiting for it to end.</summary>
        public async Task StartAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
        {
            try
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C while waiting for a slot: let the items in flight see it and end before the cmdlet is disposed.
                await DrainAsync().ConfigureAwait(false);
                throw;
            }

            Interlocked.Increment(ref _started);
            var task = Task.Run(
                async () =>
                {
                    try
                    {
                        await work(cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Increment(ref _finished);
                        _slots.Release();
                    }
                },
                CancellationToken.None);
            lock (_running)
            {
                _running.RemoveAll(t => t.IsCompleted);
                _running.Add(task);
            }
        }

        /// <summary>Waits for every started item; throws OperationCanceledException after Ctrl+C, once they all ended.</summary>
        public async Task WhenAllAsync(CancellationToken cancellationToken)
        {
            await DrainAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        private async Task DrainAsync()
        {
            Task[] tasks;
            lock (_running)
            {
                tasks = _running.ToArray();
            }

            foreach (var task in tasks)
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        public void Dispose() => _slots.Dispose();
    }
}
