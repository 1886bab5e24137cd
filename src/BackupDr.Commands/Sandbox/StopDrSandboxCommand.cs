using System.Management.Automation;
using BackupDr.Core.Aws;

namespace BackupDr.Commands
{
    /// <summary>Stops the session's sandbox and puts back the session defaults that were in force before it.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "DrSandbox", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(DrSandbox))]
    public sealed class StopDrSandboxCommand : DrCmdlet
    {
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            var current = SandboxSession.Current;
            if (current == null)
            {
                WriteVerbose("No sandbox is running.");
                return;
            }

            if (!ShouldProcess(current.EndpointUrl, "Stop the sandbox and restore the previous session defaults"))
            {
                return;
            }

            SandboxSession.Take();
            current.Server.Dispose();
            current.IsRunning = false;
            DrSession.Exchange(current.PreviousDefaults);
            DrPolling.Schedule = current.PreviousPollSchedule;
            WriteVerbose($"Sandbox at {current.EndpointUrl} stopped; session defaults restored.");
            if (PassThru)
            {
                WriteObject(current);
            }
        }
    }
}
