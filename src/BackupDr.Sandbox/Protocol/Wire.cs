using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security;
using System.Text;
using System.Text.Json;
using BackupDr.Sandbox.Http;

namespace BackupDr.Sandbox.Protocol
{
    /// <summary>The error dialects AWS answers in.</summary>
    internal enum Dialect
    {
        RestJson,
        Query,
        Ec2,
    }

    /// <summary>An AWS error a handler raises; the server writes it in the caller's dialect.</summary>
    internal sealed class SandboxError : Exception
    {
        public SandboxError(int status, string code, string message, bool sender = true)
            : base(message)
        {
            Status = status;
            Code = code;
            Sender = sender;
        }

        public int Status { get; }
        public string Code { get; }
        public bool Sender { get; }
    }

    internal static class Wire
    {
        public const string RdsNs = "http://rds.amazonaws.com/doc/2014-10-31/";
        public const string Ec2Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";

        public static HttpResponseData Error(Dialect dialect, SandboxError e, string requestId)
        {
            HttpResponseData r;
            switch (dialect)
            {
                case Dialect.RestJson:
                    r = Json(e.Status, w =>
                    {
                        w.WriteString("__type", e.Code);
                        w.WriteString("Code", e.Code);
                        w.WriteString("Message", e.Message);
                        w.WriteString("Type", e.Sender ? "User" : "Server");
                    });
                    r.Headers["x-amzn-ErrorType"] = e.Code;
                    break;
                case Dialect.Query:
                    r = Xml(e.Status, $"<ErrorResponse xmlns=\"{RdsNs}\"><Error><Type>{(e.Sender ? "Sender" : "Receiver")}</Type><Code>{Esc(e.Code)}</Code><Message>{Esc(e.Message)}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>");
                    break;
                default:
                    r = Xml(e.Status, $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{Esc(e.Code)}</Code><Message>{Esc(e.Message)}</Message></Error></Errors><RequestID>{requestId}</RequestID></Response>");
                    break;
            }

            r.Headers["x-amzn-RequestId"] = requestId;
            return r;
        }

        /// <summary>A JSON answer written into a rented buffer (the server gives it back once the answer is sent).</summary>
        public static HttpResponseData Json(int status, Action<Utf8JsonWriter> write)
        {
            var buffer = new RentedBufferWriter();
            try
            {
                using (var w = new Utf8JsonWriter(buffer))
                {
                    w.WriteStartObject();
                    write(w);
                    w.WriteEndObject();
                }

                return buffer.Detach(status, "application/json");
            }
            finally
            {
                buffer.Dispose();
            }
        }

        public static HttpResponseData Xml(int status, string xml) => new HttpResponseData(status, Encoding.UTF8.GetBytes(xml), "text/xml;charset=UTF-8");

        public static string Esc(string? s) => s == null ? string.Empty : SecurityElement.Escape(s) ?? string.Empty;

        public static string Iso(DateTime d) => d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        public static double Epoch(DateTime d) => Math.Round((d.ToUniversalTime() - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds, 3);

        /// <summary>Querystring timestamps: ISO 8601 (what SDKs send), epoch seconds accepted too.</summary>
        public static DateTime? ParseTime(string? s, string name)
        {
            if (string.IsNullOrEmpty(s))
            {
                return null;
            }

            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs))
            {
                return new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks((long)(secs * TimeSpan.TicksPerSecond));
            }

            if (DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d))
            {
                return d;
            }

            throw new SandboxError(400, "InvalidParameterValueException", $"Invalid timestamp for {name}: '{s}'.");
        }

        public static void Date(this Utf8JsonWriter w, string name, DateTime? d)
        {
            if (d.HasValue)
            {
                w.WriteNumber(name, Epoch(d.Value));
            }
        }

        public static void Str(this Utf8JsonWriter w, string name, string? s)
        {
            if (s != null)
            {
                w.WriteString(name, s);
            }
        }

        public static void Map(this Utf8JsonWriter w, string name, IEnumerable<KeyValuePair<string, string>> map)
        {
            w.WriteStartObject(name);
            foreach (var kv in map)
            {
                w.WriteString(kv.Key, kv.Value);
            }

            w.WriteEndObject();
        }

        /// <summary>Opaque paging token: base64 of a position.</summary>
        public static string Token(string kind, int position) => Convert.ToBase64String(Encoding.UTF8.GetBytes(kind + ":" + position.ToString(CultureInfo.InvariantCulture)));

        public static int? ReadToken(string? token, string kind, string errorCode = "InvalidParameterValueException")
        {
            if (string.IsNullOrEmpty(token))
            {
                return null;
            }

            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
                if (text.StartsWith(kind + ":", StringComparison.Ordinal) && int.TryParse(text.Substring(kind.Length + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pos) && pos >= 0)
                {
                    return pos;
                }
            }
            catch (FormatException)
            {
            }

            throw new SandboxError(400, errorCode, "The nextToken is not valid.");
        }
    }
}
