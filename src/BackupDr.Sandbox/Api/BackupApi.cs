using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using Arn = BackupDr.Core.Model.Arn;
using BackupDr.Sandbox.Http;
using BackupDr.Sandbox.Protocol;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox.Api
{
    /// <summary>AWS Backup (rest-json 2018-11-15): routes by method and path, epoch-second timestamps in bodies.</summary>
    internal sealed class BackupApi : ApiBase
    {
        private static readonly Regex VaultName = new Regex("^[a-zA-Z0-9\\-_]{2,50}$", RegexOptions.CultureInvariant);
        private static readonly Regex RoleArn = new Regex("^arn:aws[a-z-]*:iam::\\d{12}:role/.+$", RegexOptions.CultureInvariant);

        private readonly List<Route> _routes = new List<Route>();

        public BackupApi()
        {
            Add("PUT", "/backup-vaults/{}", "CreateBackupVault", CreateBackupVault);
            Add("GET", "/backup-vaults/{}", "DescribeBackupVault", DescribeBackupVault);
            Add("DELETE", "/backup-vaults/{}", "DeleteBackupVault", DeleteBackupVault);
            Add("GET", "/backup-vaults", "ListBackupVaults", ListBackupVaults);
            Add("PUT", "/backup/plans", "CreateBackupPlan", CreateBackupPlan);
            Add("GET", "/backup/plans", "ListBackupPlans", ListBackupPlans);
            Add("GET", "/backup/plans/{}", "GetBackupPlan", GetBackupPlan);
            Add("POST", "/backup/plans/{}", "UpdateBackupPlan", UpdateBackupPlan);
            Add("PUT", "/backup/plans/{}/selections", "CreateBackupSelection", CreateBackupSelection);
            Add("GET", "/backup/plans/{}/selections", "ListBackupSelections", ListBackupSelections);
            Add("PUT", "/backup-jobs", "StartBackupJob", StartBackupJob);
            Add("GET", "/backup-jobs", "ListBackupJobs", ListBackupJobs);
            Add("GET", "/backup-jobs/{}", "DescribeBackupJob", DescribeBackupJob);
            Add("POST", "/backup-jobs/{}", "StopBackupJob", StopBackupJob);
            Add("GET", "/backup-vaults/{}/recovery-points", "ListRecoveryPointsByBackupVault", ListRecoveryPointsByBackupVault);
            Add("GET", "/backup-vaults/{}/recovery-points/{}", "DescribeRecoveryPoint", DescribeRecoveryPoint);
            Add("DELETE", "/backup-vaults/{}/recovery-points/{}", "DeleteRecoveryPoint", DeleteRecoveryPoint);
            Add("GET", "/backup-vaults/{}/recovery-points/{}/restore-metadata", "GetRecoveryPointRestoreMetadata", GetRestoreMetadata);
            Add("GET", "/resources/{}/recovery-points", "ListRecoveryPointsByResource", ListRecoveryPointsByResource);
            Add("GET", "/resources", "ListProtectedResources", ListProtectedResources);
            Add("PUT", "/restore-jobs", "StartRestoreJob", StartRestoreJob);
            Add("GET", "/restore-jobs", "ListRestoreJobs", ListRestoreJobs);
            Add("GET", "/restore-jobs/{}", "DescribeRestoreJob", DescribeRestoreJob);
            Add("PUT", "/copy-jobs", "StartCopyJob", StartCopyJob);
            Add("GET", "/copy-jobs", "ListCopyJobs", ListCopyJobs);
            Add("GET", "/copy-jobs/{}", "DescribeCopyJob", DescribeCopyJob);
            Add("POST", "/tags/{}", "TagResource", TagResource);
            Add("GET", "/tags/{}", "ListTags", ListTags);
        }

        private delegate HttpResponseData Handler(CallContext ctx, string[] args, JsonElement body);

        private sealed class Route
        {
            public Route(string method, string[] segments, string name, Handler handler)
            {
                Method = method;
                Segments = segments;
                Name = name;
                Handler = handler;
            }

            public string Method { get; }
            public string[] Segments { get; }
            public string Name { get; }
            public Handler Handler { get; }
        }

        private void Add(string method, string pattern, string name, Handler handler) =>
            _routes.Add(new Route(method, pattern.Trim('/').Split('/'), name, handler));

        public override Func<CallContext, HttpResponseData> Resolve(HttpRequestData request, out string operation)
        {
            var raw = request.RawPath.Trim('/');
            var segments = raw.Length == 0 ? new string[0] : raw.Split('/').Select(HttpRequestData.Decode).ToArray();
            foreach (var route in _routes)
            {
                if (route.Method != request.Method || route.Segments.Length != segments.Length)
                {
                    continue;
                }

                var args = new List<string>();
                var match = true;
                for (var i = 0; i < segments.Length && match; i++)
                {
                    if (route.Segments[i] == "{}")
                    {
                        args.Add(segments[i]);
                    }
                    else
                    {
                        match = route.Segments[i] == segments[i];
                    }
                }

                if (!match)
                {
                    continue;
                }

                operation = route.Name;
                var body = ParseBody(request);
                var handler = route.Handler;
                var argArray = args.ToArray();
                return ctx => handler(ctx, argArray, body);
            }

            operation = "Unknown";
            throw new SandboxError(404, "UnknownOperationException", $"No AWS Backup operation matches {request.Method} {request.RawPath}.");
        }

        private static JsonElement ParseBody(HttpRequestData request)
        {
            if (request.Body.Length == 0)
            {
                return JsonDocument.Parse("{}").RootElement.Clone();
            }

            var contentType = request.Header("Content-Type") ?? string.Empty;
            if (contentType.Length > 0 && contentType.IndexOf("json", StringComparison.OrdinalIgnoreCase) < 0 && !contentType.StartsWith("binary/", StringComparison.OrdinalIgnoreCase))
            {
                throw new SandboxError(415, "UnsupportedMediaTypeException", $"Unsupported Media Type: the body must be application/json, not '{contentType}'.");
            }

            try
            {
                using var doc = JsonDocument.Parse(request.Body);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new SandboxError(400, "SerializationException", "Start of structure or map found where not expected.");
                }

                return doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new SandboxError(400, "SerializationException", "Could not parse the request body as JSON: " + e.Message);
            }
        }

        // ---------- input helpers ----------

        private static string? S(JsonElement e, string name)
        {
            if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.String)
            {
                throw new SandboxError(400, "SerializationException", $"{name} must be a string.");
            }

            return v.GetString();
        }

        private static string Req(JsonElement e, string name)
        {
            var s = S(e, name);
            if (string.IsNullOrEmpty(s))
            {
                throw Missing(name);
            }

            return s!;
        }

        private static SandboxError Missing(string name) => new SandboxError(400, "MissingParameterValueException", $"Missing required parameter: {name}.");

        private static SandboxError Invalid(string message) => new SandboxError(400, "InvalidParameterValueException", message);

        private static SandboxError NotFound(string message) => new SandboxError(400, "ResourceNotFoundException", message);

        private static long? L(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : (long?)null;

        private static Dictionary<string, string> StrMap(JsonElement e, string name)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            if (e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in v.EnumerateObject())
                {
                    map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? string.Empty : p.Value.GetRawText();
                }
            }
            else if (e.TryGetProperty(name, out v) && v.ValueKind != JsonValueKind.Null)
            {
                throw new SandboxError(400, "SerializationException", $"{name} must be a map of strings.");
            }

            return map;
        }

        private static string? Q(CallContext ctx, string name) => ctx.Request.Query.Where(kv => kv.Key == name).Select(kv => kv.Value).FirstOrDefault();

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

        private static void CheckRole(string? role)
        {
            if (string.IsNullOrEmpty(role))
            {
                throw Missing("IamRoleArn");
            }

            if (!RoleArn.IsMatch(role!))
            {
                throw Invalid($"Invalid IamRoleArn '{role}': expected arn:aws:iam::ACCOUNT:role/NAME.");
            }
        }

        /// <summary>AWS: DeleteAfterDays must be at least 90 days more than MoveToColdStorageAfterDays.</summary>
        internal static void CheckLifecycle(JsonElement parent, string name = "Lifecycle")
        {
            if (!parent.TryGetProperty(name, out var lc) || lc.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            var del = L(lc, "DeleteAfterDays");
            var cold = L(lc, "MoveToColdStorageAfterDays");
            if (del.HasValue && del.Value < 1)
            {
                throw Invalid($"Lifecycle DeleteAfterDays ({del}) must be at least 1.");
            }

            if (del.HasValue && cold.HasValue && del.Value < cold.Value + 90)
            {
                throw Invalid($"Invalid lifecycle: DeleteAfterDays ({del}) must be at least 90 days greater than MoveToColdStorageAfterDays ({cold}).");
            }
        }

        private static Vault VaultOf(RegionState st, string name) =>
            st.Vaults.TryGetValue(name, out var v) ? v : throw NotFound($"Backup vault {name} does not exist in {st.Region} for account {st.AccountId}.");

        private static string? Idempotent(RegionState st, string op, string? token) =>
            token != null && st.IdempotencyTokens.TryGetValue(op + "|" + token, out var id) ? id : null;

        private static void Remember(RegionState st, string op, string? token, string id)
        {
            if (token != null)
            {
                st.IdempotencyTokens[op + "|" + token] = id;
            }
        }

        private static HttpResponseData Ok(Action<Utf8JsonWriter> write) => Wire.Json(200, write);

        private static HttpResponseData Empty() => Wire.Json(200, _ => { });

        // ---------- vaults ----------

        private HttpResponseData CreateBackupVault(CallContext ctx, string[] a, JsonElement body)
        {
            var name = a[0];
            if (!VaultName.IsMatch(name))
            {
                throw Invalid($"Invalid backup vault name '{name}': 2 to 50 letters, digits, hyphens or underscores.");
            }

            var st = ctx.State;
            var creator = S(body, "CreatorRequestId");
            if (st.Vaults.TryGetValue(name, out var existing))
            {
                if (creator == null || existing.CreatorRequestId != creator)
                {
                    throw new SandboxError(400, "AlreadyExistsException", $"Backup vault with the same name already exists: {name}.");
                }
            }
            else
            {
                existing = new Vault
                {
                    Name = name, Arn = st.VaultArn(name), CreationDate = ctx.Now, CreatorRequestId = creator,
                    EncryptionKeyArn = S(body, "EncryptionKeyArn") ?? $"arn:aws:kms:{st.Region}:{st.AccountId}:key/{ctx.Server.NewGuid()}",
                };
                st.Vaults[name] = existing;
                var tags = new TagSet();
                foreach (var kv in StrMap(body, "BackupVaultTags"))
                {
                    tags[kv.Key] = kv.Value;
                }

                st.BackupTags[existing.Arn] = tags;
            }

            var v = existing;
            return Ok(w =>
            {
                w.WriteString("BackupVaultName", v.Name);
                w.WriteString("BackupVaultArn", v.Arn);
                w.Date("CreationDate", v.CreationDate);
            });
        }

        private void WriteVault(Utf8JsonWriter w, RegionState st, Vault v)
        {
            w.WriteString("BackupVaultName", v.Name);
            w.WriteString("BackupVaultArn", v.Arn);
            w.WriteString("VaultType", "BACKUP_VAULT");
            w.WriteString("VaultState", "AVAILABLE");
            w.Date("CreationDate", v.CreationDate);
            w.Str("EncryptionKeyArn", v.EncryptionKeyArn);
            w.Str("CreatorRequestId", v.CreatorRequestId);
            w.WriteNumber("NumberOfRecoveryPoints", st.RecoveryPoints.Values.Count(r => r.VaultName == v.Name));
            w.WriteBoolean("Locked", false);
            w.WriteString("EncryptionKeyType", "AWS_OWNED_KMS_KEY");
        }

        private HttpResponseData DescribeBackupVault(CallContext ctx, string[] a, JsonElement body)
        {
            var st = ctx.State;
            var v = VaultOf(st, a[0]);
            return Ok(w => WriteVault(w, st, v));
        }

        private HttpResponseData DeleteBackupVault(CallContext ctx, string[] a, JsonElement body)
        {
            var st = ctx.State;
            var v = VaultOf(st, a[0]);
            var count = st.RecoveryPoints.Values.Count(r => r.VaultName == v.Name);
            if (count > 0)
            {
                throw new SandboxError(400, "InvalidRequestException", $"Backup vault {v.Name} cannot be deleted because it contains {count} recovery points.");
            }

            st.Vaults.Remove(v.Name);
            st.BackupTags.Remove(v.Arn);
            return Empty();
        }

        private HttpResponseData ListBackupVaults(CallContext ctx, string[] a, JsonElement body)
        {
            var st = ctx.State;
            var all = st.Vaults.Values.OrderBy(v => v.CreationDate).ThenBy(v => v.Name, StringComparer.Ordinal).ToList();
            return Page(ctx, all, "BackupVaultList", "v", (w, v) => { w.WriteStartObject(); WriteVault(w, st, v); w.WriteEndObject(); });
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

        // ---------- plans ----------

        private static void ValidatePlan(JsonElement plan)
        {
            if (plan.ValueKind != JsonValueKind.Object)
            {
                throw Missing("BackupPlan");
            }

            Req(plan, "BackupPlanName");
            if (!plan.TryGetProperty("Rules", out var rules) || rules.ValueKind != JsonValueKind.Array || rules.GetArrayLength() == 0)
            {
                throw Missing("BackupPlan.Rules");
            }

            foreach (var rule in rules.EnumerateArray())
            {
                Req(rule, "RuleName");
                Req(rule, "TargetBackupVaultName");
                CheckLifecycle(rule);
                if (rule.TryGetProperty("CopyActions", out var copies) && copies.ValueKind == JsonValueKind.Array)
                {
                    foreach (var c in copies.EnumerateArray())
                    {
                        Req(c, "DestinationBackupVaultArn");
                        CheckLifecycle(c);
                    }
                }
            }
        }

        private HttpResponseData CreateBackupPlan(CallContext ctx, string[] a, JsonElement body)
        {
            var st = ctx.State;
            if (!body.TryGetProperty("BackupPlan", out var planEl))
            {
                throw Missing("BackupPlan");
            }

            ValidatePlan(planEl);
            var creator = S(body, "CreatorRequestId");
            var plan = st.Plans.Values.FirstOrDefault(p => creator != null && p.CreatorRequestId == creator);
            if (plan == null)
            {
                var name = Req(planEl, "BackupPlanName");
                if (st.Plans.Values.Any(p => p.Name == name))
                {
                    throw new SandboxError(400, "AlreadyExistsException", $"Backup plan with the same name already exists: {name}.");
                }

                var id = ctx.Server.NewGuid();
                plan = new Plan
                {
                    Id = id, Name = name, Arn = $"arn:{st.Partition}:backup:{st.Region}:{st.AccountId}:backup-plan:{id}",
                    VersionId = ctx.Server.NewHex(32), CreationDate = ctx.Now, CreatorRequestId = creator, PlanJson = WithRuleIds(ctx, planEl),
                };
                st.Plans[id] = plan;
                var tags = new TagSet();
                foreach (var kv in StrMap(body, "BackupPlanTags"))
                {
                    tags[kv.Key] = kv.Value;
                }

                st.BackupTags[plan.Arn] = tags;
            }

            var p = plan;
            return Ok(w =>
            {
                w.WriteString("BackupPlanId", p.Id);
                w.WriteString("BackupPlanArn", p.Arn);
                w.Date("CreationDate", p.CreationDate);
                w.WriteString("VersionId", p.VersionId);
            });
        }

        private static string WithRuleIds(CallContext ctx, JsonElement plan)
        {
            using var ms = new System.IO.MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
            {
                w.WriteStartObject();
                foreach (var prop in plan.EnumerateObject())
                {
                    if (prop.Name == "Rules")
                    {
                        w.WriteStartArray("Rules");
                        foreach (var rule in prop.Value.EnumerateArray())
                        {
                            w.WriteStartObject();
                            foreach (var rp in rule.EnumerateObject())
                            {
                                if (rp.Name != "RuleId")
                                {
                                    rp.WriteTo(w);
                                }
                            }

                            w.WriteString("RuleId", ctx.Server.NewGuid());
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    }
                    else
                    {
                        prop.WriteTo(w);
                    }
                }

                w.WriteEndObject();
            }

            return System.Text.Encoding.UTF8.GetString(ms.ToArray());
        }

        private static Plan PlanOf(RegionState st, string id) =>
            st.Plans.TryGetValue(id, out var p) ? p : throw NotFound($"Failed reading Backup plan with provided version: {id} not found.");

        private HttpResponseData GetBackupPlan(CallContext ctx, string[] a, JsonElement body)
        {
            var p = PlanOf(ctx.State, a[0]);
            var versionId = Q(ctx, "versionId");
            var planJson = p.PlanJson;
            if (!string.IsNullOrEmpty(versionId) && versionId != p.VersionId && !p.OldVersions.TryGetValue(versionId!, out planJson))
            {
                throw NotFound($"Failed reading Backup plan with provided version: {versionId} not found.");
            }

            return Ok(w =>
            {
                w.WritePropertyName("BackupPlan");
                using (var doc = JsonDocument.Parse(planJson))
                {
                    doc.RootElement.WriteTo(w);
                }

                w.WriteString("BackupPlanId", p.Id);
                w.WriteString("BackupPlanArn", p.Arn);
                w.WriteString("VersionId", string.IsNullOrEmpty(versionId) ? p.VersionId : versionId);
                w.Str("CreatorRequestId", p.CreatorRequestId);
                w.Date("CreationDate", p.CreationDate);
            });
        }

        private HttpResponseData UpdateBackupPlan(CallContext ctx, string[] a, JsonElement body)
        {
            var p = PlanOf(ctx.State, a[0]);
            if (!body.TryGetProperty("BackupPlan", out var planEl))
            {
                throw Missing("BackupPlan");
            }

            ValidatePlan(planEl);
            p.Name = Req(planEl, "BackupPlanName");
            p.OldVersions[p.VersionId] = p.PlanJson;
            p.PlanJson = WithRuleIds(ctx, planEl);
            p.VersionId = ctx.Server.NewHex(32);
            return Ok(w =>
            {
                w.WriteString("BackupPlanId", p.Id);
                w.WriteString("BackupPlanArn", p.Arn);
                w.Date("CreationDate", p.CreationDate);
                w.WriteString("VersionId", p.VersionId);
            });
        }

        private HttpResponseData ListBackupPlans(CallContext ctx, string[] a, JsonElement body)
        {
            var all = ctx.State.Plans.Values.OrderBy(p => p.CreationDate).ToList();
            return Page(ctx, all, "BackupPlansList", "p", (w, p) =>
            {
                w.WriteStartObject();
                w.WriteString("BackupPlanArn", p.Arn);
                w.WriteString("BackupPlanId", p.Id);
                w.Date("CreationDate", p.CreationDate);
                w.WriteString("BackupPlanName", p.Name);
                w.WriteString("VersionId", p.VersionId);
                w.Str("CreatorRequestId", p.CreatorRequestId);
                w.WriteEndObject();
            });
        }

        private HttpResponseData CreateBackupSelection(CallContext ctx, string[] a, JsonElement body)
        {
            var p = PlanOf(ctx.State, a[0]);
            if (!body.TryGetProperty("BackupSelection", out var sel) || sel.ValueKind != JsonValueKind.Object)
            {
                throw Missing("BackupSelection");
            }

            var name = Req(sel, "SelectionName");
            CheckRole(S(sel, "IamRoleArn"));
            var creator = S(body, "CreatorRequestId");
            var selection = p.Selections.FirstOrDefault(s => creator != null && s.CreatorRequestId == creator);
            if (selection == null)
            {
                if (p.Selections.Any(s => s.Name == name))
                {
                    throw new SandboxError(400, "AlreadyExistsException", $"Backup selection with the same name already exists: {name}.");
                }

                selection = new Selection { Id = ctx.Server.NewGuid(), Name = name, IamRoleArn = S(sel, "IamRoleArn")!, CreationDate = ctx.Now, CreatorRequestId = creator, SelectionJson = sel.GetRawText() };
                p.Selections.Add(selection);
            }

            var s2 = selection;
            return Ok(w =>
            {
                w.WriteString("SelectionId", s2.Id);
                w.WriteString("BackupPlanId", p.Id);
                w.Date("CreationDate", s2.CreationDate);
            });
        }

        private HttpResponseData ListBackupSelections(CallContext ctx, string[] a, JsonElement body)
        {
            var p = PlanOf(ctx.State, a[0]);
            return Page(ctx, p.Selections, "BackupSelectionsList", "s", (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("SelectionId", s.Id);
                w.WriteString("SelectionName", s.Name);
                w.WriteString("BackupPlanId", p.Id);
                w.Date("CreationDate", s.CreationDate);
                w.Str("CreatorRequestId", s.CreatorRequestId);
                w.WriteString("IamRoleArn", s.IamRoleArn);
                w.WriteEndObject();
            });
        }

        // ---------- backup jobs ----------

        private HttpResponseData StartBackupJob(CallContext ctx, string[] a, JsonElement body)
        {
            var st = ctx.State;
            var vaultName = Req(body, "BackupVaultName");
            var resourceArn = Req(body, "ResourceArn");
            CheckRole(S(body, "IamRoleArn"));
            CheckLifecycle(body);
            var token = S(body, "IdempotencyToken");
            var prior = Idempotent(st, "StartBackupJob", token);
            if (prior != null && st.BackupJobs.TryGet(prior, out var same))
            {
                return StartAnswer(same);
            }

            var vault = VaultOf(st, vaultName);
            if (!Arn.TryParse(resourceArn, out var arn) || JobEngine.ResourceTypeOf(arn!) == string.Empty)
            {
                throw Invalid($"Invalid ResourceArn '{resourceArn}': the sandbox backs up EBS volumes, EC2 instances and RDS DB instances.");
            }

            if (arn!.Region != st.Region || arn.AccountId != st.AccountId)
            {
                throw Invalid($"Resource {resourceArn} is not in region {st.Region} of account {st.AccountId}.");
            }

            var type = JobEngine.ResourceTypeOf(arn);
            var exists = type switch
            {
                "EBS" => st.Volumes.ContainsKey(arn.ResourceId),
                "EC2" => st.Instances.ContainsKey(arn.ResourceId),
                "RDS" => st.DbInstances.ContainsKey(arn.ResourceId),
                _ => false,
            };
            if (!exists)
            {
                throw NotFound($"Resource {resourceArn} not found.");
            }

            var startWindow = L(body, "StartWindowMinutes");
            if (startWindow.HasValue && startWindow.Value < 60)
            {
                throw Invalid($"StartWindowMinutes ({startWindow}) must be at least 60.");
            }

            var id = ctx.Server.NewGuid().ToUpperInvariant();
            var job = new BackupJob
            {
                Id = id, AccountId = st.AccountId, Region = st.Region, CreationDate = ctx.Now, Duration = ctx.Server.JobDuration,
                VaultName = vault.Name, VaultArn = vault.Arn, ResourceArn = resourceArn, ResourceType = type, IamRoleArn = S(body, "IamRoleArn")!,
                IdempotencyToken = token, StartBy = startWindow.HasValue ? ctx.Now.AddMinutes(startWindow.Value) : (DateTime?)null,
                LifecycleJson = body.TryGetProperty("Lifecycle", out var lc) ? lc.GetRawText() : null,
                ResourceName = type == "RDS" ? arn.ResourceId : null,
            };
            foreach (var kv in StrMap(body, "RecoveryPointTags"))
            {
                job.RecoveryPointTags[kv.Key] = kv.Value;
            }

            job.RecoveryPointArn = type switch
            {
                "EBS" => st.SnapshotArn("snap-" + ctx.Server.NewHex(17)),
                "RDS" => st.DbSnapshotArn("awsbackup:job-" + id.ToLowerInvariant()),
                _ => $"arn:{st.Partition}:ec2:{st.Region}::image/ami-{ctx.Server.NewHex(17)}",
            };
            if (ctx.Server.FailureRate > 0 && ctx.Server.NextRandom() < ctx.Server.FailureRate)
            {
                job.FailureMessage = "An internal error occurred while backing up the resource (sandbox FailureRate).";
            }

            st.BackupJobs.Add(job);
            ctx.World.Active.Add(job);
            Remember(st, "StartBackupJob", token, id);
            return StartAnswer(job);
        }

        private static HttpResponseData StartAnswer(BackupJob job) => Ok(w =>
        {
            w.WriteString("BackupJobId", job.Id);
            w.WriteString("RecoveryPointArn", job.RecoveryPointArn);
            w.Date("CreationDate", job.CreationDate);
            w.WriteBoolean("IsParent", false);
        });

        private static void WriteBackupJob(Utf8JsonWriter w, BackupJob j, DateTime now)
        {
            var state = j.StateAt(now);
            w.WriteStartObject();
            w.WriteString("AccountId", j.AccountId);
            w.WriteString("BackupJobId", j.Id);
            w.WriteString("BackupVaultName", j.VaultName);
            w.WriteString("BackupVaultArn", j.VaultArn);
            w.WriteString("VaultType", "BACKUP_VAULT");
            if (state == "COMPLETED" || j.FixedState != null)
            {
                w.WriteString("RecoveryPointArn", j.RecoveryPointArn);
            }

            w.WriteString("ResourceArn", j.ResourceArn);
            w.Date("CreationDate", j.CreationDate);
            w.Date("CompletionDate", j.CompletedAt(now));
            w.WriteString("State", state);
            var message = j.StatusMessage ?? (state == "FAILED" ? j.FailureMessage : state == "ABORTED" ? "Backup job was stopped by the user." : state == "EXPIRED" ? "Backup job failed to start within the start window." : null);
            w.Str("StatusMessage", message);
            w.WriteString("PercentDone", j.PercentDone(now));
            w.WriteNumber("BackupSizeInBytes", state == "COMPLETED" ? j.SizeInBytes : 0);
            w.WriteString("IamRoleArn", j.IamRoleArn);
            w.WriteString("ResourceType", j.ResourceType);
            w.WriteNumber("BytesTransferred", state == "COMPLETED" ? j.SizeInBytes : 0);
            w.Date("ExpectedCompletionDate", j.FixedState == null ? j.End : (DateTime?)null);
            w.Date("StartBy", j.StartBy);
            w.WriteString("BackupType", "FULL");
            w.Str("ParentJobId", j.ParentJobId);
            w.WriteBoolean("IsParent", false);
            w.Str("ResourceName", j.ResourceName);
            if (j.FixedState != null || JobBase.IsTerminal(state))
            {
                w.WriteString("MessageCategory", j.FixedState != null ? j.MessageCategory : state == "COMPLETED" ? (j.MessageCategory == "FAILURE" ? "SUCCESS" : j.MessageCategory) : state == "FAILED" ? "FAILURE" : state);
            }

            if (j.LifecycleJson != null)
            {
                w.WritePropertyName("RecoveryPointLifecycle");
                using var doc = JsonDocument.Parse(j.LifecycleJson);
                doc.RootElement.WriteTo(w);
            }

            w.WriteEndObject();
        }

        private static BackupJob JobOf(RegionState st, string id) =>
            st.BackupJobs.TryGet(id, out var j) ? j : throw NotFound($"Cannot find backup job {id}.");

        private HttpResponseData DescribeBackupJob(CallContext ctx, string[] a, JsonElement body)
        {
            var j = JobOf(ctx.State, a[0]);
            return Wire.Json(200, w =>
            {
                // Describe is the list item with the same members, written at the top level.
                using var ms = new System.IO.MemoryStream();
                using (var inner = new Utf8JsonWriter(ms))
                {
                    WriteBackupJob(inner, j, ctx.Now);
                }

                using var doc = JsonDocument.Parse(ms.ToArray());
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    p.WriteTo(w);
                }
            });
        }

        private HttpResponseData StopBackupJob(CallContext ctx, string[] a, JsonElement body)
        {
            var j = JobOf(ctx.State, a[0]);
            var state = j.StateAt(ctx.Now);
            if (JobBase.IsTerminal(state))
            {
                throw new SandboxError(400, "InvalidRequestException", $"Backup job {j.Id} is {state} and cannot be stopped.");
            }

            j.Aborted = true;
            j.AbortedAt = ctx.Now;
            return Empty();
        }

        private HttpResponseData ListBackupJobs(CallContext ctx, string[] a, JsonElement body)
        {
            var st = ctx.State;
            var byResource = Q(ctx, "resourceArn");
            var byState = Q(ctx, "state");
            var byVault = Q(ctx, "backupVaultName");
            var createdBefore = Wire.ParseTime(Q(ctx, "createdBefore"), "createdBefore");
            var createdAfter = Wire.ParseTime(Q(ctx, "createdAfter"), "createdAfter");
            var byType = Q(ctx, "resourceType");
            var byAccount = Q(ctx, "accountId");
            var completeBefore = Wire.ParseTime(Q(ctx, "completeBefore"), "completeBefore");
            var completeAfter = Wire.ParseTime(Q(ctx, "completeAfter"), "completeAfter");
            var byParent = Q(ctx, "parentJobId");
            var byCategory = Q(ctx, "messageCategory");
            var validStates = new[] { "CREATED", "PENDING", "RUNNING", "ABORTING", "ABORTED", "COMPLETED", "FAILED", "EXPIRED", "PARTIAL" };
            if (byState != null && !validStates.Contains(byState))
            {
                throw Invalid($"Invalid value '{byState}' for state: one of {string.Join(", ", validStates)}.");
            }

            var now = ctx.Now;
            return ListJobs(ctx, st.BackupJobs, "BackupJobs", "bj", createdBefore, createdAfter, j =>
                (byResource == null || j.ResourceArn == byResource)
                && (byState == null || j.StateAt(now) == byState)
                && (byVault == null || j.VaultName == byVault)
                && (byType == null || j.ResourceType == byType)
                && (byAccount == null || j.AccountId == byAccount)
                && (byParent == null || j.ParentJobId == byParent)
                && CompletedWithin(j, now, completeBefore, completeAfter)
                && (byCategory == null || Category(j, now).Equals(byCategory, StringComparison.OrdinalIgnoreCase)),
                (w, j) => WriteBackupJob(w, j, now));
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

        // ---------- recovery points ----------

        private static void WriteRecoveryPoint(Utf8JsonWriter w, RegionState st, RecoveryPoint r, bool byResource)
        {
            w.WriteString("RecoveryPointArn", r.Arn);
            if (byResource)
            {
                w.WriteString("BackupVaultName", r.VaultName);
            }
            else
            {
                w.WriteString("BackupVaultName", r.VaultName);
                w.WriteString("BackupVaultArn", r.VaultArn);
                w.Str("SourceBackupVaultArn", r.SourceVaultArn);
                w.WriteString("ResourceArn", r.ResourceArn);
                w.WriteString("ResourceType", r.ResourceType);
                w.WriteString("IamRoleArn", r.IamRoleArn);
                w.Date("CompletionDate", r.CompletionDate);
                w.WriteBoolean("IsEncrypted", false);
                w.Str("ResourceName", r.ResourceName);
                w.WriteString("VaultType", "BACKUP_VAULT");
                if (r.BackupJobId != null)
                {
                    w.WriteStartObject("CreatedBy");
                    w.WriteEndObject();
                }

                if (r.LifecycleJson != null)
                {
                    w.WritePropertyName("Lifecycle");
                    using var doc = JsonDocument.Parse(r.LifecycleJson);
                    doc.RootElement.WriteTo(w);
                }
            }

            w.WriteString("Status", r.Status);
            w.Date("CreationDate", r.CreationDate);
            w.WriteNumber("BackupSizeBytes", r.SizeInBytes);
            w.WriteNumber("BackupSizeInBytes", r.SizeInBytes);
            w.WriteString("EncryptionKeyArn", st.Vaults.TryGetValue(r.VaultName, out var v) ? v.EncryptionKeyArn ?? string.Empty : string.Empty);
            w.WriteBoolean("IsParent", false);
        }

        private static RecoveryPoint RecoveryPointOf(RegionState st, string vaultName, string arn)
        {
            VaultOf(st, vaultName);
            return st.RecoveryPoints.TryGetValue(arn, out var r) && r.VaultName == vaultName
                ? r
                : throw NotFound($"Recovery point {arn} was not found in backup vault {vaultName}.");
        }

        private HttpResponseData ListRecoveryPointsByBackupVault(CallContext ctx, string[] a, JsonElement body)
        {
            var st = ctx.State;
            VaultOf(st, a[0]);
            var byResource = Q(ctx, "resourceArn");
            var byType = Q(ctx, "resourceType");
            var before = Wire.ParseTime(Q(ctx, "createdBefore"), "createdBefore");
            var after = Wire.ParseTime(Q(ctx, "createdAfter"), "createdAfter");
            var list = st.RecoveryPoints.Values
                .Where(r => r.VaultName == a[0] && (byResource == null || r.ResourceArn == byResource) && (byType == null || r.ResourceType == byType)
                    && (before == null || r.CreationDate < before) && (after == null || r.CreationDate > after))
                .OrderByDescending(r => r.CreationDate).ToList();
            return Page(ctx, list, "RecoveryPoints", "rp", (w, r) => { w.WriteStartObject(); WriteRecoveryPoint(w, st, r, false); w.WriteEndObject(); });
        }

        private HttpResponseData ListRecoveryPointsByResource(CallContext ctx, string[] a, JsonElement body)
        {
            var st = ctx.State;
            if (!Arn.TryParse(a[0], out _))
            {
                throw Invalid($"Invalid resource ARN '{a[0]}'.");
            }

            var list = st.RecoveryPoints.Values.Where(r => r.ResourceArn == a[0]).OrderByDescending(r => r.CreationDate).ToList();
            return Page(ctx, list, "RecoveryPoints", "rr", (w, r) => { w.WriteStartObject(); WriteRecoveryPoint(w, st, r, true); w.WriteEndObject(); });
        }

        private HttpResponseData DescribeRecoveryPoint(CallContext ctx, string[] a, JsonElement body)
        {
            var st = ctx.State;
            var r = RecoveryPointOf(st, a[0], a[1]);
            return Ok(w =>
            {
                WriteRecoveryPoint(w, st, r, false);
                w.WriteString("StorageClass", "WARM");
            });
        }

        private HttpResponseData DeleteRecoveryPoint(CallContext ctx, string[] a, JsonElement body)
        {
            var st = ctx.State;
            var r = RecoveryPointOf(st, a[0], a[1]);
            st.RecoveryPoints.Remove(r.Arn);
            st.BackupTags.Remove(r.Arn);
            if (Arn.TryParse(r.Arn, out var arn))
            {
                if (r.ResourceType == "EBS")
                {
                    st.Snapshots.Remove(arn!.ResourceId);
                }
                else if (r.ResourceType == "RDS" && arn!.Resource.StartsWith("snapshot:", StringComparison.Ordinal))
                {
                    st.DbSnapshots.Remove(arn.Resource.Substring("snapshot:".Length));
                }
            }

            return Empty();
        }

        private HttpResponseData GetRestoreMetadata(CallContext ctx, string[] a, JsonElement body)
        {
            var st = ctx.State;
            var r = RecoveryPointOf(st, a[0], a[1]);
            return Ok(w =>
            {
                w.WriteString("BackupVaultArn", r.VaultArn);
                w.WriteString("RecoveryPointArn", r.Arn);
                w.Map("RestoreMetadata", r.RestoreMetadata);
                w.WriteString("ResourceType", r.ResourceType);
            });
        }

        private HttpResponseData ListProtectedResources(CallContext ctx, string[] a, JsonElement body)
        {
            var st = ctx.State;
            var list = st.RecoveryPoints.Values.GroupBy(r => r.ResourceArn)
                .Select(g => g.OrderByDescending(r => r.CreationDate).First())
                .OrderBy(r => r.ResourceArn, StringComparer.Ordinal).ToList();
            return Page(ctx, list, "Results", "pr", (w, r) =>
            {
                w.WriteStartObject();
                w.WriteString("ResourceArn", r.ResourceArn);
                w.WriteString("ResourceType", r.ResourceType);
                w.Date("LastBackupTime", r.CreationDate);
                w.Str("ResourceName", r.ResourceName);
                w.WriteString("LastBackupVaultArn", r.VaultArn);
                w.WriteString("LastRecoveryPointArn", r.Arn);
                w.WriteEndObject();
            });
        }

        // ---------- restore jobs ----------

        private HttpResponseData StartRestoreJob(CallContext ctx, string[] a, JsonElement body)
        {
            var st = ctx.State;
            var rpArn = Req(body, "RecoveryPointArn");
            if (!body.TryGetProperty("Metadata", out var metaEl) || metaEl.ValueKind != JsonValueKind.Object)
            {
                throw Missing("Metadata");
            }

            CheckRole(S(body, "IamRoleArn"));
            var token = S(body, "IdempotencyToken");
            var prior = Idempotent(st, "StartRestoreJob", token);
            if (prior != null)
            {
                return Ok(w => w.WriteString("RestoreJobId", prior));
            }

            if (!st.RecoveryPoints.TryGetValue(rpArn, out var rp))
            {
                throw NotFound($"Recovery point {rpArn} not found in {st.Region}.");
            }

            var meta = StrMap(body, "Metadata");
            var type = S(body, "ResourceType") ?? rp.ResourceType;
            if (type == "RDS" && (!meta.TryGetValue("DBInstanceIdentifier", out var dbId) || string.IsNullOrEmpty(dbId)))
            {
                throw Invalid("Metadata must contain DBInstanceIdentifier to restore an RDS recovery point.");
            }

            var id = ctx.Server.NewGuid().ToUpperInvariant();
            var job = new RestoreJob
            {
                Id = id, AccountId = st.AccountId, Region = st.Region, CreationDate = ctx.Now, Duration = ctx.Server.JobDuration,
                RecoveryPointArn = rp.Arn, VaultArn = rp.VaultArn, SourceResourceArn = rp.ResourceArn, ResourceType = type, Metadata = meta,
                IamRoleArn = S(body, "IamRoleArn")!, RecoveryPointCreationDate = rp.CreationDate, SizeInBytes = rp.SizeInBytes,
            };
            if (ctx.Server.FailureRate > 0 && ctx.Server.NextRandom() < ctx.Server.FailureRate)
            {
                job.FailureMessage = "The restore failed (sandbox FailureRate).";
            }

            st.RestoreJobs.Add(job);
            ctx.World.Active.Add(job);
            Remember(st, "StartRestoreJob", token, id);
            return Ok(w => w.WriteString("RestoreJobId", id));
        }

        private static string RestoreStatus(string state) => state switch
        {
            "CREATED" or "PENDING" => "PENDING",
            "EXPIRED" => "FAILED",
            _ => state,
        };

        private static void WriteRestoreJob(Utf8JsonWriter w, RestoreJob j, DateTime now)
        {
            var state = RestoreStatus(j.StateAt(now));
            w.WriteStartObject();
            w.WriteString("AccountId", j.AccountId);
            w.WriteString("RestoreJobId", j.Id);
            w.WriteString("RecoveryPointArn", j.RecoveryPointArn);
            w.WriteString("SourceResourceArn", j.SourceResourceArn);
            w.WriteString("BackupVaultArn", j.VaultArn);
            w.Date("CreationDate", j.CreationDate);
            w.Date("CompletionDate", j.CompletedAt(now));
            w.WriteString("Status", state);
            w.Str("StatusMessage", j.StatusMessage ?? (state == "FAILED" ? j.FailureMessage : state == "ABORTED" ? "Restore job was aborted." : null));
            w.WriteString("PercentDone", j.PercentDone(now));
            w.WriteNumber("BackupSizeInBytes", j.SizeInBytes);
            w.WriteString("IamRoleArn", j.IamRoleArn);
            w.WriteNumber("ExpectedCompletionTimeMinutes", Math.Max(1, (long)Math.Ceiling(j.Duration.TotalMinutes)));
            if (state == "COMPLETED")
            {
                w.Str("CreatedResourceArn", j.CreatedResourceArn);
            }

            w.WriteString("ResourceType", j.ResourceType);
            w.Date("RecoveryPointCreationDate", j.RecoveryPointCreationDate);
            w.WriteBoolean("IsParent", false);
            w.Str("ParentJobId", j.ParentJobId);
            w.WriteEndObject();
        }

        private HttpResponseData DescribeRestoreJob(CallContext ctx, string[] a, JsonElement body)
        {
            var j = ctx.State.RestoreJobs.TryGet(a[0], out var r) ? r : throw NotFound($"Cannot find restore job {a[0]}.");
            return TopLevel(w => WriteRestoreJob(w, j, ctx.Now));
        }

        private static HttpResponseData TopLevel(Action<Utf8JsonWriter> writeObject)
        {
            using var ms = new System.IO.MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
            {
                writeObject(w);
            }

            var r = new HttpResponseData(200, ms.ToArray(), "application/json");
            return r;
        }

        private HttpResponseData ListRestoreJobs(CallContext ctx, string[] a, JsonElement body)
        {
            var byStatus = Q(ctx, "status");
            var byType = Q(ctx, "resourceType");
            var byAccount = Q(ctx, "accountId");
            var byParent = Q(ctx, "parentJobId");
            var completeBefore = Wire.ParseTime(Q(ctx, "completeBefore"), "completeBefore");
            var completeAfter = Wire.ParseTime(Q(ctx, "completeAfter"), "completeAfter");
            var now = ctx.Now;
            return ListJobs(ctx, ctx.State.RestoreJobs, "RestoreJobs", "rj",
                Wire.ParseTime(Q(ctx, "createdBefore"), "createdBefore"), Wire.ParseTime(Q(ctx, "createdAfter"), "createdAfter"),
                j => (byStatus == null || RestoreStatus(j.StateAt(now)) == byStatus) && (byType == null || j.ResourceType == byType)
                    && (byAccount == null || j.AccountId == byAccount) && (byParent == null || j.ParentJobId == byParent)
                    && CompletedWithin(j, now, completeBefore, completeAfter),
                (w, j) => WriteRestoreJob(w, j, now));
        }

        // ---------- copy jobs ----------

        private HttpResponseData StartCopyJob(CallContext ctx, string[] a, JsonElement body)
        {
            var st = ctx.State;
            var rpArn = Req(body, "RecoveryPointArn");
            var sourceVault = Req(body, "SourceBackupVaultName");
            var destArnText = Req(body, "DestinationBackupVaultArn");
            CheckRole(S(body, "IamRoleArn"));
            CheckLifecycle(body);
            var token = S(body, "IdempotencyToken");
            var prior = Idempotent(st, "StartCopyJob", token);
            if (prior != null && st.CopyJobs.TryGet(prior, out var same))
            {
                return CopyAnswer(same);
            }

            var rp = RecoveryPointOf(st, sourceVault, rpArn);
            if (!Arn.TryParse(destArnText, out var destArn) || destArn!.Service != "backup" || !destArn.Resource.StartsWith("backup-vault:", StringComparison.Ordinal))
            {
                throw Invalid($"Invalid DestinationBackupVaultArn '{destArnText}'.");
            }

            var dest = ctx.World.Get(destArn.AccountId, destArn.Region);
            if (!dest.Vaults.ContainsKey(destArn.Resource.Substring("backup-vault:".Length)))
            {
                throw NotFound($"Destination backup vault {destArnText} does not exist.");
            }

            var id = ctx.Server.NewGuid().ToUpperInvariant();
            var job = new CopyJob
            {
                Id = id, AccountId = st.AccountId, Region = st.Region, CreationDate = ctx.Now, Duration = ctx.Server.JobDuration,
                SourceRecoveryPointArn = rp.Arn, SourceVaultArn = rp.VaultArn, DestinationVaultArn = destArnText, ResourceArn = rp.ResourceArn,
                ResourceType = rp.ResourceType, IamRoleArn = S(body, "IamRoleArn")!, SizeInBytes = rp.SizeInBytes,
                LifecycleJson = body.TryGetProperty("Lifecycle", out var lc) ? lc.GetRawText() : null,
            };
            if (ctx.Server.FailureRate > 0 && ctx.Server.NextRandom() < ctx.Server.FailureRate)
            {
                job.FailureMessage = "The copy failed (sandbox FailureRate).";
            }

            st.CopyJobs.Add(job);
            ctx.World.Active.Add(job);
            Remember(st, "StartCopyJob", token, id);
            return CopyAnswer(job);
        }

        private static HttpResponseData CopyAnswer(CopyJob job) => Ok(w =>
        {
            w.WriteString("CopyJobId", job.Id);
            w.Date("CreationDate", job.CreationDate);
            w.WriteBoolean("IsParent", false);
        });

        private static void WriteCopyJob(Utf8JsonWriter w, CopyJob j, DateTime now)
        {
            var state = j.StateAt(now);
            if (state == "CREATED" || state == "PENDING")
            {
                state = "CREATED";
            }

            w.WriteStartObject();
            w.WriteString("AccountId", j.AccountId);
            w.WriteString("CopyJobId", j.Id);
            w.WriteString("SourceBackupVaultArn", j.SourceVaultArn);
            w.WriteString("SourceRecoveryPointArn", j.SourceRecoveryPointArn);
            w.WriteString("DestinationBackupVaultArn", j.DestinationVaultArn);
            w.Str("DestinationRecoveryPointArn", j.DestinationRecoveryPointArn);
            w.WriteString("ResourceArn", j.ResourceArn);
            w.Date("CreationDate", j.CreationDate);
            w.Date("CompletionDate", j.CompletedAt(now));
            w.WriteString("State", state);
            w.Str("StatusMessage", j.StatusMessage ?? (state == "FAILED" ? j.FailureMessage : null));
            w.WriteNumber("BackupSizeInBytes", j.SizeInBytes);
            w.WriteString("IamRoleArn", j.IamRoleArn);
            w.WriteString("ResourceType", j.ResourceType);
            w.WriteBoolean("IsParent", false);
            w.Str("ParentJobId", j.ParentJobId);
            if (JobBase.IsTerminal(state))
            {
                w.WriteString("MessageCategory", Category(j, now));
            }

            w.WriteEndObject();
        }

        private HttpResponseData DescribeCopyJob(CallContext ctx, string[] a, JsonElement body)
        {
            var j = ctx.State.CopyJobs.TryGet(a[0], out var c) ? c : throw NotFound($"Cannot find copy job {a[0]}.");
            return Ok(w =>
            {
                w.WritePropertyName("CopyJob");
                WriteCopyJob(w, j, ctx.Now);
            });
        }

        private HttpResponseData ListCopyJobs(CallContext ctx, string[] a, JsonElement body)
        {
            var byResource = Q(ctx, "resourceArn");
            var byState = Q(ctx, "state");
            var byType = Q(ctx, "resourceType");
            var byDest = Q(ctx, "destinationVaultArn");
            var byAccount = Q(ctx, "accountId");
            var byParent = Q(ctx, "parentJobId");
            var byCategory = Q(ctx, "messageCategory");
            var bySource = Q(ctx, "sourceRecoveryPointArn");
            var completeBefore = Wire.ParseTime(Q(ctx, "completeBefore"), "completeBefore");
            var completeAfter = Wire.ParseTime(Q(ctx, "completeAfter"), "completeAfter");
            var now = ctx.Now;
            return ListJobs(ctx, ctx.State.CopyJobs, "CopyJobs", "cj",
                Wire.ParseTime(Q(ctx, "createdBefore"), "createdBefore"), Wire.ParseTime(Q(ctx, "createdAfter"), "createdAfter"),
                j => (byResource == null || j.ResourceArn == byResource) && (byState == null || j.StateAt(now) == byState || (byState == "CREATED" && j.StateAt(now) == "PENDING"))
                    && (byType == null || j.ResourceType == byType) && (byDest == null || j.DestinationVaultArn == byDest)
                    && (byAccount == null || j.AccountId == byAccount) && (byParent == null || j.ParentJobId == byParent)
                    && (byCategory == null || Category(j, now).Equals(byCategory, StringComparison.OrdinalIgnoreCase))
                    && (bySource == null || j.SourceRecoveryPointArn == bySource) && CompletedWithin(j, now, completeBefore, completeAfter),
                (w, j) => WriteCopyJob(w, j, now));
        }

        // ---------- tags ----------

        private static TagSet TagsOf(RegionState st, string arn)
        {
            if (st.BackupTags.TryGetValue(arn, out var tags))
            {
                return tags;
            }

            if (st.RecoveryPoints.ContainsKey(arn))
            {
                tags = new TagSet();
                st.BackupTags[arn] = tags;
                return tags;
            }

            throw NotFound($"Resource {arn} not found.");
        }

        private HttpResponseData TagResource(CallContext ctx, string[] a, JsonElement body)
        {
            if (!body.TryGetProperty("Tags", out var t) || t.ValueKind != JsonValueKind.Object)
            {
                throw Missing("Tags");
            }

            var tags = TagsOf(ctx.State, a[0]);
            foreach (var kv in StrMap(body, "Tags"))
            {
                if (kv.Key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                {
                    throw Invalid($"Tag keys starting with 'aws:' are reserved: {kv.Key}.");
                }

                tags[kv.Key] = kv.Value;
            }

            return Empty();
        }

        private HttpResponseData ListTags(CallContext ctx, string[] a, JsonElement body)
        {
            var tags = TagsOf(ctx.State, a[0]);
            return Ok(w => w.Map("Tags", tags));
        }
    }
}
