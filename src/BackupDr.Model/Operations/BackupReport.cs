using System;
using System.Collections.Generic;

namespace BackupDr.Core.Operations
{
    /// <summary>A failed (or aborted, expired, partial) backup job kept in the report with its reason.</summary>
    public sealed class FailedBackupJob
    {
        /// <summary>The backup job id, for Get-DrBackupJob -JobId.</summary>
        public string JobId { get; set; } = string.Empty;

        /// <summary>The resource that was not backed up.</summary>
        public string? ResourceArn { get; set; }

        /// <summary>FAILED, ABORTED, EXPIRED or PARTIAL.</summary>
        public string State { get; set; } = string.Empty;

        /// <summary>AWS's reason, the first thing an operator reads.</summary>
        public string? StatusMessage { get; set; }

        /// <summary>When the job was created (UTC).</summary>
        public DateTime? CreationDate { get; set; }

        /// <summary>Region the job ran in.</summary>
        public string Region { get; set; } = string.Empty;

        /// <summary>Account the job ran in (reports across accounts; else null).</summary>
        public string? AccountId { get; set; }
    }

    /// <summary>Backup state of one resource: its last success and how old it is (what RPO compliance looks at).</summary>
    public sealed class ResourceBackupSummary
    {
        /// <summary>The resource ARN.</summary>
        public string ResourceArn { get; set; } = string.Empty;

        /// <summary>AWS Backup resource type.</summary>
        public string? ResourceType { get; set; }

        /// <summary>Region of the jobs.</summary>
        public string Region { get; set; } = string.Empty;

        /// <summary>Completion time of the newest COMPLETED job; null when none succeeded in the window.</summary>
        public DateTime? LastSuccessfulBackup { get; set; }

        /// <summary>Time from the last success to the report time; null when none succeeded.</summary>
        public TimeSpan? Age { get; set; }

        /// <summary>Jobs of this resource in the window.</summary>
        public long JobCount { get; set; }

        /// <summary>Finished jobs of this resource that did not succeed.</summary>
        public long FailedCount { get; set; }
    }

    /// <summary>A region whose listing failed; the report says so instead of silently leaving it out.</summary>
    public sealed class RegionError
    {
        /// <summary>The region.</summary>
        public string Region { get; set; } = string.Empty;

        /// <summary>Stable id of the failure (AWS code or BackupDr error id).</summary>
        public string ErrorId { get; set; } = string.Empty;

        /// <summary>Kind of failure (PermissionDenied, LimitsExceeded...).</summary>
        public DrErrorKind Kind { get; set; }

        /// <summary>What went wrong.</summary>
        public string Message { get; set; } = string.Empty;

        /// <summary>Jobs counted from the region before it failed (included in the totals).</summary>
        public long JobsCountedBeforeFailure { get; set; }

        /// <summary>The original exception, for the error record's inner exception.</summary>
        public Exception? Exception { get; set; }

        /// <summary>The account of the unit that failed (reports across accounts); null for the caller's own or '*'.</summary>
        public string? AccountId { get; set; }
    }

    /// <summary>Get-DrBackupReport's result: aggregated counts over every job in the window, never the jobs themselves.</summary>
    public sealed class BackupReport
    {
        /// <summary>Start of the window (UTC).</summary>
        public DateTime Since { get; set; }

        /// <summary>When the report was made (UTC); ages are measured to this.</summary>
        public DateTime GeneratedAt { get; set; }

        /// <summary>The vault filter, when one was given.</summary>
        public string? BackupVaultName { get; set; }

        /// <summary>Regions asked for.</summary>
        public IReadOnlyList<string> Regions { get; set; } = Array.Empty<string>();

        /// <summary>Every job counted.</summary>
        public long TotalJobs { get; set; }

        /// <summary>Jobs per AWS state (COMPLETED includes completed-with-issues).</summary>
        public IReadOnlyDictionary<string, long> TotalsByState { get; set; } = new Dictionary<string, long>();

        /// <summary>COMPLETED jobs whose MessageCategory was not SUCCESS.</summary>
        public long CompletedWithIssues { get; set; }

        /// <summary>Completed (with or without issues) / finished jobs; null when none finished.</summary>
        public double? SuccessRate { get; set; }

        /// <summary>Sum of BackupSizeInBytes of completed jobs.</summary>
        public long BytesBackedUp { get; set; }

        /// <summary>Failed jobs, newest-first not guaranteed; capped (see FailedJobsNotListed).</summary>
        public IReadOnlyList<FailedBackupJob> FailedJobs { get; set; } = Array.Empty<FailedBackupJob>();

        /// <summary>Failed jobs beyond the cap: counted, not listed, so memory stays bounded.</summary>
        public long FailedJobsNotListed { get; set; }

        /// <summary>Per resource: last success and its age.</summary>
        public IReadOnlyList<ResourceBackupSummary> Resources { get; set; } = Array.Empty<ResourceBackupSummary>();

        /// <summary>UTC day → AWS state → job count, for the chart.</summary>
        public IReadOnlyDictionary<DateTime, IReadOnlyDictionary<string, long>> JobsPerDay { get; set; } = new Dictionary<DateTime, IReadOnlyDictionary<string, long>>();

        /// <summary>Regions whose listing failed.</summary>
        public IReadOnlyList<RegionError> RegionErrors { get; set; } = Array.Empty<RegionError>();

        /// <summary>False when any region failed: the numbers are then a lower bound, never to be read as the whole.</summary>
        public bool IsComplete => RegionErrors.Count == 0;

        /// <summary>Things the reader must know (e.g. AWS keeps only 30 days of job history).</summary>
        public IReadOnlyList<string> Warnings { get; set; } = Array.Empty<string>();

        /// <summary>Per account, with -AccountId (AccountReportFanOut); empty for a one-account report.</summary>
        public IReadOnlyList<AccountBackupSummary> Accounts { get; set; } = Array.Empty<AccountBackupSummary>();
    }
}
