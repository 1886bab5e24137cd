using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Xml.Linq;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>Drill reports: JUnit XML (one test case per resource, so CI shows drills as tests) and a small HTML page.</summary>
    public static class DrillReports
    {
        /// <summary>JUnit XML: a test case per resource named after it, a failure when it did not pass (a target missed, a failed restore).</summary>
        public static string JUnit(IReadOnlyList<DrillResult> results, DateTime generatedUtc)
        {
            var failures = results.Count(r => !r.Passed);
            var suite = new XElement("testsuite",
                new XAttribute("name", "BackupDr restore drills"),
                new XAttribute("tests", results.Count),
                new XAttribute("failures", failures),
                new XAttribute("errors", 0),
                new XAttribute("timestamp", generatedUtc.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
                new XAttribute("time", Seconds(results.Select(r => r.Rto ?? TimeSpan.Zero).Aggregate(TimeSpan.Zero, (a, b) => a + b))));
            foreach (var r in results)
            {
                var testCase = new XElement("testcase",
                    new XAttribute("classname", "BackupDr.Drill." + (r.Tier ?? "Untiered")),
                    new XAttribute("name", $"{r.ResourceId} ({r.ResourceType})"),
                    new XAttribute("time", Seconds(r.Rto ?? TimeSpan.Zero)));
                if (!r.Passed)
                {
                    testCase.Add(new XElement("failure", new XAttribute("message", r.Message ?? "The drill failed."), new XAttribute("type", "DrillFailed"), Summary(r)));
                }

                testCase.Add(new XElement("system-out", Summary(r)));
                suite.Add(testCase);
            }

            var doc = new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites", suite));
            return doc.Declaration + Environment.NewLine + doc.Root;
        }

        /// <summary>A self-contained HTML table of the results.</summary>
        public static string Html(IReadOnlyList<DrillResult> results, DateTime generatedUtc)
        {
            string E(string? s) => WebUtility.HtmlEncode(s ?? string.Empty);
            var sb = new StringBuilder();
            sb.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>BackupDr restore drills</title><style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}.fail{background:#fdd}.pass{background:#dfd}</style></head><body>");
            sb.Append("<h1>BackupDr restore drills</h1><p>Generated ").Append(E(generatedUtc.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture)))
              .Append(": ").Append(results.Count(r => r.Passed)).Append(" of ").Append(results.Count).Append(" passed.</p>");
            sb.Append("<table><tr><th>Resource</th><th>Type</th><th>Tier</th><th>RTO (target)</th><th>RPO (target)</th><th>Passed</th><th>Drill</th><th>Message</th></tr>");
            foreach (var r in results)
            {
                sb.Append("<tr class=\"").Append(r.Passed ? "pass" : "fail").Append("\"><td title=\"").Append(E(r.ResourceArn)).Append("\">").Append(E(r.ResourceId)).Append("</td><td>")
                  .Append(E(r.ResourceType)).Append("</td><td>").Append(E(r.Tier)).Append("</td><td>")
                  .Append(E(RestoreDrill.Format(r.Rto))).Append(" (").Append(E(RestoreDrill.Format(r.RtoTarget))).Append(")</td><td>")
                  .Append(E(RestoreDrill.Format(r.RpoAchieved))).Append(" (").Append(E(RestoreDrill.Format(r.RpoTarget))).Append(")</td><td>")
                  .Append(r.Passed ? "yes" : "NO").Append("</td><td>").Append(E(r.DrillId)).Append("</td><td>").Append(E(r.Message)).Append("</td></tr>");
            }

            sb.Append("</table></body></html>");
            return sb.ToString();
        }

        /// <summary>Writes a report file (UTF-8, folders created).</summary>
        public static void Write(string path, string content)
        {
            var full = Path.GetFullPath(path);
            var dir = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }

            File.WriteAllText(full, content, new UTF8Encoding(false));
        }

        private static string Summary(DrillResult r) =>
            $"{r.ResourceArn}: RTO {RestoreDrill.Format(r.Rto)} (target {RestoreDrill.Format(r.RtoTarget)}), RPO {RestoreDrill.Format(r.RpoAchieved)} (target {RestoreDrill.Format(r.RpoTarget)}), verified {r.Verified}, cleaned up {r.CleanedUp}, drill {r.DrillId}, point {r.RecoveryPointArn}";

        private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
