using System;

namespace BackupDr.Core.Model
{
    /// <summary>What Invoke-DrFailover did: which replica was promoted, how far behind it was, and how long it took.</summary>
    public sealed class FailoverResult
    {
        /// <summary>The promoted DB instance (the former read replica).</summary>
        public string DBInstanceIdentifier { get; set; } = string.Empty;

        public string? DBInstanceArn { get; set; }

        /// <summary>The DR region the replica is in.</summary>
        public string Region { get; set; } = string.Empty;

        /// <summary>The primary the replica followed (an identifier, or an ARN for a cross-region replica).</summary>
        public string? SourceDBInstanceIdentifier { get; set; }

        /// <summary>The tier whose RPO the lag was checked against (from -Tier or the replica's DrTier tag).</summary>
        public string? Tier { get; set; }

        /// <summary>CloudWatch ReplicaLag just before the promotion: the data the primary had that the replica may lack.</summary>
        public TimeSpan? LagAtPromotion { get; set; }

        /// <summary>The effective recovery point objective the lag was checked against.</summary>
        public TimeSpan? Rpo { get; set; }

        /// <summary>Where Rpo comes from: Default, File (-PolicyPath) or Tag (a DrRpoMinutes tag on the replica or its source).</summary>
        public string? RpoSource { get; set; }

        /// <summary>True when -Force promoted a replica whose lag exceeded the RPO (or could not be read).</summary>
        public bool Forced { get; set; }

        /// <summary>When PromoteReadReplica was sent (UTC).</summary>
        public DateTime StartTime { get; set; }

        /// <summary>From the promote call to the instance being available as a standalone instance.</summary>
        public TimeSpan Duration { get; set; }

        /// <summary>The instance's status when the wait ended: available after a successful failover.</summary>
        public string? State { get; set; }

        /// <summary>host:port that applications connect to after the failover.</summary>
        public string? Endpoint { get; set; }

        /// <summary>True once the instance is available and no longer a read replica.</summary>
        public bool Succeeded { get; set; }
    }
}
