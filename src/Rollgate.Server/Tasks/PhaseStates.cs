using Rollgate.Core.Access;
using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Storage;

namespace Rollgate.Server.Tasks;

/// <summary>
/// Which phase is current, as the gateway judges it on every request, kept between requests. It changes only with a
/// <c>phase_started</c> or a <c>rollback</c>: recording one (from any process) moves the store's control counter up,
/// and one recorded ahead of time takes effect when the clock reaches it, so the state is kept under the counter and
/// until that moment.
/// </summary>
public sealed class PhaseStates(RolloutPlan plan, IEventHistory history)
{
    private Kept? _kept;

    /// <summary>The state at <paramref name="at"/>, <paramref name="stamp"/> having been read before.</summary>
    public async ValueTask<PhaseState> AtAsync(StoreStamp stamp, DateTimeOffset at, CancellationToken ct)
    {
        var kept = Volatile.Read(ref _kept);
        if (kept is not null && kept.Control == stamp.Control && at >= kept.From && (kept.Until is not { } until || at <= until))
        {
            return kept.State;
        }

        // The state at `at` counts the events before it; one at or after it changes the state for a later moment.
        var state = await PhaseState.AtAsync(plan, history, at, ct);
        var next = await history.NextPhaseChangeAsync(at, ct);
        Volatile.Write(ref _kept, new Kept(stamp.Control, at, next, state));
        return state;
    }

    private sealed record Kept(long Control, DateTimeOffset From, DateTimeOffset? Until, PhaseState State);
}
