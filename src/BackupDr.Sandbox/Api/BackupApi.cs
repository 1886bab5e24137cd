using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using BackupDr.Sandbox.Http;
using BackupDr.Sandbox.Protocol;

namespace BackupDr.Sandbox.Api
{
    /// <summary>AWS Backup (rest-json 2018-11-15): routes by method and path, epoch-second timestamps in bodies.</summary>
    internal sealed partial class BackupApi : ApiBase
    {
        /// <summary>Every operation in one table, matched in this order; the handlers live in BackupApi.&lt;Resource&gt;.cs.</summary>
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
            Add("GET", "/backup/plans/{}/selections/{}", "GetBackupSelection", GetBackupSelection);
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
            Add("GET", "/audit/backup-job-summaries", "ListBackupJobSummaries", ListBackupJobSummaries);
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

        private static HttpResponseData Ok(Action<Utf8JsonWriter> write) => Wire.Json(200, write);

        private static HttpResponseData Empty() => Wire.Json(200, _ => { });

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
    }
}
