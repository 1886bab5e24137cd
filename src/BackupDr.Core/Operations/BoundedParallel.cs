using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace BackupDr.Core.Operations
{
    /// <summary>What one item of a bounded parallel run gave: its result, or the error that ended it (the run goes on).</summary>
    public sealed class ParallelOutcome<TItem, TResult>
    {
        public ParallelOutcome(TItem item, TResult result, Exception? error)
        {
            Item = item;
            Result = result;
            Error = error;
        }

        public TItem Item { get; }

        /// <summary>The result; default when <see cref="Error"/> is set.</summary>
        public TResult Result { get; }

        public Exception? Error { get; }
    }

    /// <summary>
    /// Runs work over many items with at most a given number at once and yields each outcome as it finishes (not in
    /// input order). One item's failure is its outcome; cancellation ends the whole run, after the items in flight
    /// have seen it (so nothing outlives the call).
    /// </summary>
    public static class BoundedParallel
    {
        public const int MaxLimit = 64;

        /// <summary>Throws when <paramref name="limit"/> is outside 1..<see cref="MaxLimit"/>.</summary>
        public static void ValidateLimit(int limit)
        {
            if (limit < 1 || limit > MaxLimit)
            {
                throw new DrValidationException("InvalidThrottleLimit", "ThrottleLimit", limit, $"-ThrottleLimit is {limit}; give 1 to {MaxLimit} calls at once.");
            }
        }

        public static async IAsyncEnumerable<ParallelOutcome<TItem, TResult>> RunAsync<TItem, TResult>(
            IEnumerable<TItem> items,
            int limit,
            Func<TItem, CancellationToken, Task<TResult>> work,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (items == null)
            {
                throw new ArgumentNullException(nameof(items));
            }

            if (work == null)
            {
                throw new ArgumentNullException(nameof(work));
            }

            ValidateLimit(limit);
            var running = new List<Task<ParallelOutcome<TItem, TResult>>>(limit);
            using var source = items.GetEnumerator();
            try
            {
                while (true)
                {
                    while (running.Count < limit && !cancellationToken.IsCancellationRequested && source.MoveNext())
                    {
                        running.Add(RunOne(source.Current, work, cancellationToken));
                    }

                    if (running.Count == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        yield break;
                    }

                    var done = await Task.WhenAny(running).ConfigureAwait(false);
                    running.Remove(done);
                    yield return await done.ConfigureAwait(false);
                }
            }
            finally
            {
                // Stopped early (cancelled, or the consumer stopped reading): let what is in flight end first.
                foreach (var task in running)
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
        }

        private static async Task<ParallelOutcome<TItem, TResult>> RunOne<TItem, TResult>(TItem item, Func<TItem, CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
        {
            await Task.Yield();
            try
            {
                var result = await work(item, cancellationToken).ConfigureAwait(false);
                return new ParallelOutcome<TItem, TResult>(item, result, null);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                return new ParallelOutcome<TItem, TResult>(item, default!, ex);
            }
        }
    }
}
