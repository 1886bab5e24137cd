using System.Net;
using System.Text;
using BackupDr.Core.Aws;
using BackupDr.Core.Tests.Infrastructure;

namespace BackupDr.Core.Tests.Aws;

/// <summary>
/// How the transport reads an answer's body: into a buffer of its declared length, or grown as it streams in when no
/// length is given, whole either way; a disposed answer gives its buffer back and keeps what was already copied out.
/// </summary>
public sealed class TransportBodyTests
{
    private static AwsRequest List() => new(AwsService.Backup, "ListBackupJobs", HttpMethod.Get, "/backup-jobs/");

    /// <summary>A body of <paramref name="size"/> bytes, every byte telling its position (so a lost or doubled chunk shows).</summary>
    private static byte[] Body(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)('a' + (i * 7 % 26));
        }

        return bytes;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16 * 1024)]
    [InlineData(16 * 1024 + 1)]
    [InlineData(700_001)]
    public async Task A_body_without_a_content_length_is_read_whole(int size)
    {
        var sent = Body(size);
        var content = new StreamContent(new TrickleStream(sent, 3_000));
        Assert.Null(content.Headers.ContentLength);
        var stub = new StubHandler().Respond(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        using var transport = Wire.Transport(stub, new FakeClock());

        using var response = await transport.SendAsync(List(), CancellationToken.None);

        Assert.Equal(size, response.Length);
        Assert.Equal(sent, response.Content.ToArray());
        Assert.Equal(sent, response.Body);
    }

    [Fact]
    public async Task A_body_with_a_content_length_is_read_whole()
    {
        var sent = Body(250_000);
        var stub = new StubHandler().Respond(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(sent) });
        using var transport = Wire.Transport(stub, new FakeClock());

        using var response = await transport.SendAsync(List(), CancellationToken.None);

        Assert.Equal(sent, response.Content.ToArray());
    }

    [Fact]
    public async Task A_disposed_answer_keeps_the_body_copied_out_and_refuses_its_buffer()
    {
        var stub = new StubHandler().Respond(HttpStatusCode.OK, "{\"BackupJobs\":[]}");
        using var transport = Wire.Transport(stub, new FakeClock());

        var response = await transport.SendAsync(List(), CancellationToken.None);
        var body = response.Body;
        response.Dispose();
        response.Dispose();

        Assert.Equal("{\"BackupJobs\":[]}", Encoding.UTF8.GetString(body));
        Assert.Same(body, response.Body);
        Assert.Throws<ObjectDisposedException>(() => response.Content.Length);
    }

    [Fact]
    public async Task Buffers_given_back_are_reused_and_a_reused_buffer_never_shows_an_earlier_body()
    {
        var first = Body(300_000);
        var second = Encoding.UTF8.GetBytes("{\"short\":true}");
        var stub = new StubHandler()
            .Respond(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(first) })
            .Respond(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(second) });
        using var transport = Wire.Transport(stub, new FakeClock());

        using (var a = await transport.SendAsync(List(), CancellationToken.None))
        {
            Assert.Equal(first.Length, a.Length);
        }

        using var b = await transport.SendAsync(List(), CancellationToken.None);
        Assert.Equal(second, b.Content.ToArray());
        Assert.Equal(second, b.Body);
    }

    /// <summary>
    /// Regression (SlowBodyOutlivesTimeout): bodies are read after the headers, and .NET Framework's response streams
    /// (Windows PowerShell 5.1) ignore the cancellation token, so a body that stalled hung past the per-attempt timeout.
    /// The stream here ignores the token the same way and only a dispose ends its read.
    /// </summary>
    [Fact]
    public async Task SlowBodyOutlivesTimeout_regression_a_body_that_stalls_ends_at_the_attempt_timeout()
    {
        var streams = new List<StallingStream>();
        var stub = new StubHandler
        {
            Fallback = _ =>
            {
                var stall = new StallingStream();
                lock (streams)
                {
                    streams.Add(stall);
                }

                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stall) };
            },
        };
        using var transport = Wire.Transport(stub, new FakeClock(), new RetryPolicy(() => 0.5) { MaxAttempts = 2, AttemptTimeout = TimeSpan.FromMilliseconds(200) });

        var send = transport.SendAsync(List(), CancellationToken.None);
        var first = await Task.WhenAny(send, Task.Delay(TimeSpan.FromSeconds(15)));
        try
        {
            Assert.True(first == send, "the stalled body read outlived the attempt timeout");
            var error = await Assert.ThrowsAsync<AwsServiceException>(() => send);
            Assert.Equal("RequestTimeout", error.ErrorCode);
            Assert.Equal(2, error.Attempts);
            Assert.Equal(2, streams.Count);
            Assert.All(streams, s => Assert.True(s.Disposed));
        }
        finally
        {
            lock (streams)
            {
                streams.ForEach(s => s.Dispose());
            }
        }
    }

    /// <summary>Sends a few bytes, then blocks every read, whatever the token says, until disposed.</summary>
    private sealed class StallingStream : Stream
    {
        private readonly ManualResetEventSlim _disposed = new(false);
        private bool _sentFirst;

        public bool Disposed => _disposed.IsSet;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (!_sentFirst)
            {
                _sentFirst = true;
                buffer[offset] = (byte)'{';
                return 1;
            }

            _disposed.Wait();
            throw new ObjectDisposedException(nameof(StallingStream));
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.Run(() => Read(buffer, offset, count), CancellationToken.None);

        protected override void Dispose(bool disposing)
        {
            _disposed.Set();
            base.Dispose(disposing);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A read-only stream of unknown length that hands out at most <c>chunk</c> bytes per read.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, chunk), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
