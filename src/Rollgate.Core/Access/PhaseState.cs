using Rollgate.Core.Events;
using Rollgate.Core.Plans;

namespace Rollgate.Core.Access;

/// <summary>
/// Which phase is current at a moment: the phase of the latest <c>phase_started</c> before it, unless a
/// <c>rollback</c> came after that start (the agents are then off until the next start).
/// </summary>
public sealed record PhaseState(Phase? Current, PhaseStarted? Start, Rollback? RolledBack)
{
    public static readonly PhaseState None = new(null, null, null);

    public bool IsActive => Current is not null;

    public static async ValueTask<PhaseState> AtAsync(RolloutPlan plan, IEventHistory history, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var start = await history.LatestPhaseStartAsync(null, at, cancellationToken);
        if (start is null)
        {
            return None;
        }

        var rollback = await history.LatestRollbackAsync(at, cancellationToken);
        if (rollback is not null && rollback.Ts >= start.Ts)
        {
            return new PhaseState(null, start, rollback);
        }

        // A start of a phase the plan does not know leaves no phase current.
        return new PhaseState(plan.FindPhase(start.Phase), start, null);
    }
}
