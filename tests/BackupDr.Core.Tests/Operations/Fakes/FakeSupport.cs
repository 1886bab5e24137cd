using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using BackupDr.Core.Aws;

namespace BackupDr.Core.Tests.Operations.Fakes;

/// <summary>Contexts for fakes: static keys, no environment, so nothing is read from the machine.</summary>
public static class TestContexts
{
    public static AwsContext For(string region) =>
        AwsContext.Resolve(new AwsContextOptions { Region = region, AccessKey = "AKIDEXAMPLE", SecretKey = "secret" }, new DictionaryEnvironment());
}

/// <summary>A clock whose Delay advances time instantly (records each delay) and honours cancellation.</summary>
public sealed class FakeClock : IAwsClock
{
    public FakeClock(DateTime utcNow) => UtcNow = utcNow;

    public DateTime UtcNow { get; set; }

    public List<TimeSpan> Delays { get; } = new();

    /// <summary>When true, Delay never completes on its own (only cancellation ends it).</summary>
    public bool BlockDelays { get; set; }

    public async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (Delays)
        {
            Delays.Add(delay);
        }

        if (BlockDelays)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        UtcNow += delay;
    }
}

/// <summary>Call log shared by the fakes, so tests prove what was (not) sent.</summary>
public class CallRecorder
{
    private readonly ConcurrentQueue<string> _calls = new();

    public IReadOnlyList<string> Calls => _calls.ToList();

    /// <summary>Calls that change something in AWS (not Describe/List/Get).</summary>
    public IReadOnlyList<string> Mutations => Calls.Where(c => !c.StartsWith("Describe") && !c.StartsWith("List") && !c.StartsWith("Get")).ToList();

    protected void Record(string call) => _calls.Enqueue(call);

    protected static async IAsyncEnumerable<T> Stream<T>(IEnumerable<T> items, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var item in items)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return item;
        }
    }
}
