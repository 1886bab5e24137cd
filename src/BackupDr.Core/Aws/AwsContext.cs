using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace BackupDr.Core.Aws
{
    /// <summary>An endpoint chosen for one service, with the rule that chose it.</summary>
    public sealed class ResolvedEndpoint
    {
        public ResolvedEndpoint(Uri uri, string source)
        {
            Uri = uri;
            Source = source;
        }

        public Uri Uri { get; }
        public string Source { get; }
        public override string ToString() => $"{UrlRedaction.Redact(Uri.ToString())} (from {Source})";
    }

    /// <summary>
    /// Resolved credentials, region and endpoints for AWS calls. Region and endpoints are resolved and
    /// validated eagerly (bad input fails before anything is sent); credentials lazily, on first signing.
    /// </summary>
    public sealed class AwsContext
    {
        private static readonly Regex RegionPattern = new Regex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", RegexOptions.CultureInvariant);

        private readonly Lazy<AWSCredentials> _credentials;
        private readonly Dictionary<AwsService, ResolvedEndpoint> _endpoints = new Dictionary<AwsService, ResolvedEndpoint>();

        private AwsContext(string region, string regionSource, AwsContextOptions options, IAwsEnvironment environment, Func<AWSCredentials> credentials, string credentialSource)
        {
            Region = region;
            RegionSource = regionSource;
            Options = options;
            Environment = environment;
            CredentialSource = credentialSource;
            _credentials = new Lazy<AWSCredentials>(credentials, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
            foreach (var service in AwsService.All)
            {
                _endpoints[service] = ResolveEndpoint(service, options, environment, region);
            }
        }

        public string Region { get; }

        /// <summary>Which rule gave the region: "-Region", "AWS_REGION", "profile 'x'", ...</summary>
        public string RegionSource { get; }

        /// <summary>Which rule gives the credentials: "-AccessKey", "profile 'x'", "default chain".</summary>
        public string CredentialSource { get; }

        /// <summary>The options this context was resolved from (secrets included: never print them; ToString redacts).</summary>
        public AwsContextOptions Options { get; }

        internal IAwsEnvironment Environment { get; }

        /// <summary>The AWS partition of the region: aws, aws-cn or aws-us-gov.</summary>
        public string Partition => PartitionOf(Region);

        /// <summary>Internal so no public API hands out the secret key or session token (the transport signs with it).</summary>
        internal AWSCredentials Credentials
        {
            get
            {
                try
                {
                    return _credentials.Value;
                }
                catch (AwsConfigurationException)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    throw new AwsConfigurationException(
                        "CredentialsNotFound",
                        "ProfileName",
                        $"No AWS credentials could be found ({CredentialSource}): {ex.Message} Pass -AccessKey/-SecretKey or -ProfileName, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile in the shared credentials file (~/.aws/credentials).",
                        null,
                        ex);
                }
            }
        }

        public ResolvedEndpoint GetEndpoint(AwsService service) => _endpoints[service];

        /// <summary>The adaptive rates of the session this context was resolved in (shared by every client made for it); null outside a session.</summary>
        public AdaptiveRateLimiters? RateLimiters { get; internal set; }

        /// <summary>The same credentials and endpoint rules in another region (reports across regions, copies to a DR region).</summary>
        public AwsContext WithRegion(string region)
        {
            if (string.Equals(region, Region, StringComparison.Ordinal))
            {
                return this;
            }

            ValidateRegion(region, "-Region");
            var ctx = new AwsContext(region, "-Region", Options, Environment, () => _credentials.Value, CredentialSource) { RateLimiters = RateLimiters };
            return ctx;
        }

        /// <summary>
        /// The same region and endpoint rules with the temporary credentials of an assumed role (reports across
        /// accounts with -AccountRole): calls made with it act as the role's account.
        /// </summary>
        public AwsContext WithAssumedRole(AssumedRoleCredentials role)
        {
            if (role == null)
            {
                throw new ArgumentNullException(nameof(role));
            }

            var key = role.AccessKeyId;
            var secret = role.SecretAccessKey;
            var token = role.SessionToken;
            return new AwsContext(Region, RegionSource, Options, Environment, () => string.IsNullOrEmpty(token) ? (AWSCredentials)new BasicAWSCredentials(key, secret) : new SessionAWSCredentials(key, secret, token), $"role {role.RoleArn} (STS AssumeRole)");
        }

        public static AwsContext Resolve(AwsContextOptions? options, IAwsEnvironment? environment = null)
        {
            options ??= new AwsContextOptions();
            environment ??= ProcessEnvironment.Instance;

            var hasKey = !string.IsNullOrEmpty(options.AccessKey);
            var hasSecret = !string.IsNullOrEmpty(options.SecretKey);
            if (hasKey != hasSecret)
            {
                throw new AwsConfigurationException(
                    "IncompleteCredentials",
                    hasKey ? "SecretKey" : "AccessKey",
                    hasKey ? "-AccessKey was given without -SecretKey. Pass both, or neither to use a profile or the default credential chain."
                           : "-SecretKey was given without -AccessKey. Pass both, or neither to use a profile or the default credential chain.");
            }

            if (hasKey && !string.IsNullOrEmpty(options.ProfileName))
            {
                throw new AwsConfigurationException(
                    "ConflictingCredentials",
                    "ProfileName",
                    "Both -ProfileName and -AccessKey were given. Use one: a profile, or an access key with its secret key.",
                    options.ProfileName);
            }

            // The profile is read eagerly when one is named, so an unknown profile fails before anything is sent.
            var profileName = options.ProfileName ?? environment.Get("AWS_PROFILE");
            var profileNamedExplicitly = profileName != null;
            var profileSourceLabel = options.ProfileName != null ? "-ProfileName" : "AWS_PROFILE";
            profileName ??= "default";
            var store = new CredentialProfileStoreChain(options.ProfileLocation);
            CredentialProfile? profile = null;
            if (!hasKey)
            {
                if (!store.TryGetProfile(profileName, out profile) && profileNamedExplicitly)
                {
                    throw new AwsConfigurationException(
                        "ProfileNotFound",
                        "ProfileName",
                        $"The AWS profile '{profileName}' ({profileSourceLabel}) was not found. Files searched: {string.Join(", ", ProfileFilesSearched(options.ProfileLocation, environment))}. Check the name with 'aws configure list-profiles', or pass -AccessKey/-SecretKey.",
                        profileName);
                }
            }

            var (region, regionSource) = ResolveRegion(options, environment, profile);

            Func<AWSCredentials> credentials;
            string credentialSource;
            if (hasKey)
            {
                var accessKey = options.AccessKey!;
                var secretKey = options.SecretKey!;
                var token = options.SessionToken;
                credentials = () => string.IsNullOrEmpty(token) ? new BasicAWSCredentials(accessKey, secretKey) : new SessionAWSCredentials(accessKey, secretKey, token);
                credentialSource = $"-AccessKey {AwsContextOptions.Redact(accessKey)}";
            }
            else if (profile != null)
            {
                var name = profileName;
                credentials = () =>
                {
                    if (store.TryGetAWSCredentials(name, out var creds))
                    {
                        return creds;
                    }

                    if (!profileNamedExplicitly)
                    {
                        // As in the SDK's chain: an implicit [default] without keys (often just a region) falls
                        // through to environment keys, container and instance credentials instead of failing.
                        return ChainCredentials(options, environment, name, profileFound: true);
                    }

                    throw new AwsConfigurationException(
                        "ProfileHasNoCredentials",
                        "ProfileName",
                        $"The AWS profile '{name}' has no usable credentials (static keys, role_arn with a source, sso_session or credential_process).",
                        name);
                };
                credentialSource = profileNamedExplicitly ? $"profile '{profileName}'" : $"profile '{profileName}', else environment and default chain";
            }
            else
            {
                var name = profileName;
                credentials = () => ChainCredentials(options, environment, name, profileFound: false);
                credentialSource = "default chain (environment, profiles, container and instance metadata)";
            }

            return new AwsContext(region, regionSource, options, environment, credentials, credentialSource);
        }

        /// <summary>
        /// Environment keys, then the SDK's chain (web identity, container, instance metadata); when nothing gives
        /// credentials, one CredentialsNotFound error that lists the sources tried instead of the SDK's
        /// exceptions. With a test environment (not the process's) the SDK chain, which reads the process, is skipped.
        /// </summary>
        private static AWSCredentials ChainCredentials(AwsContextOptions options, IAwsEnvironment environment, string profileName, bool profileFound)
        {
            var fromEnvironment = EnvironmentCredentials(environment);
            if (fromEnvironment != null)
            {
                return fromEnvironment;
            }

            Exception? inner = null;
            if (ReferenceEquals(environment, ProcessEnvironment.Instance))
            {
                try
                {
                    return DefaultAWSCredentialsIdentityResolver.GetCredentials();
                }
                catch (Exception ex)
                {
                    inner = ex;
                }
            }

            throw CredentialsNotFound(options, environment, profileName, profileFound, inner);
        }

        /// <summary>The one plain missing-credentials error: the sources tried, in order, and how to give credentials. Never a secret.</summary>
        internal static AwsConfigurationException CredentialsNotFound(AwsContextOptions options, IAwsEnvironment environment, string profileName, bool profileFound, Exception? inner)
        {
            var tried = new List<string>
            {
                "-AccessKey/-SecretKey (or Set-DrDefault keys): not given",
                $"profile '{profileName}' in {string.Join(" and ", ProfileFilesSearched(options.ProfileLocation, environment))}: {(profileFound ? "has no credentials" : "not found")}",
            };

            var key = environment.Get("AWS_ACCESS_KEY_ID");
            var secret = environment.Get("AWS_SECRET_ACCESS_KEY");
            tried.Add("environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: "
                + (key == null && secret == null ? "not set" : key == null ? "AWS_ACCESS_KEY_ID is not set" : "AWS_SECRET_ACCESS_KEY is not set"));

            if (environment.Get("AWS_WEB_IDENTITY_TOKEN_FILE") is string tokenFile)
            {
                tried.Add($"web identity (AWS_WEB_IDENTITY_TOKEN_FILE {tokenFile}, AWS_ROLE_ARN {environment.Get("AWS_ROLE_ARN") ?? "not set"}): no credentials");
            }

            if (environment.Get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != null || environment.Get("AWS_CONTAINER_CREDENTIALS_FULL_URI") != null)
            {
                tried.Add("container credentials (AWS_CONTAINER_CREDENTIALS_*): no credentials");
            }

            if (!IsMetadataDisabled(environment))
            {
                tried.Add("EC2 instance metadata (IMDS): no credentials (off EC2, AWS_EC2_METADATA_DISABLED=true skips it)");
            }

            var list = string.Join("; ", tried.Select((t, i) => $"{i + 1}. {t}"));
            return new AwsConfigurationException(
                "CredentialsNotFound",
                "ProfileName",
                $"No AWS credentials were found. Sources tried, in order: {list}. To give credentials, pass -AccessKey and -SecretKey, or -ProfileName with a profile of ~/.aws/credentials or ~/.aws/config ('aws configure' writes one), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; Set-DrDefault keeps them for the session. Start-DrSandbox needs none.",
                null,
                inner);
        }

        /// <summary>AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) from the given environment, or null.</summary>
        private static AWSCredentials? EnvironmentCredentials(IAwsEnvironment environment)
        {
            var key = environment.Get("AWS_ACCESS_KEY_ID");
            var secret = environment.Get("AWS_SECRET_ACCESS_KEY");
            if (key == null || secret == null)
            {
                return null;
            }

            var token = environment.Get("AWS_SESSION_TOKEN");
            return token == null ? new BasicAWSCredentials(key, secret) : new SessionAWSCredentials(key, secret, token);
        }

        /// <summary>Paths the shared-profile lookup reads, in the words an error message needs.</summary>
        public static IReadOnlyList<string> ProfileFilesSearched(string? profileLocation, IAwsEnvironment environment)
        {
            var files = new List<string>();
            if (!string.IsNullOrEmpty(profileLocation))
            {
                files.Add(profileLocation!);
                files.Add(Path.Combine(Path.GetDirectoryName(profileLocation) ?? ".", "config"));
            }
            else
            {
                var home = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
                files.Add(environment.Get("AWS_SHARED_CREDENTIALS_FILE") ?? Path.Combine(home, ".aws", "credentials"));
                files.Add(environment.Get("AWS_CONFIG_FILE") ?? Path.Combine(home, ".aws", "config"));
                if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
                {
                    files.Add(Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.LocalApplicationData), "AWSToolkit", "RegisteredAccounts.json"));
                }
            }

            return files;
        }

        private static (string Region, string Source) ResolveRegion(AwsContextOptions options, IAwsEnvironment environment, CredentialProfile? profile)
        {
            string? region = null;
            string source = string.Empty;
            if (!string.IsNullOrWhiteSpace(options.Region))
            {
                region = options.Region!.Trim();
                var origin = options.RegionOrigin ?? options.Origin;
                source = origin == "parameter" ? "-Region" : $"{origin} region";
            }
            else if (environment.Get("AWS_REGION") is string r1)
            {
                region = r1;
                source = "AWS_REGION";
            }
            else if (environment.Get("AWS_DEFAULT_REGION") is string r2)
            {
                region = r2;
                source = "AWS_DEFAULT_REGION";
            }
            else if (profile?.Region != null)
            {
                region = profile.Region.SystemName;
                source = $"profile '{profile.Name}'";
            }
            else if (ReferenceEquals(environment, ProcessEnvironment.Instance) && !IsMetadataDisabled(environment))
            {
                // Last resort, as the SDK does: instance metadata on EC2 (skipped when AWS_EC2_METADATA_DISABLED=true).
                try
                {
                    var fallback = FallbackRegionFactory.GetRegionEndpoint();
                    if (fallback != null)
                    {
                        region = fallback.SystemName;
                        source = "instance metadata";
                    }
                }
                catch (Exception)
                {
                    region = null;
                }
            }

            if (region == null)
            {
                throw new AwsConfigurationException(
                    "RegionNotFound",
                    "Region",
                    "No AWS region was given. Pass -Region (for example -Region eu-west-1), set it once with Set-DrDefault -Region, set the AWS_REGION (or AWS_DEFAULT_REGION) environment variable, or add 'region = ...' to your profile in ~/.aws/config.");
            }

            ValidateRegion(region, source);
            return (region, source);
        }

        private static bool IsMetadataDisabled(IAwsEnvironment environment) =>
            string.Equals(environment.Get("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase);

        /// <summary>A source like "-ReportRegion" names the parameter to blame; any other source (AWS_REGION, a profile) blames -Region.</summary>
        public static void ValidateRegion(string region, string source)
        {
            if (!RegionPattern.IsMatch(region))
            {
                throw new AwsConfigurationException(
                    "InvalidRegion",
                    ParameterOfSource(source),
                    $"'{region}' (from {source}) is not an AWS region name. Region names look like us-east-1, eu-west-2 or cn-north-1.",
                    region);
            }
        }

        private static string ParameterOfSource(string source) =>
            source.Length > 1 && source[0] == '-' && source.IndexOf(' ') < 0 ? source.Substring(1) : "Region";

        public static string PartitionOf(string region)
        {
            if (region.StartsWith("cn-", StringComparison.Ordinal))
            {
                return "aws-cn";
            }

            if (region.StartsWith("us-gov-", StringComparison.Ordinal))
            {
                return "aws-us-gov";
            }

            return "aws";
        }

        public static string DnsSuffixOf(string partition) => partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";

        private static ResolvedEndpoint ResolveEndpoint(AwsService service, AwsContextOptions options, IAwsEnvironment environment, string region)
        {
            if (!string.IsNullOrWhiteSpace(options.EndpointUrl))
            {
                var origin = options.EndpointOrigin ?? options.Origin;
                var label = origin == "parameter" ? "-EndpointUrl" : $"{origin} endpoint";
                return new ResolvedEndpoint(ParseEndpoint(options.EndpointUrl!, label), label);
            }

            if (environment.Get(service.EndpointVariable) is string serviceUrl)
            {
                return new ResolvedEndpoint(ParseEndpoint(serviceUrl, service.EndpointVariable), service.EndpointVariable);
            }

            if (environment.Get("AWS_ENDPOINT_URL") is string globalUrl)
            {
                return new ResolvedEndpoint(ParseEndpoint(globalUrl, "AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL");
            }

            var partition = PartitionOf(region);
            var uri = new Uri($"https://{service.EndpointPrefix}.{region}.{DnsSuffixOf(partition)}");
            return new ResolvedEndpoint(uri, $"public {partition} endpoint for {region}");
        }

        /// <summary>An endpoint must be an absolute http(s) URL with a host and no query or fragment.</summary>
        public static Uri ParseEndpoint(string value, string source)
        {
            var text = value.Trim();
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || string.IsNullOrEmpty(uri.Host)
                || !string.IsNullOrEmpty(uri.Query)
                || !string.IsNullOrEmpty(uri.Fragment)
                || !string.IsNullOrEmpty(uri.UserInfo))
            {
                // Never echo credentials written into the URL (http://KEY:SECRET@host): the message and target are redacted.
                var shown = UrlRedaction.Redact(text);
                var why = UrlRedaction.HasUserInfo(text)
                    ? " It carries user information (user:password@), which BackupDr never sends; pass credentials with -AccessKey/-SecretKey or a profile."
                    : string.Empty;
                throw new AwsConfigurationException(
                    "InvalidEndpointUrl",
                    "EndpointUrl",
                    $"The endpoint URL '{shown}' (from {source}) is not valid. Give an absolute http:// or https:// URL with a host and no query, for example http://127.0.0.1:4566.{why}",
                    shown);
            }

            return uri;
        }

        public override string ToString() => $"Region={Region} ({RegionSource}); Credentials={CredentialSource}";
    }
}
