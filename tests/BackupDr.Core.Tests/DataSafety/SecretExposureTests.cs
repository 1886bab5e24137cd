using System.Collections;
using System.Reflection;
using BackupDr.Core.Aws;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.DataSafety;

/// <summary>
/// Regressions of issue 8 (secrets): a public static (DrSession.Defaults) returned the session's secret key and
/// token in clear, and an -EndpointUrl with user:password@ was echoed in the error message and target.
/// </summary>
[Collection(DrSessionCollection.Name)]
public sealed class SecretExposureTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string Token = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789";
    private const string UrlSecret = "urlS3cretValue";

    private static readonly Type[] CredentialTypes = { typeof(Amazon.Runtime.AWSCredentials), typeof(Amazon.Runtime.ImmutableCredentials) };

    private static AwsContextOptions WithSecrets() => new()
    {
        Region = "us-east-1",
        AccessKey = "AKIAEXAMPLE000000000",
        SecretKey = Secret,
        SessionToken = Token,
        EndpointUrl = "http://127.0.0.1:4566",
    };

    [Fact]
    public void Public_static_exposes_secret_regression_no_public_member_of_Core_returns_credentials_or_a_secret_string()
    {
        var offenders = new List<string>();
        // Core and the model assembly it hands PowerShell (DrDefaults lives there).
        foreach (var type in typeof(AwsContext).Assembly.GetExportedTypes().Concat(typeof(DrDefaults).Assembly.GetExportedTypes()))
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var getter = property.GetGetMethod(nonPublic: false);
                if (getter == null)
                {
                    continue;
                }

                if (CredentialTypes.Any(c => c.IsAssignableFrom(property.PropertyType))
                    || (property.PropertyType == typeof(string) && (property.Name.Contains("Secret", StringComparison.OrdinalIgnoreCase) || property.Name.Contains("SessionToken", StringComparison.OrdinalIgnoreCase))))
                {
                    offenders.Add($"{type.FullName}.{property.Name}");
                }
            }

            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).Where(m => !m.IsSpecialName))
            {
                if (CredentialTypes.Any(c => c.IsAssignableFrom(method.ReturnType)))
                {
                    offenders.Add($"{type.FullName}.{method.Name}()");
                }
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void Public_static_exposes_secret_regression_session_defaults_context_and_options_never_show_the_secret_or_token()
    {
        var state = new DrSessionState();
        state.Exchange(WithSecrets());
        {
            var defaults = state.Defaults!;
            var context = state.Resolve(new AwsContextOptions(), new DictionaryEnvironment());
            var shown = AwsContextOptions.AsShown(defaults);

            // Positive control: the secret is kept, internally, for signing.
            Assert.Equal(Secret, context.Credentials.GetCredentials().SecretKey);
            Assert.Equal(Token, context.Credentials.GetCredentials().Token);
            Assert.True(defaults.HasSecretKey);
            Assert.True(defaults.HasSessionToken);
            Assert.True(shown.HasSecretKey);

            foreach (var root in new object[] { defaults, context, shown, WithSecrets() })
            {
                foreach (var text in PublicStrings(root))
                {
                    Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
                    Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
                }
            }
        }
    }

    [Theory]
    [InlineData("http://AKIDEXAMPLE:" + UrlSecret + "@127.0.0.1:4566")]
    [InlineData("https://user:" + UrlSecret + "@127.0.0.1/")]
    [InlineData("http://" + UrlSecret + "@127.0.0.1:4566")]
    [InlineData("http://AKID:" + UrlSecret + "@127.0.0.1:4566?x=1")]
    public void Endpoint_userinfo_echoed_regression_the_error_redacts_the_credentials_in_the_url(string url)
    {
        var ex = Assert.Throws<AwsConfigurationException>(() => AwsContext.Resolve(new AwsContextOptions { Region = "us-east-1", AccessKey = "AKIDEXAMPLE", SecretKey = "s", EndpointUrl = url }, new DictionaryEnvironment()));

        Assert.Equal("InvalidEndpointUrl", ex.ErrorId);
        Assert.Equal("EndpointUrl", ex.ParameterName);
        Assert.DoesNotContain(UrlSecret, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(UrlSecret, Convert.ToString(ex.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("***@127.0.0.1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoint_userinfo_echoed_regression_environment_endpoints_are_redacted_too()
    {
        var env = new DictionaryEnvironment(new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = "http://AKID:" + UrlSecret + "@127.0.0.1:4566" });
        var ex = Assert.Throws<AwsConfigurationException>(() => AwsContext.Resolve(new AwsContextOptions { Region = "us-east-1" }, env));

        Assert.DoesNotContain(UrlSecret, ex.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_ENDPOINT_URL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoint_userinfo_echoed_regression_defaults_and_options_show_the_url_redacted()
    {
        var options = new AwsContextOptions { EndpointUrl = "http://AKID:" + UrlSecret + "@127.0.0.1:4566" };

        Assert.Equal("http://***@127.0.0.1:4566", AwsContextOptions.AsShown(options).EndpointUrl);
        Assert.DoesNotContain(UrlSecret, options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(UrlSecret, new ResolvedEndpoint(new Uri("http://a:" + UrlSecret + "@127.0.0.1/"), "test").ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData("http://127.0.0.1:4566", "http://127.0.0.1:4566")]
    [InlineData("http://a:b@127.0.0.1:4566/path@x", "http://***@127.0.0.1:4566/path@x")]
    [InlineData("http://a:b@c@127.0.0.1", "http://***@127.0.0.1")]
    [InlineData("not a url a:b@c", "not a url a:b@c")]
    public void UrlRedaction_hides_userinfo_only(string? url, string? expected) => Assert.Equal(expected, UrlRedaction.Redact(url));

    /// <summary>Every string reachable through public getters (and ToString) of an object graph, a few levels deep.</summary>
    private static IEnumerable<string> PublicStrings(object root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var found = new List<string>();
        void Walk(object? value, int depth)
        {
            if (value == null || depth > 4)
            {
                return;
            }

            if (value is string s)
            {
                found.Add(s);
                return;
            }

            var type = value.GetType();
            if (type.IsPrimitive || type.IsEnum || value is DateTime || value is TimeSpan || value is Uri || !seen.Add(value))
            {
                if (value is Uri u)
                {
                    found.Add(u.ToString());
                }

                return;
            }

            found.Add(value.ToString() ?? string.Empty);
            if (value is IEnumerable list)
            {
                foreach (var item in list)
                {
                    Walk(item, depth + 1);
                }

                return;
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.GetGetMethod(false) != null))
            {
                object? child;
                try
                {
                    child = property.GetValue(value);
                }
                catch (TargetInvocationException)
                {
                    continue;
                }

                Walk(child, depth + 1);
            }
        }

        Walk(root, 0);
        return found;
    }
}

/// <summary>Tests that change the process-wide session defaults run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DrSessionCollection
{
    public const string Name = "DrSession defaults";
}
