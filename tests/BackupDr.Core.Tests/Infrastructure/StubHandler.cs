using System.Net;
using System.Text;

namespace BackupDr.Core.Tests.Infrastructure;

/// <summary>A captured request: what reached the wire after signing.</summary>
public sealed record CapturedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    /// <summary>Form-decoded pairs of a query-protocol body.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Form =>
        BodyText.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => new KeyValuePair<string, string>(Uri.UnescapeDataString(p[0]), p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : string.Empty))
            .ToList();

    public string? FormValue(string name) => Form.FirstOrDefault(kv => kv.Key == name).Value;

    public IReadOnlyList<KeyValuePair<string, string>> QueryPairs =>
        Uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => new KeyValuePair<string, string>(Uri.UnescapeDataString(p[0]), p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty))
            .ToList();

    public string? QueryValue(string name) => QueryPairs.FirstOrDefault(kv => kv.Key == name).Value;
}

/// <summary>
/// An HttpMessageHandler that records every request and answers from a queue (or a function),
/// so wire encoding and decoding are tested without a network.
/// </summary>
public sealed class StubHandler : HttpMessageHandler
{
    private readonly Queue<Func<CapturedRequest, HttpResponseMessage>> _answers = new();
    private readonly object _gate = new();

    public List<CapturedRequest> Requests { get; } = new();

    /// <summary>How long every answer takes; the wait ends early, as a real connection does, when the call's token is cancelled.</summary>
    public TimeSpan AnswerDelay { get; set; }

    /// <summary>Answers used once the queue is empty.</summary>
    public Func<CapturedRequest, HttpResponseMessage>? Fallback { get; set; }

    public StubHandler Respond(HttpStatusCode status, string body, string contentType = "application/json", IDictionary<string, string>? headers = null)
    {
        lock (_gate)
        {
            _answers.Enqueue(_ => Build(status, body, contentType, headers));
        }

        return this;
    }

    public StubHandler Respond(Func<CapturedRequest, HttpResponseMessage> answer)
    {
        lock (_gate)
        {
            _answers.Enqueue(answer);
        }

        return this;
    }

    public StubHandler Throw(Exception ex)
    {
        lock (_gate)
        {
            _answers.Enqueue(_ => throw ex);
        }

        return this;
    }

    public static HttpResponseMessage Build(HttpStatusCode status, string body, string contentType = "application/json", IDictionary<string, string>? headers = null)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        response.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (headers != null)
        {
            foreach (var h in headers)
            {
                if (!response.Headers.TryAddWithoutValidation(h.Key, h.Value))
                {
                    response.Content.Headers.TryAddWithoutValidation(h.Key, h.Value);
                }
            }
        }

        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // NonValidated: the raw text the handler writes to the wire, not a parsed and re-formatted value.
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in request.Headers.NonValidated)
        {
            headers[h.Key] = string.Join(",", h.Value);
        }

        var body = Array.Empty<byte>();
        if (request.Content != null)
        {
            foreach (var h in request.Content.Headers.NonValidated)
            {
                headers[h.Key] = string.Join(",", h.Value);
            }

            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
        }

        var captured = new CapturedRequest(request.Method, request.RequestUri!, headers, body);
        Func<CapturedRequest, HttpResponseMessage>? answer;
        lock (_gate)
        {
            Requests.Add(captured);
            answer = _answers.Count > 0 ? _answers.Dequeue() : Fallback;
        }

        if (answer == null)
        {
            throw new InvalidOperationException($"StubHandler has no answer queued for {request.Method} {request.RequestUri}.");
        }

        if (AnswerDelay > TimeSpan.Zero)
        {
            await Task.Delay(AnswerDelay, cancellationToken);
        }

        var response = answer(captured);

        // A real connection ends with the token: an answer that arrives after it was cancelled (a sleeping fallback past
        // the attempt timeout) is never seen by the caller, whatever the HttpClient above does with a late answer.
        cancellationToken.ThrowIfCancellationRequested();
        return response;
    }
}

/// <summary>A clock that never sleeps: Delay records the wait and advances time at once.</summary>
public sealed class FakeClock : BackupDr.Core.Aws.IAwsClock
{
    public FakeClock(DateTime? start = null)
    {
        UtcNow = start ?? new DateTime(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);
    }

    public DateTime UtcNow { get; set; }
    public List<TimeSpan> Delays { get; } = new();

    /// <summary>Runs at each Delay call, before it returns (e.g. to cancel a token mid-wait).</summary>
    public Action<TimeSpan>? OnDelay { get; set; }

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Delays.Add(delay);
        UtcNow += delay;
        OnDelay?.Invoke(delay);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.CompletedTask;
    }
}

/// <summary>Helpers to build transports over a stub for wire tests.</summary>
public static class Wire
{
    public static BackupDr.Core.Aws.AwsContext Context(string region = "us-east-1", string? endpoint = null, string? sessionToken = null) =>
        BackupDr.Core.Aws.AwsContext.Resolve(
            new BackupDr.Core.Aws.AwsContextOptions
            {
                Region = region,
                AccessKey = "AKIDEXAMPLE",
                SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                SessionToken = sessionToken,
                EndpointUrl = endpoint,
            },
            new BackupDr.Core.Aws.DictionaryEnvironment());

    public static BackupDr.Core.Aws.AwsTransport Transport(StubHandler stub, FakeClock? clock = null, BackupDr.Core.Aws.RetryPolicy? policy = null, string region = "us-east-1", string? endpoint = null) =>
        new(Context(region, endpoint), stub, policy ?? new BackupDr.Core.Aws.RetryPolicy(() => 0.5), clock ?? new FakeClock());
}
