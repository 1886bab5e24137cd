using System;
using System.Collections.Generic;
using System.Threading;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// A client-side send rate for one API operation of one service, region and endpoint that follows the throttling
    /// AWS answers with (AIMD): unlimited until the first throttle, then a paced token bucket whose rate is cut to a
    /// fraction of the rate the service actually accepted on each throttling answer (at most once per cool-down, so a
    /// wave of throttles from calls already in flight counts once) and creeps back up while calls succeed. After a quiet
    /// period without throttling it lets go again. Thread-safe; one instance is shared by every client of a session.
    /// </summary>
    public sealed class AdaptiveRateLimiter
    {
        private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
        private readonly object _sync = new object();
        private readonly Queue<DateTime> _successes = new Queue<DateTime>();
        private readonly AdaptiveRateSettings _settings;
        private bool _engaged;
        private double _rate;
        private DateTime _next;
        private DateTime _lastCut;
        private DateTime _lastThrottle;
        private DateTime _lastIncrease;
        private DateTime _firstSuccess;
        private double _step;
        private bool _slowStart;
        private long _throttles;
        private long _cuts;

        internal AdaptiveRateLimiter(string key, AdaptiveRateSettings settings)
        {
            Key = key;
            _settings = settings;
        }

        /// <summary>endpoint|region|service|operation.</summary>
        public string Key { get; }

        /// <summary>True while throttling was seen recently and calls are paced.</summary>
        public bool IsLimiting
        {
            get
            {
                lock (_sync)
                {
                    return _engaged;
                }
            }
        }

        /// <summary>The paced rate in calls per second; null when not limiting.</summary>
        public double? Rate
        {
            get
            {
                lock (_sync)
                {
                    return _engaged ? _rate : (double?)null;
                }
            }
        }

        /// <summary>Throttling answers seen.</summary>
        public long Throttles => Interlocked.Read(ref _throttles);

        /// <summary>Times the rate was cut.</summary>
        public long Cuts => Interlocked.Read(ref _cuts);

        /// <summary>Reserves the next send slot: how long the caller waits before sending (zero when not limiting).</summary>
        public TimeSpan Reserve(DateTime now)
        {
            if (!_settings.Enabled)
            {
                return TimeSpan.Zero;
            }

            lock (_sync)
            {
                if (!_engaged)
                {
                    return TimeSpan.Zero;
                }

                if (now - _lastThrottle > _settings.QuietPeriod)
                {
                    _engaged = false;
                    return TimeSpan.Zero;
                }

                var interval = TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond / _rate));

                // A small burst allowance: after an idle moment a few calls may go at once, as a token bucket allows.
                var earliest = now - TimeSpan.FromTicks(interval.Ticks * Math.Max(0, _settings.Burst - 1));
                var slot = _next < earliest ? earliest : _next;
                _next = slot + interval;
                return slot > now ? slot - now : TimeSpan.Zero;
            }
        }

        /// <summary>A call answered 2xx: counted for the accepted rate; the paced rate creeps up (additive increase).</summary>
        public void OnSuccess(DateTime now)
        {
            lock (_sync)
            {
                if (_successes.Count == 0 && _firstSuccess == default)
                {
                    _firstSuccess = now;
                }

                _successes.Enqueue(now);
                Trim(now);
                if (_engaged)
                {
                    var seconds = (now - _lastIncrease).TotalSeconds;
                    if (seconds > 0)
                    {
                        // Right after the first throttle the service's rate is only guessed (a burst says little), so the
                        // rate grows fast until the next throttle finds the ceiling; from then on it creeps (additive).
                        var grown = _slowStart
                            ? _rate * Math.Pow(_settings.SlowStartGrowthPerSecond, Math.Min(seconds, 1.0))
                            : _rate + (_step * Math.Min(seconds, 1.0));
                        _rate = Math.Min(_settings.MaxRate, grown);
                        _lastIncrease = now;
                    }
                }
            }
        }

        /// <summary>A throttling answer: engage (or cut) the rate to a fraction of what the service accepted lately.</summary>
        public void OnThrottle(DateTime now)
        {
            Interlocked.Increment(ref _throttles);
            if (!_settings.Enabled)
            {
                return;
            }

            lock (_sync)
            {
                _lastThrottle = now;
                Trim(now);
                if (_engaged && now - _lastCut < _settings.CoolDown)
                {
                    return;
                }

                // The accepted rate over the last second (or since the first success, if that is more recent, but over
                // no less than a quarter second so a first burst does not read as a huge rate).
                var since = _firstSuccess == default ? now : (now - _firstSuccess < Window ? _firstSuccess : now - Window);
                var span = Math.Max(0.1, (now - since).TotalSeconds);
                var accepted = _successes.Count == 0 ? _settings.UnknownRate : _successes.Count / span;
                var basis = _engaged ? Math.Min(_rate, Math.Max(accepted, _settings.MinRate)) : accepted;
                _slowStart = !_engaged;
                _rate = Math.Max(_settings.MinRate, Math.Min(_settings.MaxRate, basis * _settings.DecreaseFactor));
                _step = Math.Max(_settings.MinRate, _rate * _settings.IncreasePerSecond);
                if (!_engaged)
                {
                    _next = now;
                }

                _engaged = true;
                _lastCut = now;
                _lastIncrease = now;
                Interlocked.Increment(ref _cuts);
            }
        }

        private void Trim(DateTime now)
        {
            while (_successes.Count > 0 && now - _successes.Peek() > Window)
            {
                _successes.Dequeue();
            }
        }
    }

    /// <summary>The tuning of <see cref="AdaptiveRateLimiter"/>: the defaults suit AWS's per-operation request quotas.</summary>
    public sealed class AdaptiveRateSettings
    {
        /// <summary>False turns pacing off (throttles are still counted): for comparisons and for callers that pace themselves.</summary>
        public bool Enabled { get; set; } = true;

        /// <summary>Multiplicative decrease: the new rate is this fraction of the rate accepted lately.</summary>
        public double DecreaseFactor { get; set; } = 0.85;

        /// <summary>Additive increase: per second of successful calls the rate grows by this fraction of the rate set at the last cut.</summary>
        public double IncreasePerSecond { get; set; } = 0.1;

        /// <summary>After the first throttle, until the next one: the rate multiplies by this much per second of successes.</summary>
        public double SlowStartGrowthPerSecond { get; set; } = 4.0;

        /// <summary>The rate assumed when a throttle comes before any call of the operation succeeded lately.</summary>
        public double UnknownRate { get; set; } = 5.0;

        /// <summary>Throttles within this long of a cut do not cut again (they were sent before it).</summary>
        public TimeSpan CoolDown { get; set; } = TimeSpan.FromMilliseconds(400);

        /// <summary>No throttle for this long: stop pacing.</summary>
        public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromSeconds(30);

        public double MinRate { get; set; } = 0.5;
        public double MaxRate { get; set; } = 10000;

        /// <summary>Calls that may go at once after an idle moment.</summary>
        public int Burst { get; set; } = 2;
    }

    /// <summary>
    /// The adaptive rates of one session (one PowerShell runspace), one per endpoint, region, service and operation
    /// (AWS sets its request quotas per API action and region): every client the session makes shares them, so
    /// the throttling one cmdlet sees slows the next call of any other.
    /// </summary>
    public sealed class AdaptiveRateLimiters
    {
        private readonly Dictionary<string, AdaptiveRateLimiter> _limiters = new Dictionary<string, AdaptiveRateLimiter>(StringComparer.Ordinal);

        public AdaptiveRateSettings Settings { get; } = new AdaptiveRateSettings();

        /// <summary>The limiter of one operation; made on first use.</summary>
        public AdaptiveRateLimiter For(Uri endpoint, string region, string service, string operation)
        {
            var key = (endpoint?.GetLeftPart(UriPartial.Authority) ?? string.Empty) + "|" + region + "|" + service + "|" + operation;
            lock (_limiters)
            {
                if (!_limiters.TryGetValue(key, out var limiter))
                {
                    limiter = new AdaptiveRateLimiter(key, Settings);
                    _limiters[key] = limiter;
                }

                return limiter;
            }
        }

        /// <summary>Every limiter made so far.</summary>
        public IReadOnlyList<AdaptiveRateLimiter> All
        {
            get
            {
                lock (_limiters)
                {
                    return new List<AdaptiveRateLimiter>(_limiters.Values);
                }
            }
        }

        /// <summary>Throttling answers seen by every client of the session.</summary>
        public long Throttles
        {
            get
            {
                long n = 0;
                foreach (var l in All)
                {
                    n += l.Throttles;
                }

                return n;
            }
        }
    }
}
