using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BackupDr.Core.Operations
{
    /// <summary>One value of a policy document (psd1 or JSON) with the line it was written on, so every rule can name the line.</summary>
    public sealed class PolicyValue
    {
        /// <summary>A scalar (string, number, bool or null).</summary>
        public PolicyValue(long line, object? scalar)
        {
            Line = line;
            Scalar = scalar;
        }

        /// <summary>A map (psd1 hashtable, JSON object), members in the order written.</summary>
        public PolicyValue(long line, IReadOnlyList<PolicyMember> members)
        {
            Line = line;
            Members = members ?? throw new ArgumentNullException(nameof(members));
        }

        /// <summary>1-based line of the value in its file.</summary>
        public long Line { get; }

        /// <summary>The scalar, when this is no map.</summary>
        public object? Scalar { get; }

        /// <summary>The members, when this is a map.</summary>
        public IReadOnlyList<PolicyMember>? Members { get; }

        public bool IsMap => Members != null;
    }

    /// <summary>A key of a policy map, with the line of the key.</summary>
    public sealed class PolicyMember
    {
        public PolicyMember(string name, long line, PolicyValue value)
        {
            Name = name;
            Line = line;
            Value = value;
        }

        public string Name { get; }

        public long Line { get; }

        public PolicyValue Value { get; }
    }

    /// <summary>A tier policy file that breaks a rule: TierPolicyInvalid, naming the file, the line and the rule.</summary>
    [Serializable]
    public sealed class TierPolicyException : DrValidationException
    {
        public TierPolicyException(string source, long line, string rule, Exception? inner = null)
            : base("TierPolicyInvalid", "PolicyPath", source, $"Tier policy {source}, line {line}: {rule} Nothing was sent.", DrErrorKind.InvalidData, inner)
        {
            PolicySource = source;
            LineNumber = line;
            Rule = rule;
        }

        /// <summary>The file (or "(text)") the policy came from.</summary>
        public string PolicySource { get; }

        /// <summary>1-based line the rule is broken on.</summary>
        public long LineNumber { get; }

        /// <summary>What is wrong there.</summary>
        public string Rule { get; }
    }

    /// <summary>A resource's objectives as its tags and the policy give them: the tier, the RPO/RTO that apply and any tag problem.</summary>
    public sealed class ResourceObjectives
    {
        /// <summary>The DrTier tag's tier; null when the tag is missing or not a tier.</summary>
        public DrTier? Tier { get; internal set; }

        /// <summary>The raw DrTier tag value (null without the tag).</summary>
        public string? TierTag { get; internal set; }

        public TimeSpan? Rpo { get; internal set; }

        public TimeSpan? Rto { get; internal set; }

        /// <summary>Tag when a DrRpoMinutes/DrRtoMinutes tag changed a target, else the tier's source (Default or File).</summary>
        public TierSource? Source { get; internal set; }

        /// <summary>What is wrong with the resource's tier tags (a DrTier value that is no tier, an override that is no number); null when nothing is.</summary>
        public string? TagProblem { get; internal set; }
    }

    /// <summary>
    /// The effective tier objectives: BackupDr's defaults, overridden per tier by a policy file (psd1 or JSON) and per
    /// resource by the DrRpoMinutes/DrRtoMinutes tags. One place resolves them, so Get-DrTier, Get-DrProtectionStatus
    /// and drills measure against the same numbers.
    /// </summary>
    public sealed class TierPolicy
    {
        /// <summary>Tag that overrides a resource's RPO: a whole number of minutes (1-527040).</summary>
        public const string RpoTag = "DrRpoMinutes";

        /// <summary>Tag that overrides a resource's RTO: a whole number of minutes (1-527040).</summary>
        public const string RtoTag = "DrRtoMinutes";

        /// <summary>The longest objective accepted anywhere: 366 days.</summary>
        public static readonly TimeSpan MaxObjective = TimeSpan.FromDays(366);

        private static readonly Regex Shorthand = new Regex(@"^\s*(?<n>[0-9]+(?:\.[0-9]+)?)\s*(?<u>s|sec|m|min|h|hr|d|day|days)\s*$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        private readonly Dictionary<DrTier, DrTierObjectives> _tiers;

        private TierPolicy(Dictionary<DrTier, DrTierObjectives> tiers, string? path)
        {
            _tiers = tiers;
            Path = path;
        }

        /// <summary>The built-in policy: Gold 5 min/15 min, Silver 1 h/4 h, Bronze 24 h/1 day.</summary>
        public static TierPolicy Default { get; } = new TierPolicy(
            Enum.GetValues(typeof(DrTier)).Cast<DrTier>().ToDictionary(t => t, DrTiers.DefaultObjectives),
            null);

        /// <summary>The policy file these objectives were read from; null for the defaults.</summary>
        public string? Path { get; }

        /// <summary>Every tier's objectives, Gold first.</summary>
        public IReadOnlyList<DrTierObjectives> Tiers => Enum.GetValues(typeof(DrTier)).Cast<DrTier>().Select(t => _tiers[t]).ToList();

        /// <summary>One tier's objectives.</summary>
        public DrTierObjectives For(DrTier tier) => _tiers[tier];

        /// <summary>
        /// A resource's tier and objectives from its tags: DrTier picks the tier; DrRpoMinutes and DrRtoMinutes, when
        /// valid, replace its RPO or RTO. A problem with any of them is reported in TagProblem (never thrown): one badly
        /// tagged resource must not stop a report over a fleet.
        /// </summary>
        public ResourceObjectives Resolve(IReadOnlyDictionary<string, string>? tags)
        {
            var result = new ResourceObjectives();
            string? tierTag = null;
            string? rpoTag = null;
            string? rtoTag = null;
            if (tags != null)
            {
                tags.TryGetValue(BackupTagKeys.Tier, out tierTag);
                tags.TryGetValue(RpoTag, out rpoTag);
                tags.TryGetValue(RtoTag, out rtoTag);
            }

            result.TierTag = tierTag;
            var problems = new List<string>();
            if (tierTag == null)
            {
                if (rpoTag != null || rtoTag != null)
                {
                    problems.Add($"{(rpoTag != null ? RpoTag : RtoTag)} applies only together with a {BackupTagKeys.Tier} tag");
                }
            }
            else if (!DrTiers.TryParse(tierTag, out var tier))
            {
                problems.Add($"the {BackupTagKeys.Tier} tag '{tierTag}' is not a tier (use {DrTiers.ValidNames})");
            }
            else
            {
                var objectives = For(tier);
                result.Tier = tier;
                result.Rpo = objectives.Rpo;
                result.Rto = objectives.Rto;
                result.Source = objectives.Source;
                if (rpoTag != null)
                {
                    if (TryParseMinutesTag(rpoTag, out var rpo))
                    {
                        result.Rpo = rpo;
                        result.Source = TierSource.Tag;
                    }
                    else
                    {
                        problems.Add(MinutesTagProblem(RpoTag, rpoTag, "RPO"));
                    }
                }

                if (rtoTag != null)
                {
                    if (TryParseMinutesTag(rtoTag, out var rto))
                    {
                        result.Rto = rto;
                        result.Source = TierSource.Tag;
                    }
                    else
                    {
                        problems.Add(MinutesTagProblem(RtoTag, rtoTag, "RTO"));
                    }
                }
            }

            result.TagProblem = problems.Count == 0 ? null : string.Join("; ", problems) + ".";
            return result;
        }

        /// <summary>A DrRpoMinutes/DrRtoMinutes value: a whole number of minutes from 1 to 527040 (366 days).</summary>
        public static bool TryParseMinutesTag(string? value, out TimeSpan minutes)
        {
            minutes = default;
            if (!long.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > (long)MaxObjective.TotalMinutes)
            {
                return false;
            }

            minutes = TimeSpan.FromMinutes(n);
            return true;
        }

        private static string MinutesTagProblem(string key, string value, string what) =>
            $"the {key} tag '{value}' is not a whole number of minutes from 1 to {(long)MaxObjective.TotalMinutes}, so the tier's {what} applies";

        /// <summary>Reads a JSON policy (comments and trailing commas allowed); TierPolicyInvalid names the line of the first rule broken.</summary>
        public static TierPolicy ParseJson(string json, string source)
        {
            if (json == null)
            {
                throw new ArgumentNullException(nameof(json));
            }

            return FromDocument(JsonPolicyReader.Read(json, source), source);
        }

        /// <summary>
        /// Builds the policy from a document tree (JSON, or a psd1 file the cmdlet layer parsed): a map with one key, Tiers,
        /// mapping Gold/Silver/Bronze to maps with Rpo and/or Rto. A value is minutes as a number, or a string such as
        /// '15m', '4h', '1d' or '01:30:00'. Tiers left out keep their defaults.
        /// </summary>
        public static TierPolicy FromDocument(PolicyValue root, string source)
        {
            if (root == null)
            {
                throw new ArgumentNullException(nameof(root));
            }

            if (!root.IsMap)
            {
                throw new TierPolicyException(source, root.Line, "the policy must be a hashtable (psd1) or an object (JSON) with a Tiers key.");
            }

            PolicyMember? tiersMember = null;
            foreach (var m in root.Members!)
            {
                if (!string.Equals(m.Name, "Tiers", StringComparison.OrdinalIgnoreCase))
                {
                    throw new TierPolicyException(source, m.Line, $"unknown key '{m.Name}' (a policy has one key, Tiers).");
                }

                if (tiersMember != null)
                {
                    throw new TierPolicyException(source, m.Line, "Tiers is given twice.");
                }

                tiersMember = m;
            }

            if (tiersMember == null)
            {
                throw new TierPolicyException(source, root.Line, "the policy has no Tiers key; write Tiers = @{ Gold = @{ Rpo = '15m'; Rto = '1h' } } (psd1) or {\"Tiers\": {\"Gold\": {\"Rpo\": \"15m\"}}} (JSON).");
            }

            if (!tiersMember.Value.IsMap)
            {
                throw new TierPolicyException(source, tiersMember.Value.Line, $"Tiers must map tier names ({DrTiers.ValidNames}) to their Rpo and Rto.");
            }

            var tiers = Enum.GetValues(typeof(DrTier)).Cast<DrTier>().ToDictionary(t => t, DrTiers.DefaultObjectives);
            var seen = new HashSet<DrTier>();
            foreach (var t in tiersMember.Value.Members!)
            {
                if (!DrTiers.TryParse(t.Name, out var tier))
                {
                    throw new TierPolicyException(source, t.Line, $"unknown tier '{t.Name}': the tiers are {DrTiers.ValidNames}.");
                }

                if (!seen.Add(tier))
                {
                    throw new TierPolicyException(source, t.Line, $"tier {tier} is given twice.");
                }

                if (!t.Value.IsMap)
                {
                    throw new TierPolicyException(source, t.Value.Line, $"tier {tier} must be a hashtable/object with Rpo and/or Rto, such as @{{ Rpo = '15m'; Rto = '1h' }}.");
                }

                var defaults = DrTiers.DefaultObjectives(tier);
                TimeSpan? rpo = null;
                TimeSpan? rto = null;
                foreach (var o in t.Value.Members!)
                {
                    var isRpo = string.Equals(o.Name, "Rpo", StringComparison.OrdinalIgnoreCase);
                    var isRto = string.Equals(o.Name, "Rto", StringComparison.OrdinalIgnoreCase);
                    if (!isRpo && !isRto)
                    {
                        throw new TierPolicyException(source, o.Line, $"unknown key '{o.Name}' in tier {tier} (a tier has Rpo and Rto).");
                    }

                    var label = isRpo ? "Rpo" : "Rto";
                    if ((isRpo && rpo != null) || (isRto && rto != null))
                    {
                        throw new TierPolicyException(source, o.Line, $"{tier} {label} is given twice.");
                    }

                    var value = ParseObjective(o.Value, source, $"{tier} {label}");
                    if (isRpo)
                    {
                        rpo = value;
                    }
                    else
                    {
                        rto = value;
                    }
                }

                if (rpo == null && rto == null)
                {
                    throw new TierPolicyException(source, t.Line, $"tier {tier} sets neither Rpo nor Rto; leave it out to keep the defaults.");
                }

                tiers[tier] = new DrTierObjectives(tier, rpo ?? defaults.Rpo, rto ?? defaults.Rto, TierSource.File, source);
            }

            return new TierPolicy(tiers, source);
        }

        /// <summary>An objective: minutes as a number, or '15m', '4h', '1d', '90s', or a TimeSpan such as '01:30:00'; 1 minute to 366 days.</summary>
        private static TimeSpan ParseObjective(PolicyValue value, string source, string what)
        {
            TimeSpan? parsed = null;
            switch (value.Scalar)
            {
                case string s:
                    parsed = ParseDuration(s);
                    break;
                case long n:
                    parsed = TimeSpan.FromMinutes(n);
                    break;
                case int n:
                    parsed = TimeSpan.FromMinutes(n);
                    break;
                case double d when !double.IsNaN(d) && !double.IsInfinity(d) && Math.Abs(d) < 1e9:
                    parsed = TimeSpan.FromMinutes(d);
                    break;
                case decimal m when Math.Abs(m) < 1_000_000_000m:
                    parsed = TimeSpan.FromMinutes((double)m);
                    break;
                case TimeSpan ts:
                    parsed = ts;
                    break;
            }

            if (value.IsMap || parsed == null)
            {
                var shown = value.IsMap ? "a hashtable" : value.Scalar == null ? "empty" : $"'{Convert.ToString(value.Scalar, CultureInfo.InvariantCulture)}'";
                throw new TierPolicyException(source, value.Line, $"{what} is {shown}, not a duration: give minutes as a number, or a string such as '15m', '4h', '1d' or '01:30:00'.");
            }

            if (parsed.Value < TimeSpan.FromMinutes(1) || parsed.Value > MaxObjective)
            {
                throw new TierPolicyException(source, value.Line, $"{what} is {parsed.Value}, outside 1 minute to 366 days.");
            }

            return parsed.Value;
        }

        /// <summary>'15m', '4h', '1d', '90s', '1.5h' or a TimeSpan ('00:15:00', '1.00:00:00'); null when it is neither.</summary>
        public static TimeSpan? ParseDuration(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            var m = Shorthand.Match(text);
            if (m.Success)
            {
                var n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
                if (n > 1e9)
                {
                    return null;
                }

                switch (m.Groups["u"].Value.ToLowerInvariant())
                {
                    case "s":
                    case "sec":
                        return TimeSpan.FromSeconds(n);
                    case "m":
                    case "min":
                        return TimeSpan.FromMinutes(n);
                    case "h":
                    case "hr":
                        return TimeSpan.FromHours(n);
                    default:
                        return TimeSpan.FromDays(n);
                }
            }

            return text!.IndexOf(':') >= 0 && TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var ts) ? ts : (TimeSpan?)null;
        }

        /// <summary>Reads JSON into a PolicyValue tree with Utf8JsonReader, keeping the line of every key and value.</summary>
        private sealed class JsonPolicyReader
        {
            private readonly string _source;
            private readonly List<int> _lineStarts = new List<int> { 0 };

            private JsonPolicyReader(byte[] bytes, string source)
            {
                _source = source;
                for (var i = 0; i < bytes.Length; i++)
                {
                    if (bytes[i] == (byte)'\n')
                    {
                        _lineStarts.Add(i + 1);
                    }
                }
            }

            public static PolicyValue Read(string json, string source)
            {
                if (string.IsNullOrWhiteSpace(json.Trim('\uFEFF')))
                {
                    throw new TierPolicyException(source, 1, "the file is empty; a policy is an object with a Tiers key.");
                }

                var bytes = Encoding.UTF8.GetBytes(json);
                var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
                var self = new JsonPolicyReader(bytes, source);
                var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(bytes, start, bytes.Length - start), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                try
                {
                    if (!reader.Read())
                    {
                        throw new TierPolicyException(source, 1, "the file is empty; a policy is an object with a Tiers key.");
                    }

                    var root = self.ReadValue(ref reader, start);
                    if (reader.Read())
                    {
                        throw new TierPolicyException(source, self.LineOf(reader.TokenStartIndex + start), "only one JSON value may be in the file.");
                    }

                    return root;
                }
                catch (JsonException e)
                {
                    throw new TierPolicyException(source, (e.LineNumber ?? 0) + 1, "invalid JSON: " + e.Message, e);
                }
            }

            private long LineOf(long offset)
            {
                int lo = 0, hi = _lineStarts.Count - 1;
                while (lo < hi)
                {
                    var mid = (lo + hi + 1) / 2;
                    if (_lineStarts[mid] <= offset)
                    {
                        lo = mid;
                    }
                    else
                    {
                        hi = mid - 1;
                    }
                }

                return lo + 1;
            }

            private PolicyValue ReadValue(ref Utf8JsonReader reader, int offset)
            {
                var line = LineOf(reader.TokenStartIndex + offset);
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        var members = new List<PolicyMember>();
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                        {
                            var name = reader.GetString() ?? string.Empty;
                            var keyLine = LineOf(reader.TokenStartIndex + offset);
                            reader.Read();
                            members.Add(new PolicyMember(name, keyLine, ReadValue(ref reader, offset)));
                        }

                        return new PolicyValue(line, members);
                    case JsonTokenType.StartArray:
                        throw new TierPolicyException(_source, line, "a list is not allowed here: a policy holds objects, numbers and strings.");
                    case JsonTokenType.String:
                        return new PolicyValue(line, reader.GetString());
                    case JsonTokenType.Number:
                        return new PolicyValue(line, reader.TryGetInt64(out var n) ? n : (object)reader.GetDouble());
                    case JsonTokenType.True:
                    case JsonTokenType.False:
                        return new PolicyValue(line, reader.GetBoolean());
                    default:
                        return new PolicyValue(line, (object?)null);
                }
            }
        }
    }
}
