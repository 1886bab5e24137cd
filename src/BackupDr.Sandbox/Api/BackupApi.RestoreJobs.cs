using System;
using System.Text.Json;
using BackupDr.Sandbox.Http;
using BackupDr.Sandbox.Protocol;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox.Api
{
    /// <summary>Restore jobs: start from a recovery point with its metadata, describe, list.</summary>
    internal sealed partial class BackupApi
    {
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
    }
}
