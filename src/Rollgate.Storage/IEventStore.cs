using Rollgate.Core.Events;

namespace Rollgate.Storage;

/// <summary>
/// Where events live. Writing is all or nothing and idempotent; reading answers the decision engine's
/// questions (<see cref="IEventHistory"/>). SQLite implements it for one machine; a PostgreSQL store
/// implements the same contract for several replicas.
/// </summary>
public interface IEventStore : IEventHistory, IDisposable
{
    /// <summary>
    /// Imports JSON Lines. Every line is checked; when any is bad nothing is written and the result lists every
    /// bad line. Events already stored (the same line) are skipped, so importing a file twice stores it once.
    /// </summary>
    Task<ImportResult> ImportAsync(Stream jsonLines, string sourceName, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Appends events (checked like an import); returns how many were new.</summary>
    Task<ImportResult> AppendAsync(IEnumerable<RolloutEvent> events, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Writes every stored event as JSON Lines, in the order they were stored, as they were received.</summary>
    Task<long> ExportAsync(TextWriter writer, CancellationToken cancellationToken = default);

    /// <summary>The run with this id, or null when there is none.</summary>
    Task<Run?> FindRunAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The latest events of one type with <c>ts</c> in <paramref name="window"/>, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RolloutEvent>> LatestAsync(string type, Core.Time.TimeWindow window, int limit, CancellationToken cancellationToken = default);

    /// <summary>How many events are stored.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// A store that keeps what the agents answered beside the events of their runs, written together: a run event never
/// points at an answer that is missing, and an answer is never kept for a run that was not recorded.
/// </summary>
public interface IRunJournal
{
    /// <summary>Appends the events and the answers in one transaction (all or nothing), checked like <see cref="IEventStore.AppendAsync"/>.</summary>
    Task<ImportResult> AppendAsync(IReadOnlyCollection<RolloutEvent> events, IReadOnlyCollection<RunOutput> outputs, CancellationToken cancellationToken = default) =>
        AppendLinesAsync([.. events.Select(EventLine.Of)], outputs, cancellationToken);

    /// <summary>
    /// As <see cref="AppendAsync"/>, with the events already made into lines (<see cref="EventLine.Of"/>) by the
    /// threads that made them; a line's errors are reported with its position among <paramref name="lines"/>.
    /// </summary>
    Task<ImportResult> AppendLinesAsync(IReadOnlyList<EventLine> lines, IReadOnlyCollection<RunOutput> outputs, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of an import: events stored, events already there, and every bad line.</summary>
public sealed record ImportResult(long Imported, long Duplicates, IReadOnlyList<ImportError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>A bad line, printed as <c>FILE:LINE: message</c>.</summary>
public sealed record ImportError(string Source, long Line, string Message)
{
    public override string ToString() => $"{Source}:{Line}: {Message}";
}

public readonly record struct ImportProgress(long Lines, long BytesRead, long? TotalBytes);

/// <summary>The store's file is not a Rollgate store, or was written by a newer Rollgate.</summary>
public sealed class StoreFormatException(string message) : Exception(message);
