using Rollgate.Core.Plans;
using Rollgate.Core.Time;

namespace Rollgate.Core.Simulation;

/// <summary>When each phase of the plan starts in a simulation, from its first date on.</summary>
/// <remarks>
/// The first phase starts on the first date from <c>from</c> on which its window opens, at the open time. Each next
/// phase starts once the previous one's duration has passed: on the first date, from the date that duration ends,
/// on which its own window opens, at its open time (the pilot's two weeks from Monday 2 February 09:00 end on
/// Monday 16 February, when sdr opens at 08:00). A phase without a duration, like the last, runs until the end.
/// A 24/7 phase launches at 09:00, when people are there to see it.
/// </remarks>
internal sealed class PhaseSchedule
{
    private static readonly TimeOnly AlwaysOpenLaunch = new(9, 0);

    private PhaseSchedule(IReadOnlyList<PhaseStart> starts) => Starts = starts;

    public IReadOnlyList<PhaseStart> Starts { get; }

    public static PhaseSchedule For(RolloutPlan plan, DateOnly from, DateTimeOffset end)
    {
        var zone = plan.TimeZone;
        var starts = new List<PhaseStart>();
        var due = from;
        for (var i = 0; i < plan.Phases.Count; i++)
        {
            var phase = plan.Phases[i];
            if (FirstOpening(phase, due) is not { } date)
            {
                break;
            }

            var start = LocalCalendar.AtLocal(date.ToDateTime(LaunchTime(phase)), zone);
            if (starts.Count > 0 && start <= starts[^1].Start)
            {
                // A duration shorter than a day would start the next phase before the last: take the next opening instead.
                if (FirstOpening(phase, date.AddDays(1)) is not { } later)
                {
                    break;
                }

                start = LocalCalendar.AtLocal(later.ToDateTime(LaunchTime(phase)), zone);
            }

            if (start >= end)
            {
                break;
            }

            starts.Add(new PhaseStart(phase, i, start));
            if (phase.Duration is not { } duration)
            {
                break;
            }

            due = LocalCalendar.DateOf(start + duration, zone);
        }

        return new PhaseSchedule(starts);
    }

    public static TimeOnly LaunchTime(Phase phase) => phase.Availability.IsAlways ? AlwaysOpenLaunch : phase.Availability.Open;

    /// <summary>The phase current at <paramref name="at"/>, as the engine sees it: the latest start strictly before it.</summary>
    public PhaseStart? At(DateTimeOffset at)
    {
        for (var i = Starts.Count - 1; i >= 0; i--)
        {
            if (Starts[i].Start < at)
            {
                return Starts[i];
            }
        }

        return null;
    }

    private static DateOnly? FirstOpening(Phase phase, DateOnly from)
    {
        for (var d = 0; d < 7; d++)
        {
            if (phase.Availability.OpensOn(from.AddDays(d)))
            {
                return from.AddDays(d);
            }
        }

        return null;
    }
}

internal sealed record PhaseStart(Phase Phase, int Index, DateTimeOffset Start);
