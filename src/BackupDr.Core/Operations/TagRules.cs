using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace BackupDr.Core.Operations
{
    /// <summary>AWS's tag rules, checked before sending so a bad tag fails with the rule named and nothing half-applied.</summary>
    public static class TagRules
    {
        /// <summary>User tags a resource may carry (aws: tags do not count).</summary>
        public const int MaxTagsPerResource = 50;

        /// <summary>Longest tag key AWS accepts, in characters.</summary>
        public const int MaxKeyLength = 128;

        /// <summary>Longest tag value AWS accepts, in characters.</summary>
        public const int MaxValueLength = 256;

        /// <summary>The prefix AWS reserves for its own tags.</summary>
        public const string ReservedPrefix = "aws:";

        private static readonly Regex Allowed = new Regex(@"^[\p{L}\p{Z}\p{N}\s_.:/=+\-@]*$", RegexOptions.CultureInvariant);

        /// <summary>Checks a tag key: 1-128 characters, allowed characters only, not aws:-prefixed.</summary>
        public static void ValidateKey(string? key, string parameterName)
        {
            if (string.IsNullOrEmpty(key) || key!.Length > MaxKeyLength)
            {
                throw new DrValidationException("InvalidTagKey", parameterName, key,
                    $"Tag key '{key}' must be 1 to {MaxKeyLength} characters long (it has {key?.Length ?? 0}).");
            }

            if (IsReserved(key))
            {
                throw new DrValidationException("ReservedTagPrefix", parameterName, key,
                    $"Tag key '{key}' starts with '{ReservedPrefix}', which AWS reserves for its own tags (in any letter case).");
            }

            if (!Allowed.IsMatch(key))
            {
                throw new DrValidationException("InvalidTagKey", parameterName, key,
                    $"Tag key '{key}' has a character AWS does not allow. Allowed: letters, digits, spaces and _ . : / = + - @.");
            }
        }

        /// <summary>Checks a tag value: 0-256 characters, allowed characters only.</summary>
        public static void ValidateValue(string key, string? value, string parameterName)
        {
            if (value == null)
            {
                throw new DrValidationException("InvalidTagValue", parameterName, key, $"Tag '{key}' has no value; use an empty string for an empty value.");
            }

            if (value.Length > MaxValueLength)
            {
                throw new DrValidationException("InvalidTagValue", parameterName, value,
                    $"The value of tag '{key}' is {value.Length} characters long; AWS allows at most {MaxValueLength}.");
            }

            if (!Allowed.IsMatch(value))
            {
                throw new DrValidationException("InvalidTagValue", parameterName, value,
                    $"The value of tag '{key}' ('{value}') has a character AWS does not allow. Allowed: letters, digits, spaces and _ . : / = + - @.");
            }
        }

        /// <summary>Checks every tag to set and every key to remove (removing an aws: tag is refused too).</summary>
        public static void Validate(IDictionary<string, string>? set, IEnumerable<string>? removeKeys, string setParameterName = "Tag", string removeParameterName = "Remove")
        {
            var removing = new HashSet<string>(StringComparer.Ordinal);
            foreach (var key in removeKeys ?? Enumerable.Empty<string>())
            {
                ValidateKey(key, removeParameterName);
                removing.Add(key);
            }

            foreach (var kv in set ?? new Dictionary<string, string>())
            {
                ValidateKey(kv.Key, setParameterName);
                ValidateValue(kv.Key, kv.Value, setParameterName);
                if (removing.Contains(kv.Key))
                {
                    throw new DrValidationException("ConflictingTagChange", removeParameterName, kv.Key,
                        $"Tag '{kv.Key}' is both set and removed. Set it or remove it, not both.");
                }
            }

            // More tags than a resource can carry fails whatever the resource has: no need to read its tags first.
            if (set != null && set.Count > MaxTagsPerResource)
            {
                throw new DrValidationException("TooManyTags", setParameterName, set.Count,
                    $"{set.Count} tags were given; AWS allows at most {MaxTagsPerResource} on a resource.",
                    DrErrorKind.LimitsExceeded);
            }
        }

        /// <summary>Checks the user-tag count a change would leave on the resource (aws: tags are not counted, as in AWS).</summary>
        public static void ValidateCount(IEnumerable<string> resultingKeys, string resource, string parameterName = "Tag")
        {
            var count = resultingKeys.Count(k => !IsReserved(k));
            if (count > MaxTagsPerResource)
            {
                throw new DrValidationException("TooManyTags", parameterName, count,
                    $"'{resource}' would have {count} tags after this change; AWS allows at most {MaxTagsPerResource}. Remove some with -Remove.",
                    DrErrorKind.LimitsExceeded);
            }
        }

        /// <summary>True for keys AWS reserves (aws: in any case), which users can neither set nor delete.</summary>
        public static bool IsReserved(string key) => key.StartsWith(ReservedPrefix, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Computes tag differences (pure), so planning is testable and the same for EC2 and RDS.</summary>
    public static class TagPlanner
    {
        /// <summary>What setting <paramref name="set"/> and removing <paramref name="removeKeys"/> would change on a resource tagged <paramref name="current"/>; keys are case-sensitive as in AWS.</summary>
        public static TagDiff Compute(IReadOnlyDictionary<string, string> current, IDictionary<string, string>? set, IEnumerable<string>? removeKeys)
        {
            var added = new Dictionary<string, string>(StringComparer.Ordinal);
            var changed = new List<TagValueChange>();
            var removed = new Dictionary<string, string>(StringComparer.Ordinal);
            var unchanged = new Dictionary<string, string>(StringComparer.Ordinal);
            var result = new HashSet<string>(current.Keys, StringComparer.Ordinal);

            foreach (var kv in set ?? new Dictionary<string, string>())
            {
                if (!current.TryGetValue(kv.Key, out var old))
                {
                    added[kv.Key] = kv.Value;
                    result.Add(kv.Key);
                }
                else if (!string.Equals(old, kv.Value, StringComparison.Ordinal))
                {
                    changed.Add(new TagValueChange(kv.Key, old, kv.Value));
                }
                else
                {
                    unchanged[kv.Key] = kv.Value;
                }
            }

            foreach (var key in removeKeys ?? Enumerable.Empty<string>())
            {
                if (current.TryGetValue(key, out var old) && !removed.ContainsKey(key))
                {
                    removed[key] = old;
                    result.Remove(key);
                }
            }

            return new TagDiff
            {
                Added = added,
                Changed = changed,
                Removed = removed,
                Unchanged = unchanged,
                ResultingKeys = result.OrderBy(k => k, StringComparer.Ordinal).ToList(),
            };
        }
    }

    /// <summary>The tag names backup plans and tier policies select on; one definition so cmdlets and plans agree.</summary>
    public static class BackupTagKeys
    {
        /// <summary>Tag that backup plans select on: Backup = hourly | daily | weekly.</summary>
        public const string Frequency = "Backup";

        /// <summary>Tag that carries the DR tier: DrTier = Gold | Silver | Bronze.</summary>
        public const string Tier = "DrTier";

        /// <summary>The tag value for a frequency, lower case as the backup plans' selections expect.</summary>
        public static string ValueOf(BackupFrequency frequency) => frequency.ToString().ToLowerInvariant();

        /// <summary>Merges -Frequency, -Tier and -Tag into the tags to set; a -Tag entry contradicting -Frequency/-Tier is refused.</summary>
        public static IDictionary<string, string> Build(BackupFrequency? frequency, DrTier? tier, IDictionary<string, string>? tags)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var kv in tags ?? new Dictionary<string, string>())
            {
                result[kv.Key] = kv.Value;
            }

            if (frequency != null)
            {
                Put(result, Frequency, ValueOf(frequency.Value), "Frequency");
            }

            if (tier != null)
            {
                Put(result, Tier, tier.Value.ToString(), "Tier");
            }

            return result;
        }

        private static void Put(Dictionary<string, string> tags, string key, string value, string parameterName)
        {
            if (tags.TryGetValue(key, out var existing) && !string.Equals(existing, value, StringComparison.Ordinal))
            {
                throw new DrValidationException("ConflictingTagChange", parameterName, existing,
                    $"-Tag sets '{key}' to '{existing}' but -{parameterName} sets it to '{value}'. Give one of them.");
            }

            tags[key] = value;
        }
    }
}
