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
    public sealed class GetDrDefaultCommand : DrCmdlet
    {
        protected override void EndProcessing() => WriteObject(DrDefaults.From(ExplicitOptions().Over(DrSession.Defaults)));
    }
}
