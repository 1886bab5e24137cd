using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using BackupDr.Sandbox.Protocol;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox.Api
{
    /// <summary>Request members, AWS Backup's validation errors and idempotency tokens, read the same way by every handler.</summary>
    internal sealed partial class BackupApi
    {
        private static readonly Regex RoleArn = new Regex("^arn:aws[a-z-]*:iam::\\d{12}:role/.+$", RegexOptions.CultureInvariant);

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

        private static string? Idempotent(RegionState st, string op, string? token) =>
            token != null && st.IdempotencyTokens.TryGetValue(op + "|" + token, out var id) ? id : null;

        private static void Remember(RegionState st, string op, string? token, string id)
        {
            if (token != null)
            {
                st.IdempotencyTokens[op + "|" + token] = id;
            }
        }
    }
}
