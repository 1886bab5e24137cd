using System;
using System.Collections.Generic;
using System.Linq;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>Adds up protection statuses as they stream, for -Summary (memory does not grow with resources, except the out-of-policy ARNs).</summary>
    public sealed class ProtectionSummaryBuilder
    {
        public const string NoTier = "(none)";

        private readonly Dictionary<string, ProtectionTierCount> _tiers = new Dictionary<string, ProtectionTierCount>(StringComparer.Ordinal);
        private readonly List<ProtectionTierCount> _order = new List<ProtectionTierCount>();
        private readonly SortedDictionary<ProtectionGap, int> _gaps = new SortedDictionary<ProtectionGap, int>();
        private readonly List<string> _outOfPolicy = new List<string>();
        private int _total;
        private int _inPolicy;
        private int _errors;

        public ProtectionSummaryBuilder()
        {
            foreach (DrTier t in Enum.GetValues(typeof(DrTier)))
            {
                _order.Add(_tiers[t.ToString()] = new ProtectionTierCount { Tier = t.ToString() });
            }

            _order.Add(_tiers[NoTier] = new ProtectionTierCount { Tier = NoTier });
        }

        public void Add(ProtectionStatus status)
        {
            if (status == null)
            {
                throw new ArgumentNullException(nameof(status));
            }

            _total++;
            var tier = _tiers[status.Tier?.ToString() ?? NoTier];
            tier.Total++;
            if (status.InPolicy)
            {
                _inPolicy++;
                tier.InPolicy++;
            }
            else
            {
                _outOfPolicy.Add(status.ResourceArn);
            }

            foreach (var gap in status.Gaps)
            {
                _gaps[gap] = _gaps.TryGetValue(gap, out var n) ? n + 1 : 1;
            }
        }

        /// <summary>Counts a resource that could not be checked.</summary>
        public void AddError() => _errors++;

        public ProtectionSummary Build(IReadOnlyList<string> regions, string? drRegion, DateTime checkedAt) => new ProtectionSummary
        {
            CheckedAt = checkedAt,
            Regions = regions,
            DrRegion = drRegion,
            Total = _total,
            InPolicy = _inPolicy,
            ByTier = _order.ToList(),
            ByGap = _gaps.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value, StringComparer.Ordinal),
            OutOfPolicyResourceArns = _outOfPolicy.ToList(),
            Errors = _errors,
        };
    }
}
