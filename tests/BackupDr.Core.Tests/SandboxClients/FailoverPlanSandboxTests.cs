using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using BackupDr.Core.Tests.Operations.Fakes;
using static BackupDr.Core.Tests.SandboxClients.SandboxClients;

namespace BackupDr.Core.Tests.SandboxClients;

/// <summary>ReplicaPromoter and BackupPlanWriter through our clients against the sandbox (the request log is the witness).</summary>
public sealed class FailoverPlanSandboxTests
{
    private const string ReplicaRegion = "eu-west-1";

    private static async Task<SandboxClients> WithReplica(Action<BackupDr.Sandbox.SandboxOptions>? configure = null, string? tier = "Gold")
    {
        var sb = new SandboxClients(configure);
        await sb.NewDb("orders");
        var dr = sb.Set.ForRegion(ReplicaRegion);
        var replica = await dr.Rds.CreateDBInstanceReadReplicaAsync("orders-ro", DbArn("orders"), null, Region, Ct);
        if (tier != null)
        {
            await dr.Rds.AddTagsToResourceAsync(replica.DBInstanceArn!, new[] { new ResourceTag("DrTier", tier) }, Ct);
        }

        return sb;
    }

    private static ReplicaPromoter Promoter(SandboxClients sb, IAwsClock? clock = null) =>
        new(sb.Set.ForRegion(ReplicaRegion).Rds, sb.Set.ForRegion(ReplicaRegion).CloudWatch, clock);

    private static FailoverOptions Options(string id = "orders-ro", bool force = false, DrTier? tier = null, TimeSpan? timeout = null) =>
        new() { DBInstanceIdentifier = id, Force = force, Tier = tier, Timeout = timeout, Schedule = PollSchedule.Fixed(TimeSpan.FromMilliseconds(20)) };

    private static List<string> Operations(SandboxClients sb) => sb.Server.RequestLog.Select(r => r.Operation).ToList();

    [Fact]
    public async Task CloudWatch_reports_the_replica_lag_set_through_the_sandbox()
    {
        using var sb = await WithReplica();
        sb.Server.SetReplicaLag(ReplicaRegion, "orders-ro", 42);
        var cw = sb.Set.ForRegion(ReplicaRegion).CloudWatch;
        var now = DateTime.UtcNow;
        var stats = await cw.GetMetricStatisticsAsync(
            new MetricStatisticsRequest
            {
                Namespace = "AWS/RDS", MetricName = "ReplicaLag", StartTime = now.AddMinutes(-5), EndTime = now, Period = 60,
                Dimensions = new List<KeyValuePair<string, string>> { new("DBInstanceIdentifier", "orders-ro") },
                Statistics = new List<string> { "Maximum", "SampleCount" },
            },
            Ct);
        var point = Assert.Single(stats.Datapoints);
        Assert.Equal((42.0, 1.0, "Seconds"), (point.Maximum, point.SampleCount, point.Unit));
        Assert.Equal("monitoring", sb.Server.RequestLog.Last().Service);

        // An ordinary instance has no ReplicaLag datapoints, as in CloudWatch.
        var primary = await sb.Set.CloudWatch.GetMetricStatisticsAsync(
            new MetricStatisticsRequest
            {
                Namespace = "AWS/RDS", MetricName = "ReplicaLag", StartTime = now.AddMinutes(-5), EndTime = now,
                Dimensions = new List<KeyValuePair<string, string>> { new("DBInstanceIdentifier", "orders") },
            },
            Ct);
        Assert.Empty(primary.Datapoints);
    }

    [Fact]
    public async Task A_replica_within_its_RPO_is_promoted_and_waited_for_until_available_and_standalone()
    {
        using var sb = await WithReplica(o => o.JobDuration = TimeSpan.FromMilliseconds(300));
        sb.Server.SetReplicaLag(ReplicaRegion, "orders-ro", 5);
        var promoter = Promoter(sb);
        var check = await promoter.CheckAsync(Options(), Ct);
        Assert.Equal((DrTier.Gold, TimeSpan.FromSeconds(5), ReplicaPromoter.RpoOf(DrTier.Gold), (string?)null), (check.Tier!.Value, check.Lag!.Value, check.Rpo!.Value, check.ForcedBecause));

        var seen = new List<string?>();
        var result = await promoter.PromoteAsync(check, Options(), new Progress(p => seen.Add(p.Status)), Ct);

        Assert.True(result.Succeeded);
        Assert.Equal(("orders-ro", ReplicaRegion, "available", DbArn("orders")), (result.DBInstanceIdentifier, result.Region, result.State, result.SourceDBInstanceIdentifier));
        Assert.Contains("modifying", seen);
        Assert.Equal("available", seen.Last());
        Assert.EndsWith(":5432", result.Endpoint);
        var after = Assert.Single(await All(sb.Set.ForRegion(ReplicaRegion).Rds.DescribeDBInstancesAsync("orders-ro", Ct)));
        Assert.Null(after.ReadReplicaSourceDBInstanceIdentifier);
        Assert.Empty(Assert.Single(await All(sb.Rds.DescribeDBInstancesAsync("orders", Ct))).ReadReplicaDBInstanceIdentifiers);
    }

    [Fact]
    public async Task An_instance_that_is_no_replica_is_NotAReadReplica_and_nothing_is_sent_but_reads()
    {
        using var sb = await WithReplica();
        sb.Server.ClearRequestLog();
        var promoter = new ReplicaPromoter(sb.Rds, sb.Set.CloudWatch);
        var ex = await Assert.ThrowsAsync<DrException>(() => promoter.CheckAsync(Options("orders"), Ct));
        Assert.Equal(("NotAReadReplica", DbArn("orders")), (ex.ErrorId, ex.Value));
        Assert.Equal(new[] { "DescribeDBInstances" }, Operations(sb));
    }

    [Fact]
    public async Task A_replica_that_is_not_available_is_ReplicaNotAvailable()
    {
        using var sb = await WithReplica(o => o.JobDuration = TimeSpan.FromHours(1));
        await sb.Set.ForRegion(ReplicaRegion).Rds.PromoteReadReplicaAsync("orders-ro", Ct); // modifying for an hour, still showing its source
        var ex = await Assert.ThrowsAsync<DrException>(() => Promoter(sb).CheckAsync(Options(), Ct));
        Assert.Equal("ReplicaNotAvailable", ex.ErrorId);
        Assert.Contains("modifying", ex.Message);
    }

    [Fact]
    public async Task A_lag_over_the_RPO_is_ReplicaLagExceedsRpo_naming_both_and_Force_lets_it_through()
    {
        using var sb = await WithReplica(tier: "Silver");
        sb.Server.SetReplicaLag(ReplicaRegion, "orders-ro", ReplicaPromoter.RpoOf(DrTier.Silver).TotalSeconds + 60);
        var promoter = Promoter(sb);
        var ex = await Assert.ThrowsAsync<DrException>(() => promoter.CheckAsync(Options(), Ct));
        Assert.Equal(("ReplicaLagExceedsRpo", DrErrorKind.InvalidOperation), (ex.ErrorId, ex.Kind));
        Assert.Contains(ReplicaPromoter.Format(ReplicaPromoter.RpoOf(DrTier.Silver) + TimeSpan.FromMinutes(1)), ex.Message);
        Assert.Contains("Silver RPO of " + ReplicaPromoter.Format(ReplicaPromoter.RpoOf(DrTier.Silver)), ex.Message);
        Assert.DoesNotContain("PromoteReadReplica", Operations(sb));

        var forced = await promoter.CheckAsync(Options(force: true), Ct);
        Assert.Contains("exceeds the Silver RPO", forced.ForcedBecause);
        var result = await promoter.PromoteAsync(forced, Options(force: true), null, Ct);
        Assert.True(result.Forced && result.Succeeded);
        Assert.Single(Operations(sb), o => o == "PromoteReadReplica");
    }

    [Fact]
    public async Task Tier_overrides_the_tag_and_no_tier_at_all_is_TierNotFound_unless_Force()
    {
        using var sb = await WithReplica(tier: null);
        sb.Server.SetReplicaLag(ReplicaRegion, "orders-ro", 7200);
        var promoter = Promoter(sb);
        var none = await Assert.ThrowsAsync<DrValidationException>(() => promoter.CheckAsync(Options(), Ct));
        Assert.Equal(("TierNotFound", "Tier"), (none.ErrorId, none.ParameterName));
        var bronze = await promoter.CheckAsync(Options(tier: DrTier.Bronze), Ct);
        Assert.Null(bronze.ForcedBecause);
        var gold = await Assert.ThrowsAsync<DrException>(() => promoter.CheckAsync(Options(tier: DrTier.Gold), Ct));
        Assert.Equal("ReplicaLagExceedsRpo", gold.ErrorId);
        Assert.NotNull((await promoter.CheckAsync(Options(force: true), Ct)).ForcedBecause);
    }

    [Fact]
    public async Task The_lag_is_checked_against_the_policy_file_RPO_not_the_tier_default()
    {
        using var sb = await WithReplica(tier: "Gold");
        sb.Server.SetReplicaLag(ReplicaRegion, "orders-ro", 7200);
        var promoter = Promoter(sb);
        var byDefault = await Assert.ThrowsAsync<DrException>(() => promoter.CheckAsync(Options(), Ct));
        Assert.Equal("ReplicaLagExceedsRpo", byDefault.ErrorId);

        var relaxed = TierPolicy.ParseJson("{\"Tiers\": {\"Gold\": {\"Rpo\": \"3h\"}}}", "tiers.json");
        var options = Options();
        options.Policy = relaxed;
        var check = await promoter.CheckAsync(options, Ct);
        Assert.Equal((TimeSpan.FromHours(3), TierSource.File, (string?)null), (check.Rpo!.Value, check.RpoSource!.Value, check.ForcedBecause));

        var strict = TierPolicy.ParseJson("{\"Tiers\": {\"Bronze\": {\"Rpo\": \"1h\"}}}", "strict.json");
        var bronze = Options(tier: DrTier.Bronze);
        bronze.Policy = strict;
        var ex = await Assert.ThrowsAsync<DrException>(() => promoter.CheckAsync(bronze, Ct));
        Assert.Equal("ReplicaLagExceedsRpo", ex.ErrorId);
        Assert.Contains("Bronze RPO of 1 h 0 min (policy strict.json)", ex.Message);
    }

    [Fact]
    public async Task A_DrRpoMinutes_tag_on_the_replica_overrides_the_tier_RPO_both_ways()
    {
        using var sb = await WithReplica(tier: "Gold");
        var dr = sb.Set.ForRegion(ReplicaRegion);
        var arn = Assert.Single(await All(dr.Rds.DescribeDBInstancesAsync("orders-ro", Ct))).DBInstanceArn!;
        await dr.Rds.AddTagsToResourceAsync(arn, new[] { new ResourceTag(TierPolicy.RpoTag, "180") }, Ct);
        sb.Server.SetReplicaLag(ReplicaRegion, "orders-ro", 7200);
        var check = await Promoter(sb).CheckAsync(Options(), Ct);
        Assert.Equal((TimeSpan.FromMinutes(180), TierSource.Tag, (string?)null), (check.Rpo!.Value, check.RpoSource!.Value, check.ForcedBecause));

        // Stricter than the tier: a lag the Bronze default allows is refused, naming the tag.
        await dr.Rds.AddTagsToResourceAsync(arn, new[] { new ResourceTag(TierPolicy.RpoTag, "60") }, Ct);
        var ex = await Assert.ThrowsAsync<DrException>(() => Promoter(sb).CheckAsync(Options(tier: DrTier.Bronze), Ct));
        Assert.Equal("ReplicaLagExceedsRpo", ex.ErrorId);
        Assert.Contains("Bronze RPO of 1 h 0 min (its DrRpoMinutes tag)", ex.Message);

        // A tag that is no number: the tier's RPO applies and the check says why.
        await dr.Rds.AddTagsToResourceAsync(arn, new[] { new ResourceTag(TierPolicy.RpoTag, "soon") }, Ct);
        var bad = await Assert.ThrowsAsync<DrException>(() => Promoter(sb).CheckAsync(Options(), Ct));
        Assert.Contains("Gold RPO of 5 min 0 s", bad.Message);
        var forced = await Promoter(sb).CheckAsync(Options(force: true), Ct);
        Assert.Contains("DrRpoMinutes", forced.Notes);
    }

    [Fact]
    public async Task Tags_the_replica_lacks_are_read_from_its_source_in_the_home_region()
    {
        using var sb = await WithReplica(tier: null);
        await sb.Rds.AddTagsToResourceAsync(DbArn("orders"), new[] { new ResourceTag("DrTier", "Silver"), new ResourceTag(TierPolicy.RpoTag, "240") }, Ct);
        sb.Server.SetReplicaLag(ReplicaRegion, "orders-ro", 7200);
        var dr = sb.Set.ForRegion(ReplicaRegion);

        // Without a way to reach the source's region only the replica's own (missing) tags count.
        var alone = new ReplicaPromoter(dr.Rds, dr.CloudWatch);
        Assert.Equal("TierNotFound", (await Assert.ThrowsAsync<DrValidationException>(() => alone.CheckAsync(Options(), Ct))).ErrorId);

        var promoter = new ReplicaPromoter(dr.Rds, dr.CloudWatch, null, r => sb.Set.ForRegion(r).Rds);
        var check = await promoter.CheckAsync(Options(), Ct);
        Assert.Equal((DrTier.Silver, TimeSpan.FromMinutes(240), TierSource.Tag), (check.Tier!.Value, check.Rpo!.Value, check.RpoSource!.Value));

        // The replica's own tag wins over its source's.
        var arn = Assert.Single(await All(dr.Rds.DescribeDBInstancesAsync("orders-ro", Ct))).DBInstanceArn!;
        await dr.Rds.AddTagsToResourceAsync(arn, new[] { new ResourceTag(TierPolicy.RpoTag, "30") }, Ct);
        var own = await Assert.ThrowsAsync<DrException>(() => promoter.CheckAsync(Options(), Ct));
        Assert.Contains("Silver RPO of 30 min 0 s (its DrRpoMinutes tag)", own.Message);
    }

    [Fact]
    public async Task A_promotion_past_Timeout_is_FailoverWaitTimeout_carrying_the_result()
    {
        using var sb = await WithReplica(o => o.JobDuration = TimeSpan.FromHours(1));
        var clock = new FakeClock(DateTime.UtcNow);
        var promoter = Promoter(sb, clock);
        var options = Options(timeout: TimeSpan.FromMinutes(10));
        var check = await promoter.CheckAsync(options, Ct);
        var ex = await Assert.ThrowsAsync<DrException>(() => promoter.PromoteAsync(check, options, null, Ct));
        Assert.Equal(("FailoverWaitTimeout", DrErrorKind.OperationTimeout), (ex.ErrorId, ex.Kind));
        var partial = Assert.IsType<FailoverResult>(ex.Value);
        Assert.Equal(("modifying", false), (partial.State, partial.Succeeded));
    }

    [Fact]
    public async Task The_plan_is_created_then_unchanged_then_updated_and_never_duplicated()
    {
        using var sb = new SandboxClients();
        var writer = new BackupPlanWriter(sb.Backup, sb.Set.Sts);
        var options = new BackupPlanOptions { Tier = DrTier.Gold, BackupVaultName = "Default", DrRegion = DrRegion };

        var created = await writer.ApplyAsync(await writer.PrepareAsync(options, Ct), Ct);
        Assert.Equal((BackupPlanAction.Created, "BackupDr-Gold"), (created.Action, created.BackupPlanName));
        Assert.Equal(new[] { "hourly", "daily", "weekly" }, created.RuleNames);
        var stored = await sb.Backup.GetBackupPlanAsync(created.BackupPlanId!, null, Ct);
        Assert.True(BackupPlanWriter.SameRules(created.Rules, stored.Rules));
        Assert.All(stored.Rules, r => Assert.Equal(VaultArn("Default", DrRegion), Assert.Single(r.CopyActions!).DestinationBackupVaultArn));
        var selection = Assert.Single(await All(sb.Backup.ListBackupSelectionsAsync(created.BackupPlanId!, Ct)));
        Assert.Equal(("DrTier-Gold", "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"), (selection.SelectionName, selection.IamRoleArn));

        sb.Server.ClearRequestLog();
        var again = await writer.ApplyAsync(await writer.PrepareAsync(options, Ct), Ct);
        Assert.Equal((BackupPlanAction.Unchanged, created.BackupPlanId, created.VersionId), (again.Action, again.BackupPlanId, again.VersionId));
        Assert.DoesNotContain(Operations(sb), o => o is "CreateBackupPlan" or "UpdateBackupPlan" or "CreateBackupSelection");

        options.DrRegion = "eu-central-1";
        var draft = await writer.PrepareAsync(options, Ct);
        Assert.Equal(BackupPlanAction.Updated, draft.Action);
        var updated = await writer.ApplyAsync(draft, Ct);
        Assert.Equal(created.BackupPlanId, updated.BackupPlanId);
        Assert.NotEqual(created.VersionId, updated.VersionId);
        Assert.Single(await All(sb.Backup.ListBackupPlansAsync(Ct)));
        Assert.Single(await All(sb.Backup.ListBackupSelectionsAsync(created.BackupPlanId!, Ct)));
        var newer = await sb.Backup.GetBackupPlanAsync(created.BackupPlanId!, null, Ct);
        Assert.All(newer.Rules, r => Assert.Equal(VaultArn("Default", "eu-central-1"), Assert.Single(r.CopyActions!).DestinationBackupVaultArn));
    }

    [Fact]
    public async Task Prepare_only_reads_and_shows_the_document()
    {
        using var sb = new SandboxClients();
        var writer = new BackupPlanWriter(sb.Backup, sb.Set.Sts);
        var draft = await writer.PrepareAsync(new BackupPlanOptions { Tier = DrTier.Bronze, BackupVaultName = "Default", DrRegion = DrRegion, PlanName = "weekly-only" }, Ct);
        Assert.Equal(BackupPlanAction.Created, draft.Action);
        Assert.Contains("\"BackupPlanName\": \"weekly-only\"", draft.PlanDocument);
        Assert.Contains("\"ConditionValue\": \"Bronze\"", draft.SelectionDocument);
        Assert.Equal(new[] { "GetCallerIdentity", "ListBackupPlans" }, Operations(sb));
    }

    private sealed class Progress : IProgress<FailoverProgress>
    {
        private readonly Action<FailoverProgress> _report;

        public Progress(Action<FailoverProgress> report) => _report = report;

        public void Report(FailoverProgress value)
        {
            lock (this)
            {
                _report(value);
            }
        }
    }
}
