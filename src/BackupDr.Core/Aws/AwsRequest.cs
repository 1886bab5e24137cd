using System;
using System.Collections.Generic;
using System.Net.Http;

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

    /// <summary>A successful answer: status, body, headers and the AWS request id.</summary>
    public sealed class AwsResponse
    {
        public AwsResponse(int statusCode, byte[] body, IReadOnlyDictionary<string, string> headers, string? requestId)
        {
            StatusCode = statusCode;
            Body = body;
            Headers = headers;
            RequestId = requestId;
        }

        public int StatusCode { get; }
        public byte[] Body { get; }
        public IReadOnlyDictionary<string, string> Headers { get; }
        public string? RequestId { get; }
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
