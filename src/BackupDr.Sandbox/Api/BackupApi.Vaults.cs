using System;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using BackupDr.Sandbox.Http;
using BackupDr.Sandbox.Protocol;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox.Api
{
    /// <summary>Backup vaults: create (idempotent by CreatorRequestId), describe, delete when empty, list.</summary>
    internal sealed partial class BackupApi
    {
        private static readonly Regex VaultName = new Regex("^[a-zA-Z0-9\\-_]{2,50}$", RegexOptions.CultureInvariant);

        private static Vault VaultOf(RegionState st, string name) =>
            st.Vaults.TryGetValue(name, out var v) ? v : throw NotFound($"Backup vault {name} does not exist in {st.Region} for account {st.AccountId}.");

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
    }
}
