using System;
using System.Linq;
using System.Text.Json;
using Arn = BackupDr.Core.Model.Arn;
using BackupDr.Sandbox.Http;
using BackupDr.Sandbox.Protocol;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox.Api
{
    /// <summary>Recovery points by vault and by resource, their restore metadata, and the protected resources they imply.</summary>
    internal sealed partial class BackupApi
    {
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
    }
}
