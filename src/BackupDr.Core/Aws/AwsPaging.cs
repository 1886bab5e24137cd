using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace BackupDr.Core.Aws
{
    /// <summary>Token-paged listings as async iterators, written once for every protocol (rest-json NextToken, RDS Marker, EC2 NextToken).</summary>
    internal static class AwsPaging
    {
        /// <summary>
        /// One request per page (cancellation checked before each), items yielded as each page arrives (fetch
        /// and items get the enumerator's token), the token followed until the service stops sending one; a
        /// token that repeats the one just sent would loop forever, so it ends the listing with <paramref name="repeatedToken"/>.
        /// </summary>
        public static async IAsyncEnumerable<T> PagesAsync<TPage, T>(
            Func<string?, CancellationToken, Task<TPage>> fetchPage,
            Func<TPage, CancellationToken, IEnumerable<T>> items,
            Func<TPage, string?> nextToken,
            Func<Exception> repeatedToken,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            string? token = null;
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                var page = await fetchPage(token, cancellationToken).ConfigureAwait(false);
                foreach (var item in items(page, cancellationToken))
                {
                    yield return item;
                }

                var next = nextToken(page);
                next = string.IsNullOrEmpty(next) ? null : next;
                if (next != null && string.Equals(next, token, StringComparison.Ordinal))
                {
                    throw repeatedToken();
                }

                token = next;
            }
            while (token != null);
        }

        /// <summary>Filters a listing client-side, for members the wire cannot filter on.</summary>
        public static async IAsyncEnumerable<T> WhereAsync<T>(IAsyncEnumerable<T> source, Func<T, bool> predicate, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (predicate(item))
                {
                    yield return item;
                }
            }
        }
    }
}
