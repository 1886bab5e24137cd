using System;
using System.Text.Json;
using BackupDr.Sandbox.Http;
using BackupDr.Sandbox.Protocol;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox.Api
{
    /// <summary>Tags on vaults, plans and recovery points (TagResource, ListTags).</summary>
    internal sealed partial class BackupApi
    {
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
