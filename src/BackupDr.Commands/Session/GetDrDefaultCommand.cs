using System.Management.Automation;
using BackupDr.Core.Aws;

namespace BackupDr.Commands
{
    /// <summary>
    /// Shows the session defaults (secrets redacted); with parameters, what a call with those parameters
    /// would use, which helps to see why a runbook talks to the region or endpoint it does.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DrDefault")]
    [OutputType(typeof(DrDefaults))]
    public sealed class GetDrDefaultCommand : DrDefaultCmdlet
    {
        protected override void EndProcessing()
        {
            // Without parameters show the defaults as kept, with their origin (Over would relabel them "parameter").
            WriteObject(AwsContextOptions.AsShown(AnyGiven ? GivenOptions().Over(DrState.Defaults) : DrState.Defaults));
        }
    }
}
