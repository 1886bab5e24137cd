using System;

namespace BackupDr.Core.Operations
{
    /// <summary>Disaster-recovery tier of a resource: how much data may be lost (RPO) and how long recovery may take (RTO).</summary>
    public enum DrTier
    {
        /// <summary>Critical systems: by default at most 5 minutes of data lost (RPO), restored within 15 minutes (RTO).</summary>
        Gold,

        /// <summary>Important systems: by default RPO 1 hour, RTO 4 hours.</summary>
        Silver,

        /// <summary>Everything else: by default RPO 24 hours, RTO 1 day.</summary>
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

    /// <summary>Where a tier's objectives come from, so a report says which number it measured against.</summary>
    public enum TierSource
    {
        /// <summary>BackupDr's built-in default (Gold 5 min/15 min, Silver 1 h/4 h, Bronze 24 h/1 day).</summary>
        Default,

        /// <summary>A tier policy file (-PolicyPath).</summary>
        File,

        /// <summary>The resource's own DrRpoMinutes/DrRtoMinutes tags.</summary>
        Tag,
    }

    /// <summary>A tier's objectives, so drills and protection reports measure against one agreed number.</summary>
    public sealed class DrTierObjectives
    {
        /// <summary>Creates the built-in objectives of one tier.</summary>
        public DrTierObjectives(DrTier tier, TimeSpan rpo, TimeSpan rto)
            : this(tier, rpo, rto, TierSource.Default, null)
        {
        }

        /// <summary>Creates the objectives of one tier, saying where they come from.</summary>
        public DrTierObjectives(DrTier tier, TimeSpan rpo, TimeSpan rto, TierSource source, string? policyPath)
        {
            Tier = tier;
            Rpo = rpo;
            Rto = rto;
            Source = source;
            PolicyPath = policyPath;
        }

        /// <summary>The tier's name (Gold, Silver, Bronze), as -Tier and the DrTier tag spell it.</summary>
        public string Name => Tier.ToString();

        /// <summary>The tier these objectives belong to.</summary>
        public DrTier Tier { get; }

        /// <summary>Recovery point objective: the newest recovery point may be at most this old.</summary>
        public TimeSpan Rpo { get; }

        /// <summary>Recovery time objective: a restore must finish within this.</summary>
        public TimeSpan Rto { get; }

        /// <summary>Default (built in) or File (set by the policy file at <see cref="PolicyPath"/>).</summary>
        public TierSource Source { get; }

        /// <summary>The policy file that set these objectives; null for the defaults.</summary>
        public string? PolicyPath { get; }
    }
}
