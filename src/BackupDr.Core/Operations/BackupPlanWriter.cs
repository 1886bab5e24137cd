using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>What New-DrBackupPlan was asked to write.</summary>
    public sealed class BackupPlanOptions
    {
        public DrTier Tier { get; set; }

        /// <summary>Default: BackupDr-&lt;Tier&gt;.</summary>
        public string? PlanName { get; set; }

        /// <summary>The vault in the plan's region that the rules back up into.</summary>
        public string BackupVaultName { get; set; } = string.Empty;

        /// <summary>The region every rule copies its recovery points to.</summary>
        public string DrRegion { get; set; } = string.Empty;

        /// <summary>The vault in the DR region; default: the same name as <see cref="BackupVaultName"/>.</summary>
        public string? DrVaultName { get; set; }

        /// <summary>The role the selection backs up with; default: AWSBackupDefaultServiceRole of the caller's account.</summary>
        public string? IamRoleArn { get; set; }
    }

    /// <summary>
    /// The tier templates (the seeds' rules): which rules a tier gets and what each rule is. The daily rule keeps
    /// points 120 days, not 90: AWS keeps a point in cold storage for at least 90 days, so deletion must come at least
    /// 90 days after the move to cold storage on day 30. Start windows are at least 60 minutes, AWS Backup's minimum.
    /// </summary>
    public static class BackupPlanTemplates
    {
        public const string HourlySchedule = "cron(0 * ? * * *)";
        public const string DailySchedule = "cron(0 2 ? * * *)";
        public const string WeeklySchedule = "cron(0 3 ? * SUN *)";

        /// <summary>The seeds ask for 30 minutes; AWS Backup refuses a start window under 60 minutes, so the template uses 60.</summary>
        public const long HourlyStartWindowMinutes = 60;

        /// <summary>Gold: hourly, daily and weekly; Silver: daily and weekly; Bronze: weekly.</summary>
        public static IReadOnlyList<BackupFrequency> RulesOf(DrTier tier) => tier switch
        {
            DrTier.Gold => new[] { BackupFrequency.Hourly, BackupFrequency.Daily, BackupFrequency.Weekly },
            DrTier.Silver => new[] { BackupFrequency.Daily, BackupFrequency.Weekly },
            DrTier.Bronze => new[] { BackupFrequency.Weekly },
            _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "Unknown tier."),
        };

        /// <summary>One template rule, backing up into <paramref name="vault"/> and copying to <paramref name="drVaultArn"/> with the same lifecycle.</summary>
        public static BackupRule Rule(BackupFrequency frequency, string vault, string drVaultArn)
        {
            var rule = frequency switch
            {
                BackupFrequency.Hourly => new BackupRule
                {
                    ScheduleExpression = HourlySchedule,
                    StartWindowMinutes = HourlyStartWindowMinutes,
                    Lifecycle = new Lifecycle { DeleteAfterDays = 7 },
                },
                BackupFrequency.Daily => new BackupRule
                {
                    ScheduleExpression = DailySchedule,
                    StartWindowMinutes = 60,
                    CompletionWindowMinutes = 120,
                    Lifecycle = new Lifecycle { MoveToColdStorageAfterDays = 30, DeleteAfterDays = 30 + Lifecycles.MinimumColdStorageDays },
                },
                BackupFrequency.Weekly => new BackupRule
                {
                    ScheduleExpression = WeeklySchedule,
                    StartWindowMinutes = 120,
                    CompletionWindowMinutes = 240,
                    Lifecycle = new Lifecycle { MoveToColdStorageAfterDays = 7, DeleteAfterDays = 365 },
                },
                _ => throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "Unknown frequency."),
            };

            var lifecycle = rule.Lifecycle!;
            rule.RuleName = BackupTagKeys.ValueOf(frequency);
            rule.TargetBackupVaultName = vault;
            rule.CopyActions = new List<CopyAction>
            {
                new CopyAction
                {
                    DestinationBackupVaultArn = drVaultArn,
                    Lifecycle = new Lifecycle { MoveToColdStorageAfterDays = lifecycle.MoveToColdStorageAfterDays, DeleteAfterDays = lifecycle.DeleteAfterDays },
                },
            };
            return rule;
        }

        /// <summary>The whole plan of a tier.</summary>
        public static BackupPlan Build(DrTier tier, string planName, string vault, string drVaultArn) => new BackupPlan
        {
            BackupPlanName = planName,
            Rules = RulesOf(tier).Select(f => Rule(f, vault, drVaultArn)).ToList(),
        };

        /// <summary>BackupDr-Gold, BackupDr-Silver, BackupDr-Bronze.</summary>
        public static string DefaultPlanName(DrTier tier) => "BackupDr-" + tier;

        /// <summary>The selection's name: one per plan, matching the tier tag.</summary>
        public static string SelectionName(DrTier tier) => BackupTagKeys.Tier + "-" + tier;
    }

    /// <summary>Everything New-DrBackupPlan would send, found out with reads only: what -WhatIf shows.</summary>
    public sealed class BackupPlanDraft
    {
        internal BackupPlanDraft(BackupPlanOptions options, string region, BackupPlan plan, BackupSelection selection, string drVaultArn, BackupPlan? existing, bool selectionExists)
        {
            Options = options;
            Region = region;
            Plan = plan;
            Selection = selection;
            DrVaultArn = drVaultArn;
            Existing = existing;
            SelectionExists = selectionExists;
            PlanDocument = BackupPlanWriter.ToJson(plan);
            SelectionDocument = BackupPlanWriter.ToJson(selection);
            PlanMatches = existing != null && BackupPlanWriter.SameRules(plan.Rules, existing.Rules);
        }

        public BackupPlanOptions Options { get; }
        public string Region { get; }
        public BackupPlan Plan { get; }
        public BackupSelection Selection { get; }
        public string DrVaultArn { get; }

        /// <summary>The plan of that name as GetBackupPlan returned it, or null when there is none.</summary>
        public BackupPlan? Existing { get; }
        public bool SelectionExists { get; }

        /// <summary>True when the existing plan's rules already are the template's.</summary>
        public bool PlanMatches { get; }

        /// <summary>The BackupPlan member of CreateBackupPlan/UpdateBackupPlan, indented.</summary>
        public string PlanDocument { get; }

        /// <summary>The BackupSelection member of CreateBackupSelection, indented.</summary>
        public string SelectionDocument { get; }

        /// <summary>What applying the draft does: Created, Updated or Unchanged.</summary>
        public BackupPlanAction Action => Existing == null ? BackupPlanAction.Created : PlanMatches && SelectionExists ? BackupPlanAction.Unchanged : BackupPlanAction.Updated;

        /// <summary>The plan's ARN when it exists, else its name and region: the ShouldProcess target.</summary>
        public string Target => Existing?.BackupPlanArn ?? $"{Plan.BackupPlanName} ({Region})";
    }

    /// <summary>
    /// New-DrBackupPlan: builds the tier's plan, finds a plan of the same name (ListBackupPlans), and creates it,
    /// updates it (UpdateBackupPlan, a new version) only when its rules differ, or leaves it alone; then makes sure the
    /// tag selection (DrTier = tier) exists. Never creates a second plan of the same name.
    /// </summary>
    public sealed class BackupPlanWriter
    {
        private static readonly Regex PlanName = new Regex("^[a-zA-Z0-9._-]{1,50}$", RegexOptions.CultureInvariant);

        private readonly IBackupApi _backup;
        private readonly IStsApi _sts;

        public BackupPlanWriter(IBackupApi backup, IStsApi sts)
        {
            _backup = backup ?? throw new ArgumentNullException(nameof(backup));
            _sts = sts ?? throw new ArgumentNullException(nameof(sts));
        }

        /// <summary>Every local rule (names, regions, role, and the template's lifecycles and windows); sends nothing.</summary>
        public static void Validate(BackupPlanOptions options, string region)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            var name = options.PlanName ?? BackupPlanTemplates.DefaultPlanName(options.Tier);
            if (!PlanName.IsMatch(name))
            {
                throw new DrValidationException("InvalidBackupPlanName", "PlanName", name, $"'{name}' is not a backup plan name: 1 to 50 letters, digits, hyphens, underscores or periods.");
            }

            BackupStarter.ValidateVaultName(options.BackupVaultName, "BackupVaultName");
            if (string.IsNullOrEmpty(options.DrRegion))
            {
                throw new DrValidationException("InvalidRegion", "DrRegion", options.DrRegion, "-DrRegion is required: every rule copies its recovery points to a vault in the DR region.");
            }

            try
            {
                AwsContext.ValidateRegion(options.DrRegion, "-DrRegion");
            }
            catch (AwsConfigurationException ex)
            {
                throw new DrValidationException(ex.ErrorId, "DrRegion", options.DrRegion, ex.Message, DrErrorKind.InvalidArgument, ex);
            }

            var drVault = options.DrVaultName ?? options.BackupVaultName;
            BackupStarter.ValidateVaultName(drVault, options.DrVaultName == null ? "BackupVaultName" : "DrVaultName");
            if (options.DrRegion == region && drVault == options.BackupVaultName)
            {
                throw new DrValidationException("CopyToSameVault", "DrRegion", options.DrRegion,
                    $"The copy actions would go to the same vault ('{drVault}' in {region}) the rules back up into. Give -DrRegion another region, or -DrVaultName another vault.");
            }

            if (!string.IsNullOrEmpty(options.IamRoleArn) && (!Arn.TryParse(options.IamRoleArn, out var roleArn) || roleArn!.Service != "iam" || !roleArn.Resource.StartsWith("role/", StringComparison.Ordinal)))
            {
                throw new DrValidationException("InvalidIamRoleArn", "IamRoleArn", options.IamRoleArn, $"'{options.IamRoleArn}' is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME).");
            }

            // The template itself must meet AWS's rules; checked here so a changed template fails before it is sent.
            var plan = BackupPlanTemplates.Build(options.Tier, name, options.BackupVaultName, Arn.Build(AwsContext.PartitionOf(options.DrRegion), "backup", options.DrRegion, "123456789012", "backup-vault:" + drVault));
            foreach (var rule in plan.Rules)
            {
                ValidateRule(rule);
            }
        }

        /// <summary>AWS's rules for one plan rule: start window of 60 minutes or more, completion after start, delete at least 90 days after cold.</summary>
        public static void ValidateRule(BackupRule rule)
        {
            if (rule == null)
            {
                throw new ArgumentNullException(nameof(rule));
            }

            if (rule.StartWindowMinutes is long start && start < 60)
            {
                throw new DrValidationException("InvalidStartWindow", "Tier", rule.RuleName, $"Rule '{rule.RuleName}' has a start window of {start} minutes; AWS Backup needs at least 60.");
            }

            if (rule.CompletionWindowMinutes is long complete && rule.StartWindowMinutes is long s2 && complete <= s2)
            {
                throw new DrValidationException("InvalidCompleteWindow", "Tier", rule.RuleName, $"Rule '{rule.RuleName}' completes within {complete} minutes, not after its start window of {s2}.");
            }

            Lifecycles.Validate(rule.Lifecycle?.MoveToColdStorageAfterDays, rule.Lifecycle?.DeleteAfterDays);
            foreach (var copy in rule.CopyActions ?? new List<CopyAction>())
            {
                Lifecycles.Validate(copy.Lifecycle?.MoveToColdStorageAfterDays, copy.Lifecycle?.DeleteAfterDays);
            }
        }

        /// <summary>
        /// Builds the plan and selection and finds out, with reads only (GetCallerIdentity, ListBackupPlans,
        /// GetBackupPlan, ListBackupSelections), whether applying them creates, updates or changes nothing.
        /// </summary>
        public async Task<BackupPlanDraft> PrepareAsync(BackupPlanOptions options, CancellationToken cancellationToken)
        {
            var region = _backup.Context.Region;
            Validate(options, region);
            var name = options.PlanName ?? BackupPlanTemplates.DefaultPlanName(options.Tier);
            var account = await CallerAccount.GetAsync(_sts, cancellationToken).ConfigureAwait(false);
            var drVault = options.DrVaultName ?? options.BackupVaultName;
            var drVaultArn = Arn.Build(AwsContext.PartitionOf(options.DrRegion), "backup", options.DrRegion, account, "backup-vault:" + drVault);
            var plan = BackupPlanTemplates.Build(options.Tier, name, options.BackupVaultName, drVaultArn);
            plan.Region = region;
            var selection = new BackupSelection
            {
                SelectionName = BackupPlanTemplates.SelectionName(options.Tier),
                IamRoleArn = options.IamRoleArn ?? ResourceArns.DefaultBackupRoleArn(AwsContext.PartitionOf(region), account),
                ListOfTags = new List<BackupSelectionCondition>
                {
                    new BackupSelectionCondition { ConditionType = "STRINGEQUALS", ConditionKey = BackupTagKeys.Tier, ConditionValue = options.Tier.ToString() },
                },
            };

            var found = new List<BackupPlan>();
            await foreach (var summary in _backup.ListBackupPlansAsync(cancellationToken).ConfigureAwait(false))
            {
                if (string.Equals(summary.BackupPlanName, name, StringComparison.Ordinal))
                {
                    found.Add(summary);
                }
            }

            if (found.Count > 1)
            {
                throw new DrException("DuplicateBackupPlanName", "PlanName", name,
                    $"{found.Count} backup plans in {region} are named '{name}' ({string.Join(", ", found.Select(p => p.BackupPlanId))}); BackupDr will not guess which to change. Delete the extra plans in the AWS Backup console, or pass another -PlanName.",
                    DrErrorKind.InvalidOperation);
            }

            BackupPlan? existing = null;
            var selectionExists = false;
            if (found.Count == 1)
            {
                existing = await _backup.GetBackupPlanAsync(found[0].BackupPlanId!, null, cancellationToken).ConfigureAwait(false);
                existing.BackupPlanArn ??= found[0].BackupPlanArn;
                selection.BackupPlanId = existing.BackupPlanId!;
                await foreach (var s in _backup.ListBackupSelectionsAsync(existing.BackupPlanId!, cancellationToken).ConfigureAwait(false))
                {
                    if (string.Equals(s.SelectionName, selection.SelectionName, StringComparison.Ordinal))
                    {
                        selectionExists = true;
                        selection.SelectionId = s.SelectionId;
                    }
                }
            }

            return new BackupPlanDraft(options, region, plan, selection, drVaultArn, existing, selectionExists);
        }

        /// <summary>Creates or updates what the draft says differs, and nothing else; returns what was done.</summary>
        public async Task<BackupPlanResult> ApplyAsync(BackupPlanDraft draft, CancellationToken cancellationToken)
        {
            if (draft == null)
            {
                throw new ArgumentNullException(nameof(draft));
            }

            var action = draft.Action;
            BackupPlan written;
            if (draft.Existing == null)
            {
                var tags = new Dictionary<string, string>(StringComparer.Ordinal) { [BackupTagKeys.Tier] = draft.Options.Tier.ToString(), ["CreatedBy"] = "BackupDr" };
                written = await _backup.CreateBackupPlanAsync(draft.Plan, tags, null, cancellationToken).ConfigureAwait(false);
            }
            else if (!draft.PlanMatches)
            {
                written = await _backup.UpdateBackupPlanAsync(draft.Existing.BackupPlanId!, draft.Plan, cancellationToken).ConfigureAwait(false);
                written.BackupPlanArn ??= draft.Existing.BackupPlanArn;
            }
            else
            {
                written = draft.Existing;
            }

            var selection = draft.Selection;
            var selectionId = selection.SelectionId;
            if (!draft.SelectionExists)
            {
                selection.BackupPlanId = written.BackupPlanId!;
                var created = await _backup.CreateBackupSelectionAsync(selection, null, cancellationToken).ConfigureAwait(false);
                selectionId = created.SelectionId;
            }

            return new BackupPlanResult
            {
                BackupPlanName = draft.Plan.BackupPlanName,
                BackupPlanId = written.BackupPlanId,
                BackupPlanArn = written.BackupPlanArn,
                VersionId = written.VersionId,
                Region = draft.Region,
                Tier = draft.Options.Tier.ToString(),
                Action = action,
                RuleNames = draft.Plan.Rules.Select(r => r.RuleName).ToList(),
                Rules = draft.Plan.Rules,
                BackupVaultName = draft.Options.BackupVaultName,
                DrRegion = draft.Options.DrRegion,
                DrBackupVaultArn = draft.DrVaultArn,
                SelectionId = selectionId,
                SelectionName = selection.SelectionName,
                SelectionTag = $"{BackupTagKeys.Tier}={draft.Options.Tier}",
                PlanDocument = draft.PlanDocument,
            };
        }

        /// <summary>
        /// Whether the existing rules are the template's: same names, and for each the members the template sets
        /// (AWS fills the others with defaults, which are not a difference).
        /// </summary>
        public static bool SameRules(IReadOnlyCollection<BackupRule> wanted, IReadOnlyCollection<BackupRule> existing)
        {
            if (wanted.Count != existing.Count)
            {
                return false;
            }

            foreach (var want in wanted)
            {
                var have = existing.FirstOrDefault(r => r.RuleName == want.RuleName);
                if (have == null
                    || have.TargetBackupVaultName != want.TargetBackupVaultName
                    || have.ScheduleExpression != want.ScheduleExpression
                    || (want.StartWindowMinutes != null && have.StartWindowMinutes != want.StartWindowMinutes)
                    || (want.CompletionWindowMinutes != null && have.CompletionWindowMinutes != want.CompletionWindowMinutes)
                    || !SameLifecycle(want.Lifecycle, have.Lifecycle))
                {
                    return false;
                }

                var wantCopies = want.CopyActions ?? new List<CopyAction>();
                var haveCopies = have.CopyActions ?? new List<CopyAction>();
                if (wantCopies.Count != haveCopies.Count
                    || wantCopies.Any(w => !haveCopies.Any(h => h.DestinationBackupVaultArn == w.DestinationBackupVaultArn && SameLifecycle(w.Lifecycle, h.Lifecycle))))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool SameLifecycle(Lifecycle? a, Lifecycle? b) =>
            (a?.MoveToColdStorageAfterDays ?? 0) == (b?.MoveToColdStorageAfterDays ?? 0)
            && (a?.DeleteAfterDays ?? 0) == (b?.DeleteAfterDays ?? 0);

        /// <summary>The BackupPlanInput document as the wire carries it (members only when set), indented for reading.</summary>
        public static string ToJson(BackupPlan plan)
        {
            if (plan == null)
            {
                throw new ArgumentNullException(nameof(plan));
            }

            return Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("BackupPlanName", plan.BackupPlanName);
                w.WriteStartArray("Rules");
                foreach (var rule in plan.Rules)
                {
                    w.WriteStartObject();
                    w.WriteString("RuleName", rule.RuleName);
                    w.WriteString("TargetBackupVaultName", rule.TargetBackupVaultName);
                    if (rule.ScheduleExpression != null)
                    {
                        w.WriteString("ScheduleExpression", rule.ScheduleExpression);
                    }

                    Number(w, "StartWindowMinutes", rule.StartWindowMinutes);
                    Number(w, "CompletionWindowMinutes", rule.CompletionWindowMinutes);
                    WriteLifecycle(w, rule.Lifecycle);
                    if (rule.CopyActions != null && rule.CopyActions.Count > 0)
                    {
                        w.WriteStartArray("CopyActions");
                        foreach (var copy in rule.CopyActions)
                        {
                            w.WriteStartObject();
                            w.WriteString("DestinationBackupVaultArn", copy.DestinationBackupVaultArn);
                            WriteLifecycle(w, copy.Lifecycle);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        }

        /// <summary>The BackupSelection document of CreateBackupSelection, indented.</summary>
        public static string ToJson(BackupSelection selection)
        {
            if (selection == null)
            {
                throw new ArgumentNullException(nameof(selection));
            }

            return Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("SelectionName", selection.SelectionName);
                w.WriteString("IamRoleArn", selection.IamRoleArn);
                w.WriteStartArray("ListOfTags");
                foreach (var c in selection.ListOfTags)
                {
                    w.WriteStartObject();
                    w.WriteString("ConditionType", c.ConditionType);
                    w.WriteString("ConditionKey", c.ConditionKey);
                    w.WriteString("ConditionValue", c.ConditionValue);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        }

        private static string Write(Action<Utf8JsonWriter> write)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                write(w);
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }

        private static void Number(Utf8JsonWriter w, string name, long? value)
        {
            if (value != null)
            {
                w.WriteNumber(name, value.Value);
            }
        }

        private static void WriteLifecycle(Utf8JsonWriter w, Lifecycle? lifecycle)
        {
            if (lifecycle == null || (lifecycle.MoveToColdStorageAfterDays == null && lifecycle.DeleteAfterDays == null))
            {
                return;
            }

            w.WriteStartObject("Lifecycle");
            Number(w, "MoveToColdStorageAfterDays", lifecycle.MoveToColdStorageAfterDays);
            Number(w, "DeleteAfterDays", lifecycle.DeleteAfterDays);
            w.WriteEndObject();
        }
    }
}
