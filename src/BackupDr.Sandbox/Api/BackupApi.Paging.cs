using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using BackupDr.Sandbox.Http;
using BackupDr.Sandbox.Protocol;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox.Api
{
    /// <summary>maxResults/nextToken paging and the job-list filters shared by backup, restore and copy job listings.</summary>
    internal sealed partial class BackupApi
    {
        private static int MaxResults(CallContext ctx)
        {
            var s = Q(ctx, "maxResults");
            if (s == null)
            {
                return 1000;
            }

            if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 1 || n > 1000)
            {
                throw Invalid($"Invalid value '{s}' for maxResults: it must be an integer from 1 to 1000.");
            }

            return n;
        }

        /// <summary>Position paging over an already filtered list.</summary>
        private static HttpResponseData Page<T>(CallContext ctx, IList<T> items, string listName, string kind, Action<Utf8JsonWriter, T> write)
        {
            var max = MaxResults(ctx);
            var start = Wire.ReadToken(Q(ctx, "nextToken"), kind) ?? 0;
            var end = Math.Min(items.Count, start + max);
            return Ok(w =>
            {
                w.WriteStartArray(listName);
                for (var i = start; i < end; i++)
                {
                    write(w, items[i]);
                }

                w.WriteEndArray();
                if (end < items.Count)
                {
                    w.WriteString("NextToken", Wire.Token(kind, end));
                }
            });
        }

        private static string Category(JobBase j, DateTime now)
        {
            if (j.FixedState != null)
            {
                return j.MessageCategory;
            }

            var s = j.StateAt(now);
            return s == "COMPLETED" ? "SUCCESS" : s == "FAILED" ? "FAILURE" : s;
        }

        private static bool CompletedWithin(JobBase j, DateTime now, DateTime? before, DateTime? after)
        {
            if (before == null && after == null)
            {
                return true;
            }

            var done = j.CompletedAt(now);
            return done.HasValue && (before == null || done.Value < before.Value) && (after == null || done.Value > after.Value);
        }

        /// <summary>
        /// Newest first over the last 30 days (what AWS lists), narrowed by creation date with binary search;
        /// the token is the position (in the oldest-first list) to continue below.
        /// </summary>
        private static HttpResponseData ListJobs<T>(CallContext ctx, SortedJobList<T> jobs, string listName, string kind, DateTime? createdBefore, DateTime? createdAfter, Func<T, bool> filter, Action<Utf8JsonWriter, T> write)
            where T : JobBase
        {
            var max = MaxResults(ctx);
            var items = jobs.Items;
            var lower = jobs.LowerBound(ctx.Now.AddDays(-30));
            if (createdAfter.HasValue)
            {
                lower = Math.Max(lower, jobs.LowerBound(createdAfter.Value.AddTicks(1)));
            }

            var upper = items.Count - 1;
            if (createdBefore.HasValue)
            {
                upper = Math.Min(upper, jobs.LowerBound(createdBefore.Value) - 1);
            }

            var token = Wire.ReadToken(Q(ctx, "nextToken"), kind);
            if (token.HasValue)
            {
                upper = Math.Min(upper, token.Value);
            }

            return Ok(w =>
            {
                w.WriteStartArray(listName);
                var count = 0;
                var i = upper;
                for (; i >= lower && count < max; i--)
                {
                    var j = items[i];
                    if (filter(j))
                    {
                        write(w, j);
                        count++;
                    }
                }

                w.WriteEndArray();
                if (count == max && i >= lower)
                {
                    w.WriteString("NextToken", Wire.Token(kind, i));
                }
            });
        }
    }
}
