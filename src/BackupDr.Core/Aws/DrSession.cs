using System;
using System.Threading;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// Process-wide defaults that every BackupDr cmdlet starts from (Set-DrDefault, Start-DrSandbox), so a
    /// runbook names its region, profile or endpoint once. Explicit parameters always win.
    /// </summary>
    public static class DrSession
    {
        private static AwsContextOptions? _defaults;

        /// <summary>The current defaults, or null when none were set.</summary>
        public static AwsContextOptions? Defaults => Volatile.Read(ref _defaults)?.Clone();

        /// <summary>Replaces the defaults and returns the previous ones (so Stop-DrSandbox can put them back).</summary>
        public static AwsContextOptions? Exchange(AwsContextOptions? defaults)
        {
            var copy = defaults?.Clone();
            if (copy != null)
            {
                copy.Origin = string.IsNullOrEmpty(defaults!.Origin) || defaults.Origin == "parameter" ? "session default" : defaults.Origin;
            }

            return Interlocked.Exchange(ref _defaults, copy);
        }

        /// <summary>Resolves a context from explicit options over the session defaults.</summary>
        public static AwsContext Resolve(AwsContextOptions explicitOptions, IAwsEnvironment? environment = null)
        {
            var defaults = Volatile.Read(ref _defaults);
            return AwsContext.Resolve(explicitOptions.Over(defaults), environment);
        }
    }
}

namespace BackupDr.Core.Aws
{
    /// <summary>The session defaults as shown to people: never the secret key or the session token.</summary>
    public sealed class DrDefaults
    {
        public string? Region { get; set; }
        public string? ProfileName { get; set; }
        public string? EndpointUrl { get; set; }

        /// <summary>The access key with all but its last four characters hidden.</summary>
        public string? AccessKey { get; set; }
        public bool HasSecretKey { get; set; }
        public string? Origin { get; set; }

        public static DrDefaults From(AwsContextOptions? options) => new DrDefaults
        {
            Region = options?.Region,
            ProfileName = options?.ProfileName,
            EndpointUrl = options?.EndpointUrl,
            AccessKey = string.IsNullOrEmpty(options?.AccessKey) ? null : AwsContextOptions.Redact(options!.AccessKey),
            HasSecretKey = !string.IsNullOrEmpty(options?.SecretKey),
            Origin = options?.Origin,
        };
    }
}

namespace BackupDr.Core.Aws
{
    /// <summary>When waits poll: fast at first, backing off (PollSchedule.Default against AWS); the sandbox shortens it while it runs.</summary>
    public static class DrPolling
    {
        private static Operations.PollSchedule _schedule = Operations.PollSchedule.Default;

        public static Operations.PollSchedule Schedule
        {
            get => Volatile.Read(ref _schedule);
            set => Volatile.Write(ref _schedule, value ?? Operations.PollSchedule.Default);
        }

        /// <summary>The wait before the first poll.</summary>
        public static TimeSpan Interval => Schedule.Initial;
    }
}
