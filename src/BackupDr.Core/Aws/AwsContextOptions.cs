namespace BackupDr.Core.Aws
{
    /// <summary>
    /// What a caller said about credentials, region and endpoint. Any member may be null: the resolver
    /// fills the gaps from session defaults, the environment and the shared AWS files.
    /// </summary>
    public sealed class AwsContextOptions
    {
        public string? Region { get; set; }
        public string? ProfileName { get; set; }

        /// <summary>Path of a shared credentials file to read instead of ~/.aws/credentials (its sibling 'config' is read too).</summary>
        public string? ProfileLocation { get; set; }
        public string? AccessKey { get; set; }

        /// <summary>Write-only outside Core: no public API returns the secret key (the resolver reads it internally).</summary>
        public string? SecretKey { internal get; set; }

        /// <summary>Write-only outside Core: no public API returns the session token.</summary>
        public string? SessionToken { internal get; set; }

        /// <summary>Whether a secret key was given, without revealing it.</summary>
        public bool HasSecretKey => !string.IsNullOrEmpty(SecretKey);

        /// <summary>Whether a session token was given, without revealing it.</summary>
        public bool HasSessionToken => !string.IsNullOrEmpty(SessionToken);
        public string? EndpointUrl { get; set; }

        /// <summary>Where these options came from, for -Verbose ("parameter", "session default").</summary>
        public string Origin { get; set; } = "parameter";

        /// <summary>These options as shown to people (Get-DrDefault): the access key redacted, never the secret key or the token.</summary>
        public static DrDefaults AsShown(AwsContextOptions? options) => new DrDefaults
        {
            Region = options?.Region,
            ProfileName = options?.ProfileName,
            EndpointUrl = UrlRedaction.Redact(options?.EndpointUrl),
            AccessKey = string.IsNullOrEmpty(options?.AccessKey) ? null : Redact(options!.AccessKey),
            HasSecretKey = !string.IsNullOrEmpty(options?.SecretKey),
            Origin = options?.Origin,
        };

        /// <summary>Where Region came from when it differs from <see cref="Origin"/> (set by <see cref="Over"/>).</summary>
        public string? RegionOrigin { get; set; }

        /// <summary>Where EndpointUrl came from when it differs from <see cref="Origin"/> (set by <see cref="Over"/>).</summary>
        public string? EndpointOrigin { get; set; }

        public AwsContextOptions Clone() => (AwsContextOptions)MemberwiseClone();

        /// <summary>
        /// Returns these options with gaps filled from <paramref name="defaults"/>. Credentials travel as a
        /// unit: an explicit profile or key pair replaces the defaults' credentials entirely.
        /// </summary>
        public AwsContextOptions Over(AwsContextOptions? defaults)
        {
            if (defaults == null)
            {
                return Clone();
            }

            var hasOwnCredentials = !string.IsNullOrEmpty(AccessKey) || !string.IsNullOrEmpty(ProfileName);
            return new AwsContextOptions
            {
                Region = Region ?? defaults.Region,
                EndpointUrl = EndpointUrl ?? defaults.EndpointUrl,
                ProfileLocation = ProfileLocation ?? defaults.ProfileLocation,
                ProfileName = hasOwnCredentials ? ProfileName : defaults.ProfileName,
                AccessKey = hasOwnCredentials ? AccessKey : defaults.AccessKey,
                SecretKey = hasOwnCredentials ? SecretKey : defaults.SecretKey,
                SessionToken = hasOwnCredentials ? SessionToken : defaults.SessionToken,
                Origin = Origin,
                RegionOrigin = Region != null ? (RegionOrigin ?? Origin) : (defaults.RegionOrigin ?? defaults.Origin),
                EndpointOrigin = EndpointUrl != null ? (EndpointOrigin ?? Origin) : (defaults.EndpointOrigin ?? defaults.Origin),
            };
        }

        /// <summary>Never prints the secret key or the session token.</summary>
        public override string ToString() =>
            $"Region={Region ?? "(unset)"}; Profile={ProfileName ?? "(unset)"}; AccessKey={Redact(AccessKey)}; SecretKey={(SecretKey == null ? "(unset)" : "****")}; Endpoint={UrlRedaction.Redact(EndpointUrl) ?? "(unset)"}";

        internal static string Redact(string? accessKey)
        {
            if (string.IsNullOrEmpty(accessKey))
            {
                return "(unset)";
            }

            return accessKey!.Length <= 4 ? "****" : "****" + accessKey.Substring(accessKey.Length - 4);
        }
    }
}
