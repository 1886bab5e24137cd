using System;
using System.Collections.Generic;

namespace BackupDr.Core.Operations
{
    /// <summary>Disaster-recovery tier of a resource: how much data may be lost (RPO) and how long recovery may take (RTO).</summary>
    public enum DrTier
    {
        /// <summary>Critical systems: hourly recovery points, restored within 4 hours.</summary>
        Gold,

        /// <summary>Important systems: daily recovery points, restored within a day.</summary>
        Silver,

        /// <summary>Everything else: weekly recovery points, restored within 3 days.</summary>
        Bronze,
    }

    /// <summary>How often a resource is backed up; the value of the `Backup` tag that backup plans select on.</summary>
    public enum BackupFrequency
    {
        /// <summary>Backed up every hour (tag value "hourly").</summary>
        Hourly,

        /// <summary>Backed up every day (tag value "daily").</summary>
        Daily,

        /// <summary>Backed up every week (tag value "weekly").</summary>
        Weekly,
    }

    /// <summary>A tier's objectives, so drills and protection reports measure against one agreed number.</summary>
    public sealed class DrTierObjectives
    {
        /// <summary>Creates the objectives of one tier.</summary>
        public DrTierObjectives(DrTier tier, TimeSpan rpo, TimeSpan rto)
        {
            Tier = tier;
            Rpo = rpo;
            Rto = rto;
        }

        /// <summary>The tier these objectives belong to.</summary>
        public DrTier Tier { get; }

        /// <summary>Recovery point objective: the newest recovery point may be at most this old.</summary>
        public TimeSpan Rpo { get; }

        /// <summary>Recovery time objective: a restore must finish within this.</summary>
        public TimeSpan Rto { get; }
    }

    /// <summary>Tier defaults and parsing, so -Tier and the DrTier tag mean the same thing everywhere.</summary>
    public static class DrTiers
    {
        private static readonly Dictionary<DrTier, DrTierObjectives> Defaults = new Dictionary<DrTier, DrTierObjectives>
        {
            [DrTier.Gold] = new DrTierObjectives(DrTier.Gold, TimeSpan.FromHours(1), TimeSpan.FromHours(4)),
            [DrTier.Silver] = new DrTierObjectives(DrTier.Silver, TimeSpan.FromHours(24), TimeSpan.FromHours(24)),
            [DrTier.Bronze] = new DrTierObjectives(DrTier.Bronze, TimeSpan.FromDays(7), TimeSpan.FromHours(72)),
        };

        /// <summary>The default RPO/RTO of a tier (Gold 1h/4h, Silver 24h/24h, Bronze 7d/72h) until a policy file overrides them.</summary>
        public static DrTierObjectives DefaultObjectives(DrTier tier) =>
            Defaults.TryGetValue(tier, out var o) ? o : throw new ArgumentOutOfRangeException(nameof(tier), tier, "Unknown tier.");

        /// <summary>Parses a tier name (case-insensitive) from a parameter or a DrTier tag; UnknownTier otherwise.</summary>
        public static DrTier Parse(string value, string parameterName)
        {
            foreach (DrTier t in Enum.GetValues(typeof(DrTier)))
            {
                if (string.Equals(t.ToString(), value?.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    return t;
                }
            }

            throw new DrValidationException("UnknownTier", parameterName, value, $"'{value}' is not a DR tier. Use Gold, Silver or Bronze.");
        }
    }
}
