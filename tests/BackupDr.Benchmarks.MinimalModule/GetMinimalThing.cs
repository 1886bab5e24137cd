using System.Management.Automation;

namespace BackupDr.Benchmarks.MinimalModule
{
    /// <summary>The baseline module's only cmdlet.</summary>
    [Cmdlet(VerbsCommon.Get, "MinimalThing")]
    [OutputType(typeof(int))]
    public sealed class GetMinimalThing : PSCmdlet
    {
        protected override void ProcessRecord() => WriteObject(1);
    }
}
