using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// The restore drill: restores each resource's recovery point under a temporary name, verifies it, measures RTO
    /// and achieved RPO against the tier, deletes what it made, and records the result in the drill ledger.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "DrRestore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = SelectionSet)]
    [OutputType(typeof(DrillResult))]
    public sealed class TestDrRestoreCommand : DrJobWaitCmdlet
    {
        private const string ResourceSet = "ByResource";
        private const string PointSet = "ByRecoveryPoint";
        private const string SelectionSet = "BySelection";

        private readonly List<DrillTarget> _pending = new List<DrillTarget>();
        private readonly List<KeyValuePair<DrillTarget, RecoveryPoint>> _approved = new List<KeyValuePair<DrillTarget, RecoveryPoint>>();
        private readonly List<DrillResult> _results = new List<DrillResult>();
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);
        private RestoreDrill? _drill;
        private DrillLedger? _ledger;
        private string? _junitPath;
        private string? _htmlPath;
        // Boxed, not a DrTier/DrJobType field: PowerShell loads every public type at import, before DependencyLoader runs,
        // and a field of a Core value type would need BackupDr.Core then (the import contract test checks this).
        private object? _tier;

        /// <summary>The resource to drill; binds from Get-DrResource by property name.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ResourceSet)]
        [Alias("Arn")]
        [ValidateNotNullOrEmpty]
        public string? ResourceArn { get; set; }

        /// <summary>A recovery point from Get-DrRecoveryPoint to drill exactly (it must be COMPLETED).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PointSet)]
        [ValidateNotNull]
        public RecoveryPoint? InputObject { get; set; }

        /// <summary>Drill the resources with this DrTier tag; with piped resources, the tier graded against when one has no DrTier tag.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(TierCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Tier { get; set; }

        /// <summary>Drill the resources carrying all of these tags.</summary>
        [Parameter(ParameterSetName = SelectionSet)]
        public Hashtable? Tag { get; set; }

        [Parameter]
        public int? SelectionWindowDays { get; set; }

        [Parameter]
        public int? Sample { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string NamePrefix { get; set; } = "drill-";

        [Parameter]
        public ScriptBlock? Validation { get; set; }

        [Parameter]
        public SwitchParameter KeepRestored { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LedgerPath { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JUnitPath { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? HtmlPath { get; set; }

        /// <summary>A tier policy file (.psd1 or .json) whose targets replace the defaults, as for Get-DrTier; DrRpoMinutes/DrRtoMinutes tags still override per resource.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PolicyPath { get; set; }

        /// <summary>At most this many drills at once (1-32, default 4); 1 drills each resource as it arrives.</summary>
        [Parameter]
        [ValidateRange(1, RestoreDrill.MaxThrottleLimit)]
        public int ThrottleLimit { get; set; } = 4;

        protected override void BeginProcessing()
        {
            try
            {
                _tier = Tier == null ? (DrTier?)null : DrTiers.Parse(Tier, "Tier");
                var options = new RestoreDrillOptions
                {
                    NamePrefix = NamePrefix,
                    SelectionWindowDays = SelectionWindowDays,
                    Sample = Sample,
                    Tier = (DrTier?)_tier,
                    KeepRestored = KeepRestored,
                    Timeout = Timeout,
                    Schedule = DrState.PollSchedule,
                    Progress = WaitProgress("Restore drill"),
                    ThrottleLimit = ThrottleLimit,
                    Policy = PolicyPath == null ? TierPolicy.Default : TierPolicyFile.Load(TierPolicyPaths.Resolve(this, PolicyPath)),
                };
                RestoreDrill.Validate(options);
                if (!MyInvocation.ExpectingInput && ParameterSetName == SelectionSet && _tier == null && (Tag == null || Tag.Count == 0))
                {
                    throw new DrValidationException("NoDrillTarget", "Tier", null, "Give resources to drill: pipe them from Get-DrResource, or pass -Tier or -Tag.");
                }

                _ledger = new DrillLedger(LedgerPath == null ? DrillLedger.DefaultPath : FileSystemPaths.Resolve(this, LedgerPath, nameof(LedgerPath), "InvalidLedgerPath"));

                // Every restore is journalled beside the ledger before it starts: what a killed drill restored is found there.
                options.Journal = DrillJournal.ForLedger(_ledger.Path);

                // DrillReportPathIsFolder regression: the drill restored everything, then could not write its report.
                _junitPath = JUnitPath == null ? null : ReportFile(JUnitPath, nameof(JUnitPath));
                _htmlPath = HtmlPath == null ? null : ReportFile(HtmlPath, nameof(HtmlPath));
                var clients = Clients;
                _drill = new RestoreDrill(r => clients.ForRegion(r), Context.Region, options);
                WriteVerbose($"Drill {_drill.DrillId}; ledger {_ledger.Path}.");
            }
            catch (Exception ex) when (ex is DrException || ex is ArgumentException)
            {
                ThrowDrError(ex, ex is DrException dr ? dr.Value : null);
            }
        }

        protected override void ProcessRecord()
        {
            if (!MyInvocation.ExpectingInput && ParameterSetName == SelectionSet)
            {
                return;
            }

            var target = new DrillTarget { ResourceArn = InputObject?.ResourceArn ?? ResourceArn!, Point = InputObject };
            if (Sample != null)
            {
                _pending.Add(target);
                return;
            }

            Drill(target);
        }

        protected override void EndProcessing()
        {
            var drill = _drill!;
            try
            {
                if (!MyInvocation.ExpectingInput && ParameterSetName == SelectionSet)
                {
                    var tags = Hashtables.ToStringMap(Tag, "Tag") ?? new Dictionary<string, string>(StringComparer.Ordinal);
                    if (_tier != null)
                    {
                        tags["DrTier"] = _tier.ToString()!;
                    }

                    var account = Run(ct => CallerAccount.GetAsync(Clients.Sts, ct));
                    var finder = new ResourceFinder(Clients.Ec2, Clients.Rds);
                    var found = new List<DrillTarget>();
                    Stream(ct => finder.FindAsync(tags, new[] { "EBS", "RDS" }, account, ct), r => found.Add(new DrillTarget { ResourceArn = r.ResourceArn }));
                    _pending.AddRange(found);
                    if (found.Count == 0)
                    {
                        WriteWarning($"No EBS volume or RDS DB instance in {Context.Region} carries {string.Join(", ", tags.Select(kv => kv.Key + "=" + kv.Value))}: nothing to drill.");
                    }
                }
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                ThrowDrError(ex, Tag);
            }

            foreach (var target in drill.SampleOf(_pending))
            {
                Drill(target);
            }

            RunApproved();
            CompleteWaitProgress();
            WriteReports();
        }

        private void Drill(DrillTarget target)
        {
            var drill = _drill!;
            RecoveryPoint point;
            try
            {
                drill.Check(target);
                if (!_seen.Add(target.ResourceArn))
                {
                    WriteVerbose($"{target.ResourceArn} was drilled already in this call; skipped.");
                    return;
                }

                point = Run(ct => drill.ChoosePointAsync(target, ct));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteDrError(ex, target.ResourceArn);
                return;
            }

            var type = ResourceArns.ResourceTypeOf(Core.Model.Arn.Parse(target.ResourceArn));
            var action = $"Restore drill {drill.DrillId}: restore {point.RecoveryPointArn} (created {point.CreationDate:u}) as a temporary {type} named {NamePrefix}..., verify it, then {(KeepRestored ? "keep it (-KeepRestored)" : "delete it")}";
            if (!ShouldProcess(target.ResourceArn, action))
            {
                return;
            }

            if (ThrottleLimit > 1)
            {
                // Run together once every target is chosen and confirmed (EndProcessing).
                _approved.Add(new KeyValuePair<DrillTarget, RecoveryPoint>(target, point));
                return;
            }

            DrillResult result;
            try
            {
                var validate = Validation == null ? null : (Func<object, Task<string?>>)Validate;
                result = Run(ct => drill.RunAsync(target, point, validate, Log, ct));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteDrError(ex, target.ResourceArn);
                return;
            }

            Emit(result);
        }

        /// <summary>
        /// The drills confirmed so far, at most -ThrottleLimit at once; each result is emitted (and appended to the
        /// ledger) on the pipeline thread as soon as its drill is done, so ledger appends never interleave.
        /// </summary>
        private void RunApproved()
        {
            if (_approved.Count == 0)
            {
                return;
            }

            var drill = _drill!;
            var drills = _approved.ToList();
            _approved.Clear();
            WriteVerbose($"Drill {drill.DrillId}: {drills.Count} restore drill(s), at most {ThrottleLimit} at once.");
            var validate = Validation == null ? null : (Func<object, Task<string?>>)Validate;
            Run(ct => drill.RunAllAsync(
                drills,
                validate,
                Log,
                result => Post(() => Emit(result)),
                (ex, arn) => Post(() => WriteDrError(ex, arn)),
                ct));
        }

        /// <summary>Records one result in the ledger, writes it, and a DrillFailed error when it did not pass.</summary>
        private void Emit(DrillResult result)
        {
            _results.Add(result);
            try
            {
                _ledger!.Append(result, DateTime.UtcNow);
            }
            catch (Exception ex) when (ex is DrException || ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                WriteDrError(ex, _ledger!.Path);
            }

            WriteObject(result);
            if (!result.Passed)
            {
                WriteError(DrErrorRecords.From(new DrException("DrillFailed", null, result, $"The restore drill of {result.ResourceArn} failed: {result.Message}", DrErrorKind.JobFailed), result));
            }
        }

        /// <summary>Verbose lines of the drill; dropped after Ctrl+C, when cleanup still runs but PowerShell refuses writes.</summary>
        private void Log(string message) => Post(() =>
        {
            if (!CancellationToken.IsCancellationRequested)
            {
                WriteVerbose(message);
            }
        });

        /// <summary>Runs -Validation on the pipeline thread (PowerShell requires it) and says why it failed, or null.</summary>
        private Task<string?> Validate(object restored)
        {
            var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(() =>
            {
                try
                {
                    var output = Validation!.InvokeWithContext(null, new List<PSVariable> { new PSVariable("_", restored) }, restored);
                    var failed = output.Any(o => o?.BaseObject is bool b && !b);
                    done.SetResult(failed ? "the scriptblock returned $false" : null);
                }
                catch (Exception ex)
                {
                    done.SetResult((ex as RuntimeException)?.ErrorRecord?.Exception?.Message ?? ex.Message);
                }
            });
            return done.Task;
        }

        /// <summary>A report file of the drill: on the file system and not a folder (a missing folder is created when written).</summary>
        private string ReportFile(string path, string parameterName)
        {
            var resolved = FileSystemPaths.Resolve(this, path, parameterName, "InvalidHtmlPath");
            if (System.IO.Directory.Exists(resolved))
            {
                var message = $"-{parameterName} '{resolved}' is a folder; give the path of a file in it, e.g. '{System.IO.Path.Combine(resolved, parameterName == nameof(JUnitPath) ? "drill-results.xml" : "drill-report.html")}'. Nothing was sent.";
                throw parameterName == nameof(JUnitPath)
                    ? new DrValidationException("JUnitPathIsFolder", parameterName, resolved, message)
                    : new DrValidationException("HtmlPathIsFolder", parameterName, resolved, message);
            }

            return resolved;
        }

        private void WriteReports()
        {
            if (_results.Count == 0 && JUnitPath == null && HtmlPath == null)
            {
                return;
            }

            try
            {
                if (_junitPath != null)
                {
                    var path = _junitPath;
                    DrillReports.Write(path, DrillReports.JUnit(_results, DateTime.UtcNow));
                    WriteVerbose($"JUnit report: {path}");
                }

                if (_htmlPath != null)
                {
                    var path = _htmlPath;
                    DrillReports.Write(path, DrillReports.Html(_results, DateTime.UtcNow));
                    WriteVerbose($"HTML report: {path}");
                }
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                WriteDrError(ex, JUnitPath ?? HtmlPath);
            }
        }
    }
}
