namespace Rollgate.Storage.Import;

/// <summary>Splits a UTF-8 stream into lines of bytes, without decoding them to strings.</summary>
internal static class Utf8Lines
{
    public const int ProgressEveryLines = 50_000;

    public static IEnumerable<(long Line, byte[] Bytes)> Read(Stream stream, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        long? total = stream.CanSeek ? stream.Length : null;
        var buffer = new byte[1 << 16];
        var pending = new MemoryStream();
        long line = 0;
        long read = 0;
        var first = true;
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            read += n;
            var start = 0;
            if (first)
            {
                first = false;
                if (n >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
                {
                    start = 3;
                }
            }

            for (var i = start; i < n; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                byte[] bytes;
                if (pending.Length > 0)
                {
                    pending.Write(buffer, start, i - start);
                    bytes = pending.ToArray();
                    pending.SetLength(0);
                }
                else
                {
                    bytes = buffer.AsSpan(start, i - start).ToArray();
                }

                start = i + 1;
                line++;
                if (line % ProgressEveryLines == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Report(new ImportProgress(line, stream.CanSeek ? stream.Position : read, total));
                }

                yield return (line, bytes);
            }

            pending.Write(buffer, start, n - start);
        }

        if (pending.Length > 0)
        {
            line++;
            yield return (line, pending.ToArray());
        }

        progress?.Report(new ImportProgress(line, total ?? read, total));
    }

    /// <summary>The line without surrounding ASCII white space (a trailing \r included).</summary>
    public static ReadOnlyMemory<byte> Trim(byte[] bytes)
    {
        var start = 0;
        var end = bytes.Length;
        while (start < end && bytes[start] is (byte)' ' or (byte)'\t' or (byte)'\r')
        {
            start++;
        }

        while (end > start && bytes[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r')
        {
            end--;
        }

        return bytes.AsMemory(start, end - start);
    }
}
