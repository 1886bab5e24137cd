using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// AWS Backup over rest-json, built on <see cref="IAwsTransport"/>. Wire shapes follow the service
    /// model (botocore data/backup): path members percent-encoded, query timestamps in ISO 8601,
    /// bodies as JSON with epoch-second timestamps. Listings stream page by page.
    /// </summary>
    /// <remarks>
    /// Split along its seams: the operations by resource (BackupClient.Jobs, .Vaults, .Plans, .Resources: each
    /// the HTTP binding of its calls), the JSON shapes in <see cref="BackupWire"/>, the token loop in
    /// <see cref="AwsPaging"/>; this file holds what every operation shares.
    /// </remarks>
    public sealed partial class BackupClient : IBackupApi
    {
        private const string JsonContentType = "application/json";

        private readonly IAwsTransport _transport;

        public BackupClient(IAwsTransport transport)
        {
            _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        }

        public AwsContext Context => _transport.Context;

        /// <summary>
        /// Streams a listing: one GET per page (filters, then maxResults, then nextToken), items read with the
        /// client's region and yielded as each page arrives, cancellation checked before every request and every item.
        /// </summary>
        private IAsyncEnumerable<T> PagesAsync<T>(
            string operation,
            string path,
            Action<AwsRequest>? addFilters,
            int? maxResults,
            string itemsMember,
            Func<JsonElement, string, T> read,
            CancellationToken cancellationToken) =>
            AwsPaging.PagesAsync(
                (next, ct) =>
                {
                    var request = new AwsRequest(AwsService.Backup, operation, HttpMethod.Get, path);
                    addFilters?.Invoke(request);
                    request.AddQuery("maxResults", maxResults?.ToString(CultureInfo.InvariantCulture));
                    request.AddQuery("nextToken", next);
                    return SendAsync(request, ct);
                },
                (json, ct) => json.Items(itemsMember).Select(item =>
                {
                    ct.ThrowIfCancellationRequested();
                    return read(item, Context.Region);
                }),
                json => json.Str("NextToken"),
                () => PaginationLoop(operation),
                cancellationToken);

        /// <summary>A NextToken that repeats the one just sent would loop forever: the listing ends with this.</summary>
        private AwsServiceException PaginationLoop(string operation) =>
            new AwsServiceException(AwsService.Backup.Name, operation, 200, "PaginationLoop", "The service returned the same NextToken it was given; stopping to avoid an endless listing.", null, Context.Region);

        private async Task<JsonElement> SendAsync(AwsRequest request, CancellationToken cancellationToken)
        {
            using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
            try
            {
                return JsonRead.Parse(response.Body);
            }
            catch (JsonException ex)
            {
                throw new AwsServiceException(AwsService.Backup.Name, request.Operation, response.StatusCode, "MalformedResponse", "The answer was not valid JSON: " + ex.Message, response.RequestId, Context.Region, ex);
            }
        }

        private static AwsRequest JsonRequest(string operation, HttpMethod method, string path, JsonBody body) =>
            new AwsRequest(AwsService.Backup, operation, method, path)
            {
                Body = body.ToBytes(),
                ContentType = JsonContentType,
            };

        /// <summary>Generated once per call when the caller gave none, so a transport retry of this same request never starts a second job.</summary>
        private static string IdempotencyToken(string? given) => string.IsNullOrEmpty(given) ? Guid.NewGuid().ToString() : given!;

        private static string Seg(string value) => AwsEncoding.EncodePathSegment(value);

        private static string? Iso(DateTime? value) => value == null ? null : AwsEncoding.ToIso8601(value.Value);

        /// <summary>An empty path member would turn a Describe into a List (or worse); refuse before sending.</summary>
        private static void Require(string? value, string name)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"{name} is required and cannot be empty.", name);
            }
        }
    }
}
