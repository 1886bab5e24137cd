using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using BackupDr.Core.Aws;

namespace BackupDr.Commands
{
    /// <summary>
    /// BackupDr's state in one runspace: the Core session state plus the runspace's sandbox. Kept as a
    /// private global variable of the runspace (AWS Tools keeps its defaults as session variables), so
    /// ForEach-Object -Parallel, thread jobs and Azure Automation runspaces each have their own.
    /// </summary>
    internal sealed class DrRunspaceState : DrSessionState
    {
        /// <summary>The variable's name: unlikely to collide, private so the prompt cannot read or change it.</summary>
        internal const string VariableName = "__BackupDrRunspaceState";

        private const string VariablePath = "global:" + VariableName;

        /// <summary>The sandbox Start-DrSandbox started in this runspace, if any.</summary>
        public DrSandbox? Sandbox { get; set; }

        private string[] _vaultNames = System.Array.Empty<string>();

        /// <summary>Vault names of the last Get-DrBackupVault listing (and vaults made since), for -BackupVaultName completion.</summary>
        public System.Collections.Generic.IReadOnlyList<string> VaultNames => System.Threading.Volatile.Read(ref _vaultNames);

        /// <summary>A full listing replaces the names; one described or created vault is added to them.</summary>
        public void RememberVaults(System.Collections.Generic.IEnumerable<string> names, bool replace)
        {
            var list = names.Where(n => !string.IsNullOrEmpty(n));
            var merged = replace ? list : VaultNames.Concat(list);
            System.Threading.Volatile.Write(ref _vaultNames, merged.Distinct(System.StringComparer.Ordinal).ToArray());
        }

        /// <summary>
        /// Which runspace holds which state, for completers (they get no SessionState, and the runspace's
        /// SessionStateProxy is unusable while the completion pipeline runs). Weak keys: an index, not a second home.
        /// </summary>
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Runspace, DrRunspaceState> ByRunspace =
            new System.Runtime.CompilerServices.ConditionalWeakTable<Runspace, DrRunspaceState>();

        /// <summary>The state of a runspace if BackupDr made one there, without making it.</summary>
        public static DrRunspaceState? Peek(Runspace? runspace) =>
            runspace != null && ByRunspace.TryGetValue(runspace, out var state) ? state : null;

        /// <summary>The state of the runspace the cmdlet runs in, made on first use.</summary>
        public static DrRunspaceState Of(SessionState sessionState)
        {
            if (sessionState.PSVariable.GetValue(VariablePath) is DrRunspaceState state)
            {
                return state;
            }

            state = new DrRunspaceState();
            sessionState.PSVariable.Set(VariablePath, state);
            var variable = sessionState.PSVariable.Get(VariablePath);
            if (variable != null)
            {
                variable.Visibility = SessionStateEntryVisibility.Private;
                variable.Description = "BackupDr session defaults, polling interval and sandbox of this runspace.";
            }

            // A runspace that closes with its sandbox still running (a thread job that never called
            // Stop-DrSandbox) stops that sandbox, so its port and threads do not outlive the runspace.
            var runspace = Runspace.DefaultRunspace;
            if (runspace != null)
            {
                runspace.StateChanged += state.OnRunspaceStateChanged;
                ByRunspace.Remove(runspace);
                ByRunspace.Add(runspace, state);
            }

            return state;
        }

        private void OnRunspaceStateChanged(object? sender, RunspaceStateEventArgs e)
        {
            if (e.RunspaceStateInfo.State != RunspaceState.Closed && e.RunspaceStateInfo.State != RunspaceState.Broken)
            {
                return;
            }

            if (sender is Runspace runspace)
            {
                runspace.StateChanged -= OnRunspaceStateChanged;
            }

            var sandbox = Sandbox;
            Sandbox = null;
            if (sandbox != null && sandbox.IsRunning)
            {
                sandbox.IsRunning = false;
                sandbox.Server.Dispose();
            }
        }
    }
}
