using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Backup;

/// <summary>
/// BackupClient against moto_server, an independent implementation of the AWS Backup wire protocol.
/// moto 5.2.1 implements vaults, plans and tags (not jobs, recovery points, selections or UpdateBackupPlan),
/// and does not paginate, so these tests cover what it answers. Names are unique: the server is shared.
/// </summary>
[Collection("Moto")]
public sealed class BackupClientMotoTests : IDisposable
{
    private readonly MotoFixture _fixture;
    private readonly List<AwsTransport> _transports = new();

    public BackupClientMotoTests(MotoFixture fixture)
    {
        _fixture = fixture;
    }

    private BackupClient Client(string region = "us-east-1")
    {
        var transport = _fixture.Server.Transport(region);
        _transports.Add(transport);
        return new BackupClient(transport);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static BackupPlan Plan(string name, string vault) => new()
    {
        BackupPlanName = name,
        Rules =
        {
            new BackupRule
            {
                RuleName = "daily",
                TargetBackupVaultName = vault,
                ScheduleExpression = "cron(0 5 ? * * *)",
                StartWindowMinutes = 60,
                CompletionWindowMinutes = 180,
                Lifecycle = new Lifecycle { MoveToColdStorageAfterDays = 30, DeleteAfterDays = 365 },
                RecoveryPointTags = new Dictionary<string, string> { ["dr:tier"] = "Gold" },
                CopyActions = new List<CopyAction>
                {
                    new() { DestinationBackupVaultArn = "arn:aws:backup:us-west-2:123456789012:backup-vault:dr-west", Lifecycle = new Lifecycle { DeleteAfterDays = 35 } },
                },
                EnableContinuousBackup = false,
            },
            new BackupRule { RuleName = "weekly", TargetBackupVaultName = vault, ScheduleExpression = "cron(0 6 ? * 1 *)" },
        },
    };

    [MotoFact]
    public async Task Vault_create_describe_list_round_trip()
    {
        var client = Client();
        var name = Unique("vault");
        var before = DateTime.UtcNow.AddMinutes(-1);

        var created = await client.CreateBackupVaultAsync(name, new Dictionary<string, string> { ["owner"] = "platform" }, null, "req-" + name, CancellationToken.None);

        Assert.Equal(name, created.BackupVaultName);
        Assert.Equal($"arn:aws:backup:us-east-1:123456789012:backup-vault:{name}", created.BackupVaultArn);
        Assert.NotNull(created.CreationDate);
        Assert.InRange(created.CreationDate!.Value, before, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(DateTimeKind.Utc, created.CreationDate.Value.Kind);
        Assert.Equal("us-east-1", created.Region);

        var described = await client.DescribeBackupVaultAsync(name, CancellationToken.None);
        Assert.Equal(name, described.BackupVaultName);
        Assert.Equal(created.BackupVaultArn, described.BackupVaultArn);
        Assert.Equal("req-" + name, described.CreatorRequestId);
        Assert.Equal("us-east-1", described.Region);
        Assert.NotNull(described.CreationDate);
        Assert.True(Math.Abs((described.CreationDate!.Value - created.CreationDate.Value).TotalSeconds) < 1);

        var listed = await client.ListBackupVaultsAsync(CancellationToken.None).ToListAsync();
        var mine = Assert.Single(listed, v => v.BackupVaultName == name);
        Assert.Equal(created.BackupVaultArn, mine.BackupVaultArn);
        Assert.Equal("req-" + name, mine.CreatorRequestId);
        Assert.Equal(0, mine.NumberOfRecoveryPoints);
        Assert.False(mine.Locked);
        Assert.NotNull(mine.CreationDate);
    }

    [MotoFact]
    public async Task Listing_streams_every_vault_created()
    {
        var client = Client();
        var names = Enumerable.Range(0, 5).Select(i => Unique($"many{i}")).ToList();
        foreach (var n in names)
        {
            await client.CreateBackupVaultAsync(n, null, null, null, CancellationToken.None);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var v in client.ListBackupVaultsAsync(CancellationToken.None))
        {
            Assert.True(seen.Add(v.BackupVaultName), $"vault {v.BackupVaultName} listed twice");
        }

        Assert.Superset(new HashSet<string>(names), seen);
    }

    [MotoFact]
    public async Task Describing_a_missing_vault_is_a_not_found_service_error()
    {
        var client = Client();

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.DescribeBackupVaultAsync(Unique("missing"), CancellationToken.None));

        Assert.Equal("ResourceNotFoundException", ex.ErrorCode);
        Assert.True(ex.IsNotFound);
        Assert.InRange(ex.StatusCode, 400, 499);
        Assert.Equal("DescribeBackupVault", ex.Operation);
    }

    [MotoFact]
    public async Task Creating_a_vault_twice_is_reported_as_already_exists()
    {
        var client = Client();
        var name = Unique("dup");
        await client.CreateBackupVaultAsync(name, null, null, null, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.CreateBackupVaultAsync(name, null, null, null, CancellationToken.None));

        Assert.Equal("AlreadyExistsException", ex.ErrorCode);
        Assert.InRange(ex.StatusCode, 400, 499);
    }

    [MotoFact]
    public async Task Vaults_are_per_region()
    {
        var west = Client("eu-west-1");
        var east = Client("us-east-1");
        var name = Unique("regional");

        var vault = await west.CreateBackupVaultAsync(name, null, null, null, CancellationToken.None);

        Assert.Equal("eu-west-1", vault.Region);
        Assert.Equal("eu-west-1", Arn.Parse(vault.BackupVaultArn!).Region);
        Assert.Contains(await west.ListBackupVaultsAsync(CancellationToken.None).ToListAsync(), v => v.BackupVaultName == name && v.Region == "eu-west-1");
        Assert.DoesNotContain(await east.ListBackupVaultsAsync(CancellationToken.None).ToListAsync(), v => v.BackupVaultName == name);
    }

    [MotoFact]
    public async Task Vault_tags_set_at_create_and_later_are_listed()
    {
        var client = Client();
        var vault = await client.CreateBackupVaultAsync(Unique("tagged"), new Dictionary<string, string> { ["owner"] = "platform" }, null, null, CancellationToken.None);

        await client.TagResourceAsync(vault.BackupVaultArn!, new Dictionary<string, string> { ["dr:tier"] = "Gold", ["cost-center"] = "4711" }, CancellationToken.None);
        var tags = await client.ListTagsAsync(vault.BackupVaultArn!, CancellationToken.None);

        Assert.Equal(3, tags.Count);
        Assert.Equal("platform", tags["owner"]);
        Assert.Equal("Gold", tags["dr:tier"]);
        Assert.Equal("4711", tags["cost-center"]);

        await client.TagResourceAsync(vault.BackupVaultArn!, new Dictionary<string, string> { ["dr:tier"] = "Silver" }, CancellationToken.None);
        Assert.Equal("Silver", (await client.ListTagsAsync(vault.BackupVaultArn!, CancellationToken.None))["dr:tier"]);
    }

    [MotoFact]
    public async Task Plan_create_get_list_round_trip()
    {
        var client = Client();
        var vault = Unique("planvault");
        await client.CreateBackupVaultAsync(vault, null, null, null, CancellationToken.None);
        var name = Unique("gold-daily");

        var created = await client.CreateBackupPlanAsync(Plan(name, vault), new Dictionary<string, string> { ["dr:tier"] = "Gold" }, "req-" + name, CancellationToken.None);

        Assert.False(string.IsNullOrEmpty(created.BackupPlanId));
        Assert.Equal($"arn:aws:backup:us-east-1:123456789012:backup-plan:{created.BackupPlanId}", created.BackupPlanArn);
        Assert.False(string.IsNullOrEmpty(created.VersionId));
        Assert.NotNull(created.CreationDate);
        Assert.Equal(name, created.BackupPlanName);
        Assert.Equal("us-east-1", created.Region);

        var got = await client.GetBackupPlanAsync(created.BackupPlanId!, null, CancellationToken.None);
        Assert.Equal(name, got.BackupPlanName);
        Assert.Equal(created.BackupPlanId, got.BackupPlanId);
        Assert.Equal(created.BackupPlanArn, got.BackupPlanArn);
        Assert.Equal(created.VersionId, got.VersionId);
        Assert.Equal("us-east-1", got.Region);
        Assert.Equal(2, got.Rules.Count);
        var daily = got.Rules.Single(r => r.RuleName == "daily");
        Assert.Equal(vault, daily.TargetBackupVaultName);
        Assert.Equal("cron(0 5 ? * * *)", daily.ScheduleExpression);
        Assert.Equal(60, daily.StartWindowMinutes);
        Assert.Equal(180, daily.CompletionWindowMinutes);
        Assert.Equal(30, daily.Lifecycle!.MoveToColdStorageAfterDays);
        Assert.Equal(365, daily.Lifecycle.DeleteAfterDays);
        Assert.Equal("Gold", daily.RecoveryPointTags!["dr:tier"]);
        var copy = Assert.Single(daily.CopyActions!);
        Assert.Equal("arn:aws:backup:us-west-2:123456789012:backup-vault:dr-west", copy.DestinationBackupVaultArn);
        Assert.Equal(35, copy.Lifecycle!.DeleteAfterDays);
        Assert.False(daily.EnableContinuousBackup);
        Assert.False(string.IsNullOrEmpty(daily.RuleId));
        var weekly = got.Rules.Single(r => r.RuleName == "weekly");
        Assert.Equal("cron(0 6 ? * 1 *)", weekly.ScheduleExpression);
        Assert.Null(weekly.CopyActions);

        var byVersion = await client.GetBackupPlanAsync(created.BackupPlanId!, created.VersionId, CancellationToken.None);
        Assert.Equal(created.VersionId, byVersion.VersionId);

        var plans = await client.ListBackupPlansAsync(CancellationToken.None).ToListAsync();
        var summary = Assert.Single(plans, p => p.BackupPlanId == created.BackupPlanId);
        Assert.Equal(name, summary.BackupPlanName);
        Assert.Equal(created.VersionId, summary.VersionId);
        Assert.Equal(created.BackupPlanArn, summary.BackupPlanArn);
        Assert.NotNull(summary.CreationDate);
        Assert.Empty(summary.Rules);

        var tags = await client.ListTagsAsync(created.BackupPlanArn!, CancellationToken.None);
        Assert.Equal("Gold", tags["dr:tier"]);
    }

    [MotoFact]
    public async Task Getting_a_plan_with_a_wrong_version_or_id_is_not_found()
    {
        var client = Client();
        var created = await client.CreateBackupPlanAsync(Plan(Unique("versioned"), "Default"), null, null, CancellationToken.None);

        var wrongVersion = await Assert.ThrowsAsync<AwsServiceException>(() => client.GetBackupPlanAsync(created.BackupPlanId!, "not-a-version", CancellationToken.None));
        var wrongId = await Assert.ThrowsAsync<AwsServiceException>(() => client.GetBackupPlanAsync(Guid.NewGuid().ToString(), null, CancellationToken.None));

        Assert.Equal("ResourceNotFoundException", wrongVersion.ErrorCode);
        Assert.Equal("ResourceNotFoundException", wrongId.ErrorCode);
        Assert.True(wrongId.IsNotFound);
    }

    [MotoFact]
    public async Task Plan_tags_added_later_merge_with_create_time_tags()
    {
        var client = Client();
        var created = await client.CreateBackupPlanAsync(Plan(Unique("tags"), "Default"), new Dictionary<string, string> { ["owner"] = "platform" }, null, CancellationToken.None);

        await client.TagResourceAsync(created.BackupPlanArn!, new Dictionary<string, string> { ["dr:tier"] = "Bronze" }, CancellationToken.None);
        var tags = await client.ListTagsAsync(created.BackupPlanArn!, CancellationToken.None);

        Assert.Equal(new Dictionary<string, string> { ["owner"] = "platform", ["dr:tier"] = "Bronze" }, tags.ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    public void Dispose()
    {
        foreach (var t in _transports)
        {
            t.Dispose();
        }
    }
}
