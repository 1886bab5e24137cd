using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>Get-DrBackupJobSummary's parameters, typed.</summary>
    public sealed class BackupJobSummaryOptions
    {
        /// <summary>Regions to read, in parallel.</summary>
        public IList<string> Regions { get; set; } = new List<string>();

        /// <summary>'*' (every account of the organization, one row each), a 12-digit account id, or null for the caller's own account.</summary>
        public string? AccountId { get; set; }

        /// <summary>Sum every account of the organization into one row per period (AccountId AGGREGATE_ALL).</summary>
        public bool SumAccounts { get; set; }

        /// <summary>ONE_DAY (default), SEVEN_DAYS or FOURTEEN_DAYS.</summary>
        public string AggregationPeriod { get; set; } = "ONE_DAY";

        /// <summary>Only this AWS Backup resource type (EBS, EC2, RDS...); null counts all.</summary>
        public string? ResourceType { get; set; }
    }

    /// <summary>What the summary query returns: the rows, and the regions it could not read.</summary>
    public sealed class BackupJobSummaryResult
    {
        public IReadOnlyList<BackupJobSummaryRow> Rows { get; set; } = Array.Empty<BackupJobSummaryRow>();
        public IReadOnlyList<RegionError> RegionErrors { get; set; } = Array.Empty<RegionError>();
    }

    /// <summary>
    /// Dashboards over up to 14 days without listing a job: two ListBackupJobSummaries per region (every state; and
    /// COMPLETED with MessageCategory SUCCESS), combined per period and account. AWS computes the counts, across the
    /// organization when asked from its management or delegated administrator account.
    /// </summary>
    public sealed class BackupJobSummaryQuery
    {
        private static readonly string[] Periods = { "ONE_DAY", "SEVEN_DAYS", "FOURTEEN_DAYS" };

        private readonly Func<string, IBackupApi> _apiForRegion;
        private readonly IStsApi? _sts;

        /// <param name="apiForRegion">Backup clients per region.</param>
        /// <param name="sts">Finds the caller's account when no AccountId is given.</param>
        public BackupJobSummaryQuery(Func<string, IBackupApi> apiForRegion, IStsApi? sts)
        {
            _apiForRegion = apiForRegion ?? throw new ArgumentNullException(nameof(apiForRegion));
            _sts = sts;
        }

        /// <summary>Checks the options before any call (InvalidAccountId, InvalidAggregationPeriod, RegionRequired).</summary>
        public static void Validate(BackupJobSummaryOptions options)
        {
            if (options.AccountId != null)
            {
                AccountScope.ValidateAccountIds(new[] { options.AccountId });
            }

            if (options.SumAccounts && options.AccountId != null && options.AccountId != AccountScope.AllAccounts)
            {
                throw new DrValidationException("InvalidAccountId", "AccountId", options.AccountId, "-SumAccounts adds up every account of the organization; it cannot be combined with one -AccountId. Nothing was sent.");
            }

            if (!Periods.Contains(options.AggregationPeriod ?? string.Empty))
            {
                throw new DrValidationException("InvalidAggregationPeriod", "AggregationPeriod", options.AggregationPeriod, $"-AggregationPeriod must be one of {string.Join(", ", Periods)}. Nothing was sent.");
            }

            if (!options.Regions.Any(r => !string.IsNullOrWhiteSpace(r)))
            {
                throw new DrValidationException("RegionRequired", "Region", null, "Give at least one -Region to report on.");
            }
        }

        public async Task<BackupJobSummaryResult> GetAsync(BackupJobSummaryOptions options, CancellationToken cancellationToken)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            Validate(options);
            var account = options.SumAccounts ? BackupJobSummaryFilter.AggregateAll
                : options.AccountId == AccountScope.AllAccounts ? BackupJobSummaryFilter.Any
                : options.AccountId ?? (_sts == null ? null : await CallerAccount.GetAsync(_sts, cancellationToken).ConfigureAwait(false));
            var regions = options.Regions.Where(r => !string.IsNullOrWhiteSpace(r)).Distinct(StringComparer.Ordinal).ToList();
            var results = await Task.WhenAll(regions.Select(r => Task.Run(() => RegionAsync(r, account, options, cancellationToken), cancellationToken))).ConfigureAwait(false);
            return new BackupJobSummaryResult
            {
                Rows = results.SelectMany(r => r.Rows).OrderBy(r => r.StartTime).ThenBy(r => r.Region, StringComparer.Ordinal).ThenBy(r => r.AccountId, StringComparer.Ordinal).ToList(),
                RegionErrors = results.Where(r => r.Error != null).Select(r => r.Error!).ToList(),
            };
        }

        private async Task<(IReadOnlyList<BackupJobSummaryRow> Rows, RegionError? Error)> RegionAsync(string region, string? account, BackupJobSummaryOptions options, CancellationToken cancellationToken)
        {
            try
            {
                var api = _apiForRegion(region);
                var resourceType = options.ResourceType ?? BackupJobSummaryFilter.AggregateAll;
                var rows = new Dictionary<(DateTime, string), BackupJobSummaryRow>();
                var byState = new Dictionary<(DateTime, string), Dictionary<string, long>>();
                var all = new BackupJobSummaryFilter { AccountId = account, State = BackupJobSummaryFilter.Any, ResourceType = resourceType, MessageCategory = BackupJobSummaryFilter.AggregateAll, AggregationPeriod = options.AggregationPeriod };
                await foreach (var s in api.ListBackupJobSummariesAsync(all, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    var row = RowOf(rows, byState, s, region);
                    var state = s.State ?? "UNKNOWN";
                    var counts = byState[(row.StartTime, row.AccountId)];
                    counts[state] = (counts.TryGetValue(state, out var n) ? n : 0) + s.Count;
                    row.Total += s.Count;
                }

                // "Completed with issues" is COMPLETED minus the COMPLETED jobs whose MessageCategory is SUCCESS.
                var success = new BackupJobSummaryFilter { AccountId = account, State = JobStates.Completed, ResourceType = resourceType, MessageCategory = "SUCCESS", AggregationPeriod = options.AggregationPeriod };
                var succeeded = new Dictionary<(DateTime, string), long>();
                await foreach (var s in api.ListBackupJobSummariesAsync(success, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    var key = (s.StartTime ?? DateTime.MinValue, s.AccountId ?? string.Empty);
                    succeeded[key] = (succeeded.TryGetValue(key, out var n) ? n : 0) + s.Count;
                }

                foreach (var kv in rows)
                {
                    var row = kv.Value;
                    var counts = byState[kv.Key];
                    long Of(string s) => counts.TryGetValue(s, out var n) ? n : 0;
                    row.CountsByState = new SortedDictionary<string, long>(counts, StringComparer.Ordinal);
                    row.Completed = Of(JobStates.Completed);
                    row.CompletedWithIssues = Math.Max(0, row.Completed - (succeeded.TryGetValue(kv.Key, out var ok) ? ok : 0));
                    row.Failed = Of(JobStates.Failed);
                    row.Aborted = Of(JobStates.Aborted);
                    row.Expired = Of(JobStates.Expired);
                    row.Partial = Of(JobStates.Partial);
                    row.Running = Of(JobStates.Created) + Of(JobStates.Pending) + Of(JobStates.Running) + Of(JobStates.Aborting);
                    var finished = counts.Where(c => JobStates.IsTerminal(c.Key)).Sum(c => c.Value);
                    row.SuccessRate = finished == 0 ? (double?)null : (double)row.Completed / finished;
                }

                return (rows.Values.ToList(), null);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (!(ex is AwsConfigurationException))
            {
                return (Array.Empty<BackupJobSummaryRow>(), new RegionError
                {
                    Region = region,
                    AccountId = account,
                    ErrorId = ex is AwsServiceException aws ? aws.ErrorCode : ex is DrException dr ? dr.ErrorId : ex.GetType().Name,
                    Kind = ex is AwsServiceException a2 ? DrErrors.KindOf(a2) : ex is DrException d2 ? d2.Kind : DrErrorKind.InvalidOperation,
                    Message = ex.Message,
                    Exception = ex,
                });
            }
        }

        private static BackupJobSummaryRow RowOf(Dictionary<(DateTime, string), BackupJobSummaryRow> rows, Dictionary<(DateTime, string), Dictionary<string, long>> byState, BackupJobSummary s, string region)
        {
            var key = (s.StartTime ?? DateTime.MinValue, s.AccountId ?? string.Empty);
            if (!rows.TryGetValue(key, out var row))
            {
                rows[key] = row = new BackupJobSummaryRow { StartTime = key.Item1, EndTime = s.EndTime ?? key.Item1, Region = string.IsNullOrEmpty(s.Region) ? region : s.Region, AccountId = key.Item2 };
                byState[key] = new Dictionary<string, long>(StringComparer.Ordinal);
            }

            return row;
        }
    }
}
