namespace BackupDr.Benchmarks;

/// <summary>
/// One benchmark scenario. Each lives in its own file, is found by reflection, prints its figures
/// as it goes and returns the key/value pairs of its final <c>RESULT</c> line.
/// </summary>
public interface IScenario
{
    /// <summary>The name typed on the command line, such as <c>report</c>.</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Description { get; }

    /// <summary>Runs the scenario; <paramref name="args"/> are the arguments after its name.</summary>
    Task<IReadOnlyList<KeyValuePair<string, string>>> RunAsync(string[] args, CancellationToken cancel);
}
