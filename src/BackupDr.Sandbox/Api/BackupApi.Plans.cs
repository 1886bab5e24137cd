using System.Linq;
using System.Text.Json;
using BackupDr.Sandbox.Http;
using BackupDr.Sandbox.Protocol;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox.Api
{
    /// <summary>Backup plans with their versions, and the resource selections assigned to them.</summary>
    internal sealed partial class BackupApi
    {
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

        private HttpResponseData GetBackupSelection(CallContext ctx, string[] a, JsonElement body)
        {
            var p = PlanOf(ctx.State, a[0]);
            var s = p.Selections.FirstOrDefault(x => x.Id == a[1])
                ?? throw NotFound($"Failed reading Backup selection {a[1]} of plan {p.Id}: not found.");
            return Ok(w =>
            {
                w.WritePropertyName("BackupSelection");
                using (var doc = JsonDocument.Parse(s.SelectionJson))
                {
                    doc.RootElement.WriteTo(w);
                }

                w.WriteString("SelectionId", s.Id);
                w.WriteString("BackupPlanId", p.Id);
                w.Date("CreationDate", s.CreationDate);
                w.Str("CreatorRequestId", s.CreatorRequestId);
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
    }
}
