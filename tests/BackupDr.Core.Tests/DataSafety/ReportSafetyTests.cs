using BackupDr.Core.Operations;
using static BackupDr.Core.Tests.SandboxClients.SandboxClients;

namespace BackupDr.Core.Tests.DataSafety;

/// <summary>
/// Regressions of issue 8 (reports): a vault typo gave 0 jobs and no warning; -HtmlPath in a missing folder threw
/// after the whole listing and lost the report; -Until before -Since was not checked; -Since/-Until were untyped.
/// </summary>
public sealed class ReportSafetyTests
{
    private static readonly DateTime Now = new(2026, 6, 10, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Vault_typo_gives_zero_jobs_and_no_warning_regression_a_vault_missing_everywhere_is_BackupVaultNotFound()
    {
        using var sb = new SandboxClients.SandboxClients();
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        var builder = new BackupReportBuilder(region => sb.Set.ForRegion(region).Backup);

        var ex = await Assert.ThrowsAsync<DrException>(() => builder.BuildAsync(new BackupReportOptions { Regions = { Region }, BackupVaultName = "Mian" }, Ct));

        Assert.Equal(("BackupVaultNotFound", "BackupVaultName", DrErrorKind.ObjectNotFound), (ex.ErrorId, ex.ParameterName, ex.Kind));
        Assert.Contains("'Mian'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("list-backup-vaults", ex.Message, StringComparison.Ordinal);

        // Positive control: the real vault with no jobs is a clean, empty report.
        var report = await builder.BuildAsync(new BackupReportOptions { Regions = { Region }, BackupVaultName = "Main" }, Ct);
        Assert.Equal(0, report.TotalJobs);
        Assert.Empty(report.Warnings);
        Assert.True(report.IsComplete);
    }

    [Fact]
    public async Task Vault_typo_gives_zero_jobs_and_no_warning_regression_a_vault_missing_in_one_region_is_a_warning_naming_it()
    {
        using var sb = new SandboxClients.SandboxClients();
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        var builder = new BackupReportBuilder(region => sb.Set.ForRegion(region).Backup);

        var report = await builder.BuildAsync(new BackupReportOptions { Regions = { Region, DrRegion }, BackupVaultName = "Main" }, Ct);

        var warning = Assert.Single(report.Warnings);
        Assert.Contains("'Main'", warning, StringComparison.Ordinal);
        Assert.Contains(DrRegion, warning, StringComparison.Ordinal);
        Assert.DoesNotContain(Region + ";", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vault_typo_gives_zero_jobs_and_no_warning_regression_the_check_is_asked_only_when_nothing_was_listed()
    {
        using var sb = new SandboxClients.SandboxClients();
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        var volume = await sb.NewVolume();
        await sb.Backup.StartBackupJobAsync(new BackupDr.Core.Aws.StartBackupJobRequest { BackupVaultName = "Main", ResourceArn = VolumeArn(volume), IamRoleArn = Role }, Ct);
        sb.Server.ClearRequestLog();

        var report = await new BackupReportBuilder(region => sb.Set.ForRegion(region).Backup).BuildAsync(new BackupReportOptions { Regions = { Region }, BackupVaultName = "Main" }, Ct);

        Assert.Equal(1, report.TotalJobs);
        Assert.DoesNotContain(sb.Server.RequestLog, r => r.Operation == "DescribeBackupVault");
    }

    [Fact]
    public void HtmlPath_in_missing_folder_regression_the_folder_is_checked_before_anything_is_sent()
    {
        var missing = Path.Combine(Path.GetTempPath(), "backupdr-no-such-folder-" + Guid.NewGuid().ToString("N"), "report.html");

        var ex = Assert.Throws<DrValidationException>(() => BackupReportHtml.ValidateOutputPath(missing));

        Assert.Equal(("HtmlPathFolderNotFound", "HtmlPath", DrErrorKind.ObjectNotFound), (ex.ErrorId, ex.ParameterName, ex.Kind));
        Assert.Contains(Path.GetDirectoryName(missing)!, ex.Message, StringComparison.Ordinal);

        Assert.Equal("HtmlPathIsFolder", Assert.Throws<DrValidationException>(() => BackupReportHtml.ValidateOutputPath(Path.GetTempPath())).ErrorId);
        BackupReportHtml.ValidateOutputPath(Path.Combine(Path.GetTempPath(), "report.html"));
    }

    [Fact]
    public void HtmlPath_write_failure_loses_the_report_regression_a_failed_write_is_a_DrException_with_the_cause()
    {
        var tooLong = Path.Combine(Path.GetTempPath(), new string('r', 300) + ".html");
        BackupReportHtml.ValidateOutputPath(tooLong);

        var ex = Assert.Throws<DrException>(() => BackupReportHtml.Write(new BackupReport(), tooLong));

        Assert.Equal(("HtmlReportWriteFailed", "HtmlPath"), (ex.ErrorId, ex.ParameterName));
        Assert.NotNull(ex.InnerException);
        Assert.Equal(tooLong, ex.Value);
    }

    [Fact]
    public void Until_before_Since_not_checked_regression_an_empty_window_is_UntilBeforeSince()
    {
        var ex = Assert.Throws<DrValidationException>(() => SinceParser.EnsureOrder(Now, Now.AddDays(-1)));
        Assert.Equal(("UntilBeforeSince", "Until", DrErrorKind.InvalidArgument), (ex.ErrorId, ex.ParameterName, ex.Kind));
        Assert.Equal("UntilBeforeSince", Assert.Throws<DrValidationException>(() => SinceParser.EnsureOrder(Now, Now)).ErrorId);

        SinceParser.EnsureOrder(Now.AddDays(-1), Now);
    }

    public static TheoryData<object, DateTime> Convertible => new()
    {
        { new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc) },
        { new DateTimeOffset(2026, 6, 1, 2, 0, 0, TimeSpan.FromHours(2)), new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc) },
        { TimeSpan.FromDays(7), Now.AddDays(-7) },
        { TimeSpan.FromHours(-1), Now.AddHours(1) },
        { "2026-06-01T00:00:00Z", new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc) },
        { "7.00:00:00", Now.AddDays(-7) },
    };

    [Theory]
    [MemberData(nameof(Convertible))]
    public void Since_typed_object_regression_TryConvert_takes_DateTime_TimeSpan_and_strings_of_either(object value, DateTime expected)
    {
        Assert.True(SinceParser.TryConvert(value, Now, out var utc));
        Assert.Equal(expected, utc);
        Assert.Equal(DateTimeKind.Utc, utc.Kind);
    }

    [Theory]
    [InlineData(42)]
    [InlineData(7.5)]
    [InlineData("yesterday-ish")]
    [InlineData("")]
    [InlineData(true)]
    public void Since_typed_object_regression_TryConvert_refuses_anything_else(object value) => Assert.False(SinceParser.TryConvert(value, Now, out _));

    [Fact]
    public void Since_typed_object_regression_huge_spans_do_not_overflow()
    {
        Assert.True(SinceParser.TryConvert(TimeSpan.MaxValue, Now, out var min));
        Assert.Equal(DateTime.MinValue, min);
        Assert.True(SinceParser.TryConvert(TimeSpan.MinValue, Now, out var max));
        Assert.Equal(DateTime.MaxValue, max);
    }
}
