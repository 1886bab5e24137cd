using System;
using System.Text.Json;
using Arn = BackupDr.Core.Model.Arn;
using BackupDr.Sandbox.Http;
using BackupDr.Sandbox.Protocol;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox.Api
{
    /// <summary>Copy jobs: copy a recovery point into a vault of any region or account of the sandbox, describe, list.</summary>
    internal sealed partial class BackupApi
    {
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
    }
}
