using System.Text;
using BackupDr.Core.Aws;

namespace BackupDr.Core.Tests.Infrastructure;

/// <summary>Passes calls through to a real transport and keeps each request's form body, to count pages against a live peer.</summary>
public sealed class RecordingTransport : IAwsTransport
{
    private readonly IAwsTransport _inner;

    public RecordingTransport(IAwsTransport inner)
    {
        _inner = inner;
    }

    public AwsContext Context => _inner.Context;

    public List<string> Bodies { get; } = new();

    public Task<AwsResponse> SendAsync(AwsRequest request, CancellationToken cancellationToken)
    {
        lock (Bodies)
        {
            Bodies.Add(request.Body == null ? string.Empty : Encoding.UTF8.GetString(request.Body));
        }

        return _inner.SendAsync(request, cancellationToken);
    }
}
