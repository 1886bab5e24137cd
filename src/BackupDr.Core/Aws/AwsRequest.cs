using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;

namespace BackupDr.Core.Aws
{
    /// <summary>One AWS operation call before signing: where it goes and what it carries.</summary>
    public sealed class AwsRequest
    {
        public AwsRequest(AwsService service, string operation, HttpMethod method, string path)
        {
            Service = service;
            Operation = operation;
            Method = method;
            Path = path;
        }

        public AwsService Service { get; }
        public string Operation { get; }
        public HttpMethod Method { get; }

        /// <summary>Path relative to the endpoint, already percent-encoded (use <see cref="AwsEncoding.EncodePathSegment"/>).</summary>
        public string Path { get; }

        /// <summary>Query parameters (unencoded); order kept, repeated keys allowed.</summary>
        public List<KeyValuePair<string, string>> Query { get; } = new List<KeyValuePair<string, string>>();
        public Dictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public byte[]? Body { get; set; }
        public string? ContentType { get; set; }

        public AwsRequest AddQuery(string name, string? value)
        {
            if (value != null)
            {
                Query.Add(new KeyValuePair<string, string>(name, value));
            }

            return this;
        }
    }

    /// <summary>
    /// A successful answer: status, body, headers and the AWS request id. The transport reads the body into a buffer
    /// rented from the transport's pool: a caller that reads <see cref="Content"/> and disposes the answer
    /// gives it back (list pages are hundreds of kB each, and a fresh array per page cost more than reading it).
    /// <see cref="Body"/> is the body as its own array, valid after Dispose.
    /// </summary>
    public sealed class AwsResponse : IDisposable
    {
        private byte[]? _buffer;
        private byte[]? _body;
        private readonly ArrayPool<byte>? _pool;

        public AwsResponse(int statusCode, byte[] body, IReadOnlyDictionary<string, string> headers, string? requestId)
        {
            StatusCode = statusCode;
            _buffer = _body = body ?? throw new ArgumentNullException(nameof(body));
            Length = body.Length;
            Headers = headers;
            RequestId = requestId;
        }

        /// <summary>An answer owning the first <paramref name="length"/> bytes of a rented buffer.</summary>
        internal AwsResponse(int statusCode, byte[] rented, int length, IReadOnlyDictionary<string, string> headers, string? requestId, ArrayPool<byte> pool)
        {
            StatusCode = statusCode;
            _buffer = rented;
            _pool = pool;
            Length = length;
            Headers = headers;
            RequestId = requestId;
        }

        public int StatusCode { get; }

        /// <summary>The body as its own array (copied out of the rented buffer the first time it is asked for).</summary>
        public byte[] Body => _body ??= Content.ToArray();

        /// <summary>The body in place, without a copy; only until the answer is disposed.</summary>
        public ReadOnlySpan<byte> Content => (_buffer ?? throw new ObjectDisposedException(nameof(AwsResponse))).AsSpan(0, Length);

        /// <summary>Body length in bytes.</summary>
        public int Length { get; }

        public IReadOnlyDictionary<string, string> Headers { get; }
        public string? RequestId { get; }

        /// <summary>Returns a rented buffer to the pool; <see cref="Body"/> stays readable if it was read before.</summary>
        public void Dispose()
        {
            var rented = _pool != null ? Interlocked.Exchange(ref _buffer, null) : null;
            if (rented != null)
            {
                _pool!.Return(rented);
            }
        }
    }

    /// <summary>What the transport tells a logger after each call (never a secret).</summary>
    public sealed class AwsCallRecord
    {
        public AwsCallRecord(string service, string operation, string region, int attempts, TimeSpan duration, int statusCode, string? requestId, string? errorCode)
        {
            Service = service;
            Operation = operation;
            Region = region;
            Attempts = attempts;
            Duration = duration;
            StatusCode = statusCode;
            RequestId = requestId;
            ErrorCode = errorCode;
        }

        public string Service { get; }
        public string Operation { get; }
        public string Region { get; }
        public int Attempts { get; }
        public TimeSpan Duration { get; }
        public int StatusCode { get; }
        public string? RequestId { get; }
        public string? ErrorCode { get; }

        public override string ToString()
        {
            var outcome = ErrorCode == null ? $"HTTP {StatusCode}" : $"HTTP {StatusCode} {ErrorCode}";
            var attempts = Attempts > 1 ? $", {Attempts} attempts" : string.Empty;
            return $"{Service} {Operation} in {Region}: {outcome} in {Duration.TotalMilliseconds:0} ms{attempts} (request id {RequestId ?? "none"})";
        }
    }
}
