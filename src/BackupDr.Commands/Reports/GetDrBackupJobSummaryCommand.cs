using System;
using System.Linq;
using System.Management.Automation;
using BackupDr.Core.Aws;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Job counts per day (or per 7 or 14 days), region and account from AWS Backup's own ListBackupJobSummaries:
    /// the fast path for dashboards over the last 14 days, across the organization from its management account,
    /// without listing one job. "Completed with issues" is COMPLETED minus COMPLETED with MessageCategory SUCCESS.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DrBackupJobSummary")]
    [OutputType(typeof(BackupJobSummaryRow))]
    public sealed class GetDrBackupJobSummaryCommand : DrAwsCmdlet
    {
        /// <summary>ONE_DAY (each of the last 14 days), SEVEN_DAYS or FOURTEEN_DAYS.</summary>
        [Parameter(Position = 0)]
        [ValidateSet("ONE_DAY", "SEVEN_DAYS", "FOURTEEN_DAYS")]
        public string AggregationPeriod { get; set; } = "ONE_DAY";

        /// <summary>'*' for every account of the organization (one row each), or one 12-digit account id; default the caller's account.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AccountId { get; set; }

        /// <summary>One row per period summing every account of the organization (AccountId AGGREGATE_ALL).</summary>
        [Parameter]
        public SwitchParameter SumAccounts { get; set; }

        /// <summary>Only jobs of this AWS Backup resource type (EBS, EC2, RDS...).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ResourceTypeCompleter))]
        [ValidateNotNullOrEmpty]
        public string? ResourceType { get; set; }

        /// <summary>Regions to read, in parallel (default: -Region or the session's region).</summary>
        [Parameter]
        [Alias("Regions")]
        [ArgumentCompleter(typeof(RegionCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? ReportRegion { get; set; }

        protected override void EndProcessing()
        {
            BackupJobSummaryOptions options;
            try
            {
                var regions = (ReportRegion ?? new[] { Context.Region }).Distinct(StringComparer.Ordinal).ToList();
                foreach (var r in regions)
                {
                    AwsContext.ValidateRegion(r, "-ReportRegion");
                }

                options = new BackupJobSummaryOptions { Regions = regions, AccountId = AccountId, SumAccounts = SumAccounts.IsPresent, AggregationPeriod = AggregationPeriod, ResourceType = ResourceType };
                BackupJobSummaryQuery.Validate(options);
            }
            catch (Exception ex) when (ex is DrException || ex is ArgumentException || ex is AwsConfigurationException)
            {
                ThrowDrError(ex, ex is DrException dr ? dr.Value : ex is AwsConfigurationException config ? config.Value : AccountId);
                return;
            }

            BackupJobSummaryResult result;
            try
            {
                var clients = Clients;
                var query = new BackupJobSummaryQuery(region => clients.ForRegion(region).Backup, clients.Sts);
                result = Run(ct => query.GetAsync(options, ct));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                ThrowDrError(ex, null);
                return;
            }

            foreach (var row in result.Rows)
            {
                WriteObject(row);
            }

            foreach (var error in result.RegionErrors)
            {
                var ex = error.Exception ?? new DrException(error.ErrorId, "ReportRegion", error.Region, error.Message, error.Kind);
                WriteError(DrErrorRecords.From(new DrException("ReportRegionFailed", "ReportRegion", error.Region, $"Region {error.Region} could not be summarised ({error.Message}); its rows are missing.", error.Kind, ex), error.Region));
            }
        }
    }
}
