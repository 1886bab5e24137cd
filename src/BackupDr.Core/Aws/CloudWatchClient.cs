using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;

namespace BackupDr.Core.Aws
{
    /// <summary>GetMetricStatistics input: one metric, its dimensions, a window, a period and the statistics wanted.</summary>
    public sealed class MetricStatisticsRequest
    {
        public string Namespace { get; set; } = string.Empty;
        public string MetricName { get; set; } = string.Empty;

        /// <summary>Dimension name and value pairs, e.g. DBInstanceIdentifier = orders-db-replica.</summary>
        public IList<KeyValuePair<string, string>> Dimensions { get; set; } = new List<KeyValuePair<string, string>>();
        public DateTime StartTime { get; set; }
        public DateTime EndTime { get; set; }

        /// <summary>Seconds per datapoint (60 or a multiple of 60 for standard-resolution metrics).</summary>
        public int Period { get; set; } = 60;

        /// <summary>SampleCount, Average, Sum, Minimum, Maximum (1 to 5 of them).</summary>
        public IList<string> Statistics { get; set; } = new List<string> { "Maximum" };
        public string? Unit { get; set; }
    }

    /// <summary>One CloudWatch datapoint; only the statistics asked for are set.</summary>
    public sealed class MetricDatapoint
    {
        public DateTime Timestamp { get; set; }
        public double? SampleCount { get; set; }
        public double? Average { get; set; }
        public double? Sum { get; set; }
        public double? Minimum { get; set; }
        public double? Maximum { get; set; }
        public string? Unit { get; set; }
    }

    /// <summary>GetMetricStatistics answer: the label and the datapoints, oldest first.</summary>
    public sealed class MetricStatistics
    {
        public string? Label { get; set; }
        public List<MetricDatapoint> Datapoints { get; set; } = new List<MetricDatapoint>();
    }

    /// <summary>The CloudWatch operation BackupDr calls (query protocol, API 2010-08-01, XML answers).</summary>
    public interface ICloudWatchApi
    {
        AwsContext Context { get; }

        Task<MetricStatistics> GetMetricStatisticsAsync(MetricStatisticsRequest request, CancellationToken cancellationToken);
    }

    /// <summary>
    /// CloudWatch over the query protocol, on the same transport and SigV4 signing as the other clients: a form POST
    /// with Action, Version 2010-08-01 and lists as Dimensions.member.N.Name/Value and Statistics.member.N.
    /// </summary>
    public sealed class CloudWatchClient : ICloudWatchApi
    {
        private readonly IAwsTransport _transport;

        public CloudWatchClient(IAwsTransport transport)
        {
            _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        }

        public AwsContext Context => _transport.Context;

        public async Task<MetricStatistics> GetMetricStatisticsAsync(MetricStatisticsRequest request, CancellationToken cancellationToken)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            if (string.IsNullOrWhiteSpace(request.Namespace))
            {
                throw new ArgumentException("Namespace is required.", nameof(request));
            }

            if (string.IsNullOrWhiteSpace(request.MetricName))
            {
                throw new ArgumentException("MetricName is required.", nameof(request));
            }

            if (request.EndTime <= request.StartTime)
            {
                throw new ArgumentException("EndTime must be after StartTime.", nameof(request));
            }

            if (request.Period < 1)
            {
                throw new ArgumentException("Period must be at least 1 second.", nameof(request));
            }

            if (request.Statistics == null || request.Statistics.Count == 0 || request.Statistics.Count > 5)
            {
                throw new ArgumentException("Give 1 to 5 statistics.", nameof(request));
            }

            const string action = "GetMetricStatistics";
            var q = new QueryParams(AwsService.CloudWatch, action)
                .Add("Namespace", request.Namespace)
                .Add("MetricName", request.MetricName);
            q.AddStructList("Dimensions.member", request.Dimensions, (p, d) => q.Add(p + ".Name", d.Key).Add(p + ".Value", d.Value));
            q.Add("StartTime", request.StartTime)
                .Add("EndTime", request.EndTime)
                .Add("Period", request.Period)
                .AddList("Statistics.member", request.Statistics)
                .Add("Unit", request.Unit);

            using var response = await _transport.SendAsync(q.ToRequest(), cancellationToken).ConfigureAwait(false);
            XElement? result;
            try
            {
                result = response.Body.Length == 0 ? null : XmlRead.Parse(response.Body).Find(action + "Result");
            }
            catch (System.Xml.XmlException ex)
            {
                throw new AwsServiceException(AwsService.CloudWatch.Name, action, response.StatusCode, "MalformedResponse", "The answer was not valid XML: " + ex.Message, response.RequestId, Context.Region, ex);
            }

            var stats = new MetricStatistics { Label = result?.Str("Label") };
            if (result != null)
            {
                stats.Datapoints = result.Items("Datapoints", "member").Select(ReadDatapoint).OrderBy(d => d.Timestamp).ToList();
            }

            return stats;
        }

        private static MetricDatapoint ReadDatapoint(XElement e) => new MetricDatapoint
        {
            Timestamp = e.Date("Timestamp") ?? DateTime.MinValue,
            SampleCount = Number(e, "SampleCount"),
            Average = Number(e, "Average"),
            Sum = Number(e, "Sum"),
            Minimum = Number(e, "Minimum"),
            Maximum = Number(e, "Maximum"),
            Unit = e.Str("Unit"),
        };

        private static double? Number(XElement e, string name) =>
            double.TryParse(e.Str(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null;
    }
}
