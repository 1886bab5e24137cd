using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Core.Tests.Drills;

/// <summary>The drill ledger's hash chain: appends verify, and an edited, deleted or reordered line is LedgerTampered naming the line.</summary>
public sealed class DrillLedgerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bdr-ledger-" + Guid.NewGuid().ToString("N"));

    private string NewPath() => Path.Combine(_dir, "drills.jsonl");

    private static DrillResult Result(string id, bool passed = true) => new()
    {
        DrillId = "drill-1", ResourceArn = $"arn:aws:ec2:us-east-1:123456789012:volume/{id}", ResourceType = "EBS", Tier = "Gold",
        DrillStarted = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc), Rto = TimeSpan.FromSeconds(42), RpoAchieved = TimeSpan.FromMinutes(30),
        RtoTarget = TimeSpan.FromHours(4), RpoTarget = TimeSpan.FromHours(1), RtoMet = true, RpoMet = true, Verified = true, CleanedUp = true, Passed = passed, Message = "ok",
    };

    private DrillLedger Filled(int count)
    {
        var ledger = new DrillLedger(NewPath());
        for (var i = 0; i < count; i++)
        {
            ledger.Append(Result($"vol-{i:D17}"), DateTime.UtcNow);
        }

        return ledger;
    }

    private static DrException Tampered(DrillLedger ledger)
    {
        var ex = Assert.Throws<DrException>(() => ledger.Read());
        Assert.Equal("LedgerTampered", ex.ErrorId);
        Assert.Equal(DrErrorKind.InvalidData, ex.Kind);
        return ex;
    }

    [Fact]
    public void Appended_records_read_back_verified_and_chained()
    {
        var ledger = Filled(3);
        var records = ledger.Read();
        Assert.Equal(new[] { 1, 2, 3 }, records.Select(r => r.Line));
        Assert.Equal(DrillLedger.GenesisHash, records[0].PreviousHash);
        var lines = File.ReadAllLines(ledger.Path);
        Assert.Equal(DrillLedger.Sha256(lines[0]), records[1].PreviousHash);
        Assert.Equal(DrillLedger.Sha256(lines[1]), records[2].PreviousHash);
        Assert.Equal(TimeSpan.FromSeconds(42), records[2].Rto);
        Assert.Equal("arn:aws:ec2:us-east-1:123456789012:volume/vol-00000000000000002", records[2].ResourceArn);
    }

    [Fact]
    public void An_empty_or_missing_file_is_an_empty_ledger_and_can_be_appended_to()
    {
        var ledger = new DrillLedger(NewPath());
        Assert.Empty(ledger.Read());
        Directory.CreateDirectory(_dir);
        File.WriteAllText(ledger.Path, string.Empty);
        Assert.Empty(ledger.Read());
        ledger.Append(Result("vol-0"), DateTime.UtcNow);
        Assert.Single(ledger.Read());
    }

    [Fact]
    public void An_edited_line_is_LedgerTampered_naming_that_line_even_the_last()
    {
        var ledger = Filled(3);
        var lines = File.ReadAllLines(ledger.Path);
        lines[1] = lines[1].Replace("\"Passed\":true", "\"Passed\":false", StringComparison.Ordinal);
        File.WriteAllLines(ledger.Path, lines);
        Assert.Contains("line 2", Tampered(ledger).Message, StringComparison.Ordinal);

        var last = Filled(0);
        File.Delete(last.Path);
        last = Filled(2);
        lines = File.ReadAllLines(last.Path);
        lines[1] = lines[1].Replace("\"Rto\":\"00:00:42\"", "\"Rto\":\"00:00:01\"", StringComparison.Ordinal);
        File.WriteAllLines(last.Path, lines);
        Assert.Contains("line 2", Tampered(last).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deleted_line_is_LedgerTampered_naming_the_line_after_the_gap()
    {
        var ledger = Filled(4);
        var lines = File.ReadAllLines(ledger.Path).ToList();
        lines.RemoveAt(1);
        File.WriteAllLines(ledger.Path, lines);
        Assert.Contains("line 2", Tampered(ledger).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deleted_first_line_is_LedgerTampered_at_line_1()
    {
        var ledger = Filled(2);
        File.WriteAllLines(ledger.Path, File.ReadAllLines(ledger.Path).Skip(1));
        Assert.Contains("line 1", Tampered(ledger).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reordered_lines_are_LedgerTampered()
    {
        var ledger = Filled(3);
        var lines = File.ReadAllLines(ledger.Path);
        (lines[1], lines[2]) = (lines[2], lines[1]);
        File.WriteAllLines(ledger.Path, lines);
        Assert.Contains("line 2", Tampered(ledger).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_ledger_is_never_extended()
    {
        var ledger = Filled(2);
        var lines = File.ReadAllLines(ledger.Path);
        lines[0] = lines[0].Replace("vol-00000000000000000", "vol-0000000000000000f", StringComparison.Ordinal);
        File.WriteAllLines(ledger.Path, lines);
        var ex = Assert.Throws<DrException>(() => ledger.Append(Result("vol-x"), DateTime.UtcNow));
        Assert.Equal("LedgerTampered", ex.ErrorId);
        Assert.Equal(2, File.ReadAllLines(ledger.Path).Length);
    }

    [Fact]
    public void History_filters_by_resource_and_time()
    {
        var ledger = Filled(3);
        var query = new DrillHistoryQuery(ledger);
        Assert.Single(query.Read("arn:aws:ec2:us-east-1:123456789012:volume/vol-00000000000000001", null));
        Assert.Equal(3, query.Read(null, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc)).Count());
        Assert.Empty(query.Read(null, new DateTime(2025, 2, 1, 0, 0, 0, DateTimeKind.Utc)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }
    }
}

/// <summary>Grading measured RTO/RPO against tier targets, and the option rules.</summary>
public sealed class DrillGradingTests
{
    [Theory]
    [InlineData(10, 60, true)]
    [InlineData(60, 60, true)]
    [InlineData(61, 60, false)]
    public void A_target_is_met_when_the_measured_value_is_within_it(int measuredSeconds, int targetSeconds, bool met) =>
        Assert.Equal(met, RestoreDrill.Met(TimeSpan.FromSeconds(measuredSeconds), TimeSpan.FromSeconds(targetSeconds)));

    [Fact]
    public void Without_a_tier_or_a_measurement_there_is_no_grade()
    {
        Assert.Null(RestoreDrill.Met(null, TimeSpan.FromHours(1)));
        Assert.Null(RestoreDrill.Met(TimeSpan.FromHours(1), null));
    }

    [Fact]
    public void Drills_read_the_tier_targets_through_one_method()
    {
        var gold = RestoreDrill.Objectives(DrTier.Gold);
        Assert.Equal(DrTiers.DefaultObjectives(DrTier.Gold).Rto, gold.Rto);
        Assert.Equal(DrTiers.DefaultObjectives(DrTier.Gold).Rpo, gold.Rpo);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    [InlineData(-5)]
    public void A_sample_outside_1_to_100_is_InvalidSample(int sample)
    {
        var ex = Assert.Throws<DrValidationException>(() => RestoreDrill.Validate(new RestoreDrillOptions { Sample = sample }));
        Assert.Equal(("InvalidSample", "Sample"), (ex.ErrorId, ex.ParameterName));
    }

    [Theory]
    [InlineData("1drill")]
    [InlineData("dr--ill")]
    [InlineData("drill_")]
    [InlineData("")]
    public void A_prefix_that_cannot_start_an_RDS_name_is_InvalidNamePrefix(string prefix) =>
        Assert.Equal("InvalidNamePrefix", Assert.Throws<DrValidationException>(() => RestoreDrill.Validate(new RestoreDrillOptions { NamePrefix = prefix })).ErrorId);

    [Fact]
    public void A_sample_keeps_a_rounded_up_share_and_at_least_one()
    {
        var drill = new RestoreDrill(_ => throw new InvalidOperationException("no calls"), "us-east-1", new RestoreDrillOptions { Sample = 10, Random = new Random(1) });
        Assert.Equal(3, drill.SampleOf(Enumerable.Range(0, 25).ToList()).Count);
        Assert.Single(drill.SampleOf(new[] { 1, 2, 3 }));
    }
}
