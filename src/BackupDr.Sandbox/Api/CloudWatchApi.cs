using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using BackupDr.Sandbox.Protocol;

namespace BackupDr.Sandbox.Api
{
    /// <summary>
    /// Amazon CloudWatch (query protocol, 2010-08-01): GetMetricStatistics for AWS/RDS ReplicaLag, per read replica
    /// of the caller's region, with the value the seed or the control endpoint set. Other metrics have no datapoints.
    /// </summary>
    internal sealed class CloudWatchApi : QueryApi
    {
        private static readonly HashSet<string> KnownStatistics = new HashSet<string>(StringComparer.Ordinal) { "SampleCount", "Average", "Sum", "Minimum", "Maximum" };

        public CloudWatchApi()
        {
            Actions = new Dictionary<string, Func<CallContext, QueryArgs, string>>(StringComparer.Ordinal)
            {
                ["GetMetricStatistics"] = GetMetricStatistics,
            };
        }

        protected override string Version => "2010-08-01";
        protected override bool IsEc2 => false;
        protected override string Namespace => "http://monitoring.amazonaws.com/doc/2010-08-01/";
        protected override Dictionary<string, Func<CallContext, QueryArgs, string>> Actions { get; }

        private static SandboxError Invalid(string message) => new SandboxError(400, "InvalidParameterValue", message);

        private static string GetMetricStatistics(CallContext ctx, QueryArgs q)
        {
            var ns = q.Req("Namespace");
            var metric = q.Req("MetricName");
            var start = Wire.ParseTime(q.Req("StartTime"), "StartTime")!.Value;
            var end = Wire.ParseTime(q.Req("EndTime"), "EndTime")!.Value;
            var period = q.Int("Period") ?? throw new SandboxError(400, "MissingParameter", "The parameter Period is required.");
            if (period < 1 || (period >= 60 && period % 60 != 0))
            {
                throw Invalid($"The parameter Period must be 1, 5, 10, 30 or a multiple of 60 (got {period}).");
            }

            if (end <= start)
            {
                throw Invalid("The parameter StartTime must be less than the parameter EndTime.");
            }

            var statistics = q.List("Statistics.member");
            if (statistics.Count == 0)
            {
                throw new SandboxError(400, "MissingParameter", "Either the parameter Statistics or ExtendedStatistics is required.");
            }

            foreach (var s in statistics.Where(s => !KnownStatistics.Contains(s)))
            {
                throw Invalid($"The parameter Statistics contains an invalid value '{s}' (SampleCount, Average, Sum, Minimum, Maximum).");
            }

            var dimensions = q.Structs("Dimensions.member").Where(d => d.ContainsKey("Name")).ToDictionary(d => d["Name"], d => d.TryGetValue("Value", out var v) ? v : string.Empty, StringComparer.Ordinal);
            var sb = new StringBuilder();
            sb.Append(E("Label", metric)).Append("<Datapoints>");

            // CloudWatch publishes ReplicaLag once a minute for each read replica; a promoted or ordinary instance has none.
            if (ns == "AWS/RDS" && metric == "ReplicaLag" && dimensions.Count == 1 && dimensions.TryGetValue("DBInstanceIdentifier", out var id)
                && ctx.State.DbInstances.TryGetValue(id, out var db) && db.ReadReplicaSource != null)
            {
                var newest = new DateTime(ctx.Now.Ticks - (ctx.Now.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc).AddMinutes(-1);
                if (newest >= start && newest < end)
                {
                    var value = db.ReplicaLagSeconds.ToString("0.0##", CultureInfo.InvariantCulture);
                    sb.Append("<member>").Append(E("Timestamp", newest));
                    foreach (var s in statistics)
                    {
                        sb.Append(E(s, s == "SampleCount" ? "1.0" : value));
                    }

                    sb.Append(E("Unit", "Seconds")).Append("</member>");
                }
            }

            sb.Append("</Datapoints>");
            return sb.ToString();
        }
    }
}
