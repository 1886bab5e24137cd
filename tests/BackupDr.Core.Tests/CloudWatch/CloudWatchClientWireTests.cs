using System.Net;
using BackupDr.Core.Aws;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.CloudWatch;

/// <summary>CloudWatch GetMetricStatistics on the wire: query-protocol form fields out, XML datapoints in, query errors.</summary>
public sealed class CloudWatchClientWireTests
{
    private const string Ns = "http://monitoring.amazonaws.com/doc/2010-08-01/";

    private readonly StubHandler _stub = new();

    private CloudWatchClient Client() => new(Wire.Transport(_stub));

    private static MetricStatisticsRequest ReplicaLag() => new()
    {
        Namespace = "AWS/RDS",
        MetricName = "ReplicaLag",
        Dimensions = new List<KeyValuePair<string, string>> { new("DBInstanceIdentifier", "orders-db-replica") },
        StartTime = new DateTime(2026, 1, 12, 10, 0, 0, DateTimeKind.Utc),
        EndTime = new DateTime(2026, 1, 12, 10, 5, 0, DateTimeKind.Utc),
        Period = 60,
        Statistics = new List<string> { "Maximum", "Average" },
    };

    [Fact]
    public async Task GetMetricStatistics_sends_the_query_form_with_members_lists_and_signs_for_monitoring()
    {
        _stub.Respond(HttpStatusCode.OK, $"<GetMetricStatisticsResponse xmlns=\"{Ns}\"><GetMetricStatisticsResult><Label>ReplicaLag</Label><Datapoints/></GetMetricStatisticsResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetMetricStatisticsResponse>", "text/xml");

        var stats = await Client().GetMetricStatisticsAsync(ReplicaLag(), CancellationToken.None);

        QueryAssert.Request(_stub.Requests.Single(), "monitoring",
            ("Action", "GetMetricStatistics"), ("Version", "2010-08-01"),
            ("Namespace", "AWS/RDS"), ("MetricName", "ReplicaLag"),
            ("Dimensions.member.1.Name", "DBInstanceIdentifier"), ("Dimensions.member.1.Value", "orders-db-replica"),
            ("StartTime", "2026-01-12T10:00:00.000Z"), ("EndTime", "2026-01-12T10:05:00.000Z"), ("Period", "60"),
            ("Statistics.member.1", "Maximum"), ("Statistics.member.2", "Average"));
        Assert.Equal("https://monitoring.us-east-1.amazonaws.com/", _stub.Requests.Single().Uri.AbsoluteUri);
        Assert.Equal("ReplicaLag", stats.Label);
        Assert.Empty(stats.Datapoints);
    }

    [Fact]
    public async Task GetMetricStatistics_reads_datapoints_oldest_first_with_the_statistics_given()
    {
        _stub.Respond(HttpStatusCode.OK,
            $"<GetMetricStatisticsResponse xmlns=\"{Ns}\"><GetMetricStatisticsResult><Label>ReplicaLag</Label><Datapoints>" +
            "<member><Timestamp>2026-01-12T10:03:00Z</Timestamp><Maximum>12.5</Maximum><Average>8.0</Average><Unit>Seconds</Unit></member>" +
            "<member><Timestamp>2026-01-12T10:01:00Z</Timestamp><Maximum>3</Maximum><Average>1.25</Average><Unit>Seconds</Unit></member>" +
            "</Datapoints></GetMetricStatisticsResult><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></GetMetricStatisticsResponse>", "text/xml");

        var stats = await Client().GetMetricStatisticsAsync(ReplicaLag(), CancellationToken.None);

        Assert.Equal(2, stats.Datapoints.Count);
        Assert.Equal(new DateTime(2026, 1, 12, 10, 1, 0, DateTimeKind.Utc), stats.Datapoints[0].Timestamp);
        Assert.Equal((3.0, 1.25, "Seconds"), (stats.Datapoints[0].Maximum, stats.Datapoints[0].Average, stats.Datapoints[0].Unit));
        Assert.Equal(12.5, stats.Datapoints[1].Maximum);
        Assert.Null(stats.Datapoints[1].Sum);
    }

    [Fact]
    public async Task GetMetricStatistics_errors_are_query_errors_with_code_and_request_id()
    {
        _stub.Respond(HttpStatusCode.BadRequest, $"<ErrorResponse xmlns=\"{Ns}\"><Error><Type>Sender</Type><Code>InvalidParameterCombination</Code><Message>bad period</Message></Error><RequestId>r3</RequestId></ErrorResponse>", "text/xml");

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => Client().GetMetricStatisticsAsync(ReplicaLag(), CancellationToken.None));

        Assert.Equal(("InvalidParameterCombination", "r3", "CloudWatch", "GetMetricStatistics"), (ex.ErrorCode, ex.RequestId, ex.Service, ex.Operation));
        Assert.Equal("cloudwatch:GetMetricStatistics", BackupDr.Core.Operations.DrRecommendations.IamAction(ex.Service, ex.Operation));
    }

    [Fact]
    public async Task GetMetricStatistics_checks_the_request_before_sending()
    {
        var bad = ReplicaLag();
        bad.EndTime = bad.StartTime;
        await Assert.ThrowsAsync<ArgumentException>(() => Client().GetMetricStatisticsAsync(bad, CancellationToken.None));
        var none = ReplicaLag();
        none.Statistics = new List<string>();
        await Assert.ThrowsAsync<ArgumentException>(() => Client().GetMetricStatisticsAsync(none, CancellationToken.None));
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public void The_endpoint_follows_AWS_ENDPOINT_URL_CLOUDWATCH()
    {
        var ctx = AwsContext.Resolve(
            new AwsContextOptions { Region = "eu-central-1", AccessKey = "AKIDEXAMPLE", SecretKey = "secret" },
            new DictionaryEnvironment(new Dictionary<string, string> { ["AWS_ENDPOINT_URL_CLOUDWATCH"] = "http://cw.local:9" }));
        Assert.Equal(new Uri("http://cw.local:9"), ctx.GetEndpoint(AwsService.CloudWatch).Uri);
        Assert.Equal("monitoring", AwsService.FromName("CloudWatch").SigningName);
    }
}
