using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using BackupDr.Core.Tests.Operations.Fakes;

namespace BackupDr.Core.Tests.Operations;

public class RecoveryPointQueryTests
{
    private static readonly DateTime Now = new(2025, 6, 10, 12, 0, 0, DateTimeKind.Utc);
    private const string VolA = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000000a";
    private const string VolB = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000000b";
    private const string Db = "arn:aws:rds:us-east-1:123456789012:db:orders";

    private static RecoveryPoint P(string id, string resource, string type, int daysAgo, string status = "COMPLETED") => new()
    {
        RecoveryPointArn = "arn:aws:backup:us-east-1:123456789012:recovery-point:" + id,
        BackupVaultName = "Default",
        ResourceArn = resource,
        ResourceType = type,
        CreationDate = Now.AddDays(-daysAgo),
        Status = status,
    };

    private static FakeBackupApi Api()
    {
        var api = new FakeBackupApi();
        api.RecoveryPoints.AddRange(new[]
        {
            P("a-old", VolA, "EBS", 5), P("a-new", VolA, "EBS", 1), P("a-newest-partial", VolA, "EBS", 0, "PARTIAL"),
            P("b-1", VolB, "EBS", 3), P("db-1", Db, "RDS", 2), P("db-old", Db, "RDS", 20),
        });
        return api;
    }

    private static async Task<List<string>> Ids(IAsyncEnumerable<RecoveryPoint> points)
    {
        var ids = new List<string>();
        await foreach (var p in points)
        {
            ids.Add(p.RecoveryPointArn.Split(':').Last());
        }

        return ids;
    }

    [Fact]
    public async Task By_vault_passes_filters_to_the_service_and_filters_status()
    {
        var api = Api();
        var q = new RecoveryPointQuery(api, new FakeClock(Now));
        var ids = await Ids(q.ListAsync(new RecoveryPointQueryOptions { BackupVaultName = "Default", Since = Now.AddDays(-10), ResourceType = "ebs", Status = "COMPLETED" }, default));
        Assert.Equal(new[] { "a-old", "a-new", "b-1" }, ids);
        var f = Assert.Single(api.RecoveryPointFilters);
        Assert.Equal((Now.AddDays(-10), "EBS"), (f.CreatedAfter!.Value, f.ResourceType));
    }

    [Fact]
    public async Task By_resource_uses_ListRecoveryPointsByResource_and_filters_locally()
    {
        var api = Api();
        var q = new RecoveryPointQuery(api, new FakeClock(Now));
        var ids = await Ids(q.ListAsync(new RecoveryPointQueryOptions { ResourceArn = Db, Since = Now.AddDays(-7), Region = "us-east-1" }, default));
        Assert.Equal(new[] { "db-1" }, ids);
        Assert.Equal(new[] { "ListRecoveryPointsByResource " + Db }, api.Calls);
    }

    [Fact]
    public async Task Latest_gives_newest_completed_point_per_resource()
    {
        var q = new RecoveryPointQuery(Api(), new FakeClock(Now));
        var ids = await Ids(q.ListAsync(new RecoveryPointQueryOptions { BackupVaultName = "Default", Latest = true }, default));
        Assert.Equal(new[] { "a-new", "b-1", "db-1" }, ids);
    }

    [Fact]
    public void Since_in_future_is_refused_before_any_call()
    {
        var api = Api();
        var q = new RecoveryPointQuery(api, new FakeClock(Now));
        var ex = Assert.Throws<DrValidationException>(() => q.ListAsync(new RecoveryPointQueryOptions { BackupVaultName = "Default", Since = Now.AddHours(1) }, default));
        Assert.Equal(("SinceInFuture", "Since"), (ex.ErrorId, ex.ParameterName));
        Assert.Empty(api.Calls);
    }

    [Theory]
    [InlineData("bad vault", null, null, "InvalidBackupVaultName")]
    [InlineData(null, "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0000000000000000a", null, "ResourceArnRegionMismatch")]
    [InlineData("Default", null, "Floppy", "UnsupportedResourceType")]
    public void Bad_options_send_nothing(string? vault, string? resource, string? type, string errorId)
    {
        var api = Api();
        var q = new RecoveryPointQuery(api, new FakeClock(Now));
        var ex = Assert.Throws<DrValidationException>(() => q.ListAsync(new RecoveryPointQueryOptions { BackupVaultName = vault, ResourceArn = resource, ResourceType = type, Region = "us-east-1" }, default));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Empty(api.Calls);
    }

    [Fact]
    public async Task RecoveryPointPromptsForVault_regression_neither_vault_nor_resource_lists_every_vault_of_the_region()
    {
        var api = Api();
        api.Vaults = new List<string> { "Default", "Nightly" };
        api.RecoveryPoints.Add(new RecoveryPoint { RecoveryPointArn = "arn:aws:backup:us-east-1:123456789012:recovery-point:n-1", BackupVaultName = "Nightly", ResourceArn = VolB, ResourceType = "EBS", CreationDate = Now.AddDays(-1), Status = "COMPLETED" });
        var q = new RecoveryPointQuery(api, new FakeClock(Now));

        var all = await Ids(q.ListAsync(new RecoveryPointQueryOptions { Region = "us-east-1" }, default));
        Assert.Equal(api.RecoveryPoints.Select(p => p.RecoveryPointArn.Split(':').Last()).OrderBy(x => x), all.OrderBy(x => x));
        Assert.Equal(new[] { "ListBackupVaults", "ListRecoveryPointsByBackupVault Default", "ListRecoveryPointsByBackupVault Nightly" }, api.Calls);

        var latest = await Ids(q.ListAsync(new RecoveryPointQueryOptions { Latest = true, ResourceType = "EBS" }, default));
        Assert.Equal(new[] { "a-new", "n-1" }, latest);
    }
}
