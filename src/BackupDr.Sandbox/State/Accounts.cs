using System;
using System.Collections.Generic;
using System.Linq;

namespace BackupDr.Sandbox.State
{
    /// <summary>
    /// The sandbox's AWS Organization and IAM roles: which account is the management account, which are delegated
    /// administrators for AWS Backup, which are members, which roles STS AssumeRole may assume, and the temporary
    /// access keys AssumeRole handed out (each is then that account).
    /// </summary>
    internal sealed class Organization
    {
        private readonly object _keysLock = new object();
        private readonly Dictionary<string, string> _assumedKeys = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>Null when the sandbox has no organization (every account is standalone).</summary>
        public string? ManagementAccountId { get; set; }

        /// <summary>Member accounts registered as AWS Backup delegated administrators (cross-account monitoring).</summary>
        public readonly SortedSet<string> DelegatedAdministrators = new SortedSet<string>(StringComparer.Ordinal);

        /// <summary>Every account of the organization, the management account included.</summary>
        public readonly SortedSet<string> Members = new SortedSet<string>(StringComparer.Ordinal);

        /// <summary>Role ARNs AssumeRole accepts ("arn:aws:iam::111111111111:role/BackupDrAuditRole").</summary>
        public readonly HashSet<string> Roles = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>True for the management account and delegated administrators: they may list every member's jobs.</summary>
        public bool IsAdministrator(string accountId) =>
            ManagementAccountId != null && (accountId == ManagementAccountId || DelegatedAdministrators.Contains(accountId));

        public bool IsMember(string accountId) => Members.Contains(accountId);

        public void Add(string? management, IEnumerable<string> delegatedAdministrators, IEnumerable<string> members)
        {
            if (management != null)
            {
                ManagementAccountId = management;
                Members.Add(management);
            }

            foreach (var m in members)
            {
                Members.Add(m);
            }

            foreach (var d in delegatedAdministrators)
            {
                DelegatedAdministrators.Add(d);
                Members.Add(d);
            }
        }

        /// <summary>Remembers a key handed out by AssumeRole; thread-safe (read before the server's lock is taken).</summary>
        public void RememberKey(string accessKeyId, string accountId)
        {
            lock (_keysLock)
            {
                _assumedKeys[accessKeyId] = accountId;
            }
        }

        public bool TryAccountOfKey(string accessKeyId, out string accountId)
        {
            lock (_keysLock)
            {
                return _assumedKeys.TryGetValue(accessKeyId, out accountId!);
            }
        }

        public void Clear()
        {
            ManagementAccountId = null;
            DelegatedAdministrators.Clear();
            Members.Clear();
            Roles.Clear();
            lock (_keysLock)
            {
                _assumedKeys.Clear();
            }
        }

        public static bool IsAccountId(string? s) => s != null && s.Length == 12 && s.All(c => c >= '0' && c <= '9');
    }
}
