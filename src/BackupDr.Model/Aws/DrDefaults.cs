namespace BackupDr.Core.Aws
{
    /// <summary>
    /// The session defaults as shown to people: never the secret key or the session token
    /// (<c>AwsContextOptions.AsShown</c> in BackupDr.Core makes one).
    /// </summary>
    public sealed class DrDefaults
    {
        public string? Region { get; set; }
        public string? ProfileName { get; set; }
        public string? EndpointUrl { get; set; }

        /// <summary>The access key with all but its last four characters hidden.</summary>
        public string? AccessKey { get; set; }
        public bool HasSecretKey { get; set; }
        public string? Origin { get; set; }
    }
}
