using System.Reflection;
using System.Text.RegularExpressions;
using BackupDr.Core.Aws;
using BackupDr.Core.Operations;

namespace BackupDr.Core.Tests.Operations;

/// <summary>
/// Every error id BackupDr can raise, and every AWS error code it maps, has a next step in
/// DrRecommendations; an AWS error's recommendation is a next step, not its request id.
/// </summary>
public class DrRecommendationsTests
{
    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "BackupDr.psd1")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("BackupDr.psd1 not found above the test directory.");
        }
    }

    /// <summary>
    /// The ids the code raises: the literal first argument of every DrException, DrValidationException and
    /// AwsConfigurationException (and of DrException bases), the errorId literals handed to ResourceArns'
    /// parser, DrCmdlet's job outcome ids and DrErrorRecords' generic ids.
    /// </summary>
    public static IEnumerable<(string Id, string Where)> RaisedIds()
    {
        var src = Path.Combine(RepoRoot, "src");
        var construct = new Regex(@"new\s+(?:DrException|DrValidationException|AwsConfigurationException)\(\s*""(?<id>[A-Za-z]+)""|:\s*base\(\s*""(?<id>[A-Za-z]+)""|ParseOrThrow\([^;]*?""(?<id>[A-Z][A-Za-z]+)""|new ErrorRecord\([^,]+,\s*""(?<id>[A-Za-z]+)""", RegexOptions.Singleline);
        foreach (var file in Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (Match m in construct.Matches(text))
            {
                yield return (m.Groups["id"].Value, Path.GetRelativePath(RepoRoot, file));
            }
        }

        // DrCmdlet.WriteJobOutcome: $"{job.JobType}Job{ToPascal(job.State)}" for every job that ends without success.
        foreach (var type in Enum.GetNames<BackupDr.Core.Model.DrJobType>())
        {
            foreach (var state in new[] { "Failed", "Aborted", "Expired", "Partial" })
            {
                yield return ($"{type}Job{state}", "DrCmdlet.WriteJobOutcome");
            }
        }

        // Test-DrEnvironment's check ids (ErrorId of a failed EnvironmentCheck): the *Id constants of EnvironmentProbe.
        foreach (var field in typeof(EnvironmentProbe).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.Name.EndsWith("Id", StringComparison.Ordinal)))
        {
            yield return ((string)field.GetRawConstantValue()!, Path.Combine("src", "BackupDr.Core", "Operations", "EnvironmentProbe.cs"));
        }

        yield return ("OperationTimeout", "DrErrorRecords");
        yield return ("InvalidArgument", "DrErrorRecords");
    }

    [Fact]
    public void RecommendationRepeatsRequestId_regression_every_error_id_the_code_raises_has_a_next_step()
    {
        var ids = RaisedIds().ToList();
        Assert.True(ids.Count > 40, $"only {ids.Count} raised ids found: the scan is broken");
        Assert.Contains(ids, i => i.Id == "CredentialsNotFound");
        Assert.Contains(ids, i => i.Id == "JobWaitTimeout");
        Assert.Contains(ids, i => i.Id == "InvalidResourceArn");
        foreach (var (id, where) in ids)
        {
            Assert.True(DrRecommendations.Find(id) != null, $"error id {id} (raised in {where}) has no entry in DrRecommendations.Table: add the next step for it");
        }
    }

    /// <summary>docs/errors.md's catalogue: every id BackupDr raises, where, and its next step, generated from the code.</summary>
    public static string Catalogue()
    {
        var rows = RaisedIds()
            .GroupBy(i => i.Id, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var where = string.Join(", ", g.Select(i => Path.GetFileNameWithoutExtension(i.Where)).Distinct(StringComparer.Ordinal).OrderBy(w => w, StringComparer.Ordinal));
                var next = (DrRecommendations.Find(g.Key) ?? string.Empty).Replace("|", "\\|", StringComparison.Ordinal);
                return $"| `{g.Key}` | {where} | {next} |";
            });
        return "| Id | Raised in | What to do |\n|----|-----------|------------|\n" + string.Join("\n", rows) + "\n";
    }

    [Fact]
    public void Error_catalogue_in_docs_errors_md_is_current()
    {
        var path = Path.Combine(RepoRoot, "docs", "errors.md");
        var text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        const string Start = "<!-- catalogue:start -->\n", End = "<!-- catalogue:end -->";
        var a = text.IndexOf(Start, StringComparison.Ordinal);
        var b = text.IndexOf(End, StringComparison.Ordinal);
        Assert.True(a >= 0 && b > a, "docs/errors.md has no catalogue markers");
        var expected = Catalogue();
        var actual = text.Substring(a + Start.Length, b - a - Start.Length);
        if (actual != expected && Environment.GetEnvironmentVariable("BACKUPDR_UPDATE_HELP") == "1")
        {
            File.WriteAllText(path, text.Substring(0, a + Start.Length) + expected + text.Substring(b));
            return;
        }

        Assert.True(actual == expected, "docs/errors.md's catalogue is out of date: run BACKUPDR_UPDATE_HELP=1 dotnet test tests/BackupDr.Core.Tests --filter Error_catalogue and commit it");
    }

    public static IEnumerable<string> MappedAwsCodes()
    {
        // The codes the retry policy knows (throttling, transient, clock skew).
        foreach (var field in typeof(RetryPolicy).GetFields(BindingFlags.NonPublic | BindingFlags.Static).Where(f => f.FieldType == typeof(HashSet<string>)))
        {
            foreach (var code in (HashSet<string>)field.GetValue(null)!)
            {
                yield return code;
            }
        }

        // The codes AwsErrorParser gives answers without one.
        var defaultCode = typeof(AwsErrorParser).GetMethod("DefaultCode", BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (var status in new[] { 400, 401, 403, 404, 409, 418, 429, 500, 502, 503, 504 })
        {
            yield return (string)defaultCode.Invoke(null, new object[] { status })!;
        }

        // The codes DrErrors.KindOf names, those the transport and clients make up, and those the services send.
        foreach (var code in new[]
        {
            "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthFailure", "InvalidClientTokenId", "UnrecognizedClientException",
            "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch", "ResourceNotFoundException", "DBInstanceNotFound", "DBInstanceNotFoundFault",
            "DBClusterNotFoundFault", "DBSnapshotNotFound", "InvalidVolume.NotFound", "InvalidInstanceID.NotFound", "InvalidSnapshot.NotFound",
            "AlreadyExistsException", "DBInstanceAlreadyExists", "DBSnapshotAlreadyExists", "LimitExceededException", "InstanceQuotaExceeded",
            "RequestTimeout", "RequestTimeoutException", "NetworkError", "ValidationException", "InvalidParameterValue", "InvalidParameterValueException",
            "InvalidParameterCombination", "MissingParameter", "MissingParameterValueException", "InvalidRequestException", "MissingAuthenticationTokenException",
            "IncompleteSignatureException", "SerializationException", "MalformedResponse", "PaginationLoop", "ConflictException", "InvalidDBInstanceState",
        })
        {
            yield return code;
        }
    }

    [Fact]
    public void Every_AWS_error_code_BackupDr_maps_has_a_next_step()
    {
        var codes = MappedAwsCodes().Distinct(StringComparer.Ordinal).ToList();
        Assert.True(codes.Count > 50, $"only {codes.Count} codes collected: the reflection is broken");
        foreach (var code in codes)
        {
            Assert.True(DrRecommendations.Find(code) != null, $"AWS error code {code} has no entry in DrRecommendations.Table");
        }
    }

    [Fact]
    public void Every_error_kind_has_a_fallback_and_no_text_is_left_with_a_placeholder()
    {
        foreach (var kind in Enum.GetValues<DrErrorKind>())
        {
            Assert.True(DrRecommendations.ByKind.ContainsKey(kind), $"no fallback for {kind}");
            Assert.DoesNotMatch(@"\{[A-Za-z]+\}", DrRecommendations.For("NoSuchIdAtAll", kind));
        }

        foreach (var entry in DrRecommendations.Table)
        {
            Assert.DoesNotMatch(@"\{[A-Za-z]+\}", DrRecommendations.For(entry.Key.Replace("*", "X", StringComparison.Ordinal), DrErrorKind.InvalidOperation, "Name", "backup:Op", "us-east-1"));
        }
    }

    [Fact]
    public void RecommendationRepeatsRequestId_regression_a_vault_typo_says_how_to_list_vaults_not_the_request_id()
    {
        var ex = new AwsServiceException("Backup", "StartBackupJob", 400, "ResourceNotFoundException", "Backup vault NoSuchVault does not exist", "8f1e-request-id", "us-east-1");

        var next = DrRecommendations.For(ex);

        Assert.Contains("Get-DrBackupVault", next, StringComparison.Ordinal);
        Assert.Contains("us-east-1", next, StringComparison.Ordinal);
        Assert.DoesNotContain("8f1e-request-id", next, StringComparison.Ordinal);
        Assert.Contains("8f1e-request-id", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AccessDeniedException", "Backup", "StartBackupJob", "backup:StartBackupJob")]
    [InlineData("UnauthorizedOperation", "EC2", "CreateTags", "ec2:CreateTags")]
    [InlineData("AccessDenied", "RDS", "AddTagsToResource", "rds:AddTagsToResource")]
    [InlineData("ThrottlingException", "Backup", "ListBackupJobs", "fewer")]
    [InlineData("RequestLimitExceeded", "EC2", "DescribeVolumes", "fewer")]
    [InlineData("InvalidParameterValue", "EC2", "CreateTags", "message names")]
    [InlineData("ExpiredTokenException", "Backup", "ListBackupJobs", "aws sso login")]
    [InlineData("DBInstanceNotFound", "RDS", "DescribeDBInstances", "Get-DrResource")]
    public void AWS_errors_get_the_next_step_for_their_code(string code, string service, string operation, string expected)
    {
        var ex = new AwsServiceException(service, operation, 400, code, "msg", "rid-1", "eu-west-1");
        var next = DrRecommendations.For(ex);
        Assert.Contains(expected, next, StringComparison.Ordinal);
        Assert.DoesNotContain("rid-1", next, StringComparison.Ordinal);
    }
}
