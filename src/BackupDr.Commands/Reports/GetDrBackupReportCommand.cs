using System;
using System.Linq;
using System.Management.Automation;
using BackupDr.Core.Aws;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Reports on backup jobs across one or more regions (each region's window cut into time slices paged
    /// concurrently, with progress): totals per state, success
    /// rate, completed-with-issues, bytes backed up, failed jobs with reasons and, per resource, the last
    /// successful backup and its age. Counts every job; a region that could not be read is an error, never
    /// a silently partial report. -HtmlPath writes a self-contained HTML page with a chart.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DrBackupReport")]
    [OutputType(typeof(BackupReport))]
    public sealed class GetDrBackupReportCommand : DrAwsCmdlet
    {
        private const int ReportActivityId = 0x0DB2;

        private ProgressRecord? _progress;
        private long _progressShownAt;

        /// <summary>A DateTime, or a TimeSpan meaning "that long ago". Default: 7 days. AWS keeps 30 days of job history.</summary>
        [Parameter(Position = 0)]
        [PointInTime]
        [ValidateNotNull]
        public DateTime? Since { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(BackupVaultNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? BackupVaultName { get; set; }

        /// <summary>Regions to report on, in parallel (default: -Region or the session's region).</summary>
        [Parameter]
        [Alias("Regions")]
        [ArgumentCompleter(typeof(RegionCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? ReportRegion { get; set; }

        /// <summary>Also write the report as one self-contained HTML file here.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? HtmlPath { get; set; }

        /// <summary>'*' (every account of the organization, from its management or delegated administrator account) or 12-digit account ids.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? AccountId { get; set; }

        /// <summary>A role name to assume in each -AccountId (accounts outside one organization).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AccountRole { get; set; }

        /// <summary>Account x region units read at the same time (with -AccountId).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 4;

        private const int AccountsActivityId = 0x0DB2;

        protected override void EndProcessing()
        {
            BackupReportOptions options;
            AccountReportOptions? accountOptions = null;
            string? htmlPath = null;
            try
            {
                var now = DateTime.UtcNow;
                var since = Since == null ? (DateTime?)null : SinceParser.Resolve(Since.Value, now, "Since");
                if (since != null)
                {
                    SinceParser.EnsureNotInFuture(since.Value, now, "Since");
                }

                if (BackupVaultName != null)
                {
                    // JobListingVaultNameSent regression: a name no vault can have was listed and described first.
                    BackupStarter.ValidateVaultName(BackupVaultName, "BackupVaultName");
                }

                if (HtmlPath != null)
                {
                    htmlPath = ResolveHtmlPath(HtmlPath);
                    BackupReportHtml.ValidateOutputPath(htmlPath, "HtmlPath");
                }

                var regions = (ReportRegion ?? new[] { Context.Region }).Distinct(StringComparer.Ordinal).ToList();
                foreach (var r in regions)
                {
                    AwsContext.ValidateRegion(r, "-ReportRegion");
                }

                options = new BackupReportOptions { Since = since, Regions = regions, BackupVaultName = BackupVaultName };
                if (AccountRole != null && AccountId == null)
                {
                    throw new DrValidationException("AccountRoleNeedsAccountIds", "AccountRole", AccountRole, "-AccountRole assumes a role in each account named by -AccountId: give -AccountId with the 12-digit account ids. Nothing was sent.");
                }

                if (AccountId != null)
                {
                    var accounts = AccountScope.ValidateAccountIds(AccountId);
                    if (AccountRole != null)
                    {
                        AccountScope.ValidateRoleName(AccountRole, accounts);
                    }

                    accountOptions = new AccountReportOptions { Report = options, AccountIds = accounts.ToList(), AccountRole = AccountRole, ThrottleLimit = ThrottleLimit };
                }
            }
            catch (Exception ex) when (ex is DrException || ex is ArgumentException || ex is AwsConfigurationException)
            {
                ThrowDrError(ex, ex is DrException dr ? dr.Value : ex is AwsConfigurationException config ? config.Value : Since);
                return;
            }

            BackupReport report;
            try
            {
                var clients = Clients;
                if (accountOptions != null)
                {
                    // Across accounts: a layer around the per-region report, one unit per account x region.
                    report = RunAcrossAccounts(AccountReportFanOut.For(clients), accountOptions);
                }
                else
                {
                    var builder = new BackupReportBuilder(region => clients.ForRegion(region).Backup);
                    var progress = new SyncProgress<BackupJobSliceProgress>(p => Post(() => ShowProgress(p)));
                    report = Run(ct => builder.BuildAsync(options, progress, ct));
                }
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                CompleteProgress();
                ThrowDrError(ex, null);
                return;
            }

            CompleteProgress();

            // Missing credentials fail every region alike: one plain error, not a partial report per region.
            var configuration = report.RegionErrors.Select(e => e.Exception).OfType<AwsConfigurationException>().FirstOrDefault();
            if (configuration != null)
            {
                ThrowDrError(configuration, configuration.Value);
                return;
            }

            foreach (var warning in report.Warnings)
            {
                WriteWarning(warning);
            }

            foreach (var error in report.RegionErrors)
            {
                var ex = error.Exception ?? new DrException(error.ErrorId, "ReportRegion", error.Region, error.Message, error.Kind);
                if (error.AccountId != null)
                {
                    // One error record per account x region unit that failed; the others are in the report.
                    var unit = error.AccountId + "/" + error.Region;
                    WriteError(DrErrorRecords.From(new DrException("ReportAccountFailed", "AccountId", unit, $"Account {error.AccountId}, region {error.Region} could not be read completely ({error.Message}); the report's totals are a lower bound.", error.Kind, ex), unit));
                    continue;
                }

                WriteError(DrErrorRecords.From(new DrException("ReportRegionFailed", "ReportRegion", error.Region, $"Region {error.Region} could not be read completely ({error.Message}); the report's totals are a lower bound.", error.Kind, ex), error.Region));
            }

            DrException? writeError = null;
            if (htmlPath != null)
            {
                try
                {
                    BackupReportHtml.Write(report, htmlPath, "HtmlPath");
                    WriteVerbose($"Report written to {htmlPath}");
                }
                catch (DrException ex)
                {
                    writeError = ex;
                }
            }

            // The report took the whole listing to compute: it is emitted even when the HTML file could not be written.
            WriteObject(report);
            if (writeError != null)
            {
                WriteDrError(writeError, htmlPath);
            }
        }

        /// <summary>Runs the units with a progress bar (units done of account x region units).</summary>
        private BackupReport RunAcrossAccounts(AccountReportFanOut fanOut, AccountReportOptions options)
        {
            var total = options.AccountIds.Count * options.Report.Regions.Count;
            var activity = options.AccountIds.Contains(AccountScope.AllAccounts) ? "Backup report across the organization" : $"Backup report across {options.AccountIds.Count} account(s)";
            var record = new ProgressRecord(AccountsActivityId, activity, $"0 of {total} account x region units read");
            var progress = new SyncProgress<int>(done => Post(() =>
            {
                record.StatusDescription = $"{done} of {total} account x region units read";
                record.PercentComplete = Math.Min(100, done * 100 / Math.Max(1, total));
                WriteProgress(record);
            }));
            var report = Run(ct => fanOut.BuildAsync(options, progress, ct));
            record.RecordType = ProgressRecordType.Completed;
            WriteProgress(record);
            return report;
        }

        protected override void OnStopping() => CompleteProgress();

        /// <summary>Pages and jobs so far, at most a few times a second (pages arrive from many slices at once).</summary>
        private void ShowProgress(BackupJobSliceProgress p)
        {
            var now = Environment.TickCount;
            if (_progress != null && p.UnitsDone < p.Units && unchecked(now - _progressShownAt) < 200)
            {
                return;
            }

            _progressShownAt = now;
            _progress ??= new ProgressRecord(ReportActivityId, "Get-DrBackupReport: listing backup jobs", "Starting");
            _progress.StatusDescription = $"{p.Jobs:N0} jobs in {p.Pages:N0} pages; {p.SlicesDone:N0} time slices done, {p.SlicesPending:N0} running or waiting; regions {p.UnitsDone}/{p.Units}" + (p.Throttles > 0 ? $"; throttled {p.Throttles}x, {p.Concurrency} at once" : string.Empty);
            WriteProgress(_progress);
        }

        private void CompleteProgress()
        {
            if (_progress != null && _progress.RecordType != ProgressRecordType.Completed)
            {
                _progress.RecordType = ProgressRecordType.Completed;
                try
                {
                    WriteProgress(_progress);
                }
                catch (Exception ex) when (ex is PipelineStoppedException || ex is InvalidOperationException)
                {
                    // The pipeline is stopping: nothing more can be written.
                }
            }
        }

        /// <summary>The file-system path of -HtmlPath (relative to the current location); a path no provider can resolve is InvalidHtmlPath.</summary>
        private string ResolveHtmlPath(string path)
        {
            return FileSystemPaths.Resolve(this, path, "HtmlPath", "InvalidHtmlPath");
        }
    }
}
