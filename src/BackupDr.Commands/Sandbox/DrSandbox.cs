using System;
using System.Collections.Generic;
using BackupDr.Core.Aws;
using BackupDr.Core.Operations;
using BackupDr.Sandbox;

namespace BackupDr.Commands
{
    /// <summary>
    /// A running local sandbox as Start-DrSandbox returns it: its endpoint, its options, and its request
    /// log (what tests read to prove that -WhatIf or bad input sent nothing).
    /// </summary>
    public sealed class DrSandbox
    {
        internal DrSandbox(SandboxServer server, string region, AwsContextOptions? previousDefaults, PollSchedule previousPollSchedule)
        {
            Server = server;
            Region = region;
            EndpointUrl = server.Endpoint.ToString().TrimEnd('/');
            PreviousDefaults = previousDefaults;
            PreviousPollSchedule = previousPollSchedule;
        }

        public string EndpointUrl { get; }
        public string Region { get; }

        /// <summary>The access key the session uses against the sandbox (any key is accepted; this one maps to the default account).</summary>
        public string AccessKey => SandboxSession.AccessKey;
        public string AccountId => Server.Options.DefaultAccountId;
        public TimeSpan JobDuration => Server.Options.JobDuration;
        public TimeSpan Latency => Server.Options.Latency;
        public double FailureRate => Server.Options.FailureRate;
        public bool IsRunning { get; internal set; } = true;

        /// <summary>Every request the sandbox answered, oldest first.</summary>
        public IReadOnlyList<SandboxRequestRecord> Requests => Server.RequestLog;

        /// <summary>The server itself, for fault injection (Configure) and seeding from scripts.</summary>
        public SandboxServer Server { get; }

        internal AwsContextOptions? PreviousDefaults { get; }
        internal PollSchedule PreviousPollSchedule { get; }

        /// <summary>Forgets all state and the request log.</summary>
        public void Reset() => Server.Reset();

        public void ClearRequestLog() => Server.ClearRequestLog();
    }

    /// <summary>
    /// The credentials a session uses against its sandbox. Which sandbox runs is per runspace
    /// (<see cref="DrRunspaceState.Sandbox"/>), so parallel runspaces each run their own.
    /// </summary>
    internal static class SandboxSession
    {
        public const string AccessKey = "AKIASANDBOX000000000";
        public const string SecretKey = "sandbox-secret-key-not-a-real-secret";
    }
}
