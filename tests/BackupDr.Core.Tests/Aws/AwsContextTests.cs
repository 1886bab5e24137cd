using System.Net;
using BackupDr.Core.Aws;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Aws;

/// <summary>A temporary ~/.aws: a credentials file and its sibling config file.</summary>
internal sealed class ProfileDir : IDisposable
{
    public ProfileDir(string credentials, string config)
    {
        Directory = Path.Combine(Path.GetTempPath(), "backupdr-profiles-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        CredentialsFile = Path.Combine(Directory, "credentials");
        ConfigFile = Path.Combine(Directory, "config");
        File.WriteAllText(CredentialsFile, credentials);
        File.WriteAllText(ConfigFile, config);
    }

    public string Directory { get; }
    public string CredentialsFile { get; }
    public string ConfigFile { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

public sealed class AwsContextTests : IDisposable
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private readonly ProfileDir _profiles = new(
        credentials: """
            [default]
            aws_access_key_id = AKIADEFAULT000000000
            aws_secret_access_key = defaultsecret

            [ops]
            aws_access_key_id = AKIAOPS0000000000000
            aws_secret_access_key = opssecret

            [norole-source]
            aws_access_key_id = AKIASOURCE0000000000
            aws_secret_access_key = sourcesecret
            """,
        config: """
            [default]
            region = eu-west-1

            [profile ops]
            region = ap-southeast-2

            [profile regiononly]
            region = ca-central-1

            [profile assumer]
            role_arn = arn:aws:iam::123456789012:role/BackupDrOperator
            source_profile = norole-source
            region = eu-central-1
            """);

    public void Dispose() => _profiles.Dispose();

    private AwsContextOptions Options(string? region = null, string? profile = null, string? endpoint = null) => new()
    {
        Region = region,
        ProfileName = profile,
        EndpointUrl = endpoint,
        ProfileLocation = _profiles.CredentialsFile,
    };

    private static DictionaryEnvironment Env(params (string Name, string Value)[] vars) =>
        new(vars.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal));

    private static AwsConfigurationException Fails(Func<AwsContext> resolve) => Assert.Throws<AwsConfigurationException>(() => resolve());

    // ---- region ----

    [Fact]
    public void Explicit_region_beats_every_other_source()
    {
        var ctx = AwsContext.Resolve(Options(region: "us-west-2", profile: "ops"), Env(("AWS_REGION", "eu-north-1"), ("AWS_DEFAULT_REGION", "sa-east-1")));
        Assert.Equal("us-west-2", ctx.Region);
        Assert.Equal("-Region", ctx.RegionSource);
    }

    [Fact]
    public void AWS_REGION_beats_AWS_DEFAULT_REGION_and_the_profile()
    {
        var ctx = AwsContext.Resolve(Options(profile: "ops"), Env(("AWS_REGION", "eu-north-1"), ("AWS_DEFAULT_REGION", "sa-east-1")));
        Assert.Equal("eu-north-1", ctx.Region);
        Assert.Equal("AWS_REGION", ctx.RegionSource);
    }

    [Fact]
    public void AWS_DEFAULT_REGION_beats_the_profile()
    {
        var ctx = AwsContext.Resolve(Options(profile: "ops"), Env(("AWS_DEFAULT_REGION", "sa-east-1")));
        Assert.Equal("sa-east-1", ctx.Region);
        Assert.Equal("AWS_DEFAULT_REGION", ctx.RegionSource);
    }

    [Fact]
    public void Named_profile_region_comes_from_its_profile_section_in_config()
    {
        var ctx = AwsContext.Resolve(Options(profile: "ops"), Env());
        Assert.Equal("ap-southeast-2", ctx.Region);
        Assert.Equal("profile 'ops'", ctx.RegionSource);
    }

    [Fact]
    public void AWS_PROFILE_selects_the_profile_whose_region_is_used()
    {
        var ctx = AwsContext.Resolve(Options(), Env(("AWS_PROFILE", "regiononly")));
        Assert.Equal("ca-central-1", ctx.Region);
        Assert.Equal("profile 'regiononly'", ctx.RegionSource);
    }

    [Fact]
    public void Default_section_region_is_used_when_no_profile_is_named()
    {
        var ctx = AwsContext.Resolve(Options(), Env());
        Assert.Equal("eu-west-1", ctx.Region);
        Assert.Equal("profile 'default'", ctx.RegionSource);
    }

    [Fact]
    public void Session_default_origin_is_named_in_the_region_source()
    {
        var options = Options(region: "eu-west-3");
        options.Origin = "session default";
        Assert.Equal("session default region", AwsContext.Resolve(options, Env()).RegionSource);
    }

    [Fact]
    public void No_region_anywhere_fails_with_RegionNotFound_naming_every_way_to_set_one()
    {
        using var empty = new ProfileDir("[default]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n", string.Empty);
        var ex = Fails(() => AwsContext.Resolve(new AwsContextOptions { ProfileLocation = empty.CredentialsFile }, Env()));

        Assert.Equal("RegionNotFound", ex.ErrorId);
        Assert.Equal("Region", ex.ParameterName);
        Assert.Contains("-Region", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_REGION", ex.Message, StringComparison.Ordinal);
        Assert.Contains("profile", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("useast1")]
    [InlineData("US-EAST-1")]
    [InlineData("us-east-1a")]
    [InlineData("us_east_1")]
    [InlineData("https://us-east-1")]
    public void Invalid_region_text_fails_with_InvalidRegion(string region)
    {
        var ex = Fails(() => AwsContext.Resolve(Options(region: region), Env()));
        Assert.Equal("InvalidRegion", ex.ErrorId);
        Assert.Equal(region, ex.Value);
        Assert.Contains(region, ex.Message, StringComparison.Ordinal);

        var fromEnv = Fails(() => AwsContext.Resolve(Options(), Env(("AWS_REGION", region))));
        Assert.Equal("InvalidRegion", fromEnv.ErrorId);
        Assert.Contains("AWS_REGION", fromEnv.Message, StringComparison.Ordinal);
    }

    // ---- endpoints and partitions ----

    [Theory]
    [InlineData("us-east-1", "aws", "https://backup.us-east-1.amazonaws.com/", "https://rds.us-east-1.amazonaws.com/", "https://ec2.us-east-1.amazonaws.com/")]
    [InlineData("cn-north-1", "aws-cn", "https://backup.cn-north-1.amazonaws.com.cn/", "https://rds.cn-north-1.amazonaws.com.cn/", "https://ec2.cn-north-1.amazonaws.com.cn/")]
    [InlineData("us-gov-west-1", "aws-us-gov", "https://backup.us-gov-west-1.amazonaws.com/", "https://rds.us-gov-west-1.amazonaws.com/", "https://ec2.us-gov-west-1.amazonaws.com/")]
    public void Public_endpoints_follow_the_partition(string region, string partition, string backup, string rds, string ec2)
    {
        var ctx = AwsContext.Resolve(Options(region: region), Env());
        Assert.Equal(partition, ctx.Partition);
        Assert.Equal(backup, ctx.GetEndpoint(AwsService.Backup).Uri.AbsoluteUri);
        Assert.Equal(rds, ctx.GetEndpoint(AwsService.Rds).Uri.AbsoluteUri);
        Assert.Equal(ec2, ctx.GetEndpoint(AwsService.Ec2).Uri.AbsoluteUri);
        Assert.Contains(partition, ctx.GetEndpoint(AwsService.Backup).Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_endpoint_beats_service_and_global_variables_for_every_service()
    {
        var ctx = AwsContext.Resolve(
            Options(region: "us-east-1", endpoint: "http://127.0.0.1:4566"),
            Env(("AWS_ENDPOINT_URL_BACKUP", "http://backup.local:1"), ("AWS_ENDPOINT_URL", "http://global.local:2")));

        foreach (var service in AwsService.All)
        {
            Assert.Equal("http://127.0.0.1:4566/", ctx.GetEndpoint(service).Uri.AbsoluteUri);
            Assert.Equal("-EndpointUrl", ctx.GetEndpoint(service).Source);
        }
    }

    [Fact]
    public void Service_variable_beats_the_global_variable_which_beats_the_public_endpoint()
    {
        var ctx = AwsContext.Resolve(
            Options(region: "us-east-1"),
            Env(("AWS_ENDPOINT_URL_BACKUP", "http://backup.local:1"), ("AWS_ENDPOINT_URL_RDS", "http://rds.local:3"), ("AWS_ENDPOINT_URL", "http://global.local:2")));

        Assert.Equal(new Uri("http://backup.local:1"), ctx.GetEndpoint(AwsService.Backup).Uri);
        Assert.Equal("AWS_ENDPOINT_URL_BACKUP", ctx.GetEndpoint(AwsService.Backup).Source);
        Assert.Equal(new Uri("http://rds.local:3"), ctx.GetEndpoint(AwsService.Rds).Uri);
        Assert.Equal("AWS_ENDPOINT_URL_RDS", ctx.GetEndpoint(AwsService.Rds).Source);
        Assert.Equal(new Uri("http://global.local:2"), ctx.GetEndpoint(AwsService.Ec2).Uri);
        Assert.Equal("AWS_ENDPOINT_URL", ctx.GetEndpoint(AwsService.Ec2).Source);

        var ec2Only = AwsContext.Resolve(Options(region: "us-east-1"), Env(("AWS_ENDPOINT_URL_EC2", "http://ec2.local:4")));
        Assert.Equal(new Uri("http://ec2.local:4"), ec2Only.GetEndpoint(AwsService.Ec2).Uri);
        Assert.Equal(new Uri("https://backup.us-east-1.amazonaws.com"), ec2Only.GetEndpoint(AwsService.Backup).Uri);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://x")]
    [InlineData("http://h:1/?q=1")]
    [InlineData("http://h:1/#frag")]
    [InlineData("http://user:pw@h:1/")]
    [InlineData("127.0.0.1:4566")]
    public void Malformed_endpoint_fails_with_InvalidEndpointUrl_naming_the_value(string endpoint)
    {
        var ex = Fails(() => AwsContext.Resolve(Options(region: "us-east-1", endpoint: endpoint), Env()));
        Assert.Equal("InvalidEndpointUrl", ex.ErrorId);
        Assert.Equal("EndpointUrl", ex.ParameterName);
        Assert.Contains(UrlRedaction.Redact(endpoint)!, ex.Message, StringComparison.Ordinal);

        var fromEnv = Fails(() => AwsContext.Resolve(Options(region: "us-east-1"), Env(("AWS_ENDPOINT_URL_RDS", endpoint))));
        Assert.Equal("InvalidEndpointUrl", fromEnv.ErrorId);
        Assert.Contains("AWS_ENDPOINT_URL_RDS", fromEnv.Message, StringComparison.Ordinal);
    }

    // ---- profiles and credentials ----

    [Fact]
    public void Unknown_explicit_profile_fails_with_ProfileNotFound_naming_it_and_the_files()
    {
        var ex = Fails(() => AwsContext.Resolve(Options(region: "us-east-1", profile: "nosuch"), Env()));
        Assert.Equal("ProfileNotFound", ex.ErrorId);
        Assert.Equal("nosuch", ex.Value);
        Assert.Contains("'nosuch'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-ProfileName", ex.Message, StringComparison.Ordinal);
        Assert.Contains(_profiles.CredentialsFile, ex.Message, StringComparison.Ordinal);
        Assert.Contains(_profiles.ConfigFile, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_AWS_PROFILE_fails_with_ProfileNotFound_naming_the_variable()
    {
        var ex = Fails(() => AwsContext.Resolve(Options(region: "us-east-1"), Env(("AWS_PROFILE", "ghost"))));
        Assert.Equal("ProfileNotFound", ex.ErrorId);
        Assert.Contains("'ghost'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_PROFILE", ex.Message, StringComparison.Ordinal);
        Assert.Contains(_profiles.CredentialsFile, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Access_key_without_secret_and_secret_without_key_fail_with_IncompleteCredentials()
    {
        var noSecret = Fails(() => AwsContext.Resolve(new AwsContextOptions { Region = "us-east-1", AccessKey = "AKIDEXAMPLE" }, Env()));
        Assert.Equal("IncompleteCredentials", noSecret.ErrorId);
        Assert.Equal("SecretKey", noSecret.ParameterName);

        var noKey = Fails(() => AwsContext.Resolve(new AwsContextOptions { Region = "us-east-1", SecretKey = Secret }, Env()));
        Assert.Equal("IncompleteCredentials", noKey.ErrorId);
        Assert.Equal("AccessKey", noKey.ParameterName);
        Assert.DoesNotContain("wJalrXUtnFEMI", noKey.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Profile_and_access_key_together_conflict()
    {
        var ex = Fails(() => AwsContext.Resolve(new AwsContextOptions { Region = "us-east-1", AccessKey = "AKIDEXAMPLE", SecretKey = Secret, ProfileName = "ops" }, Env()));
        Assert.Equal("ConflictingCredentials", ex.ErrorId);
    }

    [Fact]
    public void Explicit_keys_give_basic_or_session_credentials()
    {
        var basic = AwsContext.Resolve(new AwsContextOptions { Region = "us-east-1", AccessKey = "AKIDEXAMPLE", SecretKey = Secret }, Env());
        Assert.IsType<Amazon.Runtime.BasicAWSCredentials>(basic.Credentials);

        var session = AwsContext.Resolve(new AwsContextOptions { Region = "us-east-1", AccessKey = "AKIDEXAMPLE", SecretKey = Secret, SessionToken = "TOKEN123" }, Env());
        var creds = Assert.IsType<Amazon.Runtime.SessionAWSCredentials>(session.Credentials).GetCredentials();
        Assert.Equal("AKIDEXAMPLE", creds.AccessKey);
        Assert.Equal(Secret, creds.SecretKey);
        Assert.Equal("TOKEN123", creds.Token);
        Assert.True(creds.UseToken);
    }

    [Fact]
    public void Profile_with_static_keys_resolves_them()
    {
        var ctx = AwsContext.Resolve(Options(profile: "ops"), Env());
        var creds = ctx.Credentials.GetCredentials();
        Assert.Equal("AKIAOPS0000000000000", creds.AccessKey);
        Assert.Equal("opssecret", creds.SecretKey);
        Assert.Equal("profile 'ops'", ctx.CredentialSource);
    }

    [Fact]
    public void Assume_role_profile_resolves_to_the_sdks_assume_role_credentials_without_calling_sts()
    {
        // The handler would fail the test if anything were sent; building the credentials must not call STS.
        var ctx = AwsContext.Resolve(Options(profile: "assumer"), Env());

        var creds = ctx.Credentials;

        Assert.Equal("AssumeRoleAWSCredentials", creds.GetType().Name);
        Assert.Equal("eu-central-1", ctx.Region);
        Assert.NotNull(Type.GetType("Amazon.SecurityToken.AmazonSecurityTokenServiceClient, AWSSDK.SecurityToken"));
    }

    [Fact]
    public async Task Profile_without_credentials_fails_at_signing_and_sends_nothing()
    {
        var ctx = AwsContext.Resolve(Options(profile: "regiononly"), Env());
        var stub = new StubHandler().Respond(HttpStatusCode.OK, "{}");
        using var transport = new AwsTransport(ctx, stub, new RetryPolicy(() => 0.5), new FakeClock());

        var ex = await Assert.ThrowsAsync<AwsConfigurationException>(() => transport.SendAsync(new AwsRequest(AwsService.Backup, "ListBackupVaults", HttpMethod.Get, "/backup-vaults/"), CancellationToken.None));

        Assert.Equal("ProfileHasNoCredentials", ex.ErrorId);
        Assert.Contains("regiononly", ex.Message, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    // ---- one plain credentials error ----

    [Fact]
    public void CredentialsErrorDumpsSdkExceptions_regression_one_CredentialsNotFound_lists_the_sources_tried_in_order()
    {
        using var empty = new ProfileDir(credentials: "[other]\naws_access_key_id = AKIAOTHER00000000000\naws_secret_access_key = othersecret\n", config: string.Empty);
        var options = new AwsContextOptions { Region = "us-east-1", ProfileLocation = empty.CredentialsFile };
        var ctx = AwsContext.Resolve(options, Env(("AWS_EC2_METADATA_DISABLED", "true")));

        var ex = Assert.Throws<AwsConfigurationException>(() => ctx.Credentials);

        Assert.Equal("CredentialsNotFound", ex.ErrorId);
        var message = ex.Message;
        var explicitKeys = message.IndexOf("1. -AccessKey/-SecretKey", StringComparison.Ordinal);
        var profile = message.IndexOf($"2. profile 'default' in {empty.CredentialsFile} and {empty.ConfigFile}: not found", StringComparison.Ordinal);
        var environment = message.IndexOf("3. environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: not set", StringComparison.Ordinal);
        var howTo = message.IndexOf("To give credentials, pass -AccessKey and -SecretKey, or -ProfileName", StringComparison.Ordinal);
        Assert.True(explicitKeys >= 0 && profile > explicitKeys && environment > profile && howTo > environment, message);

        // Sources that were not configured or are disabled are not tried, so not listed; no SDK exception text.
        Assert.DoesNotContain("web identity", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("container", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("IMDS", message, StringComparison.Ordinal);
        Assert.DoesNotContain("4.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
        Assert.DoesNotContain("othersecret", message, StringComparison.Ordinal);
    }

    [Fact]
    public void CredentialsNotFound_lists_web_identity_container_and_instance_metadata_when_they_are_in_play_and_no_secret()
    {
        using var empty = new ProfileDir(credentials: string.Empty, config: "[default]\nregion = eu-west-1\n");
        var options = new AwsContextOptions { ProfileLocation = empty.CredentialsFile };
        var ctx = AwsContext.Resolve(options, Env(
            ("AWS_ACCESS_KEY_ID", "AKIAPARTIAL000000000"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web"),
            ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x")));

        var ex = Assert.Throws<AwsConfigurationException>(() => ctx.Credentials);

        Assert.Equal("CredentialsNotFound", ex.ErrorId);
        var m = ex.Message;
        Assert.Contains("2. profile 'default' in", m, StringComparison.Ordinal);
        Assert.Contains(": has no credentials", m, StringComparison.Ordinal);
        Assert.Contains("3. environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: AWS_SECRET_ACCESS_KEY is not set", m, StringComparison.Ordinal);
        Assert.Contains("4. web identity (AWS_WEB_IDENTITY_TOKEN_FILE /var/run/token, AWS_ROLE_ARN arn:aws:iam::123456789012:role/web)", m, StringComparison.Ordinal);
        Assert.Contains("5. container credentials", m, StringComparison.Ordinal);
        Assert.Contains("6. EC2 instance metadata (IMDS)", m, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAPARTIAL", m, StringComparison.Ordinal);
    }

    // ---- WithRegion, Over, ToString ----

    [Fact]
    public void WithRegion_keeps_endpoint_rules_and_credentials()
    {
        var env = Env(("AWS_ENDPOINT_URL_RDS", "http://rds.local:3"));
        var ctx = AwsContext.Resolve(new AwsContextOptions { Region = "us-east-1", AccessKey = "AKIDEXAMPLE", SecretKey = Secret }, env);

        var dr = ctx.WithRegion("eu-west-2");

        Assert.Equal("eu-west-2", dr.Region);
        Assert.Equal(new Uri("https://backup.eu-west-2.amazonaws.com"), dr.GetEndpoint(AwsService.Backup).Uri);
        Assert.Equal(new Uri("http://rds.local:3"), dr.GetEndpoint(AwsService.Rds).Uri);
        Assert.Same(ctx.Credentials, dr.Credentials);
        Assert.Same(ctx, ctx.WithRegion("us-east-1"));

        var local = AwsContext.Resolve(Options(region: "us-east-1", endpoint: "http://127.0.0.1:4566", profile: "ops"), Env()).WithRegion("cn-north-1");
        Assert.Equal(new Uri("http://127.0.0.1:4566"), local.GetEndpoint(AwsService.Ec2).Uri);
        Assert.Equal("aws-cn", local.Partition);

        Assert.Equal("InvalidRegion", Assert.Throws<AwsConfigurationException>(() => ctx.WithRegion("nowhere")).ErrorId);
    }

    [Fact]
    public void Over_fills_gaps_and_moves_credentials_as_a_unit()
    {
        var defaults = new AwsContextOptions { Region = "eu-west-1", ProfileName = "ops", EndpointUrl = "http://d:1", ProfileLocation = "/d/credentials" };
        var keyDefaults = new AwsContextOptions { Region = "eu-west-1", AccessKey = "AKIDDEFAULT", SecretKey = "dsecret", SessionToken = "dtoken" };

        var withKeys = new AwsContextOptions { AccessKey = "AKIDOWN", SecretKey = "osecret" }.Over(defaults);
        Assert.Equal("eu-west-1", withKeys.Region);
        Assert.Equal("http://d:1", withKeys.EndpointUrl);
        Assert.Equal("/d/credentials", withKeys.ProfileLocation);
        Assert.Null(withKeys.ProfileName);
        Assert.Equal("AKIDOWN", withKeys.AccessKey);
        Assert.Equal("osecret", withKeys.SecretKey);

        var ownKeysOverKeyDefaults = new AwsContextOptions { AccessKey = "AKIDOWN", SecretKey = "osecret" }.Over(keyDefaults);
        Assert.Null(ownKeysOverKeyDefaults.SessionToken);

        var withProfile = new AwsContextOptions { ProfileName = "dev", Region = "us-west-2" }.Over(keyDefaults);
        Assert.Equal("us-west-2", withProfile.Region);
        Assert.Equal("dev", withProfile.ProfileName);
        Assert.Null(withProfile.AccessKey);
        Assert.Null(withProfile.SecretKey);
        Assert.Null(withProfile.SessionToken);

        var inherit = new AwsContextOptions { Origin = "parameter" }.Over(keyDefaults);
        Assert.Equal("AKIDDEFAULT", inherit.AccessKey);
        Assert.Equal("dsecret", inherit.SecretKey);
        Assert.Equal("dtoken", inherit.SessionToken);
        Assert.Null(inherit.ProfileName);

        var alone = new AwsContextOptions { Region = "us-east-2" }.Over(null);
        Assert.Equal("us-east-2", alone.Region);
    }

    [Fact]
    public void ToString_never_shows_the_secret_key_or_session_token()
    {
        var options = new AwsContextOptions { Region = "us-east-1", AccessKey = "AKIDEXAMPLE", SecretKey = Secret, SessionToken = "SESSIONTOKENVALUE" };
        var ctx = AwsContext.Resolve(options, Env());

        foreach (var text in new[] { options.ToString(), ctx.ToString(), ctx.CredentialSource, ctx.GetEndpoint(AwsService.Backup).ToString() })
        {
            Assert.DoesNotContain("wJalrXUtnFEMI", text, StringComparison.Ordinal);
            Assert.DoesNotContain("SESSIONTOKENVALUE", text, StringComparison.Ordinal);
            Assert.DoesNotContain("AKIDEXAMPLE", text, StringComparison.Ordinal);
        }

        Assert.Contains("****MPLE", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("****MPLE", ctx.ToString(), StringComparison.Ordinal);
    }
}

public sealed class AwsContextCredentialChainTests
{
    private static DictionaryEnvironment Env(params (string Name, string Value)[] vars) =>
        new(vars.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal));

    [Fact]
    public void Default_profile_with_only_a_region_does_not_hide_environment_keys()
    {
        // Common on build agents: ~/.aws/config holds the region, the keys come from the environment.
        using var dir = new ProfileDir(string.Empty, "[default]\nregion = eu-west-1\n");
        var ctx = AwsContext.Resolve(
            new AwsContextOptions { ProfileLocation = dir.CredentialsFile },
            Env(("AWS_ACCESS_KEY_ID", "AKIAENV0000000000000"), ("AWS_SECRET_ACCESS_KEY", "envsecret"), ("AWS_SESSION_TOKEN", "envtoken")));

        var creds = ctx.Credentials.GetCredentials();

        Assert.Equal("eu-west-1", ctx.Region);
        Assert.Equal("AKIAENV0000000000000", creds.AccessKey);
        Assert.Equal("envsecret", creds.SecretKey);
        Assert.Equal("envtoken", creds.Token);
    }

    [Fact]
    public void Default_profile_with_keys_is_used_before_environment_keys_as_in_the_dotnet_sdk()
    {
        using var dir = new ProfileDir("[default]\naws_access_key_id = AKIAPROFILE000000000\naws_secret_access_key = profilesecret\n", "[default]\nregion = eu-west-1\n");
        var ctx = AwsContext.Resolve(
            new AwsContextOptions { ProfileLocation = dir.CredentialsFile },
            Env(("AWS_ACCESS_KEY_ID", "AKIAENV0000000000000"), ("AWS_SECRET_ACCESS_KEY", "envsecret")));

        Assert.Equal("AKIAPROFILE000000000", ctx.Credentials.GetCredentials().AccessKey);
    }

    [Fact]
    public void Without_any_profile_environment_keys_are_read_from_the_given_environment()
    {
        using var dir = new ProfileDir(string.Empty, string.Empty);
        var ctx = AwsContext.Resolve(
            new AwsContextOptions { ProfileLocation = dir.CredentialsFile, Region = "us-east-1" },
            Env(("AWS_ACCESS_KEY_ID", "AKIAENV0000000000000"), ("AWS_SECRET_ACCESS_KEY", "envsecret")));

        Assert.IsType<Amazon.Runtime.BasicAWSCredentials>(ctx.Credentials);
        Assert.Equal("AKIAENV0000000000000", ctx.Credentials.GetCredentials().AccessKey);
    }
}
