using Rollgate.Core.Events;
using Rollgate.Storage.Import;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Storage;

/// <summary>
/// An event as a store writes it: its JSON line, read back and checked as an import reads a line, and the line's
/// digest. It is made on the thread that made the event, so that one writer committing the events of many requests
/// does not make it for each of them while they wait.
/// </summary>
public sealed class EventLine
{
    private EventLine(RolloutEvent? read, ReadOnlyMemory<byte> body, long digest, string? error)
    {
        (Read, Body, Digest, Error) = (read, body, digest, error);
    }

    /// <summary>The event read back from <see cref="Body"/>; null when the line was refused.</summary>
    internal RolloutEvent? Read { get; }

    internal ReadOnlyMemory<byte> Body { get; }

    internal long Digest { get; }

    /// <summary>Why the line would be refused, as an import would say it; null when it is sound.</summary>
    public string? Error { get; }

    public static EventLine Of(RolloutEvent evt)
    {
        var body = Utf8Lines.Trim(EventJson.SerializeToUtf8(evt));
        return EventJson.TryParse(body, out var read, out var error)
            ? new EventLine(read, body, EventDigest.Of(body.Span), null)
            : new EventLine(null, body, 0, error);
    }
}
