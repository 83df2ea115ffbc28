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
/// Records the server's events, and the answers of its agent runs. Requests hand them to one writer, which stores
/// whatever has queued up in one transaction (group commit): under load a commit serves many requests, and each
/// request returns only once its events are stored, so the next request sees them. Being the only writer of the
/// hot path also keeps requests from queueing on SQLite's write lock, whose busy handler waits by sleeping.
/// </summary>
public sealed class EventRecorder : IAsyncDisposable
{
    private const int MaxBatch = 512;

    private readonly IEventStore _store;
    private readonly IRunJournal? _runs;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    /// <param name="store">Where the events go.</param>
    /// <param name="runs">Where the runs of <see cref="RecordRunAsync"/> go with their answers; without it that method throws.</param>
    public EventRecorder(IEventStore store, IRunJournal? runs = null)
    {
        _store = store;
        _runs = runs;
        _writer = Task.Run(WriteLoop);
    }

    /// <summary>
    /// The moment a live decision is judged at: just after <paramref name="now"/>, so that an event already recorded
    /// at the same instant (a kill switch a moment ago, on a clock that did not tick) counts, as it happened first.
    /// </summary>
    public static DateTimeOffset Through(DateTimeOffset now) => now.AddTicks(1);

    public Task RecordAsync(RolloutEvent evt) => RecordAsync([evt]);

    /// <summary>
    /// Stores the events together (all or none) and returns once they are stored. There is no cancelling: events
    /// accepted are written, and the caller goes on with what follows them (an audit record, a notice) even when
    /// its own request was abandoned meanwhile.
    /// </summary>
    public Task RecordAsync(IReadOnlyList<RolloutEvent> events) => Enqueue(events, null);

    /// <summary>
    /// Records a run with its agent's answer, both or neither: a run event never points at an answer that is
    /// missing, and no answer is kept for a run that was not recorded.
    /// </summary>
    public Task RecordRunAsync(RunOutput output, Run run)
    {
        if (_runs is null)
        {
            throw new InvalidOperationException("this recorder was made without a store for run outputs");
        }

        return Enqueue([run], output);
    }

    private Task Enqueue(IReadOnlyList<RolloutEvent> events, RunOutput? output)
    {
        // Made into lines here, on the request's thread, rather than by the writer while every request of its commit waits.
        IReadOnlyList<EventLine>? lines = _runs is null ? null : [.. events.Select(EventLine.Of)];
        var pending = new Pending(events, lines, output, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(EventRecorder));
        }

        return pending.Done.Task;
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
            // Behind the work already queued on the thread pool, which includes requests about to record: they
            // join this commit rather than wait for the next.
            await Task.Yield();
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
        ImportResult? refused = null;
        try
        {
            var result = await Append(batch);
            if (result.Succeeded)
            {
                batch.ForEach(p => p.Done.TrySetResult());
                return;
            }

            refused = result;
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

        if (batch.Count == 1)
        {
            batch[0].Done.TrySetException(new EventRejectedException(refused!.Errors));
            return;
        }

        foreach (var p in batch)
        {
            try
            {
                var alone = await Append([p]);
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

    /// <summary>The requests' events, and their answers in the same transaction.</summary>
    private Task<ImportResult> Append(List<Pending> requests)
    {
        if (_runs is null)
        {
            return _store.AppendAsync(requests.SelectMany(p => p.Events).ToList());
        }

        var outputs = requests.Where(p => p.Output is not null).Select(p => p.Output!).ToList();
        return _runs.AppendLinesAsync(requests.SelectMany(p => p.Lines!).ToList(), outputs);
    }

    /// <param name="Lines">The events made into lines, when they go to <see cref="IRunJournal"/>.</param>
    private sealed record Pending(IReadOnlyList<RolloutEvent> Events, IReadOnlyList<EventLine>? Lines, RunOutput? Output, TaskCompletionSource Done);
}
