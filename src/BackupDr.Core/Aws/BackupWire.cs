using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using BackupDr.Core.Model;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// The AWS Backup JSON shapes, apart from the calls that send them: readers (answer -> model, stamped with
    /// the client's region) and writers (model -> request body, members in service-model order, written only when set).
    /// </summary>
    internal static class BackupWire
    {
        // ---------------------------------------------------------------- writers

        public static JsonBody StartBackupJobBody(StartBackupJobRequest request, string idempotencyToken)
        {
            var body = new JsonBody()
                .String("BackupVaultName", request.BackupVaultName)
                .String("ResourceArn", request.ResourceArn)
                .String("IamRoleArn", request.IamRoleArn)
                .String("IdempotencyToken", idempotencyToken)
                .Number("StartWindowMinutes", request.StartWindowMinutes)
                .Number("CompleteWindowMinutes", request.CompleteWindowMinutes);
            WriteLifecycle(body, "Lifecycle", request.Lifecycle);
            return body.Map("RecoveryPointTags", request.RecoveryPointTags)
                .Map("BackupOptions", request.BackupOptions);
        }

        public static JsonBody StartRestoreJobBody(StartRestoreJobRequest request, string idempotencyToken) =>
            new JsonBody()
                .String("RecoveryPointArn", request.RecoveryPointArn)
                .Map("Metadata", request.Metadata)
                .String("IamRoleArn", request.IamRoleArn)
                .String("IdempotencyToken", idempotencyToken)
                .String("ResourceType", request.ResourceType)
                .Bool("CopySourceTagsToRestoredResource", request.CopySourceTagsToRestoredResource);

        public static JsonBody StartCopyJobBody(StartCopyJobRequest request, string idempotencyToken)
        {
            var body = new JsonBody()
                .String("RecoveryPointArn", request.RecoveryPointArn)
                .String("SourceBackupVaultName", request.SourceBackupVaultName)
                .String("DestinationBackupVaultArn", request.DestinationBackupVaultArn)
                .String("IamRoleArn", request.IamRoleArn)
                .String("IdempotencyToken", idempotencyToken);
            WriteLifecycle(body, "Lifecycle", request.Lifecycle);
            return body;
        }

        public static JsonBody CreateBackupVaultBody(IDictionary<string, string>? tags, string? encryptionKeyArn, string? creatorRequestId) =>
            new JsonBody()
                .Map("BackupVaultTags", tags)
                .String("EncryptionKeyArn", encryptionKeyArn)
                .String("CreatorRequestId", creatorRequestId);

        public static JsonBody CreateBackupPlanBody(BackupPlan plan, IDictionary<string, string>? tags, string? creatorRequestId) =>
            UpdateBackupPlanBody(plan)
                .Map("BackupPlanTags", tags)
                .String("CreatorRequestId", creatorRequestId);

        public static JsonBody UpdateBackupPlanBody(BackupPlan plan) =>
            new JsonBody().Object("BackupPlan", b => WritePlanInput(b, plan));

        public static JsonBody CreateBackupSelectionBody(BackupSelection selection, string? creatorRequestId)
        {
            var body = new JsonBody();
            body.Object("BackupSelection", b =>
            {
                b.String("SelectionName", selection.SelectionName)
                 .String("IamRoleArn", selection.IamRoleArn);
                WriteStrings(b, "Resources", selection.Resources);
                WriteStrings(b, "NotResources", selection.NotResources);
                if (selection.ListOfTags != null && selection.ListOfTags.Count > 0)
                {
                    b.Writer.WriteStartArray("ListOfTags");
                    foreach (var c in selection.ListOfTags)
                    {
                        b.Writer.WriteStartObject();
                        b.String("ConditionType", c.ConditionType)
                         .String("ConditionKey", c.ConditionKey)
                         .String("ConditionValue", c.ConditionValue);
                        b.Writer.WriteEndObject();
                    }

                    b.Writer.WriteEndArray();
                }

                var c2 = selection.Conditions;
                if (c2 != null && !c2.IsEmpty)
                {
                    b.Object("Conditions", cb =>
                    {
                        WriteConditionList(cb, "StringEquals", c2.StringEquals);
                        WriteConditionList(cb, "StringNotEquals", c2.StringNotEquals);
                        WriteConditionList(cb, "StringLike", c2.StringLike);
                        WriteConditionList(cb, "StringNotLike", c2.StringNotLike);
                    });
                }
            });
            return body.String("CreatorRequestId", creatorRequestId);
        }

        private static void WriteConditionList(JsonBody body, string name, IReadOnlyCollection<BackupSelectionConditionParameter>? list)
        {
            if (list == null || list.Count == 0)
            {
                return;
            }

            body.Writer.WriteStartArray(name);
            foreach (var c in list)
            {
                body.Writer.WriteStartObject();
                body.String("ConditionKey", c.ConditionKey).String("ConditionValue", c.ConditionValue);
                body.Writer.WriteEndObject();
            }

            body.Writer.WriteEndArray();
        }

        public static JsonBody TagResourceBody(IDictionary<string, string> tags) => new JsonBody().Map("Tags", tags);

        private static void WriteLifecycle(JsonBody body, string name, Lifecycle? lifecycle)
        {
            if (lifecycle == null)
            {
                return;
            }

            body.Object(name, b => b
                .Number("MoveToColdStorageAfterDays", lifecycle.MoveToColdStorageAfterDays)
                .Number("DeleteAfterDays", lifecycle.DeleteAfterDays)
                .Bool("OptInToArchiveForSupportedResources", lifecycle.OptInToArchiveForSupportedResources));
        }

        private static void WriteStrings(JsonBody body, string name, IReadOnlyCollection<string>? values)
        {
            if (values == null || values.Count == 0)
            {
                return;
            }

            body.Writer.WriteStartArray(name);
            foreach (var v in values)
            {
                body.Writer.WriteStringValue(v);
            }

            body.Writer.WriteEndArray();
        }

        /// <summary>BackupPlanInput: name plus BackupRuleInput items (no RuleId: the service assigns it).</summary>
        private static void WritePlanInput(JsonBody body, BackupPlan plan)
        {
            body.String("BackupPlanName", plan.BackupPlanName);
            body.Writer.WriteStartArray("Rules");
            foreach (var rule in plan.Rules)
            {
                body.Writer.WriteStartObject();
                body.String("RuleName", rule.RuleName)
                    .String("TargetBackupVaultName", rule.TargetBackupVaultName)
                    .String("ScheduleExpression", rule.ScheduleExpression)
                    .Number("StartWindowMinutes", rule.StartWindowMinutes)
                    .Number("CompletionWindowMinutes", rule.CompletionWindowMinutes);
                WriteLifecycle(body, "Lifecycle", rule.Lifecycle);
                body.Map("RecoveryPointTags", rule.RecoveryPointTags);
                if (rule.CopyActions != null && rule.CopyActions.Count > 0)
                {
                    body.Writer.WriteStartArray("CopyActions");
                    foreach (var copy in rule.CopyActions)
                    {
                        body.Writer.WriteStartObject();
                        WriteLifecycle(body, "Lifecycle", copy.Lifecycle);
                        body.String("DestinationBackupVaultArn", copy.DestinationBackupVaultArn);
                        body.Writer.WriteEndObject();
                    }

                    body.Writer.WriteEndArray();
                }

                body.Bool("EnableContinuousBackup", rule.EnableContinuousBackup);
                body.Writer.WriteEndObject();
            }

            body.Writer.WriteEndArray();
        }

        // ---------------------------------------------------------------- readers: Start/Create answers (the rest comes from the request sent)

        public static BackupJob ReadStartedBackupJob(JsonElement json, StartBackupJobRequest request, string region)
        {
            var job = new BackupJob
            {
                BackupJobId = json.Str("BackupJobId") ?? string.Empty,
                RecoveryPointArn = json.Str("RecoveryPointArn"),
                CreationDate = json.Date("CreationDate"),
                IsParent = json.Bool("IsParent"),
                BackupVaultName = request.BackupVaultName,
                ResourceArn = request.ResourceArn,
                IamRoleArn = request.IamRoleArn,
                Region = region,
            };
            job.AccountId = AccountFrom(job.RecoveryPointArn, job.ResourceArn);
            return job;
        }

        public static RestoreJob ReadStartedRestoreJob(JsonElement json, StartRestoreJobRequest request, string region) => new RestoreJob
        {
            RestoreJobId = json.Str("RestoreJobId") ?? string.Empty,
            RecoveryPointArn = request.RecoveryPointArn,
            IamRoleArn = request.IamRoleArn,
            ResourceType = request.ResourceType,
            AccountId = AccountFrom(request.RecoveryPointArn),
            Region = region,
        };

        public static CopyJob ReadStartedCopyJob(JsonElement json, StartCopyJobRequest request, string region) => new CopyJob
        {
            CopyJobId = json.Str("CopyJobId") ?? string.Empty,
            CreationDate = json.Date("CreationDate"),
            SourceRecoveryPointArn = request.RecoveryPointArn,
            DestinationBackupVaultArn = request.DestinationBackupVaultArn,
            IamRoleArn = request.IamRoleArn,
            AccountId = AccountFrom(request.RecoveryPointArn, request.DestinationBackupVaultArn),
            Region = region,
        };

        public static BackupVault ReadCreatedBackupVault(JsonElement json, string backupVaultName, string? encryptionKeyArn, string? creatorRequestId, string region) => new BackupVault
        {
            BackupVaultName = json.Str("BackupVaultName") ?? backupVaultName,
            BackupVaultArn = json.Str("BackupVaultArn"),
            CreationDate = json.Date("CreationDate"),
            EncryptionKeyArn = encryptionKeyArn,
            CreatorRequestId = creatorRequestId,
            Region = region,
        };

        /// <summary>CreateBackupPlan and UpdateBackupPlan answers, on a copy of the plan sent so the caller's object is never changed behind its back.</summary>
        public static BackupPlan ReadSavedBackupPlan(JsonElement json, BackupPlan plan, string? backupPlanId, string region) => new BackupPlan
        {
            BackupPlanName = plan.BackupPlanName,
            Rules = plan.Rules.ToList(),
            Region = region,
            BackupPlanId = json.Str("BackupPlanId") ?? backupPlanId,
            BackupPlanArn = json.Str("BackupPlanArn"),
            VersionId = json.Str("VersionId"),
            CreationDate = json.Date("CreationDate"),
        };

        public static BackupSelection ReadCreatedBackupSelection(JsonElement json, BackupSelection selection) => new BackupSelection
        {
            SelectionName = selection.SelectionName,
            SelectionId = json.Str("SelectionId"),
            BackupPlanId = json.Str("BackupPlanId") ?? selection.BackupPlanId,
            IamRoleArn = selection.IamRoleArn,
            Resources = new List<string>(selection.Resources ?? new List<string>()),
            NotResources = new List<string>(selection.NotResources ?? new List<string>()),
            ListOfTags = new List<BackupSelectionCondition>(selection.ListOfTags ?? new List<BackupSelectionCondition>()),
            Conditions = selection.Conditions ?? new BackupSelectionConditions(),
            CreationDate = json.Date("CreationDate"),
        };

        /// <summary>GetBackupSelection's answer: the selection document (Resources, NotResources, ListOfTags, Conditions) and its ids.</summary>
        public static BackupSelection ReadBackupSelectionDocument(JsonElement json, string backupPlanId, string selectionId)
        {
            var selection = new BackupSelection
            {
                SelectionId = json.Str("SelectionId") ?? selectionId,
                BackupPlanId = json.Str("BackupPlanId") ?? backupPlanId,
                CreationDate = json.Date("CreationDate"),
            };
            if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("BackupSelection", out var doc) && doc.ValueKind == JsonValueKind.Object)
            {
                selection.SelectionName = doc.Str("SelectionName") ?? string.Empty;
                selection.IamRoleArn = doc.Str("IamRoleArn") ?? string.Empty;
                selection.Resources = StringsOf(doc, "Resources");
                selection.NotResources = StringsOf(doc, "NotResources");
                selection.ListOfTags = doc.Items("ListOfTags").Select(c => new BackupSelectionCondition
                {
                    ConditionType = c.Str("ConditionType") ?? "STRINGEQUALS",
                    ConditionKey = c.Str("ConditionKey") ?? string.Empty,
                    ConditionValue = c.Str("ConditionValue") ?? string.Empty,
                }).ToList();
                if (doc.TryGetProperty("Conditions", out var conditions) && conditions.ValueKind == JsonValueKind.Object)
                {
                    selection.Conditions = new BackupSelectionConditions
                    {
                        StringEquals = ConditionsOf(conditions, "StringEquals"),
                        StringNotEquals = ConditionsOf(conditions, "StringNotEquals"),
                        StringLike = ConditionsOf(conditions, "StringLike"),
                        StringNotLike = ConditionsOf(conditions, "StringNotLike"),
                    };
                }
            }

            return selection;
        }

        private static List<string> StringsOf(JsonElement e, string name) =>
            e.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
                : new List<string>();

        private static List<BackupSelectionConditionParameter> ConditionsOf(JsonElement e, string name) =>
            e.Items(name).Select(c => new BackupSelectionConditionParameter { ConditionKey = c.Str("ConditionKey") ?? string.Empty, ConditionValue = c.Str("ConditionValue") ?? string.Empty }).ToList();

        // ---------------------------------------------------------------- readers: Describe/Get answers and list members

        /// <summary>
        /// One pass over the members (not a lookup per member): a 1,000,000-job report reads 25,000,000 of them.
        /// A member that is null counts as absent; a non-string where a string belongs keeps its raw JSON text.
        /// </summary>
        public static BackupJob ReadBackupJob(JsonElement e, string region)
        {
            var job = new BackupJob { Region = region };
            if (e.ValueKind != JsonValueKind.Object)
            {
                return job;
            }

            string? account = null;
            foreach (var p in e.EnumerateObject())
            {
                var v = p.Value;
                if (v.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                switch (p.Name)
                {
                    case "BackupJobId": job.BackupJobId = Text(v) ?? string.Empty; break;
                    case "AccountId": account = Text(v); break;
                    case "BackupVaultName": job.BackupVaultName = Text(v); break;
                    case "BackupVaultArn": job.BackupVaultArn = Text(v); break;
                    case "RecoveryPointArn": job.RecoveryPointArn = Text(v); break;
                    case "RecoveryPointLifecycle": job.RecoveryPointLifecycle = ReadLifecycle(e, "RecoveryPointLifecycle"); break;
                    case "EncryptionKeyArn": job.EncryptionKeyArn = Text(v); break;
                    case "IsEncrypted": job.IsEncrypted = Flag(v); break;
                    case "ResourceArn": job.ResourceArn = Text(v); break;
                    case "ResourceType": job.ResourceType = Text(v); break;
                    case "ResourceName": job.ResourceName = Text(v); break;
                    case "CreationDate": job.CreationDate = When(v); break;
                    case "CompletionDate": job.CompletionDate = When(v); break;
                    case "State": job.State = Text(v) ?? string.Empty; break;
                    case "StatusMessage": job.StatusMessage = Text(v); break;
                    case "MessageCategory": job.MessageCategory = Text(v); break;
                    case "PercentDone": job.PercentDone = double.TryParse(Text(v), NumberStyles.Float, CultureInfo.InvariantCulture, out var pct) ? pct : (double?)null; break;
                    case "BackupSizeInBytes": job.BackupSizeInBytes = v.ValueKind == JsonValueKind.Number ? v.GetInt64() : (long?)null; break;
                    case "BytesTransferred": job.BytesTransferred = v.ValueKind == JsonValueKind.Number ? v.GetInt64() : (long?)null; break;
                    case "IamRoleArn": job.IamRoleArn = Text(v); break;
                    case "ExpectedCompletionDate": job.ExpectedCompletionDate = When(v); break;
                    case "StartBy": job.StartBy = When(v); break;
                    case "BackupType": job.BackupType = Text(v); break;
                    case "ParentJobId": job.ParentJobId = Text(v); break;
                    case "IsParent": job.IsParent = Flag(v); break;
                    case "InitiationDate": job.InitiationDate = When(v); break;
                }
            }

            job.AccountId = account ?? AccountFrom(job.BackupVaultArn, job.RecoveryPointArn, job.ResourceArn);
            return job;
        }

        private static string? Text(JsonElement v) => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText();

        private static bool? Flag(JsonElement v) => v.ValueKind == JsonValueKind.True ? true : v.ValueKind == JsonValueKind.False ? false : (bool?)null;

        /// <summary>Epoch seconds (number) or, from some peers, a string (epoch or ISO 8601), as JsonRead.Date reads them.</summary>
        private static DateTime? When(JsonElement v)
        {
            if (v.ValueKind == JsonValueKind.Number)
            {
                return AwsEncoding.FromEpochSeconds(v.GetDouble());
            }

            if (v.ValueKind == JsonValueKind.String)
            {
                var s = v.GetString()!;
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs) ? AwsEncoding.FromEpochSeconds(secs) : AwsEncoding.ParseIso8601(s);
            }

            return null;
        }

        public static RestoreJob ReadRestoreJob(JsonElement e, string region)
        {
            var job = new RestoreJob
            {
                RestoreJobId = e.Str("RestoreJobId") ?? string.Empty,
                RecoveryPointArn = e.Str("RecoveryPointArn"),
                ResourceArn = e.Str("SourceResourceArn"),
                ResourceType = e.Str("ResourceType"),
                CreatedResourceArn = e.Str("CreatedResourceArn"),
                CreationDate = e.Date("CreationDate"),
                CompletionDate = e.Date("CompletionDate"),
                State = e.Str("Status") ?? string.Empty,
                StatusMessage = e.Str("StatusMessage"),
                PercentDone = Percent(e, "PercentDone"),
                BackupSizeInBytes = e.Long("BackupSizeInBytes"),
                IamRoleArn = e.Str("IamRoleArn"),
                ExpectedCompletionTimeMinutes = e.Long("ExpectedCompletionTimeMinutes"),
                RecoveryPointCreationDate = e.Date("RecoveryPointCreationDate"),
                Region = region,
            };
            job.AccountId = e.Str("AccountId") ?? AccountFrom(e.Str("BackupVaultArn"), job.RecoveryPointArn);
            return job;
        }

        public static CopyJob ReadCopyJob(JsonElement e, string region)
        {
            var job = new CopyJob
            {
                CopyJobId = e.Str("CopyJobId") ?? string.Empty,
                SourceBackupVaultArn = e.Str("SourceBackupVaultArn"),
                SourceRecoveryPointArn = e.Str("SourceRecoveryPointArn"),
                DestinationBackupVaultArn = e.Str("DestinationBackupVaultArn"),
                DestinationRecoveryPointArn = e.Str("DestinationRecoveryPointArn"),
                ResourceArn = e.Str("ResourceArn"),
                ResourceType = e.Str("ResourceType"),
                CreationDate = e.Date("CreationDate"),
                CompletionDate = e.Date("CompletionDate"),
                State = e.Str("State") ?? string.Empty,
                StatusMessage = e.Str("StatusMessage"),
                MessageCategory = e.Str("MessageCategory"),
                BackupSizeInBytes = e.Long("BackupSizeInBytes"),
                IamRoleArn = e.Str("IamRoleArn"),
                ParentJobId = e.Str("ParentJobId"),
                Region = region,
            };
            job.AccountId = e.Str("AccountId") ?? AccountFrom(job.SourceBackupVaultArn, job.SourceRecoveryPointArn);
            return job;
        }

        /// <summary>DescribeRecoveryPoint and RecoveryPointByBackupVault share these members.</summary>
        public static RecoveryPoint ReadRecoveryPoint(JsonElement e, string region)
        {
            var point = new RecoveryPoint
            {
                RecoveryPointArn = e.Str("RecoveryPointArn") ?? string.Empty,
                BackupVaultName = e.Str("BackupVaultName"),
                BackupVaultArn = e.Str("BackupVaultArn"),
                SourceBackupVaultArn = e.Str("SourceBackupVaultArn"),
                ResourceArn = e.Str("ResourceArn"),
                ResourceType = e.Str("ResourceType"),
                ResourceName = e.Str("ResourceName"),
                IamRoleArn = e.Str("IamRoleArn"),
                Status = e.Str("Status"),
                StatusMessage = e.Str("StatusMessage"),
                CreationDate = e.Date("CreationDate"),
                CompletionDate = e.Date("CompletionDate"),
                BackupSizeInBytes = e.Long("BackupSizeInBytes"),
                Lifecycle = ReadLifecycle(e, "Lifecycle"),
                EncryptionKeyArn = e.Str("EncryptionKeyArn"),
                IsEncrypted = e.Bool("IsEncrypted"),
                StorageClass = e.Str("StorageClass"),
                Region = region,
            };

            if (e.TryGet("CalculatedLifecycle", out var calc))
            {
                point.MoveToColdStorageAt = calc.Date("MoveToColdStorageAt");
                point.DeleteAt = calc.Date("DeleteAt");
            }

            if (e.TryGet("CreatedBy", out var createdBy))
            {
                point.BackupPlanId = createdBy.Str("BackupPlanId");
            }

            point.AccountId = AccountFrom(point.BackupVaultArn, point.RecoveryPointArn, point.ResourceArn);
            return point;
        }

        /// <summary>RecoveryPointByResource: fewer members, and the size is 'BackupSizeBytes'.</summary>
        public static RecoveryPoint ReadRecoveryPointByResource(JsonElement e, string resourceArn, string region)
        {
            var point = new RecoveryPoint
            {
                RecoveryPointArn = e.Str("RecoveryPointArn") ?? string.Empty,
                ResourceArn = resourceArn,
                BackupVaultName = e.Str("BackupVaultName"),
                ResourceName = e.Str("ResourceName"),
                CreationDate = e.Date("CreationDate"),
                Status = e.Str("Status"),
                StatusMessage = e.Str("StatusMessage"),
                EncryptionKeyArn = e.Str("EncryptionKeyArn"),
                BackupSizeInBytes = e.Long("BackupSizeBytes"),
                Region = region,
            };
            point.AccountId = AccountFrom(point.RecoveryPointArn, resourceArn);
            return point;
        }

        public static BackupVault ReadBackupVault(JsonElement e, string region) => new BackupVault
        {
            BackupVaultName = e.Str("BackupVaultName") ?? string.Empty,
            BackupVaultArn = e.Str("BackupVaultArn"),
            CreationDate = e.Date("CreationDate"),
            EncryptionKeyArn = e.Str("EncryptionKeyArn"),
            NumberOfRecoveryPoints = e.Long("NumberOfRecoveryPoints"),
            VaultType = e.Str("VaultType"),
            Locked = e.Bool("Locked"),
            CreatorRequestId = e.Str("CreatorRequestId"),
            Region = region,
        };

        /// <summary>The top-level plan members GetBackupPlan and BackupPlansListMember share.</summary>
        public static BackupPlan ReadPlanSummary(JsonElement e, string region) => new BackupPlan
        {
            BackupPlanName = e.Str("BackupPlanName") ?? string.Empty,
            BackupPlanId = e.Str("BackupPlanId"),
            BackupPlanArn = e.Str("BackupPlanArn"),
            VersionId = e.Str("VersionId"),
            CreationDate = e.Date("CreationDate"),
            LastExecutionDate = e.Date("LastExecutionDate"),
            Region = region,
        };

        private static BackupRule ReadRule(JsonElement e)
        {
            var rule = new BackupRule
            {
                RuleName = e.Str("RuleName") ?? string.Empty,
                TargetBackupVaultName = e.Str("TargetBackupVaultName") ?? string.Empty,
                ScheduleExpression = e.Str("ScheduleExpression"),
                StartWindowMinutes = e.Long("StartWindowMinutes"),
                CompletionWindowMinutes = e.Long("CompletionWindowMinutes"),
                Lifecycle = ReadLifecycle(e, "Lifecycle"),
                EnableContinuousBackup = e.Bool("EnableContinuousBackup"),
                RuleId = e.Str("RuleId"),
            };

            if (e.TryGet("RecoveryPointTags", out _))
            {
                rule.RecoveryPointTags = e.StrMap("RecoveryPointTags").ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            }

            if (e.TryGet("CopyActions", out _))
            {
                rule.CopyActions = e.Items("CopyActions")
                    .Select(c => new CopyAction
                    {
                        DestinationBackupVaultArn = c.Str("DestinationBackupVaultArn") ?? string.Empty,
                        Lifecycle = ReadLifecycle(c, "Lifecycle"),
                    })
                    .ToList();
            }

            return rule;
        }

        private static Lifecycle? ReadLifecycle(JsonElement e, string name)
        {
            if (!e.TryGet(name, out var l) || l.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new Lifecycle
            {
                MoveToColdStorageAfterDays = l.Long("MoveToColdStorageAfterDays"),
                DeleteAfterDays = l.Long("DeleteAfterDays"),
                OptInToArchiveForSupportedResources = l.Bool("OptInToArchiveForSupportedResources"),
            };
        }

        /// <summary>GetBackupPlan: the summary members plus the plan document's name and rules.</summary>
        public static BackupPlan ReadBackupPlan(JsonElement json, string backupPlanId, string region)
        {
            var plan = ReadPlanSummary(json, region);
            if (json.TryGet("BackupPlan", out var doc) && doc.ValueKind == JsonValueKind.Object)
            {
                plan.BackupPlanName = doc.Str("BackupPlanName") ?? plan.BackupPlanName;
                plan.Rules = doc.Items("Rules").Select(ReadRule).ToList();
            }

            plan.BackupPlanId ??= backupPlanId;
            return plan;
        }

        public static BackupSelection ReadBackupSelection(JsonElement e, string backupPlanId) => new BackupSelection
        {
            SelectionId = e.Str("SelectionId"),
            SelectionName = e.Str("SelectionName") ?? string.Empty,
            BackupPlanId = e.Str("BackupPlanId") ?? backupPlanId,
            IamRoleArn = e.Str("IamRoleArn") ?? string.Empty,
            CreationDate = e.Date("CreationDate"),
        };

        public static ProtectedResource ReadProtectedResource(JsonElement e, string region) => new ProtectedResource
        {
            ResourceArn = e.Str("ResourceArn") ?? string.Empty,
            ResourceType = e.Str("ResourceType"),
            ResourceName = e.Str("ResourceName"),
            LastBackupTime = e.Date("LastBackupTime"),
            LastBackupVaultArn = e.Str("LastBackupVaultArn"),
            LastRecoveryPointArn = e.Str("LastRecoveryPointArn"),
            Region = region,
        };

        public static RestoreMetadata ReadRestoreMetadata(JsonElement json, string recoveryPointArn) => new RestoreMetadata
        {
            RecoveryPointArn = json.Str("RecoveryPointArn") ?? recoveryPointArn,
            BackupVaultArn = json.Str("BackupVaultArn"),
            ResourceType = json.Str("ResourceType"),
            Metadata = new Dictionary<string, string>(json.StrMap("RestoreMetadata").ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal),
        };

        /// <summary>The account of the first ARN that names one (EC2 snapshot ARNs carry none).</summary>
        internal static string? AccountOf(string? a, string? b, string? c) => AccountFrom(a, b, c);

        private static string? AccountFrom(params string?[] arns)
        {
            foreach (var text in arns)
            {
                if (Arn.TryParse(text, out var arn) && arn!.AccountId.Length > 0)
                {
                    return arn.AccountId;
                }
            }

            return null;
        }

        private static double? Percent(JsonElement e, string name) =>
            double.TryParse(e.Str(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null;
    }
}
