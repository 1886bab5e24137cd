using System;

namespace BackupDr.Core.Model
{
    /// <summary>
    /// An Amazon Resource Name: arn:partition:service:region:account:resource. Parsed once, so routing
    /// (EC2 vs RDS vs Backup) and region checks never guess from substrings.
    /// </summary>
    public sealed class Arn
    {
        private Arn(string text, string partition, string service, string region, string accountId, string resource)
        {
            Text = text;
            Partition = partition;
            Service = service;
            Region = region;
            AccountId = accountId;
            Resource = resource;
            var sep = resource.IndexOfAny(new[] { '/', ':' });
            ResourceType = sep < 0 ? string.Empty : resource.Substring(0, sep);
            ResourceId = sep < 0 ? resource : resource.Substring(sep + 1);
        }

        public string Text { get; }
        public string Partition { get; }
        public string Service { get; }
        public string Region { get; }
        public string AccountId { get; }

        /// <summary>Everything after the account: 'volume/vol-1', 'db:mydb', 'recovery-point:abc'.</summary>
        public string Resource { get; }

        /// <summary>'volume', 'instance', 'db', 'cluster', 'snapshot', 'recovery-point', 'backup-vault'.</summary>
        public string ResourceType { get; }
        public string ResourceId { get; }

        public static bool TryParse(string? text, out Arn? arn)
        {
            arn = null;
            if (string.IsNullOrWhiteSpace(text))
            {
                return false;
            }

            var parts = text!.Trim().Split(new[] { ':' }, 6);
            if (parts.Length != 6 || parts[0] != "arn" || parts[1].Length == 0 || parts[2].Length == 0 || parts[5].Length == 0)
            {
                return false;
            }

            if (parts[1] != "aws" && parts[1] != "aws-cn" && parts[1] != "aws-us-gov")
            {
                return false;
            }

            if (parts[4].Length != 0 && (parts[4].Length != 12 || !IsDigits(parts[4])))
            {
                return false;
            }

            arn = new Arn(text.Trim(), parts[1], parts[2], parts[3], parts[4], parts[5]);
            return true;
        }

        public static Arn Parse(string text) =>
            TryParse(text, out var arn) ? arn! : throw new FormatException($"'{text}' is not an ARN (arn:partition:service:region:account-id:resource).");

        /// <summary>
        /// The short id people recognise (vol-0123..., i-0abc..., orders-db) for tables; the text itself when it
        /// is not an ARN, null for null.
        /// </summary>
        public static string? ShortIdOf(string? arn) =>
            arn == null ? null : TryParse(arn, out var parsed) ? parsed!.ResourceId : arn;

        public static string Build(string partition, string service, string region, string accountId, string resource) =>
            $"arn:{partition}:{service}:{region}:{accountId}:{resource}";

        private static bool IsDigits(string s)
        {
            foreach (var c in s)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }
            }

            return true;
        }

        public override string ToString() => Text;
    }
}
