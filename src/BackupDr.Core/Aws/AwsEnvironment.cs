using System;
using System.Collections.Generic;

namespace BackupDr.Core.Aws
{
    /// <summary>Reads environment variables; replaced in tests so resolution rules can be proven without touching the process.</summary>
    public interface IAwsEnvironment
    {
        string? Get(string name);
    }

    public sealed class ProcessEnvironment : IAwsEnvironment
    {
        public static readonly ProcessEnvironment Instance = new ProcessEnvironment();

        public string? Get(string name)
        {
            var v = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrWhiteSpace(v) ? null : v!.Trim();
        }
    }

    public sealed class DictionaryEnvironment : IAwsEnvironment
    {
        private readonly IDictionary<string, string> _values;

        public DictionaryEnvironment(IDictionary<string, string>? values = null)
        {
            _values = values ?? new Dictionary<string, string>(StringComparer.Ordinal);
        }

        public string? Get(string name) => _values.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
    }
}
