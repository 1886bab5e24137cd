using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>One account's part of a report across accounts.</summary>
    public sealed class AccountBackupSummary
    {
        /// <summary>The 12-digit account id.</summary>
        public string AccountId { get; set; } = string.Empty;

        /// <summary>Regions read for this account.</summary>
        public IReadOnlyList<string> Regions { get; set; } = Array.Empty<string>();

        /// <summary>Every job of the account counted.</summary>
        public long TotalJobs { get; set; }

        /// <summary>Jobs per AWS state.</summary>
        public IReadOnlyDictionary<string, long> TotalsByState { get; set; } = new Dictionary<string, long>();

        /// <summary>COMPLETED jobs, with issues or not.</summary>
        public long Completed { get; set; }

        /// <summary>COMPLETED jobs whose MessageCategory was not SUCCESS.</summary>
        public long CompletedWithIssues { get; set; }

        /// <summary>Finished jobs that did not succeed (FAILED, ABORTED, EXPIRED, PARTIAL).</summary>
        public long Failed { get; set; }

        /// <summary>Completed / finished jobs; null when none finished.</summary>
        public double? SuccessRate { get; set; }

        /// <summary>Sum of BackupSizeInBytes of completed jobs.</summary>
        public long BytesBackedUp { get; set; }

        /// <summary>Regions of this account that could not be read (see the report's RegionErrors).</summary>
        public IReadOnlyList<string> FailedRegions { get; set; } = Array.Empty<string>();

        /// <summary>False when a region of this account failed: its numbers are then a lower bound.</summary>
        public bool IsComplete => FailedRegions.Count == 0;
    }
}
