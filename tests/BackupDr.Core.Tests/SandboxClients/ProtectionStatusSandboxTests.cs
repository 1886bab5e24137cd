using BackupDr.Core.Aws;
using BackupDr.Core.Model;
using BackupDr.Core.Operations;
using BackupDr.Core.Tests.Operations.Fakes;
using static BackupDr.Core.Tests.SandboxClients.SandboxClients;

namespace BackupDr.Core.Tests.SandboxClients;

/// <summary>
/// ProtectionStatusQuery over our typed clients and the in-process sandbox, with the sandbox's clock and the query's
/// clock both fixed, so every age (and so every RPO verdict) is exact.
/// </summary>
public sealed class ProtectionStatusSandboxTests : IDisposable
{
    private static readonly DateTime T0 = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private const string GoldFresh = "vol-00000000000000001";    // Gold, COMPLETED point 2 min old (a newer PARTIAL one too), DR copy 1 min old
    private const string GoldStale = "vol-00000000000000002";    // Gold, point 30 min old, DR copy 2 h old
    private const string SilverNever = "vol-00000000000000003";  // Silver, no point
    private const string Untagged = "vol-00000000000000004";     // no DrTier tag, a point
    private const string Nothing = "vol-00000000000000005";      // no tag, no point: outside the tag scope
    private const string Platinum = "vol-00000000000000006";     // DrTier=Platinum, a point
    private const string BronzeTagRpo = "vol-00000000000000007"; // Bronze with DrRpoMinutes=10, point 30 min old

    private readonly SandboxClients _sb;
    private readonly FakeClock _clock = new(T0);

    public ProtectionStatusSandboxTests()
    {
        _sb = new SandboxClients(o => o.Clock = () => T0);
        string Point(string vol, int n, int minutesOld, string vault = "Main", string region = Region, string status = "COMPLETED") =>
            $$"""{ "arn": "arn:aws:ec2:{{region}}::snapshot/snap-0000000000000{{n:0000}}", "vault": "{{vault}}", "resourceArn": "{{VolumeArn(vol)}}", "createdAt": "{{T0.AddMinutes(-minutesOld):yyyy-MM-ddTHH:mm:ssZ}}", "status": "{{status}}" }""";
        string Vol(string id, string tags) => $$"""{ "id": "{{id}}", "size": 8, "availabilityZone": "us-east-1a", "volumeType": "gp3", "tags": {{{tags}}} }""";
        _sb.Server.SeedFromJson($$"""
            { "regions": [
              { "region": "us-east-1",
                "volumes": [
                  {{Vol(GoldFresh, "\"DrTier\": \"Gold\"")}},
                  {{Vol(GoldStale, "\"DrTier\": \"Gold\"")}},
                  {{Vol(SilverNever, "\"DrTier\": \"Silver\"")}},
                  {{Vol(Untagged, "\"Name\": \"scratch\"")}},
                  {{Vol(Nothing, "")}},
                  {{Vol(Platinum, "\"DrTier\": \"Platinum\"")}},
                  {{Vol(BronzeTagRpo, "\"DrTier\": \"Bronze\", \"DrRpoMinutes\": \"10\"")}}
                ],
                "dbInstances": [ { "id": "orders", "class": "db.t3.micro", "engine": "postgres", "engineVersion": "16.3", "allocatedStorage": 20, "subnetGroup": "default", "tags": { "DrTier": "Silver" } } ],
                "vaults": [ { "name": "Main", "tags": {} } ],
                "recoveryPoints": [
                  {{Point(GoldFresh, 1, 2)}}, {{Point(GoldFresh, 2, 1, status: "PARTIAL")}}, {{Point(GoldFresh, 3, 600)}},
                  {{Point(GoldStale, 4, 30)}}, {{Point(Untagged, 5, 60)}}, {{Point(Platinum, 6, 60)}}, {{Point(BronzeTagRpo, 7, 30)}},
                  { "arn": "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-orders-1", "vault": "Default", "resourceArn": "{{DbArn("orders")}}", "createdAt": "{{T0.AddMinutes(-10):yyyy-MM-ddTHH:mm:ssZ}}" }
                ] },
              { "region": "us-west-2",
                "vaults": [ { "name": "DrVault", "tags": {} } ],
                "recoveryPoints": [ {{Point(GoldFresh, 11, 1, "DrVault", DrRegion)}}, {{Point(GoldStale, 12, 120, "DrVault", DrRegion)}} ] }
            ] }
            """);
    }

    public void Dispose() => _sb.Dispose();

    private ProtectionStatusQuery Query(IAwsClock? clock = null) => new(r => RegionClients.Of(_sb.Set.ForRegion(r)), clock ?? _clock);

    private static ProtectionStatusOptions TagScope(string? drRegion = null, bool requireLock = false, string[]? tiers = null) =>
        new() { Regions = new[] { Region }, AccountId = Account, DrRegion = drRegion, RequireVaultLock = requireLock, Tiers = tiers };

    private async Task<Dictionary<string, ProtectionStatus>> Run(ProtectionStatusOptions options, List<(Exception, object?)>? errors = null, IAwsClock? clock = null)
    {
        var list = await All(Query(clock).ListAsync(options, (e, t) => errors?.Add((e, t)), Ct));
        return list.ToDictionary(s => s.ResourceId, StringComparer.Ordinal);
    }

    [Fact]
    public async Task The_tag_scope_is_every_resource_with_a_DrTier_tag_or_a_recovery_point_and_each_gap_is_flagged()
    {
        var s = await Run(TagScope(DrRegion));
        Assert.Equal(new[] { GoldFresh, GoldStale, SilverNever, Untagged, Platinum, BronzeTagRpo, "orders" }.OrderBy(x => x), s.Keys.OrderBy(x => x));

        var fresh = s[GoldFresh];
        Assert.Equal((DrTier.Gold, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TierSource.Default), (fresh.Tier!.Value, fresh.Rpo!.Value, fresh.Rto!.Value, fresh.ObjectivesSource!.Value));
        Assert.Equal("arn:aws:ec2:us-east-1::snapshot/snap-00000000000000001", fresh.LastRecoveryPointArn);
        Assert.Equal((T0.AddMinutes(-2), TimeSpan.FromMinutes(2), "Main", false, true), (fresh.LastBackupTime!.Value, fresh.LastBackupAge!.Value, fresh.BackupVaultName, fresh.VaultLocked!.Value, fresh.RpoMet!.Value));
        Assert.Equal((DrRegion, "DrVault", TimeSpan.FromMinutes(1)), (fresh.DrRegion, fresh.DrBackupVaultName, fresh.DrCopyAge!.Value));
        Assert.Equal(new[] { ProtectionGap.VaultNotLocked }, fresh.Gaps);
        Assert.True(fresh.InPolicy, "VaultNotLocked is advisory without RequireVaultLock");
        Assert.Equal(((DateTime?)null, (TimeSpan?)null, T0), (fresh.LastDrillTime, fresh.LastDrillRto, fresh.CheckedAt));

        Assert.Equal(new[] { ProtectionGap.RpoMissed, ProtectionGap.DrCopyStale, ProtectionGap.VaultNotLocked }, s[GoldStale].Gaps);
        Assert.Equal(false, s[GoldStale].RpoMet);
        Assert.False(s[GoldStale].InPolicy);

        var never = s[SilverNever];
        Assert.Equal(new[] { ProtectionGap.TaggedNeverBackedUp, ProtectionGap.NoDrCopy }, never.Gaps);
        Assert.Equal((false, (TimeSpan?)null, (string?)null, (bool?)null), (never.RpoMet!.Value, never.LastBackupAge, never.LastRecoveryPointArn, never.VaultLocked));

        var untagged = s[Untagged];
        Assert.Equal(new[] { ProtectionGap.BackedUpUntagged, ProtectionGap.NoDrCopy, ProtectionGap.VaultNotLocked }, untagged.Gaps);
        Assert.Equal(((DrTier?)null, (bool?)null, (TimeSpan?)null), (untagged.Tier, untagged.RpoMet, untagged.Rpo));

        var platinum = s[Platinum];
        Assert.Equal(new[] { ProtectionGap.InvalidTierTag, ProtectionGap.NoDrCopy, ProtectionGap.VaultNotLocked }, platinum.Gaps);
        Assert.Contains("'Platinum' is not a tier", platinum.Notes);

        var bronze = s[BronzeTagRpo];
        Assert.Equal((TimeSpan.FromMinutes(10), TierSource.Tag), (bronze.Rpo!.Value, bronze.ObjectivesSource!.Value));
        Assert.Equal(new[] { ProtectionGap.RpoMissed, ProtectionGap.NoDrCopy, ProtectionGap.VaultNotLocked }, bronze.Gaps);

        var db = s["orders"];
        Assert.Equal(("RDS", DrTier.Silver, true, "Default"), (db.ResourceType, db.Tier!.Value, db.RpoMet!.Value, db.BackupVaultName));
        Assert.Equal(new[] { ProtectionGap.NoDrCopy, ProtectionGap.VaultNotLocked }, db.Gaps);
    }

    [Fact]
    public async Task Without_DrRegion_no_DR_gap_is_raised_and_nothing_is_read_there()
    {
        _sb.Server.ClearRequestLog();
        var s = await Run(TagScope());
        Assert.Equal(new[] { ProtectionGap.TaggedNeverBackedUp }, s[SilverNever].Gaps);
        Assert.All(s.Values, x => Assert.Null(x.DrRegion));
        Assert.DoesNotContain(_sb.Server.RequestLog, r => r.Region == DrRegion);
    }

    [Fact]
    public async Task RequireVaultLock_makes_an_unlocked_vault_count_against_the_policy()
    {
        var s = await Run(TagScope(requireLock: true));
        Assert.Equal(new[] { ProtectionGap.VaultNotLocked }, s[GoldFresh].Gaps);
        Assert.False(s[GoldFresh].InPolicy);
    }

    [Fact]
    public async Task RPO_met_then_missed_as_the_clock_moves_on()
    {
        var at3 = await Run(TagScope(), clock: new FakeClock(T0.AddMinutes(3)));
        Assert.Equal((true, TimeSpan.FromMinutes(5)), (at3[GoldFresh].RpoMet!.Value, at3[GoldFresh].LastBackupAge!.Value));
        Assert.True(at3[GoldFresh].InPolicy, "an age equal to the RPO meets it");
        var at4 = await Run(TagScope(), clock: new FakeClock(T0.AddMinutes(4)));
        Assert.Equal(false, at4[GoldFresh].RpoMet);
        Assert.Contains(ProtectionGap.RpoMissed, at4[GoldFresh].Gaps);
        Assert.False(at4[GoldFresh].InPolicy);
    }

    [Fact]
    public async Task A_policy_file_changes_the_verdict()
    {
        var policy = TierPolicy.ParseJson("{ \"Tiers\": { \"Gold\": { \"Rpo\": \"1h\" } } }", "gold-1h.json");
        var options = TagScope();
        options.Policy = policy;
        var s = await Run(options);
        Assert.Equal((true, TierSource.File, TimeSpan.FromHours(1)), (s[GoldStale].RpoMet!.Value, s[GoldStale].ObjectivesSource!.Value, s[GoldStale].Rpo!.Value));
        Assert.True(s[GoldStale].InPolicy);
    }

    [Fact]
    public async Task Tier_keeps_only_resources_of_those_tiers()
    {
        var s = await Run(TagScope(tiers: new[] { "gold" }));
        Assert.Equal(new[] { GoldFresh, GoldStale }, s.Keys.OrderBy(x => x));
    }

    [Fact]
    public async Task Resources_by_ARN_are_checked_tagged_or_not_and_one_that_does_not_exist_is_an_error_of_its_own()
    {
        var errors = new List<(Exception, object?)>();
        var options = new ProtectionStatusOptions { ResourceArns = new[] { VolumeArn(Nothing), VolumeArn("vol-0000000000000dead"), VolumeArn(GoldStale), DbArn("orders") }, DrRegion = DrRegion };
        var s = await Run(options, errors);
        Assert.Equal(new[] { Nothing, GoldStale, "orders" }.OrderBy(x => x), s.Keys.OrderBy(x => x));
        Assert.Equal(new[] { ProtectionGap.UntaggedNeverBackedUp, ProtectionGap.NoDrCopy }, s[Nothing].Gaps);
        Assert.Equal(new[] { ProtectionGap.RpoMissed, ProtectionGap.DrCopyStale, ProtectionGap.VaultNotLocked }, s[GoldStale].Gaps);
        Assert.Equal(TimeSpan.FromMinutes(120), s[GoldStale].DrCopyAge);
        Assert.Equal(new[] { ProtectionGap.NoDrCopy, ProtectionGap.VaultNotLocked }, s["orders"].Gaps);
        var (error, target) = Assert.Single(errors);
        Assert.Equal(VolumeArn("vol-0000000000000dead"), target);
        Assert.Contains("vol-0000000000000dead", error.Message);
    }

    [Fact]
    public async Task The_DR_region_is_read_once_per_query_by_its_vaults()
    {
        var query = Query();
        _sb.Server.ClearRequestLog();
        foreach (var vol in new[] { GoldFresh, GoldStale })
        {
            _ = await All(query.ListAsync(new ProtectionStatusOptions { ResourceArns = new[] { VolumeArn(vol) }, DrRegion = DrRegion }, null, Ct));
        }

        var dr = _sb.Server.RequestLog.Where(r => r.Region == DrRegion).Select(r => r.Operation).ToList();
        Assert.Equal(new[] { "ListBackupVaults", "ListRecoveryPointsByBackupVault", "ListRecoveryPointsByBackupVault" }, dr);
    }

    [Fact]
    public async Task Bad_input_is_refused_before_anything_is_sent()
    {
        _sb.Server.ClearRequestLog();
        var query = Query();
        Assert.Equal("InvalidResourceArn", Assert.Throws<DrValidationException>(() => query.ListAsync(new ProtectionStatusOptions { ResourceArns = new[] { "vol-1" } }, null, Ct)).ErrorId);
        Assert.Equal("UnsupportedResourceType", Assert.Throws<DrValidationException>(() => query.ListAsync(new ProtectionStatusOptions { ResourceArns = new[] { "arn:aws:dynamodb:us-east-1:123456789012:table/orders" } }, null, Ct)).ErrorId);
        Assert.Equal("DrRegionIsHomeRegion", Assert.Throws<DrValidationException>(() => query.ListAsync(TagScope(Region), null, Ct)).ErrorId);
        Assert.Equal("DrRegionIsHomeRegion", Assert.Throws<DrValidationException>(() => query.ListAsync(new ProtectionStatusOptions { ResourceArns = new[] { VolumeArn(GoldFresh) }, DrRegion = Region }, null, Ct)).ErrorId);
        Assert.Equal("UnknownTier", Assert.Throws<DrValidationException>(() => query.ListAsync(TagScope(tiers: new[] { "Platinum" }), null, Ct)).ErrorId);
        Assert.Equal("UnsupportedResourceType", Assert.Throws<DrValidationException>(() => query.ListAsync(new ProtectionStatusOptions { Regions = new[] { Region }, ResourceTypes = new[] { "DynamoDB" } }, null, Ct)).ErrorId);
        Assert.Equal("InvalidRegion", Assert.Throws<AwsConfigurationException>(() => query.ListAsync(TagScope("mars-1"), null, Ct)).ErrorId);
        Assert.Empty(_sb.Server.RequestLog);

        // Positive control: the same query with good input does call the sandbox.
        _ = await Run(TagScope());
        Assert.NotEmpty(_sb.Server.RequestLog);
    }

    [Fact]
    public async Task Many_regions_are_checked_together_and_a_region_that_fails_is_an_error_of_its_own()
    {
        var errors = new List<(Exception, object?)>();
        _sb.Server.AddFault("ListBackupVaults", 100, 403, "AccessDeniedException", service: null);
        var options = new ProtectionStatusOptions { Regions = new[] { Region, "eu-west-1" }, AccountId = Account };
        var list = await All(Query().ListAsync(options, (e, t) => { lock (errors) { errors.Add((e, t)); } }, Ct));
        Assert.Empty(list);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal("ReportRegionFailed", ((DrException)e.Item1).ErrorId));
        _sb.Server.ClearFaults();

        var both = await All(Query().ListAsync(options, null, Ct));
        Assert.Equal(7, both.Count(s => s.Region == Region));
        Assert.DoesNotContain(both, s => s.Region == "eu-west-1");
    }

    [Fact]
    public void A_locked_or_air_gapped_vault_is_no_gap()
    {
        var query = Query();
        var resource = new DrResource { ResourceArn = VolumeArn(GoldFresh), ResourceType = "EBS", ResourceId = GoldFresh, Region = Region };
        var objectives = TierPolicy.Default.Resolve(new Dictionary<string, string> { ["DrTier"] = "Gold" });
        var point = new RecoveryPoint { RecoveryPointArn = "arn:aws:ec2:us-east-1::snapshot/snap-1", BackupVaultName = "Locked", CreationDate = T0.AddMinutes(-1), Status = "COMPLETED" };
        var options = new ProtectionStatusOptions { RequireVaultLock = true };

        var locked = query.Evaluate(resource, objectives, point, new BackupVault { BackupVaultName = "Locked", Locked = true }, null, options);
        Assert.Equal((true, true), (locked.VaultLocked!.Value, locked.InPolicy));
        Assert.Empty(locked.Gaps);

        var airGapped = query.Evaluate(resource, objectives, point, new BackupVault { BackupVaultName = "Locked", VaultType = "LOGICALLY_AIR_GAPPED_BACKUP_VAULT" }, null, options);
        Assert.Empty(airGapped.Gaps);

        var unknown = query.Evaluate(resource, objectives, point, null, null, options);
        Assert.Equal(new[] { ProtectionGap.VaultNotLocked }, unknown.Gaps);
        Assert.False(unknown.InPolicy);
    }

    [Fact]
    public void LastDrillColumnAlwaysEmpty_regression_the_ledger_fills_it_and_DrillMaxAge_flags_overdue_drills()
    {
        var query = Query();
        var resource = new DrResource { ResourceArn = VolumeArn(GoldFresh), ResourceType = "EBS", ResourceId = GoldFresh, Region = Region };
        var objectives = TierPolicy.Default.Resolve(new Dictionary<string, string> { ["DrTier"] = "Gold" });
        var point = new RecoveryPoint { RecoveryPointArn = "arn:aws:ec2:us-east-1::snapshot/snap-1", BackupVaultName = "Locked", CreationDate = T0.AddMinutes(-1), Status = "COMPLETED" };
        var vault = new BackupVault { BackupVaultName = "Locked", Locked = true };
        var history = new[]
        {
            new DrillHistoryRecord { ResourceArn = resource.ResourceArn, DrillStarted = T0.AddDays(-40), Rto = TimeSpan.FromMinutes(9) },
            new DrillHistoryRecord { ResourceArn = resource.ResourceArn, DrillStarted = T0.AddDays(-10), Rto = TimeSpan.FromMinutes(7) },
            new DrillHistoryRecord { ResourceArn = VolumeArn("vol-0ther000000000000"), DrillStarted = T0.AddDays(-1), Rto = TimeSpan.FromMinutes(1) },
        };

        // Without a maximum age the columns are filled from the newest drill of this resource, and nothing is flagged.
        var plain = query.Evaluate(resource, objectives, point, vault, null, new ProtectionStatusOptions { DrillHistory = history });
        Assert.Equal((T0.AddDays(-10), TimeSpan.FromMinutes(7)), (plain.LastDrillTime!.Value, plain.LastDrillRto!.Value));
        Assert.True(plain.InPolicy);

        var withinMonth = query.Evaluate(resource, objectives, point, vault, null, new ProtectionStatusOptions { DrillHistory = history, DrillMaxAge = TimeSpan.FromDays(30) });
        Assert.Empty(withinMonth.Gaps);

        var withinWeek = query.Evaluate(resource, objectives, point, vault, null, new ProtectionStatusOptions { DrillHistory = history, DrillMaxAge = TimeSpan.FromDays(7) });
        Assert.Equal(new[] { ProtectionGap.DrillOverdue }, withinWeek.Gaps);
        Assert.False(withinWeek.InPolicy);

        var never = query.Evaluate(resource, objectives, point, vault, null, new ProtectionStatusOptions { DrillHistory = Array.Empty<DrillHistoryRecord>(), DrillMaxAge = TimeSpan.FromDays(30) });
        Assert.Null(never.LastDrillTime);
        Assert.Equal(new[] { ProtectionGap.DrillOverdue }, never.Gaps);
    }

    [Fact]
    public async Task The_summary_counts_per_tier_and_per_gap()
    {
        var builder = new ProtectionSummaryBuilder();
        foreach (var s in (await Run(TagScope(DrRegion))).Values)
        {
            builder.Add(s);
        }

        var summary = builder.Build(new[] { Region }, DrRegion, T0);
        Assert.Equal((7, 1, 6), (summary.Total, summary.InPolicy, summary.OutOfPolicy));
        Assert.Equal(new[] { "Gold 1/2", "Silver 0/2", "Bronze 0/1", "(none) 0/2" }, summary.ByTier.Select(t => t.ToString()));
        Assert.Equal(1, summary.ByGap["TaggedNeverBackedUp"]);
        Assert.Equal(6, summary.ByGap["VaultNotLocked"]);
        Assert.Equal(6, summary.OutOfPolicyResourceArns.Count);
        Assert.DoesNotContain(VolumeArn(GoldFresh), summary.OutOfPolicyResourceArns);
        Assert.Equal(2, summary["gold"]!.Total);
    }

    private const string Role = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole";

    private async Task<string> NewPlan(string name, params BackupSelection[] selections)
    {
        var plan = await _sb.Backup.CreateBackupPlanAsync(
            new BackupPlan { BackupPlanName = name, Rules = new List<BackupRule> { new() { RuleName = "daily", TargetBackupVaultName = "Main", ScheduleExpression = "cron(0 2 * * ? *)" } } },
            null, null, Ct);
        foreach (var sel in selections)
        {
            sel.BackupPlanId = plan.BackupPlanId!;
            sel.IamRoleArn = Role;
            await _sb.Backup.CreateBackupSelectionAsync(sel, null, Ct);
        }

        return plan.BackupPlanId!;
    }

    private static BackupSelectionConditionParameter Tag(string key, string value) => new() { ConditionKey = "aws:ResourceTag/" + key, ConditionValue = value };

    [Fact]
    public async Task GetBackupSelection_returns_the_whole_document_the_listing_leaves_out()
    {
        var id = await NewPlan("doc", new BackupSelection
        {
            SelectionName = "all-volumes",
            Resources = new List<string> { "arn:aws:ec2:*:*:volume/*" },
            NotResources = new List<string> { VolumeArn(Nothing) },
            ListOfTags = new List<BackupSelectionCondition> { new() { ConditionKey = "Backup", ConditionValue = "daily" } },
            Conditions = new BackupSelectionConditions { StringLike = new List<BackupSelectionConditionParameter> { Tag("Env", "prod*") } },
        });
        var listed = Assert.Single(await All(_sb.Backup.ListBackupSelectionsAsync(id, Ct)));
        Assert.Empty(listed.Resources);
        var full = await _sb.Backup.GetBackupSelectionAsync(id, listed.SelectionId!, Ct);
        Assert.Equal(("all-volumes", Role, id), (full.SelectionName, full.IamRoleArn, full.BackupPlanId));
        Assert.Equal(new[] { "arn:aws:ec2:*:*:volume/*" }, full.Resources);
        Assert.Equal(new[] { VolumeArn(Nothing) }, full.NotResources);
        Assert.Equal(("STRINGEQUALS", "Backup", "daily"), (full.ListOfTags[0].ConditionType, full.ListOfTags[0].ConditionKey, full.ListOfTags[0].ConditionValue));
        Assert.Equal(("aws:ResourceTag/Env", "prod*"), (full.Conditions.StringLike[0].ConditionKey, full.Conditions.StringLike[0].ConditionValue));
        Assert.Contains(_sb.Server.RequestLog, r => r.Operation == "GetBackupSelection" && r.Status == 200);
    }

    [Fact]
    public async Task PlanSelectionScope_regression_a_resource_a_backup_plan_selects_is_in_scope_and_says_which_plan_covers_it()
    {
        // Nothing (no tag, no point) was outside the tag scope; a plan that selects it by ARN brings it in.
        await NewPlan("fleet-daily",
            new BackupSelection { SelectionName = "by-arn", Resources = new List<string> { VolumeArn(Nothing) } },
            new BackupSelection
            {
                SelectionName = "gold-volumes",
                Resources = new List<string> { "arn:aws:ec2:*:*:volume/*" },
                NotResources = new List<string> { VolumeArn(GoldStale) },
                Conditions = new BackupSelectionConditions { StringEquals = new List<BackupSelectionConditionParameter> { Tag("DrTier", "Gold") } },
            });
        await NewPlan("db-plan", new BackupSelection { SelectionName = "tagged", ListOfTags = new List<BackupSelectionCondition> { new() { ConditionKey = "DrTier", ConditionValue = "Silver" } } });

        var s = await Run(TagScope());
        Assert.Contains(Nothing, s.Keys);
        var nothing = s[Nothing];
        Assert.Equal(("fleet-daily", "fleet-daily/by-arn"), (nothing.BackupPlan, nothing.BackupSelection));
        Assert.Equal(new[] { ProtectionGap.UntaggedNeverBackedUp, ProtectionGap.SelectedWithoutTier }, nothing.Gaps);
        Assert.False(nothing.InPolicy);
        Assert.Contains("fleet-daily/by-arn assigns it", nothing.Notes);

        Assert.Equal(("fleet-daily", "fleet-daily/gold-volumes"), (s[GoldFresh].BackupPlan, s[GoldFresh].BackupSelection));
        Assert.Null(s[GoldStale].BackupPlan);                                     // NotResources
        Assert.Equal("db-plan/tagged", s["orders"].BackupSelection);              // ListOfTags
        Assert.Equal("db-plan/tagged", s[SilverNever].BackupSelection);
        Assert.Null(s[Untagged].BackupPlan);
        Assert.DoesNotContain(ProtectionGap.SelectedWithoutTier, s[Untagged].Gaps);
        Assert.Equal(new[] { ProtectionGap.VaultNotLocked }, s[GoldFresh].Gaps);

        // -BackupPlanName keeps what that plan assigns; -ResourceArn fills BackupPlan too.
        var only = TagScope();
        only.BackupPlanNames = new[] { "DB-PLAN" };
        Assert.Equal(new[] { SilverNever, "orders" }.OrderBy(x => x), (await Run(only)).Keys.OrderBy(x => x));
        var byArn = await Run(new ProtectionStatusOptions { ResourceArns = new[] { VolumeArn(Nothing), VolumeArn(Untagged) } });
        Assert.Equal(("fleet-daily", (string?)null), (byArn[Nothing].BackupPlan, byArn[Untagged].BackupPlan));
    }
}
