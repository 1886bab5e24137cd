using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace BackupDr.Core.Aws
{
    /// <summary>RFC 3986 encoding and AWS timestamp formats, as the service models define them.</summary>
    public static class AwsEncoding
    {
        private const string Unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";

        /// <summary>Percent-encodes everything but unreserved characters (so '/' and ':' in ARNs are encoded).</summary>
        public static string Encode(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (var b in bytes)
            {
                var c = (char)b;
                if (b < 128 && Unreserved.IndexOf(c) >= 0)
                {
                    sb.Append(c);
                }
                else
                {
                    sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }

            return sb.ToString();
        }

        public static string EncodePathSegment(string value) => Encode(value);

        public static string FormEncode(IEnumerable<KeyValuePair<string, string>> pairs)
        {
            var sb = new StringBuilder();
            foreach (var kv in pairs)
            {
                if (sb.Length > 0)
                {
                    sb.Append('&');
                }

                sb.Append(Encode(kv.Key)).Append('=').Append(Encode(kv.Value));
            }

            return sb.ToString();
        }

        /// <summary>ISO 8601 with fractional seconds in UTC, the 'iso8601' timestamp format.</summary>
        public static string ToIso8601(DateTime value) =>
            value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        public static DateTime ParseIso8601(string value) =>
            DateTime.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

        /// <summary>Epoch seconds (fractions allowed), the 'unixTimestamp' format rest-json bodies use.</summary>
        public static DateTime FromEpochSeconds(double seconds) =>
            new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

        public static double ToEpochSeconds(DateTime value) =>
            Math.Round((value.ToUniversalTime() - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds, 3);
    }
}
