using System.Management.Automation;

namespace BackupDr.Commands
{
    /// <summary>Base of the cmdlets that start jobs and wait for them on request: -Wait next to -Timeout.</summary>
    public abstract class DrStartJobCmdlet : DrJobWaitCmdlet
    {
        /// <summary>Wait for the started jobs, writing each as it finishes.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }
    }
}
