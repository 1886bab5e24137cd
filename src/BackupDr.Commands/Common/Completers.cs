using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.RegularExpressions;
using BackupDr.Core.Aws;

namespace BackupDr.Commands
{
    /// <summary>
    /// Offline completion of AWS region names (no call to AWS), partition by partition: aws, aws-cn, aws-us-gov. The
    /// list is <see cref="AwsRegions"/>; a partition name ("aws-cn") completes to that partition's regions.
    /// </summary>
    public sealed class RegionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var partition = AwsRegions.All.Any(r => string.Equals(r.Partition, prefix, StringComparison.OrdinalIgnoreCase)) ? prefix : null;
            return AwsRegions.All
                .Where(r => partition != null ? string.Equals(r.Partition, partition, StringComparison.OrdinalIgnoreCase) : r.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(r => new CompletionResult(r.Name, r.Name, CompletionResultType.ParameterValue, $"{r.Name}: {r.Description} (partition {r.Partition})"));
        }

        internal static IEnumerable<CompletionResult> Complete(IEnumerable<string> values, string word)
        {
            var prefix = (word ?? string.Empty).Trim('\'', '"');
            return values.Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(v => new CompletionResult(v.IndexOf(' ') >= 0 ? "'" + v.Replace("'", "''") + "'" : v, v, CompletionResultType.ParameterValue, v));
        }
    }

    /// <summary>Completes profile names from the shared credentials and config files (read locally).</summary>
    public sealed class ProfileCompleter : IArgumentCompleter
    {
        private static readonly Regex Section = new Regex(@"^\s*\[\s*(?:profile\s+)?([^\]\s]+)\s*\]", RegexOptions.CultureInvariant);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var files = new[]
            {
                Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") ?? Path.Combine(home, ".aws", "credentials"),
                Environment.GetEnvironmentVariable("AWS_CONFIG_FILE") ?? Path.Combine(home, ".aws", "config"),
            };
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var file in files.Where(File.Exists))
            {
                foreach (var line in File.ReadLines(file))
                {
                    var m = Section.Match(line);
                    if (m.Success && !m.Groups[1].Value.StartsWith("sso-session", StringComparison.Ordinal))
                    {
                        names.Add(m.Groups[1].Value);
                    }
                }
            }

            return RegionCompleter.Complete(names, wordToComplete);
        }
    }

    /// <summary>Completes AWS Backup resource types.</summary>
    public sealed class ResourceTypeCompleter : IArgumentCompleter
    {
        internal static readonly string[] Types = { "EBS", "EC2", "RDS", "Aurora", "DynamoDB", "EFS", "FSx", "S3", "DocumentDB", "Neptune", "Redshift", "Storage Gateway", "VirtualMachine" };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            RegionCompleter.Complete(Types, wordToComplete);
    }

    /// <summary>Completes DR tiers.</summary>
    public sealed class TierCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            RegionCompleter.Complete(new[] { "Gold", "Silver", "Bronze" }, wordToComplete);
    }

    /// <summary>
    /// Completes vault names offline: those of this runspace's last Get-DrBackupVault listing (and vaults New-DrBackupVault
    /// made since), plus Default, which every region has. Nothing is sent to AWS while the user types.
    /// </summary>
    public sealed class BackupVaultNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var known = DrRunspaceState.Peek(System.Management.Automation.Runspaces.Runspace.DefaultRunspace)?.VaultNames ?? Array.Empty<string>();
            var names = new[] { "Default" }.Concat(known.OrderBy(n => n, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal);
            return RegionCompleter.Complete(names, wordToComplete);
        }
    }
}
