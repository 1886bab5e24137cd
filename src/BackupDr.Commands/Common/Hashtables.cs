using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;

namespace BackupDr.Commands
{
    /// <summary>Turns -Tag/-Metadata hashtables into string maps, refusing values that are not scalars or are $null.</summary>
    internal static class Hashtables
    {
        public static Dictionary<string, string>? ToStringMap(Hashtable? table, string parameterName)
        {
            if (table == null)
            {
                return null;
            }

            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in table)
            {
                var key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                var value = entry.Value is System.Management.Automation.PSObject ps ? ps.BaseObject : entry.Value;
                if (value == null)
                {
                    // $null would reach AWS as an empty value: a silent change nobody asked for.
                    var id = parameterName.EndsWith("Tag", StringComparison.Ordinal) ? "NullTagValue" : "Null" + parameterName + "Value";
                    var hint = parameterName.EndsWith("Tag", StringComparison.Ordinal) ? " To delete a tag, use Set-DrBackupTag -Remove." : string.Empty;
                    throw new BackupDr.Core.Operations.DrValidationException(id, parameterName, key,
                        $"-{parameterName} '{key}' is $null; give it a value ('' for an empty one).{hint} Nothing was sent.");
                }

                if (value is IEnumerable && !(value is string))
                {
                    throw new ArgumentException($"-{parameterName} '{key}' has a list value; give one string per key.", parameterName);
                }

                map[key] = value is bool b ? (b ? "true" : "false") : Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
            }

            return map;
        }
    }
}
