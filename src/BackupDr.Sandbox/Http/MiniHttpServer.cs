using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace BackupDr.Sandbox.Http
{
    /// <summary>One parsed HTTP/1.1 request: the raw (still percent-encoded) path, the query and the whole body.</summary>
    public sealed class HttpRequestData
    {
        public HttpRequestData(string method, string rawTarget, Dictionary<string, string> headers, byte[] body)
        {
            Method = method;
            RawTarget = rawTarget;
            Headers = headers;
            Body = body;
            var q = rawTarget.IndexOf('?');
            RawPath = q < 0 ? rawTarget : rawTarget.Substring(0, q);
            RawQuery = q < 0 ? string.Empty : rawTarget.Substring(q + 1);
            Query = ParseForm(RawQuery);
        }

        public string Method { get; }
        public string RawTarget { get; }
        public string RawPath { get; }
        public string RawQuery { get; }
        public Dictionary<string, string> Headers { get; }
        public byte[] Body { get; }
        public List<KeyValuePair<string, string>> Query { get; }

        public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

        /// <summary>application/x-www-form-urlencoded pairs ('+' is a space), decoded.</summary>
        public static List<KeyValuePair<string, string>> ParseForm(string text)
        {
            var list = new List<KeyValuePair<string, string>>();
            foreach (var part in text.Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = part.IndexOf('=');
                var k = eq < 0 ? part : part.Substring(0, eq);
                var v = eq < 0 ? string.Empty : part.Substring(eq + 1);
                list.Add(new KeyValuePair<string, string>(Decode(k.Replace('+', ' ')), Decode(v.Replace('+', ' '))));
            }

            return list;
        }

        public static string Decode(string s) => Uri.UnescapeDataString(s);
    }

    /// <summary>An answer: status, headers and body (Content-Length is always set by the server).</summary>
    public sealed class HttpResponseData
    {
        private byte[]? _buffer;
        private byte[]? _body;

        public HttpResponseData(int status, byte[] body, string contentType)
        {
            Status = status;
            _buffer = _body = body ?? throw new ArgumentNullException(nameof(body));
            Length = body.Length;
            Headers["Content-Type"] = contentType;
        }

        /// <summary>
        /// An answer whose body is the first <paramref name="length"/> bytes of a buffer rented from
        /// <see cref="ArrayPool{T}.Shared"/>: the server returns it once written (a 1,000-job page is 700 kB, and a
        /// fresh array per page made the sandbox's large-object heap churn cost more than the listing itself).
        /// </summary>
        internal HttpResponseData(int status, byte[] rented, int length, string contentType)
        {
            Status = status;
            _buffer = rented;
            Length = length;
            Headers["Content-Type"] = contentType;
        }

        public int Status { get; }

        /// <summary>Body length in bytes.</summary>
        public int Length { get; }

        /// <summary>The body as its own array (a copy when the answer was written into a rented buffer).</summary>
        public byte[] Body => _body ??= Span.ToArray();

        internal ReadOnlySpan<byte> Span => (_buffer ?? throw new ObjectDisposedException(nameof(HttpResponseData))).AsSpan(0, Length);
        public Dictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Close the connection (TCP reset) instead of answering: a dropped connection, for fault tests.</summary>
        public bool Abort { get; set; }

        /// <summary>Gives a rented body back to the pool (after it was written, or when it never will be).</summary>
        internal void Release()
        {
            var rented = _body == null ? Interlocked.Exchange(ref _buffer, null) : null;
            if (rented != null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// A small HTTP/1.1 server on a loopback TcpListener: keep-alive, Content-Length and chunked bodies,
    /// Expect: 100-continue, one task per connection, and a Stop that closes every socket so nothing hangs.
    /// </summary>
    public sealed class MiniHttpServer : IDisposable
    {
        private const int MaxHeaderBytes = 64 * 1024;
        private const long MaxBodyBytes = 64L * 1024 * 1024;

        private readonly Func<HttpRequestData, Task<HttpResponseData>> _handler;
        private readonly TcpListener _listener;
        private readonly ConcurrentDictionary<TcpClient, Task> _connections = new ConcurrentDictionary<TcpClient, Task>();
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private Task? _acceptLoop;
        private int _stopped;

        public MiniHttpServer(int port, Func<HttpRequestData, Task<HttpResponseData>> handler)
        {
            _handler = handler;
            _listener = new TcpListener(IPAddress.Loopback, port);
        }

        public Uri Endpoint { get; private set; } = new Uri("http://127.0.0.1/");

        public void Start()
        {
            _listener.Start(512);
            var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            Endpoint = new Uri($"http://127.0.0.1:{port}/");
            _acceptLoop = Task.Run(AcceptLoopAsync);
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stopping.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException)
                {
                    continue;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                client.NoDelay = true;
                _connections[client] = Task.Run(() => ServeConnectionAsync(client));
            }
        }

        private async Task ServeConnectionAsync(TcpClient client)
        {
            try
            {
                using (client)
                {
                    var stream = client.GetStream();
                    var reader = new BufferedReader(stream);
                    while (!_stopping.IsCancellationRequested)
                    {
                        var head = await reader.ReadHeadAsync(MaxHeaderBytes).ConfigureAwait(false);
                        if (head == null)
                        {
                            return;
                        }

                        var lines = head.Split(new[] { "\r\n" }, StringSplitOptions.None);
                        var requestLine = lines[0].Split(' ');
                        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
                        {
                            await WriteAsync(stream, new HttpResponseData(400, Encoding.UTF8.GetBytes("Bad request line"), "text/plain"), close: true).ConfigureAwait(false);
                            return;
                        }

                        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                        for (var i = 1; i < lines.Length; i++)
                        {
                            var colon = lines[i].IndexOf(':');
                            if (colon > 0)
                            {
                                var name = lines[i].Substring(0, colon).Trim();
                                var value = lines[i].Substring(colon + 1).Trim();
                                headers[name] = headers.TryGetValue(name, out var prior) ? prior + "," + value : value;
                            }
                        }

                        var http10 = requestLine[2] == "HTTP/1.0";
                        var connection = headers.TryGetValue("Connection", out var c) ? c : string.Empty;
                        var close = connection.IndexOf("close", StringComparison.OrdinalIgnoreCase) >= 0 || (http10 && connection.IndexOf("keep-alive", StringComparison.OrdinalIgnoreCase) < 0);

                        if (headers.TryGetValue("Expect", out var expect) && expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
                        {
                            var cont = Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n");
                            await stream.WriteAsync(cont, 0, cont.Length).ConfigureAwait(false);
                        }

                        byte[] body;
                        if (headers.TryGetValue("Transfer-Encoding", out var te) && te.IndexOf("chunked", StringComparison.OrdinalIgnoreCase) >= 0)
                        {
                            body = await reader.ReadChunkedAsync(MaxBodyBytes).ConfigureAwait(false);
                        }
                        else if (headers.TryGetValue("Content-Length", out var cl))
                        {
                            if (!long.TryParse(cl, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > MaxBodyBytes)
                            {
                                await WriteAsync(stream, new HttpResponseData(400, Encoding.UTF8.GetBytes("Bad Content-Length"), "text/plain"), close: true).ConfigureAwait(false);
                                return;
                            }

                            body = await reader.ReadExactAsync((int)length).ConfigureAwait(false);
                        }
                        else
                        {
                            body = Array.Empty<byte>();
                        }

                        var request = new HttpRequestData(requestLine[0], requestLine[1], headers, body);
                        HttpResponseData response;
                        try
                        {
                            response = await _handler(request).ConfigureAwait(false);
                        }
                        catch (Exception ex)
                        {
                            response = new HttpResponseData(500, Encoding.UTF8.GetBytes(ex.Message), "text/plain");
                        }

                        if (response.Abort)
                        {
                            response.Release();
                            // Reset rather than close politely, as a dropped connection looks to the client.
                            client.LingerState = new LingerOption(true, 0);
                            return;
                        }

                        await WriteAsync(stream, response, close).ConfigureAwait(false);
                        if (close)
                        {
                            return;
                        }
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
            catch (InvalidDataException)
            {
            }
            finally
            {
                _connections.TryRemove(client, out _);
            }
        }

        private static async Task WriteAsync(Stream stream, HttpResponseData response, bool close)
        {
            var sb = new StringBuilder();
            sb.Append("HTTP/1.1 ").Append(response.Status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Reason(response.Status)).Append("\r\n");
            foreach (var h in response.Headers)
            {
                sb.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
            }

            sb.Append("Date: ").Append(DateTime.UtcNow.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
            sb.Append("Content-Length: ").Append(response.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            sb.Append("Connection: ").Append(close ? "close" : "keep-alive").Append("\r\n\r\n");
            var head = sb.ToString();

            // Head and body go out in one write (two small writes would meet Nagle and delayed ACKs), from a rented buffer.
            var total = Encoding.ASCII.GetByteCount(head) + response.Length;
            var all = ArrayPool<byte>.Shared.Rent(total);
            try
            {
                var n = Encoding.ASCII.GetBytes(head, 0, head.Length, all, 0);
                response.Span.CopyTo(all.AsSpan(n));
                await stream.WriteAsync(all, 0, total).ConfigureAwait(false);
                await stream.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(all);
                response.Release();
            }
        }

        private static string Reason(int status) => status switch
        {
            200 => "OK",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            409 => "Conflict",
            415 => "Unsupported Media Type",
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            503 => "Service Unavailable",
            _ => "Status",
        };

        /// <summary>Stops accepting, closes every open connection and waits (bounded) for their tasks.</summary>
        public void Stop()
        {
            if (Interlocked.Exchange(ref _stopped, 1) == 1)
            {
                return;
            }

            _stopping.Cancel();
            try
            {
                _listener.Stop();
            }
            catch (SocketException)
            {
            }

            foreach (var client in _connections.Keys)
            {
                try
                {
                    client.Client.Shutdown(SocketShutdown.Both);
                }
                catch (Exception)
                {
                    // Already closed.
                }

                client.Close();
            }

            var pending = new List<Task>(_connections.Values);
            if (_acceptLoop != null)
            {
                pending.Add(_acceptLoop);
            }

            try
            {
                Task.WaitAll(pending.ToArray(), TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }
        }

        public void Dispose()
        {
            Stop();
            _stopping.Dispose();
        }

        /// <summary>Reads the head and bodies of successive requests from one connection.</summary>
        private sealed class BufferedReader
        {
            private readonly Stream _stream;
            private readonly byte[] _buffer = new byte[16 * 1024];
            private int _start;
            private int _end;

            public BufferedReader(Stream stream)
            {
                _stream = stream;
            }

            private async Task<bool> FillAsync()
            {
                if (_start > 0 && _start == _end)
                {
                    _start = _end = 0;
                }

                if (_end == _buffer.Length)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }

                var n = await _stream.ReadAsync(_buffer, _end, _buffer.Length - _end).ConfigureAwait(false);
                if (n <= 0)
                {
                    return false;
                }

                _end += n;
                return true;
            }

            /// <summary>The request line and headers (up to the blank line), or null at a clean end of stream.</summary>
            public async Task<string?> ReadHeadAsync(int max)
            {
                var sb = new StringBuilder();
                while (true)
                {
                    for (var i = _start; i < _end; i++)
                    {
                        sb.Append((char)_buffer[i]);
                        var len = sb.Length;
                        if (len >= 4 && sb[len - 1] == '\n' && sb[len - 2] == '\r' && sb[len - 3] == '\n' && sb[len - 4] == '\r')
                        {
                            _start = i + 1;
                            var head = sb.ToString(0, len - 4);
                            return head.TrimStart('\r', '\n').Length == 0 ? await ReadHeadAsync(max).ConfigureAwait(false) : head.TrimStart('\r', '\n');
                        }

                        if (len > max)
                        {
                            throw new InvalidDataException("Header too large.");
                        }
                    }

                    _start = _end;
                    if (!await FillAsync().ConfigureAwait(false))
                    {
                        if (sb.Length == 0)
                        {
                            return null;
                        }

                        throw new InvalidDataException("Connection closed inside a request head.");
                    }
                }
            }

            public async Task<byte[]> ReadExactAsync(int count)
            {
                var result = new byte[count];
                var done = 0;
                while (done < count)
                {
                    if (_start == _end && !await FillAsync().ConfigureAwait(false))
                    {
                        throw new InvalidDataException("Connection closed inside a body.");
                    }

                    var n = Math.Min(count - done, _end - _start);
                    Buffer.BlockCopy(_buffer, _start, result, done, n);
                    _start += n;
                    done += n;
                }

                return result;
            }

            private async Task<string> ReadLineAsync()
            {
                var sb = new StringBuilder();
                while (true)
                {
                    if (_start == _end && !await FillAsync().ConfigureAwait(false))
                    {
                        throw new InvalidDataException("Connection closed inside a chunk header.");
                    }

                    var b = _buffer[_start++];
                    if (b == '\n')
                    {
                        return sb.ToString().TrimEnd('\r');
                    }

                    sb.Append((char)b);
                    if (sb.Length > 8192)
                    {
                        throw new InvalidDataException("Chunk header too long.");
                    }
                }
            }

            public async Task<byte[]> ReadChunkedAsync(long max)
            {
                using var ms = new MemoryStream();
                while (true)
                {
                    var line = await ReadLineAsync().ConfigureAwait(false);
                    var semi = line.IndexOf(';');
                    var hex = (semi < 0 ? line : line.Substring(0, semi)).Trim();
                    if (!int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size < 0)
                    {
                        throw new InvalidDataException("Bad chunk size.");
                    }

                    if (size == 0)
                    {
                        // Trailers until the blank line.
                        while ((await ReadLineAsync().ConfigureAwait(false)).Length > 0)
                        {
                        }

                        return ms.ToArray();
                    }

                    var chunk = await ReadExactAsync(size).ConfigureAwait(false);
                    ms.Write(chunk, 0, chunk.Length);
                    if (ms.Length > max)
                    {
                        throw new InvalidDataException("Body too large.");
                    }

                    await ReadLineAsync().ConfigureAwait(false);
                }
            }
        }
    }
}
