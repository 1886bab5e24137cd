using System.Management.Automation;
using BackupDr.Core.Aws;

namespace BackupDr.Commands
{
    /// <summary>
    /// Sets region, credentials and endpoint once for the session, so a runbook does not repeat them on
    /// every call. Values are checked (region name, endpoint URL, profile) before they are kept.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "DrDefault", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(DrDefaults))]
    public sealed class SetDrDefaultCommand : DrDefaultCmdlet
    {
        /// <summary>Forget all session defaults.</summary>
        [Parameter]
        public SwitchParameter Clear { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            if (Clear)
            {
                if (ShouldProcess("BackupDr session defaults", "Clear"))
                {
                    DrState.Exchange(null);
                }

                if (PassThru)
                {
                    WriteObject(AwsContextOptions.AsShown(null));
                }

                return;
            }

            var merged = GivenOptions().Over(DrState.Defaults);
            merged.Origin = "session default";
            merged.RegionOrigin = null;
            merged.EndpointOrigin = null;
            try
            {
                // Validate before keeping: a bad region, endpoint or profile fails here, not on the next call.
                if (merged.Region != null || merged.EndpointUrl != null || merged.ProfileName != null)
                {
                    var probe = merged.Clone();
                    probe.Region ??= "us-east-1";
                    AwsContext.Resolve(probe);
                }
            }
            catch (AwsConfigurationException ex)
            {
                ThrowDrError(ex, ex.Value);
            }

            if (ShouldProcess("BackupDr session defaults", $"Set {merged}"))
            {
                DrState.Exchange(merged);
            }

            if (PassThru)
            {
                WriteObject(AwsContextOptions.AsShown(DrState.Defaults));
            }
        }
    }
}
