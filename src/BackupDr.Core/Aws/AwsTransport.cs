using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Sockets;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.Runtime.Signing;

namespace BackupDr.Core.Aws
{
    /// <summary>Sends signed AWS requests; the seam typed clients are built on and tests replace.</summary>
    public interface IAwsTransport
    {
        AwsContext Context { get; }

        /// <summary>Sends the request (signing, retrying and correcting clock skew as needed); throws <see cref="AwsServiceException"/> on failure.</summary>
        Task<AwsResponse> SendAsync(AwsRequest request, CancellationToken cancellationToken);
    }

    /// <summary>
    /// HTTP transport: SigV4 signing with AWSSDK.Core's public signer, retries with full-jitter backoff
    /// on throttling, 5xx and network failures, an adaptive client-side rate per operation that follows the
    /// throttling it sees (shared by the clients of a session), clock-skew correction from the Date header, a
    /// per-attempt timeout, and cancellation through every await. Every attempt of a call sends the same bytes, so an
    /// idempotency token in the body is the same on each retry.
    /// </summary>
    public sealed class AwsTransport : IAwsTransport, IDisposable
    {
        private static readonly string UserAgent = "BackupDr/" + (typeof(AwsTransport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0");

        private readonly HttpClient _http;
        private readonly bool _ownsClient;
        private readonly IAwsClock _clock;

        /// <summary>
        /// Answer bodies are read into arrays from this pool, which lives and dies with the transport. A report keeps 32
        /// pages of about 700 kB in flight; the shared pool keeps only a few arrays of a size per core, so most pages
        /// would be fresh large-object-heap arrays, and those start full (gen 2) collections that stall everything.
        /// </summary>
        private readonly ArrayPool<byte> _bodies = ArrayPool<byte>.Create(MaxPresizedBody, 64);
        private long _skewTicks;

        public AwsTransport(AwsContext context, HttpMessageHandler? handler = null, RetryPolicy? retryPolicy = null, IAwsClock? clock = null, AdaptiveRateLimiters? rateLimiters = null)
        {
            RateLimiters = rateLimiters;
            Context = context ?? throw new ArgumentNullException(nameof(context));
            _http = new HttpClient(handler ?? new HttpClientHandler(), disposeHandler: handler == null) { Timeout = Timeout.InfiniteTimeSpan };
            _ownsClient = true;
            RetryPolicy = retryPolicy ?? RetryPolicy.Default;
            _clock = clock ?? SystemClock.Instance;
        }

        public AwsContext Context { get; }
        public RetryPolicy RetryPolicy { get; }

        /// <summary>The adaptive rates every attempt waits for and reports to; null sends without client-side pacing.</summary>
        public AdaptiveRateLimiters? RateLimiters { get; }

        /// <summary>Called once per operation call, after its last attempt: for -Verbose logs and tests. Never carries a secret.</summary>
        public event Action<AwsCallRecord>? CallCompleted;

        /// <summary>The correction applied to the local clock when signing (server time minus local time).</summary>
        public TimeSpan ClockSkew => TimeSpan.FromTicks(Interlocked.Read(ref _skewTicks));

        public async Task<AwsResponse> SendAsync(AwsRequest request, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var endpoint = Context.GetEndpoint(request.Service).Uri;
            var uri = BuildUri(endpoint, request);
            var stopwatch = Stopwatch.StartNew();
            var policy = RetryPolicy;
            AwsServiceException? last = null;
            var skewRetried = false;
            var limiter = RateLimiters?.For(endpoint, Context.Region, request.Service.Name, request.Operation);

            for (var attempt = 1; attempt <= policy.MaxAttempts; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (limiter != null)
                {
                    var wait = limiter.Reserve(_clock.UtcNow);
                    if (wait > TimeSpan.Zero)
                    {
                        await _clock.Delay(wait, cancellationToken).ConfigureAwait(false);
                    }
                }

                var retryNow = false;
                using (var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    attemptCts.CancelAfter(policy.AttemptTimeout);
                    try
                    {
                        using var message = await BuildMessageAsync(request, uri, attemptCts.Token).ConfigureAwait(false);
                        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token).ConfigureAwait(false);
                        var headers = CollectHeaders(response);
                        var status = (int)response.StatusCode;
                        var answer = await ReadAnswerAsync(response, status, headers, attemptCts.Token).ConfigureAwait(false);
                        if (status >= 200 && status < 300)
                        {
                            limiter?.OnSuccess(_clock.UtcNow);
                            Report(request, attempt, stopwatch.Elapsed, status, answer.RequestId, null);
                            return answer;
                        }

                        var body = answer.Body;
                        answer.Dispose();
                        var error = AwsErrorParser.Parse(status, body, headers);
                        last = new AwsServiceException(request.Service.Name, request.Operation, status, error.Code, error.Message, error.RequestId, Context.Region) { Attempts = attempt };
                        var throttled = RetryPolicy.IsThrottling(error.Code, status, error.Message);
                        if (throttled)
                        {
                            limiter?.OnThrottle(_clock.UtcNow);
                        }

                        if (RetryPolicy.IsSkewError(error.Code) && !skewRetried && TryCorrectSkew(response.Headers.Date))
                        {
                            skewRetried = true;
                            retryNow = true;
                        }
                        else if (!throttled && !RetryPolicy.IsRetryable(error.Code, status))
                        {
                            Report(request, attempt, stopwatch.Elapsed, status, error.RequestId, error.Code);
                            throw last;
                        }
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        throw;
                    }
                    catch (OperationCanceledException ex)
                    {
                        last = new AwsServiceException(request.Service.Name, request.Operation, 0, "RequestTimeout", $"No answer from {endpoint.Host} within {policy.AttemptTimeout.TotalSeconds:0.#} s.", null, Context.Region, ex) { Attempts = attempt };
                    }
                    catch (Exception ex) when (IsNetworkFailure(ex))
                    {
                        last = new AwsServiceException(request.Service.Name, request.Operation, 0, "NetworkError", $"Could not reach {UrlRedaction.Redact(endpoint.GetLeftPart(UriPartial.Authority))}: {Innermost(ex).Message}", null, Context.Region, ex) { Attempts = attempt };
                    }
                }

                if (attempt < policy.MaxAttempts && !retryNow)
                {
                    await _clock.Delay(policy.Backoff(attempt - 1), cancellationToken).ConfigureAwait(false);
                }
            }

            Report(request, policy.MaxAttempts, stopwatch.Elapsed, last?.StatusCode ?? 0, last?.RequestId, last?.ErrorCode);
            throw last!;
        }

        /// <summary>
        /// The whole body, within the attempt's timeout, into a rented buffer sized by Content-Length (grown when the
        /// length is not given): one copy off the socket instead of HttpClient's buffer plus a second array.
        /// </summary>
        private async Task<AwsResponse> ReadAnswerAsync(HttpResponseMessage response, int status, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
        {
            var rid = AwsErrorParser.RequestIdFromHeaders(headers);
            if (response.Content == null)
            {
                return new AwsResponse(status, Array.Empty<byte>(), headers, rid);
            }

            var declared = response.Content.Headers.ContentLength;
            var buffer = _bodies.Rent(declared is long n && n > 0 && n <= MaxPresizedBody ? (int)n : 16 * 1024);
            var length = 0;

            // The attempt's timeout covers the body too. .NET Framework's response streams (Windows PowerShell 5.1) do not
            // watch the token, so the timeout also disposes the response, which ends a read that hangs
            // (SlowBodyOutlivesTimeout regression).
            using var abort = cancellationToken.Register(() => response.Dispose());
            try
            {
                using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                while (declared == null || length < declared.Value)
                {
                    if (length == buffer.Length)
                    {
                        var grown = _bodies.Rent(checked(buffer.Length * 2));
                        Buffer.BlockCopy(buffer, 0, grown, 0, length);
                        _bodies.Return(buffer);
                        buffer = grown;
                    }

                    var read = await stream.ReadAsync(buffer, length, buffer.Length - length, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                }
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && !(ex is OperationCanceledException))
            {
                // The read ended because the timeout disposed the response: that is the timeout, not a network failure.
                _bodies.Return(buffer);
                throw new OperationCanceledException("The answer's body did not arrive within the attempt's timeout.", ex, cancellationToken);
            }
            catch
            {
                _bodies.Return(buffer);
                throw;
            }

            return new AwsResponse(status, buffer, length, headers, rid, _bodies);
        }

        /// <summary>Bodies up to this size get a buffer of their declared length up front.</summary>
        private const int MaxPresizedBody = 64 * 1024 * 1024;

        private void Report(AwsRequest request, int attempts, TimeSpan duration, int status, string? requestId, string? errorCode) =>
            CallCompleted?.Invoke(new AwsCallRecord(request.Service.Name, request.Operation, Context.Region, attempts, duration, status, requestId, errorCode));

        private bool TryCorrectSkew(DateTimeOffset? serverDate)
        {
            if (serverDate == null)
            {
                return false;
            }

            var skew = serverDate.Value.UtcDateTime - _clock.UtcNow;
            if (Math.Abs((skew - ClockSkew).TotalMilliseconds) < RetryPolicy.SkewThreshold.TotalMilliseconds)
            {
                return false;
            }

            Interlocked.Exchange(ref _skewTicks, skew.Ticks);
            return true;
        }

        private async Task<HttpRequestMessage> BuildMessageAsync(AwsRequest request, Uri uri, CancellationToken cancellationToken)
        {
            var signing = new AWSSigningRequest { HttpMethod = request.Method, RequestUri = uri };
            foreach (var h in request.Headers)
            {
                signing.Headers[h.Key] = h.Value;
            }

            if (request.ContentType != null)
            {
                signing.Headers["Content-Type"] = request.ContentType;
            }

            signing.Content = request.Body ?? Array.Empty<byte>();

            var parameters = new AWSSigV4Parameters
            {
                Credentials = Context.Credentials,
                Region = RegionEndpoint.GetBySystemName(Context.Region),
                Service = request.Service.SigningName,
                SignedAt = _clock.UtcNow + ClockSkew,
            };

            var signed = await AWSSigV4Signer.SignAsync(signing, parameters, cancellationToken).ConfigureAwait(false);

            // Every signed header must go out exactly as signed: Content-Type is added as raw text (a parsed
            // MediaTypeHeaderValue is re-formatted, ";charset" becoming "; charset"), a content type without a
            // body still travels (on empty content), and caller headers that are content headers are kept.
            var message = new HttpRequestMessage(request.Method, uri);
            if (request.Body != null || request.ContentType != null)
            {
                message.Content = new ByteArrayContent(request.Body ?? Array.Empty<byte>());
                if (request.ContentType != null)
                {
                    message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
                }
            }

            message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            foreach (var h in request.Headers)
            {
                if (!message.Headers.TryAddWithoutValidation(h.Key, h.Value))
                {
                    message.Content ??= new ByteArrayContent(Array.Empty<byte>());
                    message.Content.Headers.TryAddWithoutValidation(h.Key, h.Value);
                }
            }

            foreach (var h in signed.Headers)
            {
                if (!message.Headers.TryAddWithoutValidation(h.Key, h.Value))
                {
                    message.Content?.Headers.TryAddWithoutValidation(h.Key, h.Value);
                }
            }

            return message;
        }

        /// <summary>Endpoint + encoded path + encoded query; an endpoint with a base path keeps it.</summary>
        public static Uri BuildUri(Uri endpoint, AwsRequest request)
        {
            var basePath = endpoint.AbsolutePath.TrimEnd('/');
            var path = request.Path.StartsWith("/", StringComparison.Ordinal) ? request.Path : "/" + request.Path;
            var query = request.Query.Count == 0 ? string.Empty : "?" + AwsEncoding.FormEncode(request.Query);
            return new Uri(endpoint.GetLeftPart(UriPartial.Authority) + basePath + path + query);
        }

        private static Dictionary<string, string> CollectHeaders(HttpResponseMessage response)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var h in response.Headers)
            {
                headers[h.Key] = string.Join(",", h.Value);
            }

            if (response.Content != null)
            {
                foreach (var h in response.Content.Headers)
                {
                    headers[h.Key] = string.Join(",", h.Value);
                }
            }

            return headers;
        }

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

        public void Dispose()
        {
            if (_ownsClient)
            {
                _http.Dispose();
            }
        }
    }
}
