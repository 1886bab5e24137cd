using System.Collections.Concurrent;
using System.Diagnostics;

namespace BackupDr.Core.Tests.Infrastructure;

/// <summary>
/// The independent peers some tests drive: the AWS CLI and boto3. Each is probed once per test run
/// by running it, not only by looking for a file, so a broken install is found too.
/// </summary>
public static class ExternalTools
{
    private static readonly ConcurrentDictionary<string, string?> Missing = new();

    /// <summary>Null when the tool works; otherwise why not and how to get it.</summary>
    public static string? WhyMissing(string tool) => Missing.GetOrAdd(tool, Probe);

    private static string? Probe(string tool) => tool switch
    {
        "aws" => Works("aws", "--version") ? null : "the AWS CLI ('aws') is not on PATH or does not run (pip install awscli)",
        "boto3" => Works("python3", "-c \"import boto3\"") ? null : "python3 with boto3 is not available (python3 -m pip install boto3)",
        _ => throw new ArgumentOutOfRangeException(nameof(tool), tool, "unknown tool"),
    };

    private static bool Works(string file, string args)
    {
        try
        {
            var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi);
            if (p == null)
            {
                return false;
            }

            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            if (!p.WaitForExit(30_000))
            {
                p.Kill(entireProcessTree: true);
                return false;
            }

            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>
/// A fact that needs the AWS CLI and/or boto3. Outside CI it is skipped with the reason when a tool is
/// missing; with CI=true it always runs, so a missing tool fails the run instead of hiding it.
/// </summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        if (MotoServer.IsCi)
        {
            return;
        }

        var missing = tools.Select(ExternalTools.WhyMissing).Where(m => m != null).ToList();
        if (missing.Count > 0)
        {
            Skip = string.Join("; ", missing) + "; CI=true makes this a failure.";
        }
    }
}
