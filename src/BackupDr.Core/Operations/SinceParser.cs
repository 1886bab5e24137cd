using System;
using System.Globalization;

namespace BackupDr.Core.Operations
{
    /// <summary>
    /// -Since/-Until as dbatools takes them: a DateTime is a point in time, a TimeSpan means "now minus that"
    /// (-Since (New-TimeSpan -Days 7), or -Since 7.00:00:00), so runbooks need no date arithmetic.
    /// </summary>
    public static class SinceParser
    {
        /// <summary>
        /// Converts a DateTime, DateTimeOffset, TimeSpan or string to a UTC instant. DateTimes of Unspecified kind are
        /// read as local time, as PowerShell's Get-Date and [datetime] casts mean them. Unknown types give InvalidSince.
        /// </summary>
        public static DateTime Resolve(object? value, DateTime utcNow, string parameterName = "Since")
        {
            switch (value)
            {
                case DateTime dt:
                    return dt.Kind == DateTimeKind.Utc ? dt : dt.ToUniversalTime();
                case DateTimeOffset dto:
                    return dto.UtcDateTime;
                case TimeSpan ts:
                    return FromSpan(ts, utcNow, parameterName);
                case string s when DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeLocal, out var parsed):
                    return DateTime.SpecifyKind(parsed, DateTimeKind.Utc);
                case string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var span):
                    return FromSpan(span, utcNow, parameterName);
                default:
                    throw new DrValidationException("InvalidSince", parameterName, value,
                        $"-{parameterName} takes a DateTime (a point in time) or a TimeSpan (that long ago); '{value}' is neither.");
            }
        }

        /// <summary>Refuses a -Since after now: it would silently match nothing, which looks like "no failures".</summary>
        public static void EnsureNotInFuture(DateTime sinceUtc, DateTime utcNow, string parameterName = "Since")
        {
            if (sinceUtc > utcNow)
            {
                throw new DrValidationException("SinceInFuture", parameterName, sinceUtc,
                    $"-{parameterName} {sinceUtc:u} is in the future (now is {utcNow:u}); nothing could match. Use a past time, or a positive TimeSpan such as (New-TimeSpan -Days 1).");
            }
        }

        private static DateTime FromSpan(TimeSpan span, DateTime utcNow, string parameterName)
        {
            if (span < TimeSpan.Zero)
            {
                throw new DrValidationException("SinceInFuture", parameterName, span,
                    $"-{parameterName} as a TimeSpan means 'that long ago' and must be positive; {span} points into the future.");
            }

            return utcNow - span;
        }
    }
}
