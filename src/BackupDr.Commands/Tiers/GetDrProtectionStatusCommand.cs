using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using BackupDr.Core.Aws;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Checks resources against their DR tier: every resource with a DrTier tag, a recovery point, or that an AWS Backup
    /// plan selection assigns; per resource its tier, the newest COMPLETED recovery point and its age in its region and
    /// (with -DrRegion) in the DR region, whether the RPO is met, the plan covering it, and the gaps (never backed up,
    /// backed up but untagged, selected without a tier, no DR copy, vault not locked...). -Summary emits one object with counts per tier instead.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DrProtectionStatus", DefaultParameterSetName = ByTagSet)]
    [OutputType(typeof(ProtectionStatus), typeof(ProtectionSummary))]
    public sealed class GetDrProtectionStatusCommand : DrAwsCmdlet
    {
        private const string ByTagSet = "ByTag";
        private const string ByArnSet = "ByArn";

        private ProtectionStatusQuery? _query;
        private TierPolicy _policy = TierPolicy.Default;
        private string? _ledgerPath;
        private ProtectionSummaryBuilder? _summary;
        private readonly List<string> _arnRegions = new List<string>();

        /// <summary>Check these resources (tagged or not) instead of every tagged one; Get-DrResource output binds by property name.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByArnSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Arn")]
        [ValidateNotNullOrEmpty]
        public string[]? ResourceArn { get; set; }

        /// <summary>Only resources of these tiers (DrTier tag): Gold, Silver or Bronze.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(TierCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Tier { get; set; }

        /// <summary>Only resources that a selection of one of these AWS Backup plans assigns (plan names).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? BackupPlanName { get; set; }

        /// <summary>EBS, EC2, RDS or Aurora (default: all four).</summary>
        [Parameter(ParameterSetName = ByTagSet)]
        [ValidateSet("EBS", "EC2", "RDS", "Aurora", IgnoreCase = true)]
        public string[]? ResourceType { get; set; }

        /// <summary>Home regions to check, in parallel (default: -Region or the session's region).</summary>
        [Parameter(ParameterSetName = ByTagSet)]
        [Alias("Regions")]
        [ArgumentCompleter(typeof(RegionCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? ReportRegion { get; set; }

        /// <summary>Also check that each resource has a recovery point copied to this region.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(RegionCompleter))]
        [ValidateNotNullOrEmpty]
        public string? DrRegion { get; set; }

        /// <summary>A tier policy file (.psd1 or .json) that overrides the default objectives.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PolicyPath { get; set; }

        /// <summary>Count an unlocked vault against the policy (otherwise VaultNotLocked is reported but advisory).</summary>
        [Parameter]
        public SwitchParameter RequireVaultLock { get; set; }

        /// <summary>The drill ledger that fills LastDrillTime and LastDrillRto (default: Test-DrRestore's default ledger).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LedgerPath { get; set; }

        /// <summary>A tiered resource not drilled within this many days gets the DrillOverdue gap (counts against the policy).</summary>
        [Parameter]
        [ValidateRange(1, 3650)]
        public int? DrillMaxAgeDays { get; set; }

        /// <summary>Emit one summary (counts per tier and gap, out-of-policy ARNs) instead of one status per resource.</summary>
        [Parameter]
        public SwitchParameter Summary { get; set; }

        /// <summary>Account id for the ARNs of EC2 resources (default: asked of STS).</summary>
        [Parameter(ParameterSetName = ByTagSet)]
        [ValidatePattern("^[0-9]{12}$")]
        public string? AccountId { get; set; }

        protected override void BeginProcessing()
        {
            try
            {
                foreach (var t in Tier ?? Array.Empty<string>())
                {
                    DrTiers.Parse(t, "Tier");
                }

                if (DrRegion != null)
                {
                    AwsContext.ValidateRegion(DrRegion, "-DrRegion");
                }

                foreach (var r in ReportRegion ?? Array.Empty<string>())
                {
                    AwsContext.ValidateRegion(r, "-ReportRegion");
                }

                // LedgerPathIsFolder regression: a folder (or Env:\ path) was read as a ledger without drills.
                _ledgerPath = LedgerPath == null ? DrillLedger.DefaultPath : new DrillLedger(FileSystemPaths.Resolve(this, LedgerPath, nameof(LedgerPath), "InvalidLedgerPath")).Path;

                if (PolicyPath != null)
                {
                    _policy = TierPolicyFile.Load(TierPolicyPaths.Resolve(this, PolicyPath));
                    WriteVerbose($"Tier objectives: {_policy.Path} over BackupDr's defaults.");
                }
            }
            catch (Exception ex) when (ex is DrException || ex is AwsConfigurationException)
            {
                ThrowDrError(ex, ex is DrException dr ? dr.Value : ((AwsConfigurationException)ex).Value);
                return;
            }

            var clients = Clients;
            _query = new ProtectionStatusQuery(region => RegionClients.Of(clients.ForRegion(region)));
            _summary = Summary ? new ProtectionSummaryBuilder() : null;
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName != ByArnSet)
            {
                return;
            }

            var arns = new List<string>();
            foreach (var value in ResourceArn ?? Array.Empty<string>())
            {
                try
                {
                    var arn = ProtectionStatusQuery.ValidateArn(value, DrRegion);
                    arns.Add(arn.Text);
                    if (!_arnRegions.Contains(arn.Region))
                    {
                        _arnRegions.Add(arn.Region);
                    }
                }
                catch (DrException ex)
                {
                    _summary?.AddError();
                    WriteDrError(ex, value);
                }
            }

            if (arns.Count > 0)
            {
                Check(Options(arns, Array.Empty<string>(), string.Empty));
            }
        }

        protected override void EndProcessing()
        {
            IReadOnlyList<string> regions = _arnRegions;
            if (ParameterSetName != ByArnSet)
            {
                var context = Context;
                regions = (ReportRegion ?? new[] { context.Region }).Distinct(StringComparer.Ordinal).ToList();
                string account;
                try
                {
                    ProtectionStatusQuery.Validate(Options(null, regions, "000000000000"));
                    account = AccountId ?? Run(ct => CallerAccount.GetAsync(Clients.Sts, ct));
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    ThrowDrError(ex, ex is DrException dr ? dr.Value : null);
                    return;
                }

                Check(Options(null, regions, account));
            }

            if (_summary != null)
            {
                WriteObject(_summary.Build(regions, DrRegion, DateTime.UtcNow));
            }
        }

        private ProtectionStatusOptions Options(IReadOnlyList<string>? arns, IReadOnlyList<string> regions, string account) => new ProtectionStatusOptions
        {
            ResourceArns = arns,
            Regions = regions,
            Tiers = Tier,
            BackupPlanNames = BackupPlanName,
            ResourceTypes = ResourceType,
            DrRegion = DrRegion,
            Policy = _policy,
            RequireVaultLock = RequireVaultLock,
            AccountId = account,
            LedgerPath = _ledgerPath ?? DrillLedger.DefaultPath,
            DrillMaxAge = DrillMaxAgeDays == null ? (TimeSpan?)null : TimeSpan.FromDays(DrillMaxAgeDays.Value),
        };

        private void Check(ProtectionStatusOptions options)
        {
            var summary = _summary;
            try
            {
                Stream(
                    ct => _query!.ListAsync(options, (ex, target) => Post(() =>
                    {
                        summary?.AddError();
                        WriteDrError(ex, target);
                    }), ct),
                    status =>
                    {
                        if (status.Notes != null)
                        {
                            WriteWarning($"{status.ResourceId}: {status.Notes}");
                        }

                        if (summary != null)
                        {
                            summary.Add(status);
                        }
                        else
                        {
                            WriteObject(status);
                        }
                    });
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                ThrowDrError(ex, ex is DrException dr ? dr.Value : null);
            }
        }
    }
}
