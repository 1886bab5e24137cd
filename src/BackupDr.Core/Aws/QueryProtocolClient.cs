using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// What RDS ('query') and EC2 ('ec2') share, so each client holds only its dialect: form-encoded POSTs
    /// (<see cref="QueryParams"/>), XML answers, token paging and <see cref="PageSize"/>. The derived client
    /// names its page-size and token members and says where an answer's result members sit.
    /// </summary>
    public abstract class QueryProtocolClient
    {
        private readonly IAwsTransport _transport;
        private readonly string _pageSizeMember;
        private readonly string _tokenMember;
        private readonly string _answerTokenMember;
        private readonly string _pageSizeRange;
        private int? _pageSize;

        /// <param name="transport">Signs and sends the calls.</param>
        /// <param name="service">The service every call goes to (its API version is sent as Version).</param>
        /// <param name="pageSizeMember">The request member carrying <see cref="PageSize"/> (MaxRecords, MaxResults).</param>
        /// <param name="tokenMember">The request member carrying the next page's token (Marker, NextToken).</param>
        /// <param name="answerTokenMember">The answer member carrying it (Marker, nextToken).</param>
        /// <param name="pageSizeRange">The page sizes the service accepts, for the error message.</param>
        private protected QueryProtocolClient(IAwsTransport transport, AwsService service, string pageSizeMember, string tokenMember, string answerTokenMember, string pageSizeRange)
        {
            _transport = transport ?? throw new ArgumentNullException(nameof(transport));
            Service = service;
            _pageSizeMember = pageSizeMember;
            _tokenMember = tokenMember;
            _answerTokenMember = answerTokenMember;
            _pageSizeRange = pageSizeRange;
        }

        public AwsContext Context => _transport.Context;

        /// <summary>
        /// Page size sent with every listing (RDS MaxRecords, 20-100; EC2 MaxResults, 5-1000, DescribeVolumes up
        /// to 500); null lets the service choose. EC2 leaves it out with explicit ids, which it refuses to combine with MaxResults.
        /// </summary>
        public int? PageSize
        {
            get => _pageSize;
            set
            {
                if (value != null && value.Value < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(PageSize), value, $"PageSize must be positive ({Service.Name} accepts {_pageSizeRange}).");
                }

                _pageSize = value;
            }
        }

        private protected AwsService Service { get; }

        /// <summary>A call's parameters, starting with Action and this service's Version.</summary>
        private protected QueryParams Query(string action) => new QueryParams(Service, action);

        /// <summary>
        /// Streams a listing page by page: members, then the page size (when <paramref name="pageable"/>), then
        /// the token; the token is followed until the service stops sending one.
        /// </summary>
        private protected IAsyncEnumerable<T> ListAsync<T>(string action, Action<QueryParams> members, bool pageable, Func<XElement, IEnumerable<T>> read, CancellationToken cancellationToken) =>
            AwsPaging.PagesAsync(
                (token, ct) =>
                {
                    var q = Query(action);
                    members(q);
                    q.Add(_pageSizeMember, pageable ? PageSize : null).Add(_tokenMember, token);
                    return CallAsync(q, ct);
                },
                (result, _) => read(result),
                result => result.Str(_answerTokenMember),
                () => new InvalidOperationException($"{Service.Name} {action} returned the same {_tokenMember} twice; stopping to avoid an endless listing."),
                cancellationToken);

        /// <summary>Sends the call and returns the element holding its result members (see <see cref="ResultOf"/>); an empty answer reads as an empty one.</summary>
        private protected async Task<XElement> CallAsync(QueryParams q, CancellationToken cancellationToken)
        {
            using var response = await _transport.SendAsync(q.ToRequest(), cancellationToken).ConfigureAwait(false);
            var root = response.Body.Length == 0 ? null : XmlRead.Parse(response.Body).Root;
            return ResultOf(root ?? new XElement(q.Action + "Response"), q.Action);
        }

        /// <summary>Where the result members sit in the &lt;ActionResponse&gt; root: the dialects differ (RDS wraps them in &lt;ActionResult&gt;, EC2 does not).</summary>
        private protected abstract XElement ResultOf(XElement root, string action);

        private protected static void Require(string? value, string parameterName)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"{parameterName} is required.", parameterName);
            }
        }

        private protected static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

        /// <summary>A member's text, an empty element reading as absent.</summary>
        private protected static string? S(XElement e, string name) => NullIfEmpty(e.Str(name));
    }
}
