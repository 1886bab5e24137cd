using System.Management.Automation;
using BackupDr.Core.Aws;

namespace BackupDr.Commands
{
    /// <summary>Stops this session's (runspace's) sandbox and puts back the session defaults that were in force before it.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "DrSandbox", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(DrSandbox))]
    public sealed class StopDrSandboxCommand : DrCmdlet
    {
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            var current = DrState.Sandbox;
            if (current == null)
            {
                WriteVerbose("No sandbox is running.");
                return;
            }

            if (!ShouldProcess(current.EndpointUrl, "Stop the sandbox and restore the previous session defaults"))
            {
                return;
            }

            DrState.Sandbox = null;
            current.Server.Dispose();
            current.IsRunning = false;
            DrState.Exchange(current.PreviousDefaults);
            DrState.PollSchedule = current.PreviousPollSchedule;
            WriteVerbose($"Sandbox at {current.EndpointUrl} stopped; session defaults restored.");
            if (PassThru)
            {
                WriteObject(current);
            }
        }
    }
}
