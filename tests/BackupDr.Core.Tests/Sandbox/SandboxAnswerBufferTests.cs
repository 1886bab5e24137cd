using System.Text;
using System.Text.Json;
using BackupDr.Sandbox.Protocol;
using Wire = BackupDr.Sandbox.Protocol.Wire;

namespace BackupDr.Core.Tests.Sandbox;

/// <summary>
/// The sandbox writes JSON answers into rented buffers that grow as they fill: whatever the size, the answer is
/// exactly what was written, and an answer's own copy outlives the buffer going back to the pool.
/// </summary>
public sealed class SandboxAnswerBufferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(4_096)]
    [InlineData(50_000)]
    public void A_json_answer_holds_exactly_what_was_written(int items)
    {
        var answer = Wire.Json(200, w =>
        {
            w.WriteStartArray("Items");
            for (var i = 0; i < items; i++)
            {
                w.WriteStringValue("item-" + i);
            }

            w.WriteEndArray();
        });

        using var doc = JsonDocument.Parse(answer.Body);
        var read = doc.RootElement.GetProperty("Items").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(Enumerable.Range(0, items).Select(i => "item-" + i), read);
        Assert.Equal(answer.Length, answer.Body.Length);
        Assert.Equal("application/json", answer.Headers["Content-Type"]);
    }

    [Fact]
    public void A_released_answer_keeps_the_copy_it_gave_out()
    {
        var answer = Wire.Json(200, w => w.WriteString("Name", new string('x', 10_000)));
        var body = answer.Body;
        answer.Release();

        Assert.Same(body, answer.Body);
        Assert.Equal(10_011, body.Length);
        Assert.StartsWith("{\"Name\":\"xxx", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void The_writer_grows_past_many_buffers_and_keeps_every_byte()
    {
        using var writer = new RentedBufferWriter();
        var expected = new List<byte>();
        for (var i = 0; i < 3_000; i++)
        {
            var span = writer.GetSpan(i % 700 + 1);
            var n = i % 700 + 1;
            for (var k = 0; k < n; k++)
            {
                span[k] = (byte)(i + k);
                expected.Add((byte)(i + k));
            }

            writer.Advance(n);
        }

        var answer = writer.Detach(200, "application/octet-stream");
        Assert.Equal(expected.ToArray(), answer.Body);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RentedBufferWriter().Advance(1 << 20));
    }
}
