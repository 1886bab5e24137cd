using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Model;

namespace BackupDr.Core.Aws
{
    /// <summary>The operations on resources as AWS Backup sees them: the protected ones, and the tags of any Backup resource.</summary>
    public sealed partial class BackupClient
    {
        public IAsyncEnumerable<ProtectedResource> ListProtectedResourcesAsync(CancellationToken cancellationToken) =>
            PagesAsync("ListProtectedResources", "/resources/", null, null, "Results", BackupWire.ReadProtectedResource, cancellationToken);

        public async Task TagResourceAsync(string resourceArn, IDictionary<string, string> tags, CancellationToken cancellationToken)
        {
            Require(resourceArn, nameof(resourceArn));
            if (tags == null)
            {
                throw new ArgumentNullException(nameof(tags));
            }

            var body = BackupWire.TagResourceBody(tags);
            await SendAsync(JsonRequest("TagResource", HttpMethod.Post, "/tags/" + Seg(resourceArn), body), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>All tags of the resource; ListTags pages are merged into one map.</summary>
        public async Task<IReadOnlyDictionary<string, string>> ListTagsAsync(string resourceArn, CancellationToken cancellationToken)
        {
            Require(resourceArn, nameof(resourceArn));
            var pages = AwsPaging.PagesAsync(
                (next, ct) => SendAsync(new AwsRequest(AwsService.Backup, "ListTags", HttpMethod.Get, "/tags/" + Seg(resourceArn) + "/").AddQuery("nextToken", next), ct),
                (json, _) => json.StrMap("Tags"),
                json => json.Str("NextToken"),
                () => PaginationLoop("ListTags"),
                cancellationToken);

            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            await foreach (var kv in pages.ConfigureAwait(false))
            {
                tags[kv.Key] = kv.Value;
            }

            return tags;
        }
    }
}
