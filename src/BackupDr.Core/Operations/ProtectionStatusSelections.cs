using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>One resource selection of one backup plan, with its document.</summary>
    public sealed class PlanSelection
    {
        public PlanSelection(string backupPlanId, string backupPlanName, BackupSelection selection)
        {
            BackupPlanId = backupPlanId;
            BackupPlanName = backupPlanName;
            Selection = selection ?? throw new ArgumentNullException(nameof(selection));
        }

        public string BackupPlanId { get; }

        public string BackupPlanName { get; }

        public BackupSelection Selection { get; }

        /// <summary>"plan/selection", as the status names what covers a resource.</summary>
        public override string ToString() => BackupPlanName + "/" + Selection.SelectionName;
    }

    /// <summary>
    /// Whether an AWS Backup selection assigns a resource, with the semantics AWS documents for the selection
    /// document: the resource is a candidate when it matches one of Resources (ARNs, '*' matching any run of
    /// characters) or one of ListOfTags (STRINGEQUALS conditions, OR); with neither given every resource is a
    /// candidate. Every Conditions entry must then hold (StringEquals, StringNotEquals, StringLike, StringNotLike on
    /// aws:ResourceTag/KEY; AND), and no NotResources pattern may match. Operators are case-sensitive, as in AWS.
    /// </summary>
    public static class BackupSelectionMatcher
    {
        private const string TagKeyPrefix = "aws:ResourceTag/";

        public static bool Matches(BackupSelection selection, string resourceArn, IReadOnlyDictionary<string, string>? tags)
        {
            if (selection == null)
            {
                throw new ArgumentNullException(nameof(selection));
            }

            tags ??= new Dictionary<string, string>(StringComparer.Ordinal);
            var resources = selection.Resources ?? new List<string>();
            var listOfTags = selection.ListOfTags ?? new List<BackupSelectionCondition>();
            var candidate = resources.Count == 0 && listOfTags.Count == 0
                || resources.Any(p => Like(resourceArn, p))
                || listOfTags.Any(c => string.Equals(c.ConditionType ?? "STRINGEQUALS", "STRINGEQUALS", StringComparison.OrdinalIgnoreCase)
                    && tags.TryGetValue(KeyOf(c.ConditionKey), out var v) && string.Equals(v, c.ConditionValue, StringComparison.Ordinal));
            if (!candidate)
            {
                return false;
            }

            var conditions = selection.Conditions ?? new BackupSelectionConditions();
            foreach (var c in conditions.StringEquals)
            {
                if (!(tags.TryGetValue(KeyOf(c.ConditionKey), out var v) && string.Equals(v, c.ConditionValue, StringComparison.Ordinal)))
                {
                    return false;
                }
            }

            foreach (var c in conditions.StringNotEquals)
            {
                if (tags.TryGetValue(KeyOf(c.ConditionKey), out var v) && string.Equals(v, c.ConditionValue, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            foreach (var c in conditions.StringLike)
            {
                if (!(tags.TryGetValue(KeyOf(c.ConditionKey), out var v) && Like(v, c.ConditionValue)))
                {
                    return false;
                }
            }

            foreach (var c in conditions.StringNotLike)
            {
                if (tags.TryGetValue(KeyOf(c.ConditionKey), out var v) && Like(v, c.ConditionValue))
                {
                    return false;
                }
            }

            return !(selection.NotResources ?? new List<string>()).Any(p => Like(resourceArn, p));
        }

        /// <summary>The tag key of a condition: aws:ResourceTag/KEY (Conditions) or KEY as ListOfTags often gives it.</summary>
        private static string KeyOf(string? conditionKey)
        {
            var key = conditionKey ?? string.Empty;
            return key.StartsWith(TagKeyPrefix, StringComparison.OrdinalIgnoreCase) ? key.Substring(TagKeyPrefix.Length) : key;
        }

        /// <summary>A whole-string match where '*' is any run of characters and '?' one character; case-sensitive.</summary>
        public static bool Like(string? value, string? pattern)
        {
            if (value == null || pattern == null)
            {
                return false;
            }

            var regex = new StringBuilder("^");
            foreach (var ch in pattern)
            {
                regex.Append(ch == '*' ? ".*" : ch == '?' ? "." : Regex.Escape(ch.ToString()));
            }

            return Regex.IsMatch(value, regex.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }
    }

    /// <summary>The selections of every backup plan of a region, read once (ListBackupPlans, ListBackupSelections, GetBackupSelection).</summary>
    public sealed class PlanCoverage
    {
        public PlanCoverage(IReadOnlyList<PlanSelection> selections)
        {
            Selections = selections ?? throw new ArgumentNullException(nameof(selections));
        }

        public static PlanCoverage None { get; } = new PlanCoverage(Array.Empty<PlanSelection>());

        public IReadOnlyList<PlanSelection> Selections { get; }

        /// <summary>The selections that assign this resource, in plan order.</summary>
        public IReadOnlyList<PlanSelection> Covering(string resourceArn, IReadOnlyDictionary<string, string>? tags) =>
            Selections.Where(s => BackupSelectionMatcher.Matches(s.Selection, resourceArn, tags)).ToList();

        public static async Task<PlanCoverage> ReadAsync(IBackupApi backup, CancellationToken cancellationToken)
        {
            var plans = new List<BackupPlan>();
            await foreach (var p in backup.ListBackupPlansAsync(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                plans.Add(p);
            }

            var selections = new List<PlanSelection>();
            foreach (var plan in plans.Where(p => !string.IsNullOrEmpty(p.BackupPlanId)))
            {
                var listed = new List<BackupSelection>();
                await foreach (var s in backup.ListBackupSelectionsAsync(plan.BackupPlanId!, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    listed.Add(s);
                }

                foreach (var s in listed.Where(s => !string.IsNullOrEmpty(s.SelectionId)))
                {
                    var full = await backup.GetBackupSelectionAsync(plan.BackupPlanId!, s.SelectionId!, cancellationToken).ConfigureAwait(false);
                    if (string.IsNullOrEmpty(full.SelectionName))
                    {
                        full.SelectionName = s.SelectionName;
                    }

                    selections.Add(new PlanSelection(plan.BackupPlanId!, plan.BackupPlanName, full));
                }
            }

            return new PlanCoverage(selections);
        }
    }
}
