namespace Rollgate.Storage.Import;

/// <summary>Splits a UTF-8 stream into lines of bytes, without decoding them to strings.</summary>
internal static class Utf8Lines
{
    public const int ProgressEveryLines = 50_000;

    private const int ChunkSize = 1 << 16;

    /// <summary>
    /// The lines of <paramref name="stream"/> as slices of the chunks it is read in: each chunk is a new array that
    /// its lines share (one object for hundreds of lines), and only a line crossing chunks is copied.
    /// </summary>
    public static IEnumerable<(long Line, ReadOnlyMemory<byte> Bytes)> Read(Stream stream, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        long? total = stream.CanSeek ? stream.Length : null;
        var carry = new MemoryStream();
        long line = 0;
        long read = 0;
        var first = true;
        while (true)
        {
            var chunk = new byte[ChunkSize];
            var n = stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
            if (n == 0)
            {
                break;
            }

            read += n;
            var start = 0;
            if (first)
            {
                first = false;
                if (n >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF)
                {
                    start = 3;
                }
            }

            while (start < n)
            {
                var newline = chunk.AsSpan(start, n - start).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    carry.Write(chunk, start, n - start);
                    break;
                }

                ReadOnlyMemory<byte> bytes;
                if (carry.Length > 0)
                {
                    carry.Write(chunk, start, newline);
                    bytes = carry.ToArray();
                    carry.SetLength(0);
                }
                else
                {
                    bytes = chunk.AsMemory(start, newline);
                }

                start += newline + 1;
                line++;
                if (line % ProgressEveryLines == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Report(new ImportProgress(line, stream.CanSeek ? stream.Position : read, total));
                }

                yield return (line, bytes);
            }
        }

        if (carry.Length > 0)
        {
            line++;
            yield return (line, carry.ToArray());
        }

        progress?.Report(new ImportProgress(line, total ?? read, total));
    }

    /// <summary>The line without surrounding ASCII white space (a trailing \r included).</summary>
    public static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        var start = 0;
        var end = span.Length;
        while (start < end && span[start] is (byte)' ' or (byte)'\t' or (byte)'\r')
        {
            start++;
        }

        while (end > start && span[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r')
        {
            end--;
        }

        return bytes[start..end];
    }
}
