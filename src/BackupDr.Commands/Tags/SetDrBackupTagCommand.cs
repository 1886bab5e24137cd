using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Sets the tags backup plans select on (Backup = hourly|daily|weekly, DrTier = Gold|Silver|Bronze)
    /// and any other tags on EC2 instances, EBS volumes, RDS instances and Aurora clusters. AWS tag
    /// rules are checked before anything is sent, only differences are sent, and -WhatIf shows them. Resources
    /// are tagged in parallel (-ThrottleLimit at once), each written as it finishes.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "DrBackupTag", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ArnSet)]
    [OutputType(typeof(TagChangeResult))]
    public sealed class SetDrBackupTagCommand : DrAwsCmdlet
    {
        private const string ArnSet = "ByArn";
        private const string InstanceSet = "ByInstanceId";
        private const string VolumeSet = "ByVolumeId";
        private const string DbSet = "ByDBInstanceIdentifier";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ArnSet)]
        [Alias("Arn")]
        [ValidateNotNullOrEmpty]
        public string[] ResourceArn { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = InstanceSet)]
        [ValidatePattern("^i-[0-9a-f]{8,17}$")]
        public string[] InstanceId { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = VolumeSet)]
        [ValidatePattern("^vol-[0-9a-f]{8,17}$")]
        public string[] VolumeId { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = DbSet)]
        [ValidateNotNullOrEmpty]
        public string[] DBInstanceIdentifier { get; set; } = Array.Empty<string>();

        /// <summary>Sets the Backup tag: hourly, daily or weekly.</summary>
        [Parameter]
        public BackupFrequency? Frequency { get => (BackupFrequency?)_frequency; set => _frequency = value; }

        /// <summary>Sets the DrTier tag: Gold, Silver or Bronze.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(TierCompleter))]
        public DrTier? Tier { get => (DrTier?)_tier; set => _tier = value; }

        // Boxed, not a DrTier/DrJobType field: PowerShell loads every public type at import, before DependencyLoader runs,
        // and a field of a Core value type would need BackupDr.Core then (the import contract test checks this).
        private object? _frequency;
        private object? _tier;

        [Parameter]
        public Hashtable? Tag { get; set; }

        /// <summary>Tag keys to remove.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Remove { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>How many resources are read and tagged at once (1-64, default 10); 1 tags one after the other.</summary>
        [Parameter]
        [ValidateRange(1, BoundedParallel.MaxLimit)]
        public int ThrottleLimit { get; set; } = 10;

        private ThrottledPipeline? _fanOut;

        protected override void BeginProcessing()
        {
            if (Frequency == null && Tier == null && Tag == null && Remove == null)
            {
                ThrowDrError(new DrValidationException("NoTagChange", "Tag", null, "Give at least one of -Frequency, -Tier, -Tag or -Remove."), null);
            }
        }

        protected override void ProcessRecord()
        {
            IDictionary<string, string> set;
            try
            {
                set = BackupTagKeys.Build(Frequency, Tier, Hashtables.ToStringMap(Tag, "Tag"));
                TagRules.Validate(set, Remove);
            }
            catch (Exception ex) when (ex is DrValidationException || ex is ArgumentException)
            {
                ThrowDrError(ex, Tag);
                return;
            }

            foreach (var arnText in Targets())
            {
                Arn arn;
                try
                {
                    arn = ResourceArns.ValidateResourceArn(arnText, ParameterSetName == ArnSet ? "ResourceArn" : ParameterSetName.Substring(2), Context.Region);
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    WriteDrError(ex, arnText);
                    continue;
                }

                var tagging = new ResourceTagger(Clients.Ec2, Clients.Rds);
                var remove = Remove;
                _fanOut ??= new ThrottledPipeline(ThrottleLimit);
                var fanOut = _fanOut;
                Run(ct => fanOut.StartAsync(itemCt => TagOneAsync(tagging, arn, set, remove, itemCt), ct));
            }
        }

        protected override void EndProcessing()
        {
            if (_fanOut != null)
            {
                var fanOut = _fanOut;
                Run(ct => fanOut.WhenAllAsync(ct));
                FlushPosted();
            }
        }

        /// <summary>
        /// One resource on a worker: read its tags, ask ShouldProcess on the pipeline thread (the question names the
        /// difference), apply, and post the outcome; a failure is an error record and the rest go on.
        /// </summary>
        private async Task TagOneAsync(ResourceTagger tagging, Arn arn, IDictionary<string, string> set, string[]? remove, CancellationToken cancellationToken)
        {
            try
            {
                var plan = await tagging.PlanAsync(arn, set, remove, cancellationToken).ConfigureAwait(false);
                if (!plan.Diff.HasChanges)
                {
                    Post(() => WriteVerbose($"{arn.Text}: tags already as asked; nothing sent."));
                }
                else if (await AskAsync(arn.Text, $"Set tags ({Describe(plan.Diff)})", cancellationToken).ConfigureAwait(false))
                {
                    plan = await tagging.ApplyAsync(plan, cancellationToken).ConfigureAwait(false);
                }

                if (PassThru)
                {
                    Post(() => WriteObject(plan));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (AwsConfigurationException ex)
            {
                Post(() => ThrowDrError(ex, ex.Value));
            }
            catch (Exception ex)
            {
                Post(() => WriteDrError(ex, arn.Text));
            }
        }

        /// <summary>ShouldProcess asked on the pipeline thread (where -Confirm can prompt), awaited by the worker.</summary>
        private async Task<bool> AskAsync(string target, string action, CancellationToken cancellationToken)
        {
            var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => answer.TrySetCanceled()))
            {
                Post(() =>
                {
                    try
                    {
                        answer.TrySetResult(ShouldProcess(target, action));
                    }
                    catch (Exception ex)
                    {
                        answer.TrySetException(ex);
                        throw;
                    }
                });
                return await answer.Task.ConfigureAwait(false);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _fanOut?.Dispose();
            }

            base.Dispose(disposing);
        }

        private IEnumerable<string> Targets()
        {
            var region = Context.Region;
            var partition = Context.Partition;
            switch (ParameterSetName)
            {
                case InstanceSet:
                case VolumeSet:
                case DbSet:
                    // TagIdentifierAsksSts regression: a DB identifier RDS cannot have is refused before STS is asked for the account.
                    var dbIds = new List<string>();
                    foreach (var d in ParameterSetName == DbSet ? DBInstanceIdentifier : Array.Empty<string>())
                    {
                        if (ResourceArns.IsValidRdsIdentifier(d))
                        {
                            dbIds.Add(d);
                        }
                        else
                        {
                            WriteDrError(new DrValidationException("InvalidDBInstanceIdentifier", "DBInstanceIdentifier", d,
                                $"'{(d.Length > 70 ? d.Substring(0, 60) + "..." : d)}' is not an RDS DB instance identifier: 1 to 63 letters, digits and single hyphens, starting with a letter and not ending with a hyphen. Nothing was sent."), d);
                        }
                    }

                    if (ParameterSetName == DbSet && dbIds.Count == 0)
                    {
                        return Array.Empty<string>();
                    }

                    // ARNs for ids need the account: asked of STS once, after validation.
                    var account = Run(ct => CallerAccount.GetAsync(Clients.Sts, ct));
                    return ParameterSetName == InstanceSet ? InstanceId.Select(i => ResourceArns.InstanceArn(region, account, i, partition))
                        : ParameterSetName == VolumeSet ? VolumeId.Select(v => ResourceArns.VolumeArn(region, account, v, partition))
                        : dbIds.Select(d => ResourceArns.DbArn(region, account, d, partition));
                default:
                    return ResourceArn;
            }
        }

        /// <summary>"added Backup=daily; changed DrTier: 'Bronze' -> 'Gold'; removed Owner".</summary>
        internal static string Describe(TagDiff diff)
        {
            var parts = new List<string>();
            if (diff.Added.Count > 0)
            {
                parts.Add("added " + string.Join(", ", diff.Added.Select(kv => $"{kv.Key}={kv.Value}")));
            }

            if (diff.Changed.Count > 0)
            {
                parts.Add("changed " + string.Join(", ", diff.Changed.Select(c => c.ToString())));
            }

            if (diff.Removed.Count > 0)
            {
                parts.Add("removed " + string.Join(", ", diff.Removed.Keys));
            }

            return string.Join("; ", parts);
        }
    }
}
