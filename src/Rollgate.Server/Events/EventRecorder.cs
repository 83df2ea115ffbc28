using System.Threading.Channels;
using Rollgate.Core.Events;
using Rollgate.Storage;

namespace Rollgate.Server.Events;

/// <summary>The store refused an event the server made (a bug, or a store that changed under it).</summary>
public sealed class EventRejectedException(IReadOnlyList<ImportError> errors)
    : Exception("the store refused the event: " + string.Join("; ", errors.Select(e => e.Message)))
{
    public IReadOnlyList<ImportError> Errors { get; } = errors;
}

/// <summary>
/// Records the server's events. Requests hand their events to one writer, which appends whatever has queued up
/// in one transaction (group commit): under load a commit serves many requests, and each request returns only
/// once its events are stored, so the next request sees them.
/// </summary>
public sealed class EventRecorder : IAsyncDisposable
{
    private const int MaxBatch = 512;

    private readonly IEventStore _store;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public EventRecorder(IEventStore store)
    {
        _store = store;
        _writer = Task.Run(WriteLoop);
    }

    /// <summary>
    /// The moment a live decision is judged at: just after <paramref name="now"/>, so that an event already recorded
    /// at the same instant (a kill switch a moment ago, on a clock that did not tick) counts, as it happened first.
    /// </summary>
    public static DateTimeOffset Through(DateTimeOffset now) => now.AddTicks(1);

    public Task RecordAsync(RolloutEvent evt, CancellationToken cancellationToken = default) => RecordAsync([evt], cancellationToken);

    /// <summary>Stores the events together (all or none) and returns once they are stored.</summary>
    public Task RecordAsync(IReadOnlyList<RolloutEvent> events, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(events, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(EventRecorder));
        }

        // The caller may stop waiting; the events are still written, as they were accepted.
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoop()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var p))
            {
                batch.Add(p);
            }

            await Write(batch);
            batch.Clear();
        }
    }

    private async Task Write(List<Pending> batch)
    {
        try
        {
            var result = await _store.AppendAsync(batch.SelectMany(p => p.Events).ToList());
            if (result.Succeeded)
            {
                batch.ForEach(p => p.Done.TrySetResult());
                return;
            }
        }
        catch (Exception ex) when (batch.Count == 1)
        {
            batch[0].Done.TrySetException(ex);
            return;
        }
        catch (Exception)
        {
            // Retried one by one below, so that one request's failure is its own.
        }

        foreach (var p in batch)
        {
            try
            {
                var alone = await _store.AppendAsync(p.Events);
                if (alone.Succeeded)
                {
                    p.Done.TrySetResult();
                }
                else
                {
                    p.Done.TrySetException(new EventRejectedException(alone.Errors));
                }
            }
            catch (Exception ex)
            {
                p.Done.TrySetException(ex);
            }
        }
    }

    private sealed record Pending(IReadOnlyList<RolloutEvent> Events, TaskCompletionSource Done);
}
