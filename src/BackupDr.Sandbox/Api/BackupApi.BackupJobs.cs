using System;
using System.Linq;
using System.Text.Json;
using Arn = BackupDr.Core.Model.Arn;
using BackupDr.Sandbox.Http;
using BackupDr.Sandbox.Protocol;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox.Api
{
    /// <summary>Backup jobs: start (idempotent by token, sandbox FailureRate), describe, stop, list.</summary>
    internal sealed partial class BackupApi
    {
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
            var cached = j.ListItemJson;
            if (cached != null)
            {
                w.WriteRawValue(cached, skipInputValidation: true);
                return;
            }

            if (j.FixedState != null && JobBase.IsTerminal(j.FixedState))
            {
                // A seeded finished job answers the same forever: write it once, then copy it (1,000,000-job listings).
                using var ms = new System.IO.MemoryStream(768);
                using (var inner = new Utf8JsonWriter(ms))
                {
                    WriteBackupJobFields(inner, j, now);
                }

                j.ListItemJson = cached = ms.ToArray();
                w.WriteRawValue(cached, skipInputValidation: true);
                return;
            }

            WriteBackupJobFields(w, j, now);
        }

        private static void WriteBackupJobFields(Utf8JsonWriter w, BackupJob j, DateTime now)
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

            // ByAccountId: a member's jobs, or '*' for the organization (BackupApi.Accounts.cs).
            var visible = BackupJobsVisibleTo(ctx, byAccount);
            byAccount = byAccount == "*" ? null : byAccount;
            return ListJobs(ctx, visible, "BackupJobs", "bj", createdBefore, createdAfter, j =>
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
    }
}
