namespace Rollgate.Core.Simulation;

/// <summary>
/// The named stories the simulator can tell. Every scenario is the healthy rollout with one thing going wrong,
/// placed relative to the end of the simulation so that judging it there (<c>--at</c> the end) shows it.
/// </summary>
public static class Scenarios
{
    public const string Healthy = "healthy";
    public const string ErrorSpike = "error-spike";
    public const string SatisfactionSlump = "satisfaction-slump";
    public const string SecurityIncident = "security-incident";

    public static IReadOnlyList<string> All { get; } = [Healthy, ErrorSpike, SatisfactionSlump, SecurityIncident];

    /// <summary>What the scenario does and when, for people.</summary>
    public static string Describe(string name) => Check(name) switch
    {
        Healthy =>
            "Everything goes to plan: the phases start on the plan's schedule; about 90% of runs complete, 8% abstain "
            + "and 1.2% fail; ratings average about 4.2 and reviewers find about 90% of runs correct; people with the "
            + "agent answer leads about 30% faster than in the baseline weeks; a low or medium incident every one to three "
            + "weeks and a P2 or P3 bug every few days, each resolved days later. No trigger fires, and each phase's gate "
            + "is go at its end.",
        ErrorSpike =>
            "The healthy rollout, except that on the last service day of the simulation (a day the availability of the "
            + "phase current at its end opens) one of the agent's four model replicas breaks for two hours, from one hour "
            + "after the window opens (10:00 local in the pilot and in a 24/7 phase, 09:00 in sdr): every fourth run fails, "
            + "while the cohort retries hard (about 20 extra runs per person per hour, kept within the rate limit). "
            + "error-rate-sustained fires from about 65 to 75 minutes into the spike until just after it ends: judge triggers --at, say, 11:30 local that day (09:00 + 2h30 in sdr).",
        SatisfactionSlump =>
            "The healthy rollout, except that on the last four service days of the simulation (days the availability "
            + "of the phase current at its end opens) a bad prompt change makes drafts generic: daily mean ratings fall "
            + "to about 2.2 and 60% of the runs get a rating. satisfaction-low fires at the end of the simulation (it needs "
            + "three of those days inside the current phase), and metrics-missed proposes a partial rollback.",
        SecurityIncident =>
            "The healthy rollout, except that at 11:00 local on the last service day of the simulation a critical "
            + "security incident is opened (a prompt injection in a lead's notes exposed another rep's account notes) "
            + "and never resolved: critical-incident fires from then on, at the end of the simulation too, and the "
            + "phase's critical_incidents metric is missed.",
        _ => throw new ArgumentException($"unknown scenario '{name}'", nameof(name)),
    };

    /// <summary>The name itself when it is a scenario; otherwise an <see cref="ArgumentException"/> naming the valid ones.</summary>
    internal static string Check(string? name, string parameter = "name") =>
        name is not null && All.Contains(name, StringComparer.Ordinal)
            ? name
            : throw new ArgumentException($"unknown scenario '{name}': use one of {string.Join(", ", All)}", parameter);
}
