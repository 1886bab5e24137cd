using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>A resource AWS Backup can protect, as Get-DrResource emits it: the ARN Start-DrBackup binds to.</summary>
    public sealed class DrResource
    {
        public string ResourceArn { get; set; } = string.Empty;

        /// <summary>AWS Backup's resource type: EBS, EC2, RDS, Aurora.</summary>
        public string ResourceType { get; set; } = string.Empty;
        public string ResourceId { get; set; } = string.Empty;
        public string Region { get; set; } = string.Empty;
        public string? State { get; set; }
        public Dictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>The Backup tag (hourly, daily, weekly) Set-DrBackupTag -Frequency writes.</summary>
        public string? BackupFrequency => Tags.TryGetValue("Backup", out var v) ? v : null;

        /// <summary>The DrTier tag (Gold, Silver, Bronze) Set-DrBackupTag -Tier writes.</summary>
        public string? DrTier => Tags.TryGetValue("DrTier", out var v) ? v : null;
    }
}
