using System;
using System.Collections.Generic;

namespace BackupDr.Core.Operations
{
    /// <summary>Tier defaults and parsing, so -Tier and the DrTier tag mean the same thing everywhere.</summary>
    public static class DrTiers
    {
        private static readonly Dictionary<DrTier, DrTierObjectives> Defaults = new Dictionary<DrTier, DrTierObjectives>
        {
            [DrTier.Gold] = new DrTierObjectives(DrTier.Gold, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15)),
            [DrTier.Silver] = new DrTierObjectives(DrTier.Silver, TimeSpan.FromHours(1), TimeSpan.FromHours(4)),
            [DrTier.Bronze] = new DrTierObjectives(DrTier.Bronze, TimeSpan.FromHours(24), TimeSpan.FromDays(1)),
        };

        /// <summary>The default RPO/RTO of a tier (Gold 5 min/15 min, Silver 1 h/4 h, Bronze 24 h/1 day) until a policy file overrides them.</summary>
        public static DrTierObjectives DefaultObjectives(DrTier tier) =>
            Defaults.TryGetValue(tier, out var o) ? o : throw new ArgumentOutOfRangeException(nameof(tier), tier, "Unknown tier.");

        /// <summary>Parses a tier name (case-insensitive) from a parameter or a DrTier tag; UnknownTier otherwise.</summary>
        public static DrTier Parse(string value, string parameterName)
        {
            if (TryParse(value, out var tier))
            {
                return tier;
            }

            throw new DrValidationException("UnknownTier", parameterName, value, $"-{parameterName} '{value}' is not a DR tier. Use {ValidNames}. Nothing was sent.");
        }

        /// <summary>Parses a tier name (case-insensitive, surrounding spaces ignored) without throwing.</summary>
        public static bool TryParse(string? value, out DrTier tier)
        {
            foreach (DrTier t in Enum.GetValues(typeof(DrTier)))
            {
                if (string.Equals(t.ToString(), value?.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    tier = t;
                    return true;
                }
            }

            tier = default;
            return false;
        }

        /// <summary>"Gold, Silver or Bronze": the valid names, for messages.</summary>
        public const string ValidNames = "Gold, Silver or Bronze";
    }
}
