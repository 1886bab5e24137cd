using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// ListBackupJobSummaries filters. Each dimension takes a value, ANY (a row per value) or AGGREGATE_ALL (one summed
    /// row); AccountId ANY / AGGREGATE_ALL span the organization from its management or delegated administrator account.
    /// </summary>
    public sealed class BackupJobSummaryFilter
    {
        public const string Any = "ANY";
        public const string AggregateAll = "AGGREGATE_ALL";

        /// <summary>A 12-digit account id, ANY or AGGREGATE_ALL; null lets the service choose (the caller's account for a member).</summary>
        public string? AccountId { get; set; }

        /// <summary>A job state, ANY or AGGREGATE_ALL.</summary>
        public string? State { get; set; }
        public string? ResourceType { get; set; }
        public string? MessageCategory { get; set; }

        /// <summary>ONE_DAY (each of the last 14 days), SEVEN_DAYS or FOURTEEN_DAYS.</summary>
        public string? AggregationPeriod { get; set; }

        /// <summary>Page size asked for (1-1000); null lets the service choose.</summary>
        public int? MaxResults { get; set; }
    }

    /// <summary>One row of ListBackupJobSummaries: how many jobs of one account, state, type and category in one period.</summary>
    public sealed class BackupJobSummary
    {
        public string Region { get; set; } = string.Empty;
        public string? AccountId { get; set; }
        public string? State { get; set; }
        public string? ResourceType { get; set; }
        public string? MessageCategory { get; set; }
        public long Count { get; set; }
        public DateTime? StartTime { get; set; }
        public DateTime? EndTime { get; set; }
    }

    /// <summary>ListBackupJobSummaries (GET /audit/backup-job-summaries): AWS's own job counts per day, state and account.</summary>
    public sealed partial class BackupClient
    {
        public IAsyncEnumerable<BackupJobSummary> ListBackupJobSummariesAsync(BackupJobSummaryFilter filter, CancellationToken cancellationToken)
        {
            filter ??= new BackupJobSummaryFilter();
            return AwsPaging.PagesAsync(
                (next, ct) =>
                {
                    // This operation's query members are capitalised (MaxResults, NextToken), unlike the job listings'.
                    var request = new AwsRequest(AwsService.Backup, "ListBackupJobSummaries", HttpMethod.Get, "/audit/backup-job-summaries")
                        .AddQuery("AccountId", filter.AccountId)
                        .AddQuery("State", filter.State)
                        .AddQuery("ResourceType", filter.ResourceType)
                        .AddQuery("MessageCategory", filter.MessageCategory)
                        .AddQuery("AggregationPeriod", filter.AggregationPeriod)
                        .AddQuery("MaxResults", filter.MaxResults?.ToString(CultureInfo.InvariantCulture))
                        .AddQuery("NextToken", next);
                    return SendAsync(request, ct);
                },
                (json, ct) => json.Items("BackupJobSummaries").Select(item =>
                {
                    ct.ThrowIfCancellationRequested();
                    return new BackupJobSummary
                    {
                        Region = item.Str("Region") ?? Context.Region,
                        AccountId = item.Str("AccountId"),
                        State = item.Str("State"),
                        ResourceType = item.Str("ResourceType"),
                        MessageCategory = item.Str("MessageCategory"),
                        Count = item.Long("Count") ?? 0,
                        StartTime = item.Date("StartTime"),
                        EndTime = item.Date("EndTime"),
                    };
                }),
                json => json.Str("NextToken"),
                () => PaginationLoop("ListBackupJobSummaries"),
                cancellationToken);
        }
    }
}
