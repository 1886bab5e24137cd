using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.RegularExpressions;

namespace BackupDr.Commands
{
    /// <summary>Offline completion of AWS region names (no call to AWS).</summary>
    public sealed class RegionCompleter : IArgumentCompleter
    {
        internal static readonly string[] Regions =
        {
            "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
            "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ca-central-1", "ca-west-1",
            "cn-north-1", "cn-northwest-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
            "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "sa-east-1",
            "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1", "us-west-2",
        };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Complete(Regions, wordToComplete);

        internal static IEnumerable<CompletionResult> Complete(IEnumerable<string> values, string word)
        {
            var prefix = (word ?? string.Empty).Trim('\'', '"');
            return values.Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, v));
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
}

namespace BackupDr.Commands
{
    /// <summary>Completes DR tiers.</summary>
    public sealed class TierCompleter : System.Management.Automation.IArgumentCompleter
    {
        public System.Collections.Generic.IEnumerable<System.Management.Automation.CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters) =>
            RegionCompleter.Complete(new[] { "Gold", "Silver", "Bronze" }, wordToComplete);
    }
}
