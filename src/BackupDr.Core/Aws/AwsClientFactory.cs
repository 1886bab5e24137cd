using System;
using System.Collections.Generic;

namespace BackupDr.Core.Aws
{
    /// <summary>The typed clients of one context, sharing a call logger; disposed with the cmdlet call.</summary>
    public sealed class AwsClientSet : IDisposable
    {
        private readonly Func<AwsContext, AwsClientSet> _forRegion;
        private readonly List<IDisposable> _owned = new List<IDisposable>();
        private readonly Dictionary<string, AwsClientSet> _regions = new Dictionary<string, AwsClientSet>(StringComparer.Ordinal);

        public AwsClientSet(AwsContext context, IBackupApi backup, IRdsApi rds, IEc2Api ec2, IStsApi sts, ICloudWatchApi cloudWatch, Func<AwsContext, AwsClientSet> forRegion, params IDisposable[] owned)
        {
            Context = context;
            Backup = backup;
            Rds = rds;
            Ec2 = ec2;
            Sts = sts;
            CloudWatch = cloudWatch;
            _forRegion = forRegion;
            _owned.AddRange(owned);
        }

        public AwsContext Context { get; }
        public IBackupApi Backup { get; }
        public IRdsApi Rds { get; }
        public IEc2Api Ec2 { get; }
        public IStsApi Sts { get; }
        public ICloudWatchApi CloudWatch { get; }

        /// <summary>Clients for another region with the same credentials and endpoint rules (copies, multi-region reports).</summary>
        public AwsClientSet ForRegion(string region)
        {
            if (string.Equals(region, Context.Region, StringComparison.Ordinal))
            {
                return this;
            }

            lock (_regions)
            {
                if (!_regions.TryGetValue(region, out var set))
                {
                    set = _forRegion(Context.WithRegion(region));
                    _regions[region] = set;
                }

                return set;
            }
        }

        /// <summary>Clients for another context (another account's assumed role), disposed with this set.</summary>
        public AwsClientSet ForContext(AwsContext context)
        {
            var set = _forRegion(context ?? throw new ArgumentNullException(nameof(context)));
            lock (_regions)
            {
                _owned.Add(set);
            }

            return set;
        }

        public void Dispose()
        {
            lock (_regions)
            {
                foreach (var set in _regions.Values)
                {
                    set.Dispose();
                }

                _regions.Clear();
            }

            foreach (var d in _owned)
            {
                d.Dispose();
            }
        }
    }

    /// <summary>Makes the typed clients for a context; the seam for an adapter over the official AWS SDK packages.</summary>
    public interface IAwsClientFactory
    {
        AwsClientSet Create(AwsContext context, Action<AwsCallRecord>? onCall);
    }

    /// <summary>
    /// Backup, RDS, STS and CloudWatch over our own <see cref="AwsTransport"/> (one per client set); EC2 over AWS's own SDK
    /// (<see cref="SdkEc2Client"/>, made lazily), sharing the transport's retry policy and the call logger. The transports pace
    /// themselves with the context's session rates, else the factory's, else rates shared by one Create and its regions.
    /// </summary>
    public sealed class AwsClientFactory : IAwsClientFactory
    {
        public static readonly AwsClientFactory Default = new AwsClientFactory();

        private readonly AdaptiveRateLimiters? _rateLimiters;

        public AwsClientFactory(AdaptiveRateLimiters? rateLimiters = null)
        {
            _rateLimiters = rateLimiters;
        }

        public AwsClientSet Create(AwsContext context, Action<AwsCallRecord>? onCall) =>
            Create(context, onCall, context?.RateLimiters ?? _rateLimiters ?? new AdaptiveRateLimiters());

        private AwsClientSet Create(AwsContext context, Action<AwsCallRecord>? onCall, AdaptiveRateLimiters rates)
        {
            var transport = new AwsTransport(context, rateLimiters: context.RateLimiters ?? rates);
            var ec2 = new SdkEc2Client(context, transport.RetryPolicy, rateLimiters: transport.RateLimiters);
            if (onCall != null)
            {
                transport.CallCompleted += onCall;
                ec2.CallCompleted += onCall;
            }

            return new AwsClientSet(
                context,
                new BackupClient(transport),
                new RdsClient(transport),
                ec2,
                new StsClient(transport),
                new CloudWatchClient(transport),
                ctx => Create(ctx, onCall, rates),
                transport,
                ec2);
        }
    }
}
