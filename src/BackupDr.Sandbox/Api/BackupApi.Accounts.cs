using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using BackupDr.Sandbox.Http;
using BackupDr.Sandbox.Protocol;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox.Api
{
    /// <summary>
    /// Several accounts: ListBackupJobs ByAccountId (a member's jobs, or '*' for the whole organization, from the
    /// management account or a delegated administrator) and ListBackupJobSummaries computed from the jobs.
    /// </summary>
    internal sealed partial class BackupApi
    {
        private static readonly string[] SummaryStates = { "CREATED", "PENDING", "RUNNING", "ABORTING", "ABORTED", "COMPLETED", "FAILED", "EXPIRED", "PARTIAL", "AGGREGATE_ALL", "ANY" };

        /// <summary>
        /// The backup jobs a ListBackupJobs with this ByAccountId reads: the caller's own (none given, or its own id);
        /// for an organization administrator, one member's jobs or, with '*', every member's merged by creation date.
        /// '*' from any other account is refused: AccessDeniedException; another account's id matches none of its jobs.
        /// </summary>
        private static SortedJobList<BackupJob> BackupJobsVisibleTo(CallContext ctx, string? byAccountId)
        {
            var own = ctx.State;
            if (byAccountId == null || byAccountId == ctx.AccountId)
            {
                return own.BackupJobs;
            }

            var org = ctx.World.Organization;
            if (byAccountId != "*" && !Organization.IsAccountId(byAccountId))
            {
                throw Invalid($"Invalid value '{byAccountId}' for accountId: it must be a 12-digit account id, or '*' from an AWS Organizations management account.");
            }

            if (!org.IsAdministrator(ctx.AccountId) && byAccountId != "*")
            {
                // Another account's id from a standalone or member account filters the caller's own jobs: none match.
                return new SortedJobList<BackupJob>();
            }

            if (!org.IsAdministrator(ctx.AccountId))
            {
                throw new SandboxError(403, "AccessDeniedException", $"Account {ctx.AccountId} is not the management account or a delegated administrator of an AWS Organization with cross-account monitoring: it can list only its own backup jobs (accountId '*' refused).");
            }

            if (byAccountId != "*")
            {
                return org.IsMember(byAccountId) ? ctx.World.Get(byAccountId, ctx.Region, ctx.Now).BackupJobs : new SortedJobList<BackupJob>();
            }

            return Merged(org.Members.Select(a => ctx.World.Get(a, ctx.Region, ctx.Now).BackupJobs).ToList());
        }

        /// <summary>One oldest-first list of several; equal dates keep the order of the lists, so positions (tokens) are stable between pages.</summary>
        private static SortedJobList<BackupJob> Merged(IReadOnlyList<SortedJobList<BackupJob>> lists)
        {
            var merged = new SortedJobList<BackupJob>();
            var items = lists.Select(l => l.Items).ToList();
            var at = new int[items.Count];
            while (true)
            {
                var best = -1;
                for (var i = 0; i < items.Count; i++)
                {
                    if (at[i] < items[i].Count && (best < 0 || items[i][at[i]].CreationDate < items[best][at[best]].CreationDate))
                    {
                        best = i;
                    }
                }

                if (best < 0)
                {
                    return merged;
                }

                merged.Add(items[best][at[best]++]);
            }
        }

        /// <summary>
        /// ListBackupJobSummaries: job counts per period (ONE_DAY: each of the last 14 UTC days, today included;
        /// SEVEN_DAYS / FOURTEEN_DAYS: one period ending today) and per account, state, resource type and message
        /// category. Each dimension is a value (only that), ANY (one row per value) or AGGREGATE_ALL (summed, and
        /// written as AGGREGATE_ALL). AccountId ANY/AGGREGATE_ALL span the organization for its administrators; other
        /// callers get their own account's jobs, as AWS documents.
        /// </summary>
        private HttpResponseData ListBackupJobSummaries(CallContext ctx, string[] a, JsonElement body)
        {
            var period = Q(ctx, "AggregationPeriod") ?? "ONE_DAY";
            if (period != "ONE_DAY" && period != "SEVEN_DAYS" && period != "FOURTEEN_DAYS")
            {
                throw Invalid($"Invalid value '{period}' for AggregationPeriod: one of ONE_DAY, SEVEN_DAYS, FOURTEEN_DAYS.");
            }

            var account = Q(ctx, "AccountId") ?? "ANY";
            if (account != "ANY" && account != "AGGREGATE_ALL" && !Organization.IsAccountId(account))
            {
                throw Invalid($"Invalid value '{account}' for AccountId: a 12-digit account id, ANY or AGGREGATE_ALL.");
            }

            var state = Q(ctx, "State") ?? "ANY";
            if (!SummaryStates.Contains(state))
            {
                throw Invalid($"Invalid value '{state}' for State: one of {string.Join(", ", SummaryStates)}.");
            }

            var resourceType = Q(ctx, "ResourceType") ?? "ANY";
            var category = Q(ctx, "MessageCategory") ?? "ANY";
            var max = SummaryMaxResults(ctx);

            var org = ctx.World.Organization;
            IEnumerable<string> accounts;
            if (!org.IsAdministrator(ctx.AccountId))
            {
                accounts = new[] { ctx.AccountId };
            }
            else if (account == "ANY" || account == "AGGREGATE_ALL")
            {
                accounts = org.Members;
            }
            else
            {
                accounts = org.IsMember(account) ? new[] { account } : Array.Empty<string>();
            }

            var today = ctx.Now.Date;
            var periods = period == "ONE_DAY"
                ? Enumerable.Range(0, 14).Select(i => (Start: today.AddDays(i - 13), End: today.AddDays(i - 12))).ToList()
                : new[] { (Start: today.AddDays(period == "SEVEN_DAYS" ? -6 : -13), End: today.AddDays(1)) }.ToList();
            var first = periods[0].Start;

            string Dim(string asked, string value) => asked == "AGGREGATE_ALL" ? "AGGREGATE_ALL" : value;
            bool Keep(string asked, string value) => asked == "ANY" || asked == "AGGREGATE_ALL" || string.Equals(asked, value, StringComparison.OrdinalIgnoreCase);

            var counts = new Dictionary<(int Period, string Account, string State, string Type, string Category), int>();
            foreach (var acct in accounts)
            {
                var jobs = ctx.World.Get(acct, ctx.Region, ctx.Now).BackupJobs;
                var items = jobs.Items;
                for (var i = jobs.LowerBound(first); i < items.Count; i++)
                {
                    var j = items[i];
                    var p = periods.FindIndex(x => j.CreationDate >= x.Start && j.CreationDate < x.End);
                    if (p < 0)
                    {
                        continue;
                    }

                    var jobState = j.StateAt(ctx.Now);
                    var jobCategory = Category(j, ctx.Now);
                    if (!Keep(state, jobState) || !Keep(resourceType, j.ResourceType) || !Keep(category, jobCategory))
                    {
                        continue;
                    }

                    var key = (p, Dim(account, j.AccountId), Dim(state, jobState), Dim(resourceType, j.ResourceType), Dim(category, jobCategory));
                    counts[key] = counts.TryGetValue(key, out var n) ? n + 1 : 1;
                }
            }

            var rows = counts.OrderBy(kv => kv.Key.Period).ThenBy(kv => kv.Key.Account, StringComparer.Ordinal).ThenBy(kv => kv.Key.State, StringComparer.Ordinal)
                .ThenBy(kv => kv.Key.Type, StringComparer.Ordinal).ThenBy(kv => kv.Key.Category, StringComparer.Ordinal).ToList();
            var start = Wire.ReadToken(Q(ctx, "NextToken"), "bjs") ?? 0;
            var end = Math.Min(rows.Count, start + max);
            return Ok(w =>
            {
                w.WriteStartArray("BackupJobSummaries");
                for (var i = start; i < end; i++)
                {
                    var (key, count) = (rows[i].Key, rows[i].Value);
                    w.WriteStartObject();
                    w.WriteString("Region", ctx.Region);
                    w.WriteString("AccountId", key.Account);
                    w.WriteString("State", key.State);
                    w.WriteString("ResourceType", key.Type);
                    w.WriteString("MessageCategory", key.Category);
                    w.WriteNumber("Count", count);
                    w.Date("StartTime", periods[key.Period].Start);
                    w.Date("EndTime", periods[key.Period].End);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteString("AggregationPeriod", period);
                if (end < rows.Count)
                {
                    w.WriteString("NextToken", Wire.Token("bjs", end));
                }
            });
        }

        private static int SummaryMaxResults(CallContext ctx)
        {
            var s = Q(ctx, "MaxResults");
            if (s == null)
            {
                return 1000;
            }

            if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 1 || n > 1000)
            {
                throw Invalid($"Invalid value '{s}' for MaxResults: it must be an integer from 1 to 1000.");
            }

            return n;
        }
    }
}
