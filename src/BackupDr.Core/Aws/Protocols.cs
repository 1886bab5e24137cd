using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace BackupDr.Core.Aws
{
    /// <summary>Builds rest-json request bodies with Utf8JsonWriter: members are written only when set.</summary>
    public sealed class JsonBody
    {
        private readonly MemoryStream _stream = new MemoryStream();
        private readonly Utf8JsonWriter _writer;

        public JsonBody()
        {
            _writer = new Utf8JsonWriter(_stream);
            _writer.WriteStartObject();
        }

        public Utf8JsonWriter Writer => _writer;

        public JsonBody String(string name, string? value)
        {
            if (value != null)
            {
                _writer.WriteString(name, value);
            }

            return this;
        }

        public JsonBody Number(string name, long? value)
        {
            if (value != null)
            {
                _writer.WriteNumber(name, value.Value);
            }

            return this;
        }

        public JsonBody Bool(string name, bool? value)
        {
            if (value != null)
            {
                _writer.WriteBoolean(name, value.Value);
            }

            return this;
        }

        /// <summary>rest-json bodies carry timestamps as epoch seconds.</summary>
        public JsonBody Timestamp(string name, DateTime? value)
        {
            if (value != null)
            {
                _writer.WriteNumber(name, AwsEncoding.ToEpochSeconds(value.Value));
            }

            return this;
        }

        public JsonBody Map(string name, IEnumerable<KeyValuePair<string, string>>? map)
        {
            if (map != null)
            {
                _writer.WriteStartObject(name);
                foreach (var kv in map)
                {
                    _writer.WriteString(kv.Key, kv.Value);
                }

                _writer.WriteEndObject();
            }

            return this;
        }

        public JsonBody Object(string name, Action<JsonBody>? write)
        {
            if (write != null)
            {
                _writer.WriteStartObject(name);
                write(this);
                _writer.WriteEndObject();
            }

            return this;
        }

        public byte[] ToBytes()
        {
            _writer.WriteEndObject();
            _writer.Flush();
            return _stream.ToArray();
        }
    }

    /// <summary>Typed reads from rest-json answers; absent or null members read as null.</summary>
    public static class JsonRead
    {
        public static JsonElement Parse(byte[] body)
        {
            if (body.Length == 0)
            {
                return default;
            }

            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.Clone();
        }

        public static bool TryGet(this JsonElement e, string name, out JsonElement value)
        {
            value = default;
            return e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
        }

        public static string? Str(this JsonElement e, string name) =>
            e.TryGet(name, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;

        public static long? Long(this JsonElement e, string name) =>
            e.TryGet(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : (long?)null;

        public static int? Int(this JsonElement e, string name) =>
            e.TryGet(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : (int?)null;

        public static bool? Bool(this JsonElement e, string name) =>
            e.TryGet(name, out var v) && (v.ValueKind == JsonValueKind.True || v.ValueKind == JsonValueKind.False) ? v.GetBoolean() : (bool?)null;

        /// <summary>Timestamps arrive as epoch seconds (number) and, from some peers, as ISO 8601 strings.</summary>
        public static DateTime? Date(this JsonElement e, string name)
        {
            if (!e.TryGet(name, out var v))
            {
                return null;
            }

            if (v.ValueKind == JsonValueKind.Number)
            {
                return AwsEncoding.FromEpochSeconds(v.GetDouble());
            }

            if (v.ValueKind == JsonValueKind.String)
            {
                var s = v.GetString()!;
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs) ? AwsEncoding.FromEpochSeconds(secs) : AwsEncoding.ParseIso8601(s);
            }

            return null;
        }

        public static IReadOnlyDictionary<string, string> StrMap(this JsonElement e, string name)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            if (e.TryGet(name, out var v) && v.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in v.EnumerateObject())
                {
                    map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? string.Empty : p.Value.GetRawText();
                }
            }

            return map;
        }

        public static IEnumerable<JsonElement> Items(this JsonElement e, string name) =>
            e.TryGet(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : Enumerable.Empty<JsonElement>();

        public static IReadOnlyList<string> StrList(this JsonElement e, string name) =>
            e.Items(name).Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).ToList();
    }

    /// <summary>
    /// Parameters of a query-protocol call (RDS 'query', EC2 'ec2'): Action and Version plus flattened members,
    /// sent as a form-encoded POST body.
    /// </summary>
    public sealed class QueryParams
    {
        private readonly List<KeyValuePair<string, string>> _pairs = new List<KeyValuePair<string, string>>();

        public QueryParams(AwsService service, string action)
        {
            Service = service;
            Action = action;
            _pairs.Add(new KeyValuePair<string, string>("Action", action));
            _pairs.Add(new KeyValuePair<string, string>("Version", service.ApiVersion));
        }

        public AwsService Service { get; }
        public string Action { get; }
        public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

        public QueryParams Add(string name, string? value)
        {
            if (value != null)
            {
                _pairs.Add(new KeyValuePair<string, string>(name, value));
            }

            return this;
        }

        public QueryParams Add(string name, long? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

        public QueryParams Add(string name, bool? value) => Add(name, value == null ? null : (value.Value ? "true" : "false"));

        public QueryParams Add(string name, DateTime? value) => Add(name, value == null ? null : AwsEncoding.ToIso8601(value.Value));

        /// <summary>A list: prefix.1, prefix.2, ... (callers pass 'X.member' for RDS lists, 'X' for EC2's flattened lists).</summary>
        public QueryParams AddList(string prefix, IEnumerable<string>? values)
        {
            if (values != null)
            {
                var i = 1;
                foreach (var v in values)
                {
                    Add($"{prefix}.{i++}", v);
                }
            }

            return this;
        }

        /// <summary>A list of structures: write(index-prefixed name, item) for each item, 1-based.</summary>
        public QueryParams AddStructList<T>(string prefix, IEnumerable<T>? items, Action<string, T> write)
        {
            if (items != null)
            {
                var i = 1;
                foreach (var item in items)
                {
                    write($"{prefix}.{i++}", item);
                }
            }

            return this;
        }

        public AwsRequest ToRequest()
        {
            var request = new AwsRequest(Service, Action, HttpMethod.Post, "/")
            {
                Body = Encoding.UTF8.GetBytes(AwsEncoding.FormEncode(_pairs)),
                ContentType = "application/x-www-form-urlencoded; charset=utf-8",
            };
            return request;
        }
    }

    /// <summary>Namespace-agnostic reads from query/EC2 XML answers.</summary>
    public static class XmlRead
    {
        public static XDocument Parse(byte[] body)
        {
            using var stream = new MemoryStream(body);
            return XDocument.Load(stream);
        }

        public static XElement? El(this XContainer e, string name) => e.Elements().FirstOrDefault(x => x.Name.LocalName == name);

        /// <summary>The first descendant with this local name (e.g. the *Result element of an answer).</summary>
        public static XElement? Find(this XContainer e, string name) => e.Descendants().FirstOrDefault(x => x.Name.LocalName == name);

        public static string? Str(this XContainer e, string name) => e.El(name)?.Value;

        public static long? Long(this XContainer e, string name) =>
            long.TryParse(e.Str(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (long?)null;

        public static int? Int(this XContainer e, string name) =>
            int.TryParse(e.Str(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null;

        public static bool? Bool(this XContainer e, string name) =>
            e.Str(name) is string s ? string.Equals(s, "true", StringComparison.OrdinalIgnoreCase) : (bool?)null;

        public static DateTime? Date(this XContainer e, string name) =>
            e.Str(name) is string s && s.Length > 0 ? AwsEncoding.ParseIso8601(s) : (DateTime?)null;

        /// <summary>Children of a list wrapper: items('DBInstances', 'DBInstance') or EC2's items('volumeSet', 'item').</summary>
        public static IEnumerable<XElement> Items(this XContainer e, string wrapper, string item) =>
            e.El(wrapper)?.Elements().Where(x => x.Name.LocalName == item) ?? Enumerable.Empty<XElement>();
    }
}
