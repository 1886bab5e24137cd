using System;
using System.Buffers;
using BackupDr.Sandbox.Http;

namespace BackupDr.Sandbox.Protocol
{
    /// <summary>
    /// An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>: growing rents a
    /// larger one and returns the old, and <see cref="Detach"/> hands the last one to the answer, which returns it
    /// once it is written.
    /// </summary>
    internal sealed class RentedBufferWriter : IBufferWriter<byte>, IDisposable
    {
        private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(4096);
        private int _written;

        public void Advance(int count)
        {
            if (count < 0 || _written + count > Buffer.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(count));
            }

            _written += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_written);

        public Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_written);

        /// <summary>The answer owning the written bytes; this writer is empty afterwards.</summary>
        public HttpResponseData Detach(int status, string contentType)
        {
            var rented = Buffer;
            _buffer = null;
            return new HttpResponseData(status, rented, _written, contentType);
        }

        public void Dispose()
        {
            var rented = _buffer;
            _buffer = null;
            if (rented != null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(RentedBufferWriter));

        /// <summary>The buffer, grown when fewer than <paramref name="sizeHint"/> bytes (at least one) are free.</summary>
        private byte[] Reserve(int sizeHint)
        {
            var need = Math.Max(sizeHint, 1);
            var buffer = Buffer;
            if (buffer.Length - _written < need)
            {
                var grown = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, _written + need));
                buffer.AsSpan(0, _written).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(buffer);
                _buffer = buffer = grown;
            }

            return buffer;
        }
    }
}
