using System;
using System.Linq;
using System.Management.Automation;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Shows the effective DR tiers: each tier's RPO and RTO and where they come from (BackupDr's defaults or a policy
    /// file). Calls no AWS API, so a policy file can be checked anywhere.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DrTier")]
    [OutputType(typeof(DrTierObjectives))]
    public sealed class GetDrTierCommand : DrCmdlet
    {
        /// <summary>Only these tiers: Gold, Silver or Bronze (default: all three).</summary>
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(TierCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Tier { get; set; }

        /// <summary>A tier policy file (.psd1 or .json) that overrides the defaults.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PolicyPath { get; set; }

        protected override void EndProcessing()
        {
            try
            {
                var tiers = Tier?.Select(t => DrTiers.Parse(t, "Tier")).ToList();
                var policy = PolicyPath == null ? TierPolicy.Default : TierPolicyFile.Load(TierPolicyPaths.Resolve(this, PolicyPath));
                WriteVerbose(policy.Path == null ? "Tier objectives: BackupDr's defaults." : $"Tier objectives: {policy.Path} over BackupDr's defaults.");
                foreach (var objectives in policy.Tiers.Where(o => tiers == null || tiers.Contains(o.Tier)))
                {
                    WriteObject(objectives);
                }
            }
            catch (DrException ex)
            {
                ThrowDrError(ex, ex.Value);
            }
        }
    }
}
