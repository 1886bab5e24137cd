using System.Text;

namespace BackupDr.Core.Tests.Infrastructure;

/// <summary>Passes requests to a real HTTP handler and keeps each form body, to count pages that a client without our transport (AWSSDK.EC2) sends to a live peer.</summary>
public sealed class RecordingHandler : DelegatingHandler
{
    public RecordingHandler()
        : base(new HttpClientHandler())
    {
    }

    public List<string> Bodies { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content == null ? string.Empty : Encoding.UTF8.GetString(await request.Content.ReadAsByteArrayAsync(cancellationToken));
        lock (Bodies)
        {
            Bodies.Add(body);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
