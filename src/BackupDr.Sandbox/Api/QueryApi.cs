using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using BackupDr.Sandbox.Http;
using BackupDr.Sandbox.Protocol;

namespace BackupDr.Sandbox.Api
{
    /// <summary>Parameters of one query-protocol call, with list and structure-list readers.</summary>
    internal sealed class QueryArgs
    {
        private readonly Dictionary<string, string> _values;

        public QueryArgs(IEnumerable<KeyValuePair<string, string>> pairs, bool ec2)
        {
            _values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var kv in pairs)
            {
                _values[kv.Key] = kv.Value;
            }

            Ec2 = ec2;
        }

        public bool Ec2 { get; }

        public string? this[string name] => _values.TryGetValue(name, out var v) ? v : null;

        public string Req(string name) =>
            string.IsNullOrEmpty(this[name]) ? throw new SandboxError(400, "MissingParameter", $"The request must contain the parameter {name}.") : this[name]!;

        public int? Int(string name)
        {
            var s = this[name];
            if (s == null)
            {
                return null;
            }

            return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new SandboxError(400, Ec2 ? "InvalidParameterValue" : "InvalidParameterValue", $"Invalid value '{s}' for {name}.");
        }

        public bool? Bool(string name) => this[name] is string s ? string.Equals(s, "true", StringComparison.OrdinalIgnoreCase) : (bool?)null;

        /// <summary>Values of prefix.N (EC2 flattened) or prefix.member.N / prefix.ITEM.N (RDS), in index order.</summary>
        public List<string> List(string prefix)
        {
            var found = new SortedDictionary<int, string>();
            foreach (var kv in _values)
            {
                if (!kv.Key.StartsWith(prefix + ".", StringComparison.Ordinal))
                {
                    continue;
                }

                var rest = kv.Key.Substring(prefix.Length + 1).Split('.');
                var idx = rest.Length == 1 ? rest[0] : rest.Length == 2 ? rest[1] : null;
                if (idx != null && int.TryParse(idx, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                {
                    found[n] = kv.Value;
                }
            }

            return found.Values.ToList();
        }

        /// <summary>Structures of prefix.N.Field (EC2) or prefix.member.N.Field / prefix.Tag.N.Field (RDS): index → field → value.</summary>
        public List<Dictionary<string, string>> Structs(string prefix)
        {
            var found = new SortedDictionary<int, Dictionary<string, string>>();
            foreach (var kv in _values)
            {
                if (!kv.Key.StartsWith(prefix + ".", StringComparison.Ordinal))
                {
                    continue;
                }

                var rest = kv.Key.Substring(prefix.Length + 1).Split(new[] { '.' }, 3);
                int n;
                string field;
                if (int.TryParse(rest[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out n) && rest.Length >= 2)
                {
                    field = string.Join(".", rest.Skip(1));
                }
                else if (rest.Length == 3 && int.TryParse(rest[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out n))
                {
                    field = rest[2];
                }
                else
                {
                    continue;
                }

                if (!found.TryGetValue(n, out var d))
                {
                    d = new Dictionary<string, string>(StringComparer.Ordinal);
                    found[n] = d;
                }

                d[field] = kv.Value;
            }

            return found.Values.ToList();
        }

        /// <summary>Name and values of each filter (EC2 Filter.N.Name/Value.M; RDS Filters.Filter.N.Name/Values.Value.M).</summary>
        public List<KeyValuePair<string, List<string>>> Filters(string prefix)
        {
            var result = new List<KeyValuePair<string, List<string>>>();
            foreach (var s in Structs(prefix))
            {
                if (!s.TryGetValue("Name", out var name))
                {
                    continue;
                }

                var values = s.Where(kv => kv.Key.StartsWith("Value", StringComparison.Ordinal))
                    .OrderBy(kv => kv.Key.Length).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                    .Select(kv => kv.Value).ToList();
                result.Add(new KeyValuePair<string, List<string>>(name, values));
            }

            return result;
        }
    }

    /// <summary>The query protocols (RDS 'query', EC2 'ec2'): Action and Version in a form body or the query string.</summary>
    internal abstract class QueryApi : ApiBase
    {
        protected abstract string Version { get; }
        protected abstract bool IsEc2 { get; }

        /// <summary>XML namespace of query-protocol answers (RDS's unless a service says otherwise).</summary>
        protected virtual string Namespace => Wire.RdsNs;
        protected abstract Dictionary<string, Func<CallContext, QueryArgs, string>> Actions { get; }

        public override Func<CallContext, HttpResponseData> Resolve(HttpRequestData request, out string operation)
        {
            var pairs = new List<KeyValuePair<string, string>>(request.Query);
            var contentType = request.Header("Content-Type") ?? string.Empty;
            if (request.Body.Length > 0)
            {
                if (!contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
                {
                    operation = "Unknown";
                    throw new SandboxError(400, IsEc2 ? "InvalidParameterValue" : "MalformedQueryString", $"Unsupported Content-Type '{contentType}': query requests must be application/x-www-form-urlencoded.");
                }

                pairs.AddRange(HttpRequestData.ParseForm(Encoding.UTF8.GetString(request.Body)));
            }

            var args = new QueryArgs(pairs, IsEc2);
            var action = args["Action"];
            operation = action ?? "Unknown";
            if (string.IsNullOrEmpty(action))
            {
                throw new SandboxError(400, IsEc2 ? "MissingAction" : "MissingAction", "The request must contain the parameter Action.");
            }

            if (!Actions.TryGetValue(action!, out var handler))
            {
                throw new SandboxError(400, "InvalidAction", $"The action {action} is not valid for this web service.");
            }

            var version = args["Version"];
            if (string.IsNullOrEmpty(version))
            {
                throw new SandboxError(400, "MissingParameter", "The request must contain the parameter Version.");
            }

            if (version != Version)
            {
                throw new SandboxError(400, IsEc2 ? "InvalidParameterValue" : "InvalidParameterValue", $"Unsupported Version '{version}': the sandbox speaks {Version}.");
            }

            // EC2's DryRun: the caller may (the sandbox allows everything), so the answer is EC2's DryRunOperation.
            if (IsEc2 && args.Bool("DryRun") == true)
            {
                return _ => throw new SandboxError(412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.");
            }

            return ctx =>
            {
                var inner = handler(ctx, args);
                var xml = IsEc2
                    ? $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{action}Response xmlns=\"{Wire.Ec2Ns}\"><requestId>{ctx.RequestId}</requestId>{inner}</{action}Response>"
                    : $"<{action}Response xmlns=\"{Namespace}\"><{action}Result>{inner}</{action}Result><ResponseMetadata><RequestId>{ctx.RequestId}</RequestId></ResponseMetadata></{action}Response>";
                return Wire.Xml(200, xml);
            };
        }

        protected static string E(string name, string? value) => value == null ? string.Empty : $"<{name}>{Wire.Esc(value)}</{name}>";

        protected static string E(string name, bool value) => $"<{name}>{(value ? "true" : "false")}</{name}>";

        protected static string E(string name, int value) => $"<{name}>{value.ToString(CultureInfo.InvariantCulture)}</{name}>";

        protected static string E(string name, DateTime value) => $"<{name}>{Wire.Iso(value)}</{name}>";
    }
}
