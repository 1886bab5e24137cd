using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using static BackupDr.Core.Tests.SandboxClients.SandboxClients;

namespace BackupDr.Core.Tests.DataSafety;

/// <summary>
/// Regressions of issue 8 (backups silently lost): one -IdempotencyToken for 8 resources gave 1 job and 8 outputs
/// pointing at the first resource; a describe failing after a successful StartBackupJob lost the started job.
/// </summary>
public sealed class BackupStartSafetyTests
{
    private const string Volume = "arn:aws:ec2:us-east-1:111122223333:volume/vol-0123456789abcdef0";
    private const string Other = "arn:aws:ec2:us-east-1:111122223333:volume/vol-0123456789abcdef1";

    [Fact]
    public void One_IdempotencyToken_for_many_resources_regression_the_token_is_combined_with_each_resource_deterministically()
    {
        var a = BackupStarter.Plan(new BackupStartOptions { ResourceArn = Volume, IdempotencyToken = "run-42" }, "us-east-1", DateTime.UtcNow).Request.IdempotencyToken;
        var b = BackupStarter.Plan(new BackupStartOptions { ResourceArn = Other, IdempotencyToken = "run-42" }, "us-east-1", DateTime.UtcNow).Request.IdempotencyToken;
        var aLater = BackupStarter.Plan(new BackupStartOptions { ResourceArn = Volume, IdempotencyToken = "run-42" }, "us-east-1", DateTime.UtcNow.AddDays(3)).Request.IdempotencyToken;

        Assert.NotEqual(a, b);
        Assert.Equal(a, aLater);
        Assert.NotEqual("run-42", a);
        Assert.Equal(IdempotencyTokens.ForGivenToken("run-42", Volume, "Default"), a);
        Assert.NotEqual(a, IdempotencyTokens.ForGivenToken("run-42", Volume, "Other"));
        Assert.NotEqual(a, IdempotencyTokens.ForGivenToken("run-43", Volume, "Default"));
        Assert.Matches("^[0-9a-f]{64}$", a);
        Assert.NotEqual(a, IdempotencyTokens.ForBackup(Volume, "Default", DateTime.UtcNow));
    }

    [Fact]
    public async Task One_IdempotencyToken_for_many_resources_regression_8_resources_give_8_jobs_each_for_its_resource()
    {
        using var sb = new SandboxClients.SandboxClients(o => o.JobDuration = TimeSpan.FromHours(1));
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        var arns = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            arns.Add(VolumeArn(await sb.NewVolume()));
        }

        async Task<List<BackupJob>> StartAll()
        {
            var jobs = new List<BackupJob>();
            foreach (var arn in arns)
            {
                var plan = BackupStarter.Plan(new BackupStartOptions { ResourceArn = arn, BackupVaultName = "Main", IdempotencyToken = "nightly-2026-12-01" }, Region, DateTime.UtcNow);
                var result = await BackupStarter.StartAsync(sb.Backup, plan, Ct);
                Assert.Null(result.DescribeError);
                jobs.Add(result.Job);
            }

            return jobs;
        }

        var first = await StartAll();
        Assert.Equal(arns, first.Select(j => j.ResourceArn));
        Assert.Equal(8, first.Select(j => j.JobId).Distinct().Count());

        // A rerun with the same token is still exactly once per resource.
        var again = await StartAll();
        Assert.Equal(first.Select(j => j.JobId), again.Select(j => j.JobId));
        Assert.Equal(8, (await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter(), Ct))).Count);
    }

    [Fact]
    public async Task One_IdempotencyToken_for_many_resources_regression_a_job_for_another_resource_is_BackupJobResourceMismatch()
    {
        using var sb = new SandboxClients.SandboxClients(o => o.JobDuration = TimeSpan.FromHours(1));
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        var a = VolumeArn(await sb.NewVolume());
        var b = VolumeArn(await sb.NewVolume());
        var planB = BackupStarter.Plan(new BackupStartOptions { ResourceArn = b, BackupVaultName = "Main", IdempotencyToken = "t" }, Region, DateTime.UtcNow);

        // Someone else already used B's token for A: AWS answers B's start with A's job.
        var other = await sb.Backup.StartBackupJobAsync(new StartBackupJobRequest { ResourceArn = a, BackupVaultName = "Main", IamRoleArn = planB.Request.IamRoleArn, IdempotencyToken = planB.Request.IdempotencyToken }, Ct);

        var ex = await Assert.ThrowsAsync<DrException>(() => BackupStarter.StartAsync(sb.Backup, planB, Ct));

        Assert.Equal(("BackupJobResourceMismatch", "IdempotencyToken", DrErrorKind.ResourceExists), (ex.ErrorId, ex.ParameterName, ex.Kind));
        Assert.Equal(b, ex.Value);
        Assert.Contains(other.JobId, ex.Message, StringComparison.Ordinal);
        Assert.Contains(a, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_IdempotencyToken_for_many_resources_regression_a_job_in_another_vault_is_a_mismatch_too()
    {
        var plan = BackupStarter.Plan(new BackupStartOptions { ResourceArn = Volume, BackupVaultName = "Main" }, "us-east-1", DateTime.UtcNow);

        Assert.Equal("BackupJobResourceMismatch", Assert.Throws<DrException>(() => BackupStarter.EnsureJobIsTheOneAsked(plan, new BackupJob { JobId = "j", ResourceArn = Volume, BackupVaultName = "Other" })).ErrorId);
        BackupStarter.EnsureJobIsTheOneAsked(plan, new BackupJob { JobId = "j", ResourceArn = Volume, BackupVaultName = "Main" });
        BackupStarter.EnsureJobIsTheOneAsked(plan, new BackupJob { JobId = "j" });
    }

    [Theory]
    [InlineData("InvalidBackupVaultName", "a", null, null, null)]
    [InlineData("InvalidLifecycle", "Main", 30L, 60L, null)]
    [InlineData("InvalidCopyRegion", "Main", null, null, "Mars")]
    [InlineData("CopyToSameVault", "Main", null, null, "us-east-1")]
    public void Call_wide_options_are_checked_without_a_resource(string errorId, string vault, long? cold, long? delete, string? copyRegion)
    {
        var options = new BackupStartOptions { BackupVaultName = vault, ColdStorageAfterDays = cold, DeleteAfterDays = delete, CopyToRegion = copyRegion };

        Assert.Equal(errorId, Assert.Throws<DrValidationException>(() => BackupStarter.ValidateSharedOptions(options, "us-east-1")).ErrorId);
        BackupStarter.ValidateSharedOptions(new BackupStartOptions { BackupVaultName = "Main", CopyToRegion = "us-west-2" }, "us-east-1");
    }

    [Fact]
    public async Task Describe_fails_after_start_loses_the_job_regression_the_started_job_is_returned_with_the_error()
    {
        using var sb = new SandboxClients.SandboxClients(o => o.JobDuration = TimeSpan.FromHours(1));
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        var arn = VolumeArn(await sb.NewVolume());
        var plan = BackupStarter.Plan(new BackupStartOptions { ResourceArn = arn, BackupVaultName = "Main" }, Region, DateTime.UtcNow);
        sb.Server.AddFault("DescribeBackupJob", count: 50);
        sb.Server.ClearRequestLog();

        var result = await BackupStarter.StartAsync(sb.Backup, plan, Ct);

        var error = Assert.IsType<AwsServiceException>(result.DescribeError);
        Assert.Equal("ServiceUnavailableException", error.ErrorCode);
        Assert.False(string.IsNullOrEmpty(result.Job.JobId));
        Assert.Equal((arn, "Main", JobStates.Created, Region), (result.Job.ResourceArn, result.Job.BackupVaultName, result.Job.State, result.Job.Region));
        Assert.Contains(sb.Server.RequestLog, r => r.Operation == "StartBackupJob" && r.Status == 200);
        Assert.Contains(sb.Server.RequestLog, r => r.Operation == "DescribeBackupJob" && r.Status == 503);
        Assert.True(sb.Server.Faults.Single().Fired >= 1);

        // The job is real: once the describe works again it is there, under the id that was returned.
        sb.Server.ClearFaults();
        var listed = await All(sb.Backup.ListBackupJobsAsync(new BackupJobFilter { ResourceArn = arn }, Ct));
        Assert.Equal(result.Job.JobId, Assert.Single(listed).JobId);
    }

    [Fact]
    public async Task Describe_fails_after_start_loses_the_job_regression_positive_control_without_the_fault_the_job_is_described()
    {
        using var sb = new SandboxClients.SandboxClients(o => o.JobDuration = TimeSpan.FromHours(1));
        await sb.Backup.CreateBackupVaultAsync("Main", null, null, null, Ct);
        var arn = VolumeArn(await sb.NewVolume());

        var result = await BackupStarter.StartAsync(sb.Backup, BackupStarter.Plan(new BackupStartOptions { ResourceArn = arn, BackupVaultName = "Main" }, Region, DateTime.UtcNow), Ct);

        Assert.Null(result.DescribeError);
        Assert.NotNull(result.Job.CreationDate);
        Assert.NotEqual(string.Empty, result.Job.State);
    }
}
