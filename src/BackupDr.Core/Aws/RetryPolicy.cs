using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace BackupDr.Core.Aws
{
    /// <summary>Time and waiting, replaceable so retry, backoff and skew are tested without sleeping.</summary>
    public interface IAwsClock
    {
        DateTime UtcNow { get; }
        Task Delay(TimeSpan delay, CancellationToken cancellationToken);
    }

    public sealed class SystemClock : IAwsClock
    {
        public static readonly SystemClock Instance = new SystemClock();
        public DateTime UtcNow => DateTime.UtcNow;
        public Task Delay(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, cancellationToken);
    }

    /// <summary>
    /// Which failures are worth another attempt and how long to wait: full-jitter exponential backoff
    /// (a random wait between 0 and min(cap, base * 2^attempt)), as AWS's architecture blog recommends.
    /// </summary>
    public sealed class RetryPolicy
    {
        private static readonly HashSet<string> ThrottlingCodes = new HashSet<string>(StringComparer.Ordinal)
        {
            "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
            "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
            "RequestLimitExceeded", "BandwidthLimitExceeded", "RequestThrottled", "SlowDown", "EC2ThrottledException",
        };

        private static readonly HashSet<string> TransientCodes = new HashSet<string>(StringComparer.Ordinal)
        {
            "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalError", "InternalFailure",
            "ServiceUnavailable", "ServiceUnavailableException", "InternalServerError", "InternalServerException",
        };

        private static readonly HashSet<string> SkewCodes = new HashSet<string>(StringComparer.Ordinal)
        {
            "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure",
        };

        private readonly Func<double> _random;

        public RetryPolicy(Func<double>? random = null)
        {
            _random = random ?? SharedRandom.NextDouble;
        }

        /// <summary>A new policy with the defaults each time: a policy is mutable, so one shared instance would let one runspace's change reach every other.</summary>
        public static RetryPolicy Default => new RetryPolicy();

        /// <summary>Attempts in all, the first included.</summary>
        public int MaxAttempts { get; set; } = 5;
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

        /// <summary>No single wait is longer than this.</summary>
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(20);

        /// <summary>Each attempt gets at most this long; a timed-out attempt counts as a transient failure.</summary>
        public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>The clock is corrected when the server's Date differs from ours by more than this.</summary>
        public TimeSpan SkewThreshold { get; set; } = TimeSpan.FromMinutes(4);

        public static bool IsThrottling(string code, int status) => status == 429 || ThrottlingCodes.Contains(code);

        /// <summary>Also a 4xx whose message says "Rate exceeded" (how AWS words throttling under codes not listed, such as LimitExceededException).</summary>
        public static bool IsThrottling(string code, int status, string? message) =>
            IsThrottling(code, status) || (status >= 400 && status < 500 && message != null && message.IndexOf("Rate exceeded", StringComparison.OrdinalIgnoreCase) >= 0);

        public static bool IsRetryable(string code, int status) =>
            IsThrottling(code, status) || TransientCodes.Contains(code) || status == 500 || status == 502 || status == 503 || status == 504;

        public static bool IsSkewError(string code) => SkewCodes.Contains(code);

        /// <summary>Full jitter: uniform in [0, min(MaxDelay, BaseDelay * 2^retry)] for retry = 0, 1, 2, ...</summary>
        public TimeSpan Backoff(int retry)
        {
            var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30)));
            return TimeSpan.FromMilliseconds(ceiling * _random());
        }

        private static class SharedRandom
        {
            private static readonly Random Seed = new Random();
            [ThreadStatic] private static Random? _local;

            public static double NextDouble()
            {
                if (_local == null)
                {
                    int seed;
                    lock (Seed)
                    {
                        seed = Seed.Next();
                    }

                    _local = new Random(seed);
                }

                return _local.NextDouble();
            }
        }
    }
}
