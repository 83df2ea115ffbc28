using System.Buffers;
using System.Text;

namespace Rollgate.Core.Text;

/// <summary>
/// A text builder and a UTF-8 buffer per thread, for text made on every request (an answer, its JSON, an event's
/// line): made anew, each would allocate (and the collector clear) kilobytes that live only until the text is made. Taken and given back,
/// so a nested use gets a fresh one; one grown past <see cref="MaxKept"/> is left to the collector.
/// </summary>
public static class ThreadBuffers
{
    private const int MaxKept = 64 * 1024;

    [ThreadStatic]
    private static StringBuilder? t_builder;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_utf8;

    /// <summary>An empty builder; <see cref="ToStringAndGiveBack"/> ends its use.</summary>
    public static StringBuilder TakeBuilder()
    {
        var sb = t_builder ?? new StringBuilder(2048);
        t_builder = null;
        return sb.Clear();
    }

    public static string ToStringAndGiveBack(StringBuilder sb)
    {
        var text = sb.ToString();
        if (sb.Capacity <= MaxKept)
        {
            t_builder = sb;
        }

        return text;
    }

    /// <summary>An empty UTF-8 buffer; <see cref="GiveBack(ArrayBufferWriter{byte})"/> ends its use.</summary>
    public static ArrayBufferWriter<byte> TakeUtf8()
    {
        var buffer = t_utf8 ?? new ArrayBufferWriter<byte>(4096);
        t_utf8 = null;
        buffer.ResetWrittenCount();
        return buffer;
    }

    public static void GiveBack(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity <= MaxKept)
        {
            t_utf8 = buffer;
        }
    }
}
