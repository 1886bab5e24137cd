using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using BackupDr.Core.Model;
using SdkFilter = Amazon.EC2.Model.Filter;
using SdkTag = Amazon.EC2.Model.Tag;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// <see cref="IEc2Api"/> over AWS's own AmazonEC2Client (AWSSDK.EC2), configured from the same <see cref="AwsContext"/>
    /// as our own clients: its credentials, region, resolved endpoint (ServiceURL), our <see cref="RetryPolicy"/> (the SDK's
    /// own retries are off, MaxErrorRetry = 0, so one policy decides for every service), the per-attempt timeout, the
    /// <see cref="AwsCallRecord"/> call log and <see cref="AwsServiceException"/> errors. The SDK client is made on the
    /// first EC2 call, so importing the module or calling Backup and RDS never loads AWSSDK.EC2.
    /// </summary>
    /// <remarks>No Amazon.EC2 type appears in this class's public members or fields (see <see cref="Sdk"/>).</remarks>
    public sealed class SdkEc2Client : IEc2Api, IEc2DryRunApi, IDisposable
    {
        private readonly HttpMessageHandler? _handler;
        private readonly IAwsClock _clock;
        private readonly object _gate = new object();

        // Typed as IDisposable so loading this class never needs AWSSDK.EC2; it holds an AmazonEC2Client.
        private IDisposable? _client;
        private int? _pageSize;
        private bool _disposed;

        /// <param name="context">Credentials, region and the EC2 endpoint.</param>
        /// <param name="retryPolicy">Attempts, backoff and per-attempt timeout (the transport's, so every client retries alike).</param>
        /// <param name="handler">An HTTP handler for the SDK's HttpClient (tests); null uses the SDK's own.</param>
        /// <param name="clock">Waits between attempts (tests replace it so backoff does not sleep).</param>
        /// <param name="rateLimiters">The session's adaptive rates, shared with the transport; null paces nothing.</param>
        public SdkEc2Client(AwsContext context, RetryPolicy? retryPolicy = null, HttpMessageHandler? handler = null, IAwsClock? clock = null, AdaptiveRateLimiters? rateLimiters = null)
        {
            Context = context ?? throw new ArgumentNullException(nameof(context));
            RetryPolicy = retryPolicy ?? RetryPolicy.Default;
            RateLimiters = rateLimiters;
            _handler = handler;
            _clock = clock ?? SystemClock.Instance;
        }

        public AwsContext Context { get; }

        public RetryPolicy RetryPolicy { get; }

        /// <summary>The session's adaptive rates (shared with the transport of the same client set); null paces nothing.</summary>
        public AdaptiveRateLimiters? RateLimiters { get; }

        /// <summary>Called once per operation call, after its last attempt (as <see cref="AwsTransport.CallCompleted"/>): the -Verbose log.</summary>
        public event Action<AwsCallRecord>? CallCompleted;

        /// <summary>True once the SDK client has been made (the first EC2 call); for the lazy-load tests.</summary>
        public bool SdkClientCreated
        {
            get
            {
                lock (_gate)
                {
                    return _client != null;
                }
            }
        }

        /// <summary>MaxResults sent with every listing (EC2 accepts 5-1000, DescribeVolumes up to 500); left out with explicit ids, which EC2 refuses to combine with it.</summary>
        public int? PageSize
        {
            get => _pageSize;
            set
            {
                if (value != null && value.Value < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(PageSize), value, "PageSize must be positive (EC2 accepts 5-1000).");
                }

                _pageSize = value;
            }
        }

        public IAsyncEnumerable<Ec2Instance> DescribeInstancesAsync(IEnumerable<string>? instanceIds, IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken) =>
            Sdk.DescribeInstances(this, instanceIds?.ToList(), filters?.ToList(), cancellationToken);

        public IAsyncEnumerable<Ec2Volume> DescribeVolumesAsync(IEnumerable<string>? volumeIds, IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken) =>
            Sdk.DescribeVolumes(this, volumeIds?.ToList(), filters?.ToList(), cancellationToken);

        public IAsyncEnumerable<Ec2TagDescription> DescribeTagsAsync(IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken) =>
            Sdk.DescribeTags(this, filters?.ToList(), cancellationToken);

        public IAsyncEnumerable<Ec2Snapshot> DescribeSnapshotsAsync(IEnumerable<string>? snapshotIds, IEnumerable<string>? ownerIds, IEnumerable<Ec2Filter>? filters, CancellationToken cancellationToken) =>
            Sdk.DescribeSnapshots(this, snapshotIds?.ToList(), ownerIds?.ToList(), filters?.ToList(), cancellationToken);

        /// <summary>Sends a ClientToken always (the caller's or a new GUID, fixed before the first attempt), so a retry never makes a second volume.</summary>
        public Task<Ec2Volume> CreateVolumeAsync(CreateVolumeRequest request, CancellationToken cancellationToken)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            Require(request.AvailabilityZone, nameof(request.AvailabilityZone));
            if (request.Size == null && string.IsNullOrEmpty(request.SnapshotId))
            {
                throw new ArgumentException("CreateVolume needs a Size or a SnapshotId.", nameof(request));
            }

            return Sdk.CreateVolume(this, request, cancellationToken);
        }

        public Task DeleteVolumeAsync(string volumeId, CancellationToken cancellationToken)
        {
            Require(volumeId, nameof(volumeId));
            return Sdk.DeleteVolume(this, volumeId, cancellationToken);
        }

        public Task CreateTagsAsync(IEnumerable<string> resourceIds, IEnumerable<ResourceTag> tags, CancellationToken cancellationToken)
        {
            var ids = RequireList(resourceIds, nameof(resourceIds));
            var list = RequireList(tags, nameof(tags));
            return Sdk.CreateTags(this, ids, list, cancellationToken);
        }

        public Task DeleteTagsAsync(IEnumerable<string> resourceIds, IEnumerable<ResourceTag> tags, CancellationToken cancellationToken)
        {
            var ids = RequireList(resourceIds, nameof(resourceIds));

            // An empty tag list would delete every tag of the resources: never do that by accident.
            var list = RequireList(tags, nameof(tags));
            return Sdk.DeleteTags(this, ids, list, cancellationToken);
        }

        public Task<Ec2Snapshot> CreateSnapshotAsync(string volumeId, string? description, IEnumerable<ResourceTag>? tags, CancellationToken cancellationToken)
        {
            Require(volumeId, nameof(volumeId));
            return Sdk.CreateSnapshot(this, volumeId, description, tags?.ToList(), cancellationToken);
        }

        public Task<string> CopySnapshotAsync(string sourceSnapshotId, string sourceRegion, string? description, bool? encrypted, string? kmsKeyId, CancellationToken cancellationToken)
        {
            Require(sourceSnapshotId, nameof(sourceSnapshotId));
            Require(sourceRegion, nameof(sourceRegion));
            return Sdk.CopySnapshot(this, sourceSnapshotId, sourceRegion, description, encrypted, kmsKeyId, cancellationToken);
        }

        /// <summary>
        /// DescribeVolumes with DryRun=true: EC2 checks the permission and answers DryRunOperation (allowed) or
        /// UnauthorizedOperation (denied, thrown as usual); an endpoint that ignores DryRun and answers the call counts as allowed.
        /// </summary>
        public async Task<bool> DryRunDescribeVolumesAsync(CancellationToken cancellationToken)
        {
            try
            {
                await Sdk.DryRunDescribeVolumes(this, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (AwsServiceException ex) when (ex.ErrorCode == "DryRunOperation")
            {
                return true;
            }
        }

        public void Dispose()
        {
            IDisposable? client;
            lock (_gate)
            {
                _disposed = true;
                client = _client;
                _client = null;
            }

            client?.Dispose();
        }

        private static void Require(string? value, string parameterName)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"{parameterName} is required.", parameterName);
            }
        }

        private static List<T> RequireList<T>(IEnumerable<T>? items, string parameterName)
        {
            var list = (items ?? throw new ArgumentNullException(parameterName)).ToList();
            if (list.Count == 0)
            {
                throw new ArgumentException($"{parameterName} needs at least one item.", parameterName);
            }

            return list;
        }

        private void Report(string operation, int attempts, TimeSpan duration, int status, string? requestId, string? errorCode) =>
            CallCompleted?.Invoke(new AwsCallRecord(AwsService.Ec2.Name, operation, Context.Region, attempts, duration, status, requestId, errorCode));

        /// <summary>
        /// Everything that names an AWSSDK.EC2 type, apart from the public class: the JIT meets these types only when an
        /// EC2 call runs, so the assembly loads then and not when the client set is made.
        /// </summary>
        private static class Sdk
        {
            private static AmazonEC2Client Client(SdkEc2Client owner)
            {
                lock (owner._gate)
                {
                    if (owner._disposed)
                    {
                        throw new ObjectDisposedException(nameof(SdkEc2Client));
                    }

                    if (owner._client == null)
                    {
                        // Credentials first: a missing-credentials AwsConfigurationException surfaces as from our own clients.
                        var credentials = owner.Context.Credentials;
                        owner._client = new AmazonEC2Client(credentials, Config(owner));
                    }

                    return (AmazonEC2Client)owner._client;
                }
            }

            /// <summary>The SDK's settings from our context; nothing is read from the SDK's own environment lookups.</summary>
            private static AmazonEC2Config Config(SdkEc2Client owner)
            {
                var context = owner.Context;
                var config = new AmazonEC2Config { RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(context.Region) };

                // A public endpoint stays the SDK's own: its presigned CopySnapshot URL must name the source region's
                // endpoint, which a fixed ServiceURL would replace. Any other endpoint (-EndpointUrl, AWS_ENDPOINT_URL_EC2,
                // AWS_ENDPOINT_URL, as AwsContext resolved it) becomes ServiceURL, signed for the context's region.
                var endpoint = context.GetEndpoint(AwsService.Ec2);
                if (!IsPublic(endpoint))
                {
                    config.ServiceURL = endpoint.Uri.ToString();
                    config.AuthenticationRegion = context.Region;
                }

                config.IgnoreConfiguredEndpointUrls = true;
                config.MaxErrorRetry = 0;
                config.RetryMode = RequestRetryMode.Standard;
                config.Timeout = owner.RetryPolicy.AttemptTimeout;
                config.ClientAppId = "BackupDr";
                if (owner._handler != null)
                {
                    config.HttpClientFactory = new HandlerClientFactory(owner._handler);
                }

                return config;
            }

            private static bool IsPublic(ResolvedEndpoint endpoint) => endpoint.Source.StartsWith("public ", StringComparison.Ordinal);

            /// <summary>
            /// One operation call: attempts under our <see cref="RetryPolicy"/> (classification, full-jitter backoff,
            /// per-attempt timeout, one retry after a clock-skew error, which the SDK corrects itself), then one call record.
            /// </summary>
            /// Each attempt first waits for the session's adaptive rate of this operation, as AwsTransport does.
            private static async Task<TResponse> CallAsync<TResponse>(SdkEc2Client owner, string operation, Func<AmazonEC2Client, CancellationToken, Task<TResponse>> call, CancellationToken cancellationToken)
                where TResponse : AmazonWebServiceResponse
            {
                cancellationToken.ThrowIfCancellationRequested();
                var client = Client(owner);
                var policy = owner.RetryPolicy;
                var endpoint = owner.Context.GetEndpoint(AwsService.Ec2).Uri;
                var region = owner.Context.Region;
                var stopwatch = Stopwatch.StartNew();
                AwsServiceException? last = null;
                var skewRetried = false;
                var limiter = owner.RateLimiters?.For(endpoint, region, AwsService.Ec2.Name, operation);

                for (var attempt = 1; attempt <= policy.MaxAttempts; attempt++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (limiter != null)
                    {
                        var wait = limiter.Reserve(owner._clock.UtcNow);
                        if (wait > TimeSpan.Zero)
                        {
                            await owner._clock.Delay(wait, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    var retryNow = false;
                    using (var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                    {
                        attemptCts.CancelAfter(policy.AttemptTimeout);
                        try
                        {
                            var response = await call(client, attemptCts.Token).ConfigureAwait(false);
                            limiter?.OnSuccess(owner._clock.UtcNow);
                            owner.Report(operation, attempt, stopwatch.Elapsed, (int)response.HttpStatusCode, response.ResponseMetadata?.RequestId, null);
                            return response;
                        }
                        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                        {
                            throw;
                        }
                        catch (Exception ex) when (IsNetworkFailure(ex) && !HasHttpStatus(ex))
                        {
                            last = new AwsServiceException(AwsService.Ec2.Name, operation, 0, "NetworkError", $"Could not reach {UrlRedaction.Redact(endpoint.GetLeftPart(UriPartial.Authority))}: {Innermost(ex).Message}", null, region, ex) { Attempts = attempt };
                        }
                        catch (AmazonServiceException ex) when (HasHttpStatus(ex))
                        {
                            var status = (int)ex.StatusCode;
                            var code = string.IsNullOrEmpty(ex.ErrorCode)
                                ? (status >= 200 && status < 300 ? "MalformedResponse" : AwsErrorParser.Parse(status, Array.Empty<byte>(), new Dictionary<string, string>()).Code)
                                : ex.ErrorCode;
                            last = new AwsServiceException(AwsService.Ec2.Name, operation, status, code, ex.Message, NullIfEmpty(ex.RequestId), region, ex) { Attempts = attempt };
                            var throttled = RetryPolicy.IsThrottling(code, status, ex.Message);
                            if (throttled)
                            {
                                limiter?.OnThrottle(owner._clock.UtcNow);
                            }

                            if (RetryPolicy.IsSkewError(code) && !skewRetried)
                            {
                                skewRetried = true;
                                retryNow = true;
                            }
                            else if (!throttled && !RetryPolicy.IsRetryable(code, status))
                            {
                                owner.Report(operation, attempt, stopwatch.Elapsed, status, last.RequestId, code);
                                throw last;
                            }
                        }
                        catch (OperationCanceledException ex)
                        {
                            last = new AwsServiceException(AwsService.Ec2.Name, operation, 0, "RequestTimeout", $"No answer from {endpoint.Host} within {policy.AttemptTimeout.TotalSeconds:0.#} s.", null, region, ex) { Attempts = attempt };
                        }
                    }

                    if (attempt < policy.MaxAttempts && !retryNow)
                    {
                        await owner._clock.Delay(policy.Backoff(attempt - 1), cancellationToken).ConfigureAwait(false);
                    }
                }

                owner.Report(operation, policy.MaxAttempts, stopwatch.Elapsed, last?.StatusCode ?? 0, last?.RequestId, last?.ErrorCode);
                throw last!;
            }

            private static bool HasHttpStatus(Exception ex) => ex is AmazonServiceException s && (int)s.StatusCode >= 100;

            private static bool IsNetworkFailure(Exception ex) =>
                ex is HttpRequestException || ex is IOException || ex is SocketException || (ex.InnerException != null && IsNetworkFailure(ex.InnerException));

            private static Exception Innermost(Exception ex)
            {
                while (ex.InnerException != null)
                {
                    ex = ex.InnerException;
                }

                return ex;
            }

            /// <summary>Streams a NextToken listing, as <see cref="AwsPaging"/> does for our own clients.</summary>
            private static IAsyncEnumerable<T> List<TResponse, T>(SdkEc2Client owner, string operation, Func<string?, Func<AmazonEC2Client, CancellationToken, Task<TResponse>>> page, Func<TResponse, IEnumerable<T>> items, Func<TResponse, string?> nextToken, CancellationToken cancellationToken)
                where TResponse : AmazonWebServiceResponse =>
                AwsPaging.PagesAsync(
                    (token, ct) => CallAsync(owner, operation, page(token), ct),
                    (response, _) => items(response),
                    nextToken,
                    () => new InvalidOperationException($"EC2 {operation} returned the same NextToken twice; stopping to avoid an endless listing."),
                    cancellationToken);

            private static int? PageSizeFor(SdkEc2Client owner, List<string>? ids) => ids == null || ids.Count == 0 ? owner.PageSize : null;

            private static List<string>? ListOrNull(List<string>? items) => items == null || items.Count == 0 ? null : items;

            private static List<SdkFilter>? Filters(List<Ec2Filter>? filters) =>
                filters == null || filters.Count == 0 ? null : filters.Select(f => new SdkFilter { Name = f.Name, Values = f.Values.ToList() }).ToList();

            private static List<TagSpecification>? TagSpecification(string resourceType, List<ResourceTag>? tags) =>
                tags == null || tags.Count == 0
                    ? null
                    : new List<TagSpecification>
                    {
                        new TagSpecification { ResourceType = new ResourceType(resourceType), Tags = tags.Select(t => new SdkTag(t.Key, t.Value ?? string.Empty)).ToList() },
                    };

            public static IAsyncEnumerable<Ec2Instance> DescribeInstances(SdkEc2Client owner, List<string>? ids, List<Ec2Filter>? filters, CancellationToken cancellationToken) =>
                List<DescribeInstancesResponse, Ec2Instance>(
                    owner,
                    "DescribeInstances",
                    token =>
                    {
                        var request = new DescribeInstancesRequest { InstanceIds = ListOrNull(ids), Filters = Filters(filters), MaxResults = PageSizeFor(owner, ids), NextToken = token };
                        return (c, ct) => c.DescribeInstancesAsync(request, ct);
                    },
                    r => (r.Reservations ?? new List<Reservation>()).SelectMany(res => (res.Instances ?? new List<Instance>()).Select(i => ReadInstance(owner, i, NullIfEmpty(res.OwnerId)))).ToList(),
                    r => r.NextToken,
                    cancellationToken);

            public static IAsyncEnumerable<Ec2Volume> DescribeVolumes(SdkEc2Client owner, List<string>? ids, List<Ec2Filter>? filters, CancellationToken cancellationToken) =>
                List<DescribeVolumesResponse, Ec2Volume>(
                    owner,
                    "DescribeVolumes",
                    token =>
                    {
                        var request = new DescribeVolumesRequest { VolumeIds = ListOrNull(ids), Filters = Filters(filters), MaxResults = PageSizeFor(owner, ids), NextToken = token };
                        return (c, ct) => c.DescribeVolumesAsync(request, ct);
                    },
                    r => (r.Volumes ?? new List<Volume>()).Select(v => ReadVolume(owner, v)).ToList(),
                    r => r.NextToken,
                    cancellationToken);

            public static IAsyncEnumerable<Ec2TagDescription> DescribeTags(SdkEc2Client owner, List<Ec2Filter>? filters, CancellationToken cancellationToken) =>
                List<DescribeTagsResponse, Ec2TagDescription>(
                    owner,
                    "DescribeTags",
                    token =>
                    {
                        var request = new DescribeTagsRequest { Filters = Filters(filters), MaxResults = owner.PageSize, NextToken = token };
                        return (c, ct) => c.DescribeTagsAsync(request, ct);
                    },
                    r => (r.Tags ?? new List<TagDescription>()).Select(t => new Ec2TagDescription
                    {
                        ResourceId = t.ResourceId ?? string.Empty,
                        ResourceType = NullIfEmpty(t.ResourceType?.Value),
                        Key = t.Key ?? string.Empty,
                        Value = t.Value ?? string.Empty,
                    }).ToList(),
                    r => r.NextToken,
                    cancellationToken);

            public static IAsyncEnumerable<Ec2Snapshot> DescribeSnapshots(SdkEc2Client owner, List<string>? ids, List<string>? owners, List<Ec2Filter>? filters, CancellationToken cancellationToken) =>
                List<DescribeSnapshotsResponse, Ec2Snapshot>(
                    owner,
                    "DescribeSnapshots",
                    token =>
                    {
                        var request = new DescribeSnapshotsRequest { SnapshotIds = ListOrNull(ids), OwnerIds = ListOrNull(owners), Filters = Filters(filters), MaxResults = PageSizeFor(owner, ids), NextToken = token };
                        return (c, ct) => c.DescribeSnapshotsAsync(request, ct);
                    },
                    r => (r.Snapshots ?? new List<Snapshot>()).Select(s => ReadSnapshot(owner, s)).ToList(),
                    r => r.NextToken,
                    cancellationToken);

            public static async Task<Ec2Volume> CreateVolume(SdkEc2Client owner, CreateVolumeRequest request, CancellationToken cancellationToken)
            {
                var sdkRequest = new Amazon.EC2.Model.CreateVolumeRequest
                {
                    AvailabilityZone = request.AvailabilityZone,
                    Size = request.Size,
                    SnapshotId = request.SnapshotId,
                    VolumeType = request.VolumeType == null ? null : new VolumeType(request.VolumeType),
                    Iops = request.Iops,
                    Encrypted = request.Encrypted,
                    TagSpecifications = TagSpecification("volume", request.Tags?.ToList()),

                    // Fixed here, not by the SDK per attempt: every retry must carry the same token.
                    ClientToken = string.IsNullOrEmpty(request.ClientToken) ? Guid.NewGuid().ToString() : request.ClientToken,
                };
                var response = await CallAsync(owner, "CreateVolume", (c, ct) => c.CreateVolumeAsync(sdkRequest, ct), cancellationToken).ConfigureAwait(false);
                return ReadVolume(owner, response.Volume ?? new Volume());
            }

            public static async Task DeleteVolume(SdkEc2Client owner, string volumeId, CancellationToken cancellationToken) =>
                await CallAsync(owner, "DeleteVolume", (c, ct) => c.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = volumeId }, ct), cancellationToken).ConfigureAwait(false);

            public static async Task CreateTags(SdkEc2Client owner, List<string> ids, List<ResourceTag> tags, CancellationToken cancellationToken)
            {
                var request = new CreateTagsRequest { Resources = ids, Tags = tags.Select(t => new SdkTag(t.Key, t.Value ?? string.Empty)).ToList() };
                await CallAsync(owner, "CreateTags", (c, ct) => c.CreateTagsAsync(request, ct), cancellationToken).ConfigureAwait(false);
            }

            /// <summary>A tag without a value (null, not sent) deletes the key whatever its value.</summary>
            public static async Task DeleteTags(SdkEc2Client owner, List<string> ids, List<ResourceTag> tags, CancellationToken cancellationToken)
            {
                var request = new DeleteTagsRequest { Resources = ids, Tags = tags.Select(t => new SdkTag { Key = t.Key, Value = string.IsNullOrEmpty(t.Value) ? null : t.Value }).ToList() };
                await CallAsync(owner, "DeleteTags", (c, ct) => c.DeleteTagsAsync(request, ct), cancellationToken).ConfigureAwait(false);
            }

            public static async Task<Ec2Snapshot> CreateSnapshot(SdkEc2Client owner, string volumeId, string? description, List<ResourceTag>? tags, CancellationToken cancellationToken)
            {
                var request = new CreateSnapshotRequest { VolumeId = volumeId, Description = description, TagSpecifications = TagSpecification("snapshot", tags) };
                var response = await CallAsync(owner, "CreateSnapshot", (c, ct) => c.CreateSnapshotAsync(request, ct), cancellationToken).ConfigureAwait(false);
                return ReadSnapshot(owner, response.Snapshot ?? new Snapshot());
            }

            public static async Task<string> CopySnapshot(SdkEc2Client owner, string sourceSnapshotId, string sourceRegion, string? description, bool? encrypted, string? kmsKeyId, CancellationToken cancellationToken)
            {
                var request = new CopySnapshotRequest { SourceSnapshotId = sourceSnapshotId, SourceRegion = sourceRegion, Description = description, Encrypted = encrypted, KmsKeyId = kmsKeyId };
                var response = await CallAsync(owner, "CopySnapshot", (c, ct) => c.CopySnapshotAsync(request, ct), cancellationToken).ConfigureAwait(false);
                return NullIfEmpty(response.SnapshotId)
                    ?? throw new AwsServiceException(AwsService.Ec2.Name, "CopySnapshot", (int)response.HttpStatusCode, "MalformedResponse", "The CopySnapshot answer has no snapshotId.", response.ResponseMetadata?.RequestId, owner.Context.Region);
            }

            public static async Task DryRunDescribeVolumes(SdkEc2Client owner, CancellationToken cancellationToken)
            {
                var request = new DescribeVolumesRequest { DryRun = true, MaxResults = 5 };
                await CallAsync(owner, "DescribeVolumes", (c, ct) => c.DescribeVolumesAsync(request, ct), cancellationToken).ConfigureAwait(false);
            }

            private static List<ResourceTag> ReadTags(List<SdkTag>? tags) =>
                (tags ?? new List<SdkTag>()).Select(t => new ResourceTag(t.Key ?? string.Empty, t.Value ?? string.Empty)).ToList();

            private static Ec2Instance ReadInstance(SdkEc2Client owner, Instance i, string? ownerId) => new Ec2Instance
            {
                InstanceId = i.InstanceId ?? string.Empty,
                Region = owner.Context.Region,
                InstanceType = NullIfEmpty(i.InstanceType?.Value),
                State = NullIfEmpty(i.State?.Name?.Value),
                AvailabilityZone = NullIfEmpty(i.Placement?.AvailabilityZone),
                LaunchTime = Utc(i.LaunchTime),
                OwnerId = ownerId,
                VolumeIds = (i.BlockDeviceMappings ?? new List<InstanceBlockDeviceMapping>())
                    .Select(m => NullIfEmpty(m.Ebs?.VolumeId))
                    .Where(v => v != null)
                    .Select(v => v!)
                    .ToList(),
                Tags = ReadTags(i.Tags),
            };

            private static Ec2Volume ReadVolume(SdkEc2Client owner, Volume v) => new Ec2Volume
            {
                VolumeId = v.VolumeId ?? string.Empty,
                Region = owner.Context.Region,
                Size = v.Size,
                VolumeType = NullIfEmpty(v.VolumeType?.Value),
                State = NullIfEmpty(v.State?.Value),
                AvailabilityZone = NullIfEmpty(v.AvailabilityZone),
                CreateTime = Utc(v.CreateTime),
                SnapshotId = NullIfEmpty(v.SnapshotId),
                Encrypted = v.Encrypted,
                Iops = v.Iops,
                Attachments = (v.Attachments ?? new List<Amazon.EC2.Model.VolumeAttachment>()).Select(a => new Model.VolumeAttachment
                {
                    InstanceId = NullIfEmpty(a.InstanceId),
                    Device = NullIfEmpty(a.Device),
                    State = NullIfEmpty(a.State?.Value),
                }).ToList(),
                Tags = ReadTags(v.Tags),
            };

            private static Ec2Snapshot ReadSnapshot(SdkEc2Client owner, Snapshot s) => new Ec2Snapshot
            {
                SnapshotId = s.SnapshotId ?? string.Empty,
                Region = owner.Context.Region,
                VolumeId = NullIfEmpty(s.VolumeId),
                State = NullIfEmpty(s.State?.Value),
                StartTime = Utc(s.StartTime),
                Progress = NullIfEmpty(s.Progress),
                VolumeSize = s.VolumeSize,
                Description = NullIfEmpty(s.Description),
                OwnerId = NullIfEmpty(s.OwnerId),
                Encrypted = s.Encrypted,
                Tags = ReadTags(s.Tags),
            };

            /// <summary>BackupDr's model times are UTC whatever DateTimeKind the SDK hands back.</summary>
            private static DateTime? Utc(DateTime? value) => value == null
                ? (DateTime?)null
                : value.Value.Kind == DateTimeKind.Local ? value.Value.ToUniversalTime() : DateTime.SpecifyKind(value.Value, DateTimeKind.Utc);
        }

        private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

        /// <summary>Hands the SDK an HttpClient over a given handler (tests' stubs); the handler outlives the client.</summary>
        private sealed class HandlerClientFactory : HttpClientFactory
        {
            private readonly HttpMessageHandler _handler;

            public HandlerClientFactory(HttpMessageHandler handler)
            {
                _handler = handler;
            }

            public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new HttpClient(_handler, disposeHandler: false);

            public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

            public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
        }
    }
}
