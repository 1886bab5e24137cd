using System;
using System.Collections.Generic;
using System.Linq;

namespace BackupDr.Core.Operations
{
    /// <summary>One tag whose value changes, shown by -WhatIf as old -> new.</summary>
    public sealed class TagValueChange
    {
        /// <summary>Creates a change record.</summary>
        public TagValueChange(string key, string oldValue, string newValue)
        {
            Key = key;
            OldValue = oldValue;
            NewValue = newValue;
        }

        /// <summary>The tag key.</summary>
        public string Key { get; }

        /// <summary>The value the resource has now.</summary>
        public string OldValue { get; }

        /// <summary>The value it will have.</summary>
        public string NewValue { get; }

        /// <summary>Key: old -> new, for -WhatIf and -Verbose.</summary>
        public override string ToString() => $"{Key}: '{OldValue}' -> '{NewValue}'";
    }

    /// <summary>The difference a tag change makes, so only real differences are sent and -WhatIf can show them.</summary>
    public sealed class TagDiff
    {
        /// <summary>Tags the resource does not have yet.</summary>
        public IReadOnlyDictionary<string, string> Added { get; internal set; } = new Dictionary<string, string>();

        /// <summary>Tags whose value changes.</summary>
        public IReadOnlyList<TagValueChange> Changed { get; internal set; } = Array.Empty<TagValueChange>();

        /// <summary>Tags removed, with the value they had.</summary>
        public IReadOnlyDictionary<string, string> Removed { get; internal set; } = new Dictionary<string, string>();

        /// <summary>Tags asked for that already have that value (nothing to send for them).</summary>
        public IReadOnlyDictionary<string, string> Unchanged { get; internal set; } = new Dictionary<string, string>();

        /// <summary>Keys the resource will carry after the change, for the 50-tag check.</summary>
        public IReadOnlyList<string> ResultingKeys { get; internal set; } = Array.Empty<string>();

        /// <summary>False when the resource already looks as asked: nothing is sent.</summary>
        public bool HasChanges => Added.Count > 0 || Changed.Count > 0 || Removed.Count > 0;

        /// <summary>One line for -WhatIf: "add A=1; change B: 'x' -> 'y'; remove C".</summary>
        public override string ToString()
        {
            var parts = new List<string>();
            parts.AddRange(Added.Select(kv => $"add {kv.Key}='{kv.Value}'"));
            parts.AddRange(Changed.Select(c => "change " + c));
            parts.AddRange(Removed.Select(kv => $"remove {kv.Key}"));
            return parts.Count == 0 ? "no change" : string.Join("; ", parts);
        }
    }
}
