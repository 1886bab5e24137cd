using System;
using System.Threading;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// What one PowerShell runspace remembers between BackupDr calls: the session defaults (Set-DrDefault,
    /// Start-DrSandbox), the polling interval of waits and the client factory. The cmdlet layer keeps one per
    /// runspace and hands it to Core as a plain object, so parallel runspaces never share it.
    /// </summary>
    public class DrSessionState
    {
        private AwsContextOptions? _defaults;
        private Operations.PollSchedule _pollSchedule = Operations.PollSchedule.Default;
        private IAwsClientFactory _clientFactory = AwsClientFactory.Default;

        /// <summary>A copy of the current defaults, or null when none were set; internal because it holds the secret key.</summary>
        internal AwsContextOptions? Defaults => Volatile.Read(ref _defaults)?.Clone();

        /// <summary>Replaces the defaults and returns the previous ones (so Stop-DrSandbox can put them back).</summary>
        internal AwsContextOptions? Exchange(AwsContextOptions? defaults)
        {
            var copy = defaults?.Clone();
            if (copy != null)
            {
                copy.Origin = string.IsNullOrEmpty(defaults!.Origin) || defaults.Origin == "parameter" ? "session default" : defaults.Origin;
            }

            return Interlocked.Exchange(ref _defaults, copy);
        }

        /// <summary>Resolves a context from explicit options over these defaults.</summary>
        public AwsContext Resolve(AwsContextOptions explicitOptions, IAwsEnvironment? environment = null)
        {
            if (explicitOptions == null)
            {
                throw new ArgumentNullException(nameof(explicitOptions));
            }

            var context = AwsContext.Resolve(explicitOptions.Over(Volatile.Read(ref _defaults)), environment);
            context.RateLimiters = RateLimiters;
            return context;
        }

        /// <summary>The adaptive client-side rates of this session: every client of every call made here shares them, so throttling seen once paces the rest.</summary>
        public AdaptiveRateLimiters RateLimiters { get; } = new AdaptiveRateLimiters();

        /// <summary>When waits poll: fast at first, backing off (PollSchedule.Default against AWS); the sandbox shortens it while it runs.</summary>
        public Operations.PollSchedule PollSchedule
        {
            get => Volatile.Read(ref _pollSchedule);
            set => Volatile.Write(ref _pollSchedule, value ?? throw new ArgumentNullException(nameof(value)));
        }

        /// <summary>Makes the clients of every call; tests of the module put a fake here.</summary>
        public IAwsClientFactory ClientFactory
        {
            get => Volatile.Read(ref _clientFactory);
            set => Volatile.Write(ref _clientFactory, value ?? throw new ArgumentNullException(nameof(value)));
        }
    }
}
