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

        /// <summary>
        /// Converts what a -Since/-Until parameter takes (a DateTime, DateTimeOffset, TimeSpan meaning "that long ago",
        /// or a string parseable as either, date first) to a UTC instant without judging it; false for anything else.
        /// A negative TimeSpan gives an instant in the future, which <see cref="EnsureNotInFuture"/> then refuses with its id.
        /// </summary>
        public static bool TryConvert(object? value, DateTime utcNow, out DateTime utc)
        {
            switch (value)
            {
                case DateTime dt:
                    utc = dt.Kind == DateTimeKind.Utc ? dt : dt.ToUniversalTime();
                    return true;
                case DateTimeOffset dto:
                    utc = dto.UtcDateTime;
                    return true;
                case TimeSpan ts:
                    utc = Ago(ts, utcNow);
                    return true;
                case string s when DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeLocal, out var parsed):
                    utc = DateTime.SpecifyKind(parsed, DateTimeKind.Utc);
                    return true;
                case string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var span):
                    utc = Ago(span, utcNow);
                    return true;
                default:
                    utc = default;
                    return false;
            }
        }

        /// <summary>Refuses an empty window (-Until not after -Since): it would silently match nothing.</summary>
        public static void EnsureOrder(DateTime sinceUtc, DateTime untilUtc, string sinceParameterName = "Since", string untilParameterName = "Until")
        {
            if (untilUtc <= sinceUtc)
            {
                throw new DrValidationException("UntilBeforeSince", untilParameterName, untilUtc,
                    $"-{untilParameterName} {untilUtc:u} is not later than -{sinceParameterName} {sinceUtc:u}; the window is empty and nothing could match. Give an -{untilParameterName} after -{sinceParameterName} (were they swapped?).");
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

        private static DateTime Ago(TimeSpan span, DateTime utcNow)
        {
            var now = DateTime.SpecifyKind(utcNow, DateTimeKind.Utc);
            if (span > TimeSpan.Zero && span > now - DateTime.MinValue)
            {
                return DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);
            }

            if (span < TimeSpan.Zero && (span == TimeSpan.MinValue || -span > DateTime.MaxValue - now))
            {
                return DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc);
            }

            return now - span;
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
