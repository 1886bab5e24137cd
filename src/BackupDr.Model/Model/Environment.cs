namespace BackupDr.Core.Model
{
    /// <summary>One finding of Test-DrEnvironment: what was checked, whether it passed, what was found and what to do.</summary>
    public sealed class EnvironmentCheck
    {
        /// <summary>What was checked: "PowerShell", "Credentials", "Permission backup:ListBackupVaults"...</summary>
        public string Name { get; set; } = string.Empty;

        public bool Passed { get; set; }

        /// <summary>What was found (never a secret: an access key shows only its last four characters).</summary>
        public string Detail { get; set; } = string.Empty;

        /// <summary>The next step when the check failed (from DrRecommendations); null when it passed.</summary>
        public string? Recommendation { get; set; }

        /// <summary>The error id or AWS error code behind a failure (CredentialsNotFound, AccessDeniedException...), for scripts; null when it passed.</summary>
        public string? ErrorId { get; set; }

        public override string ToString() => $"{(Passed ? "PASS" : "FAIL")} {Name}: {Detail}";
    }
}
