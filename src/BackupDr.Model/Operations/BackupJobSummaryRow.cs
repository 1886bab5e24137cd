using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>Job counts of one period, region and account, from AWS's ListBackupJobSummaries (a dashboard's row).</summary>
    public sealed class BackupJobSummaryRow
    {
        /// <summary>Start of the period (UTC).</summary>
        public DateTime StartTime { get; set; }

        /// <summary>End of the period (UTC).</summary>
        public DateTime EndTime { get; set; }
        public string Region { get; set; } = string.Empty;

        /// <summary>The account, or AGGREGATE_ALL when every account is summed.</summary>
        public string AccountId { get; set; } = string.Empty;

        /// <summary>Every job of the period.</summary>
        public long Total { get; set; }

        /// <summary>COMPLETED jobs, with issues or not.</summary>
        public long Completed { get; set; }

        /// <summary>COMPLETED minus the COMPLETED jobs with MessageCategory SUCCESS, as AWS defines "completed with issues".</summary>
        public long CompletedWithIssues { get; set; }
        public long Failed { get; set; }
        public long Aborted { get; set; }
        public long Expired { get; set; }
        public long Partial { get; set; }

        /// <summary>Not finished yet: CREATED, PENDING, RUNNING, ABORTING.</summary>
        public long Running { get; set; }

        /// <summary>Completed / finished jobs; null when none finished.</summary>
        public double? SuccessRate { get; set; }

        /// <summary>Every state AWS counted.</summary>
        public IReadOnlyDictionary<string, long> CountsByState { get; set; } = new Dictionary<string, long>();
    }
}
