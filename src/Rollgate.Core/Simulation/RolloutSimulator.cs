using Rollgate.Core.Events;
using Rollgate.Core.Plans;

namespace Rollgate.Core.Simulation;

/// <summary>
/// Makes up, deterministically, what people and agents do during a rollout by the plan: phase starts, runs,
/// feedback, reviews, lead responses, incidents and bugs (never the rollbacks a guardian would answer with).
/// The same plan, seed and options give the same events, in timestamp order, streamed a day at a time.
/// </summary>
/// <remarks>
/// When the plan's baseline window for lead response times lies (partly) before the first simulated date, its
/// lead responses come first, so that response-time improvement has something to compare with.
/// </remarks>
public sealed class RolloutSimulator(RolloutPlan plan)
{
    /// <exception cref="ArgumentException">The scenario is not one of <see cref="Scenarios.All"/>, or the day count is negative.</exception>
    public IEnumerable<RolloutEvent> Generate(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Scenarios.Check(options.Scenario, nameof(options));
        if (options.Days < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Days, "the number of days to simulate cannot be negative");
        }

        return Stream(options);
    }

    /// <summary>
    /// The moment at which judging the simulated history shows its scenario: the end of the simulation, or for
    /// <c>error-spike</c> (which is over by the end of its day) 90 minutes into the spike.
    /// </summary>
    public DateTimeOffset MomentToJudge(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Scenarios.Check(options.Scenario, nameof(options));
        return new SimulatedRollout(plan, options).MomentToJudge;
    }

    // Checked above, streamed here: a fresh simulation for each enumeration, so enumerating twice gives the same events.
    private IEnumerable<RolloutEvent> Stream(SimulationOptions options)
    {
        foreach (var evt in new SimulatedRollout(plan, options).Events())
        {
            yield return evt;
        }
    }
}
