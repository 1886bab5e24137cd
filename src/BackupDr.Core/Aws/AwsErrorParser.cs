using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace BackupDr.Core.Aws
{
    /// <summary>A parsed AWS error answer: code, message and request id.</summary>
    public sealed class AwsErrorInfo
    {
        public AwsErrorInfo(string code, string message, string? requestId)
        {
            Code = code;
            Message = message;
            RequestId = requestId;
        }

        public string Code { get; }
        public string Message { get; }
        public string? RequestId { get; }
    }

    /// <summary>
    /// Reads AWS errors in the three dialects BackupDr meets: rest-json (x-amzn-ErrorType / __type),
    /// query XML (ErrorResponse/Error, RDS) and EC2 XML (Response/Errors/Error).
    /// </summary>
    public static class AwsErrorParser
    {
        public static AwsErrorInfo Parse(int statusCode, byte[] body, IReadOnlyDictionary<string, string> headers)
        {
            var headerRequestId = RequestIdFromHeaders(headers);
            string? code = null;
            string? message = null;
            string? requestId = null;

            if (headers.TryGetValue("x-amzn-ErrorType", out var errorType) && !string.IsNullOrEmpty(errorType))
            {
                code = CleanCode(errorType);
            }

            var text = body.Length == 0 ? string.Empty : Encoding.UTF8.GetString(body).Trim();
            if (text.StartsWith("{", StringComparison.Ordinal))
            {
                TryJson(text, ref code, ref message);
            }
            else if (text.StartsWith("<", StringComparison.Ordinal))
            {
                TryXml(text, ref code, ref message, ref requestId);
            }

            code ??= DefaultCode(statusCode);
            message ??= string.IsNullOrEmpty(text) ? $"The service answered HTTP {statusCode} with no error body." : Truncate(text, 500);
            return new AwsErrorInfo(code, message, requestId ?? headerRequestId);
        }

        public static string? RequestIdFromHeaders(IReadOnlyDictionary<string, string> headers)
        {
            foreach (var name in new[] { "x-amzn-RequestId", "x-amz-request-id", "x-amzn-requestid" })
            {
                if (headers.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v))
                {
                    return v;
                }
            }

            return null;
        }

        /// <summary>Request id from an XML success body (RDS ResponseMetadata/RequestId, EC2 requestId).</summary>
        public static string? RequestIdFromXml(XDocument doc)
        {
            var el = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "RequestId" || e.Name.LocalName == "requestId" || e.Name.LocalName == "RequestID");
            return el?.Value;
        }

        private static void TryJson(string text, ref string? code, ref string? message)
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return;
                }

                foreach (var prop in doc.RootElement.EnumerateObject())
                {
                    var name = prop.Name;
                    if (prop.Value.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    if (code == null && (name == "__type" || name.Equals("code", StringComparison.OrdinalIgnoreCase)))
                    {
                        code = CleanCode(prop.Value.GetString() ?? string.Empty);
                    }
                    else if (message == null && name.Equals("message", StringComparison.OrdinalIgnoreCase))
                    {
                        message = prop.Value.GetString();
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: the caller falls back to the status code.
            }
        }

        private static void TryXml(string text, ref string? code, ref string? message, ref string? requestId)
        {
            try
            {
                var doc = XDocument.Parse(text);
                var error = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
                if (error != null)
                {
                    code ??= error.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
                    message ??= error.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
                }

                requestId = RequestIdFromXml(doc);
            }
            catch (System.Xml.XmlException)
            {
                // Not XML after all.
            }
        }

        /// <summary>Strips the namespace ('com.amazonaws.backup#X') and the URL suffix ('X:http://...') from a code.</summary>
        public static string CleanCode(string raw)
        {
            var code = raw.Trim();
            var colon = code.IndexOf(':');
            if (colon >= 0)
            {
                code = code.Substring(0, colon);
            }

            var hash = code.LastIndexOf('#');
            if (hash >= 0)
            {
                code = code.Substring(hash + 1);
            }

            return code;
        }

        private static string DefaultCode(int statusCode) => statusCode switch
        {
            400 => "BadRequest",
            401 => "Unauthorized",
            403 => "AccessDenied",
            404 => "NotFound",
            429 => "TooManyRequests",
            500 => "InternalFailure",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            _ => "Http" + statusCode,
        };

        private static string Truncate(string text, int max) => text.Length <= max ? text : text.Substring(0, max) + "...";
    }
}
