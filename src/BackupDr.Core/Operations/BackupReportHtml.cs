using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace BackupDr.Core.Operations
{
    /// <summary>
    /// Renders a BackupReport as one self-contained HTML page (inline CSS and SVG, no scripts, no external assets),
    /// so it can be mailed, attached to a ticket or opened offline; every value is HTML-encoded.
    /// </summary>
    public static class BackupReportHtml
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        private static readonly IReadOnlyDictionary<string, string> StateColors = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["COMPLETED"] = "#2e7d32",
            ["PARTIAL"] = "#f9a825",
            ["FAILED"] = "#c62828",
            ["ABORTED"] = "#6d4c41",
            ["EXPIRED"] = "#8e24aa",
            ["RUNNING"] = "#1565c0",
            ["PENDING"] = "#90caf9",
            ["CREATED"] = "#b0bec5",
            ["ABORTING"] = "#a1887f",
        };

        /// <summary>
        /// Checks, before anything is sent, that the page can go to this full path: its folder exists and the path is
        /// not a folder. A report that takes minutes to list must not be lost to a typo in the output path.
        /// </summary>
        public static void ValidateOutputPath(string fullPath, string parameterName = "HtmlPath")
        {
            if (string.IsNullOrWhiteSpace(fullPath))
            {
                throw new DrValidationException("InvalidHtmlPath", parameterName, fullPath, $"-{parameterName} is empty; give the path of the HTML file to write.");
            }

            if (System.IO.Directory.Exists(fullPath))
            {
                throw new DrValidationException("HtmlPathIsFolder", parameterName, fullPath,
                    $"-{parameterName} '{fullPath}' is a folder; give the path of a file in it, e.g. '{System.IO.Path.Combine(fullPath, "backup-report.html")}'. Nothing was sent.");
            }

            var folder = System.IO.Path.GetDirectoryName(fullPath);
            if (!string.IsNullOrEmpty(folder) && !System.IO.Directory.Exists(folder))
            {
                throw new DrValidationException("HtmlPathFolderNotFound", parameterName, fullPath,
                    $"The folder '{folder}' of -{parameterName} does not exist. Create it first (New-Item -ItemType Directory -Path '{folder}') or give another path. Nothing was sent.",
                    DrErrorKind.ObjectNotFound);
            }
        }

        /// <summary>Writes the page (UTF-8, no BOM); a failure is a DrException carrying the path, so the caller can still emit the report.</summary>
        public static void Write(BackupReport report, string fullPath, string parameterName = "HtmlPath")
        {
            try
            {
                System.IO.File.WriteAllText(fullPath, Render(report), new UTF8Encoding(false));
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException || ex is System.Security.SecurityException)
            {
                throw new DrException("HtmlReportWriteFailed", parameterName, fullPath,
                    $"The HTML report could not be written to '{fullPath}': {ex.Message} The report object is still emitted; write it again with a valid -{parameterName}.",
                    ex is UnauthorizedAccessException || ex is System.Security.SecurityException ? DrErrorKind.PermissionDenied : DrErrorKind.InvalidOperation,
                    ex);
            }
        }

        /// <summary>The whole page as a string; the cmdlet writes it to -HtmlPath.</summary>
        public static string Render(BackupReport report)
        {
            if (report == null)
            {
                throw new ArgumentNullException(nameof(report));
            }

            var sb = new StringBuilder();
            sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>BackupDr backup report</title>\n<style>")
              .Append("body{font-family:Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 24px}")
              .Append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px}th{background:#f0f0f0}")
              .Append(".warn{background:#fff3cd;border:1px solid #e0c060;padding:8px;margin:8px 0}.err{background:#fdecea;border:1px solid #e57373;padding:8px;margin:8px 0}")
              .Append(".num{text-align:right}</style></head><body>\n");

            sb.Append("<h1>Backup report</h1>\n<p>")
              .Append(E($"Jobs created since {report.Since:u} in {string.Join(", ", report.Regions)}"))
              .Append(report.BackupVaultName == null ? string.Empty : E($", vault {report.BackupVaultName}"))
              .Append(E($". Generated {report.GeneratedAt:u}.")).Append("</p>\n");

            if (!report.IsComplete)
            {
                sb.Append("<div class=\"err\"><strong>Incomplete report:</strong> some regions could not be listed.<ul>");
                foreach (var e in report.RegionErrors)
                {
                    sb.Append("<li>").Append(E($"{e.Region}: {e.ErrorId} ({e.Kind}) {e.Message}")).Append("</li>");
                }

                sb.Append("</ul></div>\n");
            }

            foreach (var w in report.Warnings)
            {
                sb.Append("<div class=\"warn\">").Append(E(w)).Append("</div>\n");
            }

            sb.Append("<h2>Summary</h2>\n<table>");
            Row(sb, "Total jobs", report.TotalJobs.ToString(Inv));
            Row(sb, "Success rate", report.SuccessRate == null ? "n/a" : report.SuccessRate.Value.ToString("P1", Inv));
            Row(sb, "Completed with issues", report.CompletedWithIssues.ToString(Inv));
            Row(sb, "Bytes backed up", report.BytesBackedUp.ToString("N0", Inv));
            foreach (var kv in report.TotalsByState)
            {
                Row(sb, kv.Key, kv.Value.ToString(Inv));
            }

            sb.Append("</table>\n<h2>Jobs per day</h2>\n");
            Chart(sb, report);

            sb.Append("<h2>Failed jobs</h2>\n");
            if (report.FailedJobs.Count == 0)
            {
                sb.Append("<p>None.</p>\n");
            }
            else
            {
                sb.Append("<table><tr><th>Created</th><th>Region</th><th>State</th><th>Resource</th><th>Job</th><th>Reason</th></tr>");
                foreach (var f in report.FailedJobs)
                {
                    sb.Append("<tr><td>").Append(E(f.CreationDate?.ToString("u", Inv) ?? string.Empty))
                      .Append("</td><td>").Append(E(f.Region)).Append("</td><td>").Append(E(f.State))
                      .Append("</td><td>").Append(E(f.ResourceArn ?? string.Empty)).Append("</td><td>").Append(E(f.JobId))
                      .Append("</td><td>").Append(E(f.StatusMessage ?? string.Empty)).Append("</td></tr>");
                }

                sb.Append("</table>\n");
                if (report.FailedJobsNotListed > 0)
                {
                    sb.Append("<p>").Append(E($"{report.FailedJobsNotListed} more failed jobs are counted but not listed.")).Append("</p>\n");
                }
            }

            sb.Append("<h2>Resources</h2>\n<table><tr><th>Resource</th><th>Type</th><th>Region</th><th>Last successful backup</th><th>Age</th><th class=\"num\">Jobs</th><th class=\"num\">Failed</th></tr>");
            foreach (var r in report.Resources)
            {
                sb.Append("<tr><td>").Append(E(r.ResourceArn)).Append("</td><td>").Append(E(r.ResourceType ?? string.Empty))
                  .Append("</td><td>").Append(E(r.Region)).Append("</td><td>").Append(E(r.LastSuccessfulBackup?.ToString("u", Inv) ?? "never"))
                  .Append("</td><td>").Append(E(r.Age == null ? "-" : FormatAge(r.Age.Value)))
                  .Append("</td><td class=\"num\">").Append(r.JobCount.ToString(Inv)).Append("</td><td class=\"num\">").Append(r.FailedCount.ToString(Inv)).Append("</td></tr>");
            }

            sb.Append("</table>\n</body></html>\n");
            return sb.ToString();
        }

        private static void Chart(StringBuilder sb, BackupReport report)
        {
            var days = report.JobsPerDay.OrderBy(kv => kv.Key).ToList();
            if (days.Count == 0)
            {
                sb.Append("<p>No jobs in the window.</p>\n");
                return;
            }

            var states = days.SelectMany(d => d.Value.Keys).Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal).ToList();
            var max = Math.Max(1, days.Max(d => d.Value.Values.Sum()));
            const int barWidth = 24, gap = 8, height = 200, left = 40, top = 10, legendHeight = 20 * 1;
            var width = left + (days.Count * (barWidth + gap)) + 10;
            var totalHeight = top + height + 40 + (legendHeight * states.Count);

            sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Jobs per day by state\" width=\"")
              .Append(width.ToString(Inv)).Append("\" height=\"").Append(totalHeight.ToString(Inv)).Append("\">");
            sb.Append("<text x=\"0\" y=\"").Append((top + 10).ToString(Inv)).Append("\" font-size=\"11\">").Append(max.ToString(Inv)).Append("</text>");
            sb.Append("<line x1=\"").Append(left - 2).Append("\" y1=\"").Append(top + height).Append("\" x2=\"").Append(width.ToString(Inv)).Append("\" y2=\"").Append(top + height).Append("\" stroke=\"#999\"/>");

            for (var i = 0; i < days.Count; i++)
            {
                var x = left + (i * (barWidth + gap));
                double y = top + height;
                foreach (var state in states)
                {
                    if (!days[i].Value.TryGetValue(state, out var count) || count == 0)
                    {
                        continue;
                    }

                    var h = (double)count / max * height;
                    y -= h;
                    sb.Append("<rect class=\"bar\" x=\"").Append(x.ToString(Inv)).Append("\" y=\"").Append(y.ToString("0.##", Inv))
                      .Append("\" width=\"").Append(barWidth.ToString(Inv)).Append("\" height=\"").Append(h.ToString("0.##", Inv))
                      .Append("\" fill=\"").Append(ColorOf(state)).Append("\"><title>")
                      .Append(E($"{days[i].Key:yyyy-MM-dd} {state}: {count}")).Append("</title></rect>");
                }

                sb.Append("<text x=\"").Append(x.ToString(Inv)).Append("\" y=\"").Append((top + height + 14).ToString(Inv))
                  .Append("\" font-size=\"9\">").Append(E(days[i].Key.ToString("MM-dd", Inv))).Append("</text>");
            }

            for (var s = 0; s < states.Count; s++)
            {
                var ly = top + height + 30 + (s * legendHeight);
                sb.Append("<rect x=\"").Append(left.ToString(Inv)).Append("\" y=\"").Append(ly.ToString(Inv)).Append("\" width=\"12\" height=\"12\" fill=\"")
                  .Append(ColorOf(states[s])).Append("\"/><text x=\"").Append((left + 18).ToString(Inv)).Append("\" y=\"").Append((ly + 11).ToString(Inv))
                  .Append("\" font-size=\"12\">").Append(E(states[s])).Append("</text>");
            }

            sb.Append("</svg>\n");
        }

        private static string ColorOf(string state) => StateColors.TryGetValue(state, out var c) ? c : "#757575";

        private static void Row(StringBuilder sb, string name, string value) =>
            sb.Append("<tr><th>").Append(E(name)).Append("</th><td class=\"num\">").Append(E(value)).Append("</td></tr>");

        private static string FormatAge(TimeSpan age) =>
            age.TotalDays >= 1 ? $"{(int)age.TotalDays}d {age.Hours}h" : $"{age.Hours}h {age.Minutes}m";

        private static string E(string value) => WebUtility.HtmlEncode(value);
    }
}
