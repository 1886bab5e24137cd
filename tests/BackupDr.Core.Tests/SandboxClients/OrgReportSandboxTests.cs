using BackupDr.Core.Aws;
using BackupDr.Core.Operations;
using static BackupDr.Core.Tests.SandboxClients.SandboxClients;

namespace BackupDr.Core.Tests.SandboxClients;

/// <summary>Several accounts: ListBackupJobs ByAccountId, reports across accounts (ByAccountId and AssumeRole), job summaries.</summary>
public sealed class OrgReportSandboxTests
{
    private const string Member = "210987654321";
    private const string Other = "111122223333";
    private const string Outsider = "444455556666";
    private const string NoRole = "999988887777";

    /// <summary>Management 123456789012 (3 jobs), members 210987654321 (2) and 111122223333 (1); outsider 444455556666 (2, via its role).</summary>
    private const string Seed = """
    {
      "organization": { "managementAccountId": "123456789012", "memberAccountIds": [ "210987654321", "111122223333" ] },
      "roles": [ { "accountId": "210987654321", "name": "BackupDrAuditRole" }, { "accountId": "444455556666", "name": "BackupDrAuditRole" } ],
      "regions": [
        { "region": "us-east-1", "backupJobs": [
          { "vault": "Default", "resourceArn": "arn:aws:rds:us-east-1:123456789012:db:a", "state": "COMPLETED", "createdAgeMinutes": 100, "completedAgeMinutes": 90, "sizeInBytes": 10 },
          { "vault": "Default", "resourceArn": "arn:aws:rds:us-east-1:123456789012:db:b", "state": "COMPLETED", "messageCategory": "EXPIRED", "createdAgeMinutes": 80, "completedAgeMinutes": 70 },
          { "vault": "Default", "resourceArn": "arn:aws:rds:us-east-1:123456789012:db:c", "state": "FAILED", "statusMessage": "boom", "createdAgeMinutes": 60, "completedAgeMinutes": 50 } ] },
        { "region": "us-east-1", "accountId": "210987654321", "backupJobs": [
          { "vault": "Default", "resourceArn": "arn:aws:rds:us-east-1:210987654321:db:m1", "state": "COMPLETED", "createdAgeMinutes": 90, "completedAgeMinutes": 85, "sizeInBytes": 5 },
          { "vault": "Default", "resourceArn": "arn:aws:rds:us-east-1:210987654321:db:m2", "state": "FAILED", "statusMessage": "denied", "createdAgeMinutes": 70, "completedAgeMinutes": 65 } ] },
        { "region": "us-west-2", "accountId": "111122223333", "backupJobs": [
          { "vault": "Default", "resourceArn": "arn:aws:rds:us-west-2:111122223333:db:o1", "state": "COMPLETED", "messageCategory": "PARTIAL_SUCCESS", "createdAgeMinutes": 30, "completedAgeMinutes": 20 } ] },
        { "region": "us-east-1", "accountId": "444455556666", "backupJobs": [
          { "vault": "Default", "resourceArn": "arn:aws:rds:us-east-1:444455556666:db:x1", "state": "COMPLETED", "createdAgeMinutes": 40, "completedAgeMinutes": 35 },
          { "vault": "Default", "resourceArn": "arn:aws:rds:us-east-1:444455556666:db:x2", "state": "COMPLETED", "createdAgeMinutes": 1500, "completedAgeMinutes": 1490 } ] }
      ]
    }
    """;

    private static SandboxClients Seeded()
    {
        var sb = new SandboxClients();
        sb.Server.SeedFromJson(Seed);
        return sb;
    }

    /// <summary>Clients of another account: the sandbox takes a 12-digit access key id as that account.</summary>
    private static AwsClientSet As(SandboxClients sb, string account) =>
        AwsClientFactory.Default.Create(
            AwsContext.Resolve(new AwsContextOptions { Region = Region, AccessKey = account, SecretKey = "any-secret", EndpointUrl = sb.Server.Endpoint.ToString() }, new DictionaryEnvironment()),
            null);

    [Fact]
    public async Task ListBackupJobs_ByAccountId_star_from_the_management_account_returns_every_members_jobs_page_by_page()
    {
        using var sb = Seeded();
        var own = await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter(), Ct));
        Assert.Equal(3, own.Count);

        var all = await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { AccountId = "*", MaxResults = 1 }, Ct));
        Assert.Equal(5, all.Count);
        Assert.Equal(all.Count, all.Select(j => j.JobId).Distinct().Count());
        Assert.Equal(new[] { Account, Member }, all.Select(j => j.AccountId).Distinct().OrderBy(a => a));

        var member = await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { AccountId = Member }, Ct));
        Assert.All(member, j => Assert.Equal(Member, j.AccountId));
        Assert.Equal(2, member.Count);

        // Other regions: the member's us-west-2 job is there, the management's none.
        var west = await All(sb.Set.ForRegion(DrRegion).Backup.ListBackupJobsAsync(new BackupJobFilter { AccountId = "*" }, Ct));
        Assert.Equal(Other, Assert.Single(west).AccountId);
    }

    [Fact]
    public async Task ListBackupJobs_ByAccountId_star_from_a_member_account_is_AccessDenied()
    {
        using var sb = Seeded();
        using var member = As(sb, Member);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => All(member.Backup.ListBackupJobsAsync(new BackupJobFilter { AccountId = "*" }, Ct)));
        Assert.Equal("AccessDeniedException", ex.ErrorCode);
        Assert.Equal(403, ex.StatusCode);

        // Its own jobs it may list, by its own id or none.
        Assert.Equal(2, (await All(member.Backup.ListBackupJobsAsync(new BackupJobFilter { AccountId = Member }, Ct))).Count);
        Assert.Equal(Member, (await member.Sts.GetCallerIdentityAsync(Ct)).Account);

        // Another account's id is a filter on its own jobs there: none, and nothing of the other account leaks.
        Assert.Empty(await All(member.Backup.ListBackupJobsAsync(new BackupJobFilter { AccountId = Account }, Ct)));
    }

    [Fact]
    public async Task Report_with_AccountId_star_breaks_the_organizations_jobs_down_per_account()
    {
        using var sb = Seeded();
        var report = await AccountReportFanOut.For(sb.Set).BuildAsync(
            new AccountReportOptions { AccountIds = new[] { "*" }, Report = new BackupReportOptions { Regions = new[] { Region, DrRegion } } }, null, Ct);

        Assert.True(report.IsComplete);
        Assert.Equal(6, report.TotalJobs);
        Assert.Equal(new[] { Other, Account, Member }, report.Accounts.Select(a => a.AccountId));
        var mgmt = report.Accounts.Single(a => a.AccountId == Account);
        Assert.Equal(3, mgmt.TotalJobs);
        Assert.Equal(1, mgmt.CompletedWithIssues);
        Assert.Equal(1, mgmt.Failed);
        Assert.Equal(2.0 / 3, mgmt.SuccessRate!.Value, 6);
        Assert.Equal(new[] { DrRegion }, report.Accounts.Single(a => a.AccountId == Other).Regions);
        Assert.Equal(2, report.CompletedWithIssues);
        Assert.Equal(4.0 / 6, report.SuccessRate!.Value, 6);
        Assert.Contains(report.FailedJobs, f => f.AccountId == Member && f.StatusMessage == "denied");
    }

    [Fact]
    public async Task Report_with_AccountRole_assumes_the_role_in_each_account_and_names_each_failed_account_and_region()
    {
        using var sb = Seeded();
        var report = await AccountReportFanOut.For(sb.Set).BuildAsync(
            new AccountReportOptions
            {
                AccountIds = new[] { Member, Outsider, NoRole },
                AccountRole = "BackupDrAuditRole",
                ThrottleLimit = 2,
                Report = new BackupReportOptions { Regions = new[] { Region, DrRegion } },
            },
            null,
            Ct);

        Assert.False(report.IsComplete);
        Assert.Equal(4, report.TotalJobs); // the member's 2 and the outsider's 2, read as those accounts
        Assert.Equal(2, report.Accounts.Single(a => a.AccountId == Outsider).TotalJobs);
        Assert.True(report.Accounts.Single(a => a.AccountId == Member).IsComplete);
        var failed = report.Accounts.Single(a => a.AccountId == NoRole);
        Assert.False(failed.IsComplete);
        Assert.Equal(new[] { Region, DrRegion }.OrderBy(r => r), failed.FailedRegions.OrderBy(r => r));
        Assert.Equal(2, report.RegionErrors.Count);
        Assert.All(report.RegionErrors, e => { Assert.Equal(NoRole, e.AccountId); Assert.Equal("AccessDenied", e.ErrorId); });
        Assert.Contains(report.Warnings, w => w.Contains(NoRole + "/" + Region, StringComparison.Ordinal));

        // The role's keys were used: the sandbox logged the listings as the role's accounts.
        var listings = sb.Server.RequestLog.Where(r => r.Operation == "ListBackupJobs").Select(r => r.AccountId).Distinct().OrderBy(a => a).ToList();
        Assert.Equal(new[] { Member, Outsider }, listings);
        Assert.Equal(3, sb.Server.RequestLog.Count(r => r.Operation == "AssumeRole"));
    }

    [Theory]
    [InlineData("12345", "InvalidAccountId")]
    [InlineData("12345678901a", "InvalidAccountId")]
    [InlineData("*,123456789012", "InvalidAccountId")]
    [InlineData("", "InvalidAccountId")]
    public async Task Bad_AccountId_is_a_stable_error_and_nothing_is_sent(string ids, string errorId)
    {
        using var sb = Seeded();
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => AccountReportFanOut.For(sb.Set).BuildAsync(
            new AccountReportOptions { AccountIds = ids.Split(','), Report = new BackupReportOptions { Regions = new[] { Region } } }, null, Ct));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal("AccountId", ex.ParameterName);
        Assert.Empty(sb.Server.RequestLog);
    }

    [Theory]
    [InlineData("*", "BackupDrAuditRole", "AccountRoleNeedsAccountIds")]
    [InlineData("210987654321", "arn:aws:iam::210987654321:role/BackupDrAuditRole", "InvalidAccountRole")]
    [InlineData("210987654321", "bad role name", "InvalidAccountRole")]
    public async Task Bad_AccountRole_is_a_stable_error_and_nothing_is_sent(string ids, string role, string errorId)
    {
        using var sb = Seeded();
        var ex = await Assert.ThrowsAsync<DrValidationException>(() => AccountReportFanOut.For(sb.Set).BuildAsync(
            new AccountReportOptions { AccountIds = new[] { ids }, AccountRole = role, Report = new BackupReportOptions { Regions = new[] { Region } } }, null, Ct));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Empty(sb.Server.RequestLog);
    }

    [Fact]
    public async Task Job_summaries_count_per_day_and_account_and_derive_completed_with_issues_as_AWS_says()
    {
        using var sb = Seeded();
        var query = new BackupJobSummaryQuery(r => sb.Set.ForRegion(r).Backup, sb.Set.Sts);
        var result = await query.GetAsync(new BackupJobSummaryOptions { Regions = new[] { Region }, AccountId = "*", AggregationPeriod = "FOURTEEN_DAYS" }, Ct);
        Assert.Empty(result.RegionErrors);
        var mgmt = result.Rows.Single(r => r.AccountId == Account);
        Assert.Equal(3, mgmt.Total);
        Assert.Equal(2, mgmt.Completed);
        Assert.Equal(1, mgmt.CompletedWithIssues); // COMPLETED (2) minus COMPLETED with MessageCategory SUCCESS (1)
        Assert.Equal(1, mgmt.Failed);
        Assert.Equal(2, result.Rows.Single(r => r.AccountId == Member).Total);
        Assert.DoesNotContain(result.Rows, r => r.AccountId == Outsider); // not in the organization

        // The caller's own account by default; AGGREGATE_ALL sums the organization into one row.
        var own = await query.GetAsync(new BackupJobSummaryOptions { Regions = new[] { Region }, AggregationPeriod = "SEVEN_DAYS" }, Ct);
        Assert.Equal(Account, Assert.Single(own.Rows).AccountId);
        var sum = await query.GetAsync(new BackupJobSummaryOptions { Regions = new[] { Region }, SumAccounts = true, AggregationPeriod = "SEVEN_DAYS" }, Ct);
        Assert.Equal(5, Assert.Single(sum.Rows).Total);
        Assert.Equal("AGGREGATE_ALL", sum.Rows[0].AccountId);

        // ONE_DAY: 14 daily periods; the jobs of the last hours fall in today's (or, just after midnight, yesterday's).
        var daily = await All(sb.Backup.ListBackupJobSummariesAsync(new BackupJobSummaryFilter { AggregationPeriod = "ONE_DAY", AccountId = Account, State = "ANY", MessageCategory = "ANY", ResourceType = "AGGREGATE_ALL" }, Ct));
        Assert.Equal(3, daily.Sum(d => d.Count));
        Assert.All(daily, d => Assert.Equal(TimeSpan.FromDays(1), d.EndTime - d.StartTime));
        Assert.Contains(daily, d => d.State == "COMPLETED" && d.MessageCategory == "EXPIRED" && d.Count == 1);
    }

    [Fact]
    public async Task Job_summaries_from_a_member_count_only_its_own_jobs()
    {
        using var sb = Seeded();
        using var member = As(sb, Member);
        var rows = await All(member.Backup.ListBackupJobSummariesAsync(new BackupJobSummaryFilter { AccountId = "ANY", AggregationPeriod = "FOURTEEN_DAYS" }, Ct));
        Assert.All(rows, r => Assert.Equal(Member, r.AccountId));
        Assert.Equal(2, rows.Sum(r => r.Count));
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => All(member.Backup.ListBackupJobSummariesAsync(new BackupJobSummaryFilter { AggregationPeriod = "THREE_DAYS" }, Ct)));
        Assert.Equal("InvalidParameterValueException", ex.ErrorCode);
    }
}
