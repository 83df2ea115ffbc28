using Rollgate.Core.Events;
using Rollgate.Core.Plans;

namespace Rollgate.Core.Simulation;

/// <summary>
/// How much and how well people use the agents in a healthy rollout: the numbers the simulator's stories start from.
/// </summary>
/// <remarks>
/// Volumes: a few runs a day each while the pilot and sdr phases are being judged, and heavy everyday use once
/// the agents are open to everybody. The last phase's rates (75 a weekday, 23 a weekend day, less absences) give
/// about 60 runs per person per day averaged over the week: for the example's 94 people, about 5,700 runs a day
/// and 2.1 million a year.
/// </remarks>
internal static class UsageProfile
{
    public const double Absence = 0.04;
    public const double FeedbackRate = 0.35;
    public const double SlumpFeedbackRate = 0.6;
    public const double ReviewRate = 0.10;

    /// <summary>The first phase is reviewed much more closely ("review all agent runs" daily, in the seed).</summary>
    public const double FirstPhaseReviewRate = 0.25;

    public const double ErrorRate = 0.012;

    /// <summary>
    /// In the error spike one of the agent's four model replicas is broken and the load balancer sends it every
    /// fourth request: a quarter of the runs fail, evenly, so that any 15 minutes with 10 runs or more is above 10%.
    /// </summary>
    public const int SpikeReplicas = 4;

    public const int SpikeRunsPerHour = 20;
    public static readonly TimeSpan SpikeLength = TimeSpan.FromHours(2);

    /// <summary>Hours saved per person per week the minutes people report add up to: within the full phase's 2–3 h.</summary>
    public const double TargetHoursSavedPerWeek = 2.5;

    public const double LeadsPerSdrDay = 3;
    public const double LeadsPerSalesOpsDay = 0.3;
    public const double BaselineResponseMinutes = 240;
    public const double ResponseSigma = 0.9;

    /// <summary>With the agent drafting, the median response takes 30% less time.</summary>
    public const double ResponseFactorWithAgent = 0.70;

    /// <summary>Relative use by local hour, Monday to Friday: mostly 08:00–18:00, with about 7% outside it.</summary>
    public static readonly double[] WeekdayHours =
    [
        0.10, 0.05, 0.05, 0.05, 0.05, 0.10, 0.30, 1.00, 4.00, 7.00, 8.00, 7.50,
        4.50, 6.50, 7.50, 7.00, 6.00, 3.50, 1.20, 0.70, 0.40, 0.30, 0.20, 0.15,
    ];

    public static readonly double[] WeekendHours =
    [
        0.10, 0.05, 0.05, 0.05, 0.05, 0.05, 0.10, 0.30, 1.00, 2.00, 2.50, 2.50,
        2.00, 2.00, 2.50, 2.50, 2.00, 1.50, 1.00, 1.00, 0.80, 0.60, 0.40, 0.20,
    ];

    /// <summary>Runs a person makes on a day the phase is open all day.</summary>
    public static double RunsPerDay(RolloutPlan plan, int phaseIndex, bool weekend)
    {
        var general = plan.Phases.Count > 1 && phaseIndex == plan.Phases.Count - 1;
        return (general, weekend, phaseIndex) switch
        {
            (true, false, _) => 75,
            (true, true, _) => 23,
            (false, true, _) => 2,
            (false, false, 0) => 7,
            _ => 7,
        };
    }

    /// <summary>Expected runs per person per week in a phase, for calibrating the minutes saved people report.</summary>
    public static double RunsPerWeek(RolloutPlan plan, int phaseIndex)
    {
        var availability = plan.Phases[phaseIndex].Availability;
        double runs = 0;
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            var weekend = day is DayOfWeek.Saturday or DayOfWeek.Sunday;
            if (availability.IsAlways || availability.Days.Contains(day))
            {
                runs += RunsPerDay(plan, phaseIndex, weekend) * (weekend ? 1 : 1 - Absence);
            }
        }

        return runs;
    }

    /// <summary>How often a role uses a task, relative to the others: SDRs work leads, AEs work deals.</summary>
    public static double TaskWeight(string role, string task) => (role, task) switch
    {
        ("sdr", "lead_summary") => 0.55,
        ("sdr", "follow_up") => 0.40,
        ("sdr", "risk_analysis") => 0.05,
        ("ae", "lead_summary") => 0.20,
        ("ae", "follow_up") => 0.40,
        ("ae", "risk_analysis") => 0.40,
        (_, "lead_summary") => 0.40,
        _ => 0.30,
    };

    public static double AbstainRate(string task) => task switch
    {
        "lead_summary" => 0.06,
        "follow_up" => 0.09,
        "risk_analysis" => 0.10,
        _ => 0.08,
    };

    /// <summary>The whole minutes a completed run of the task saves, <c>[Min, Max]</c>.</summary>
    public static (int Min, int Max) MinutesSaved(string task) => task switch
    {
        "lead_summary" => (2, 8),
        "follow_up" => (4, 12),
        "risk_analysis" => (6, 15),
        _ => (2, 10),
    };

    public static double LatencyMedianMs(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Completed => 1200,
        RunOutcome.Abstained => 900,
        _ => 3500,
    };

    /// <summary>Chance that a reviewer judges the run right: abstentions are harder to call.</summary>
    public static double CorrectRate(RunOutcome outcome) => outcome == RunOutcome.Completed ? 0.92 : 0.85;

    /// <summary>Cumulative rating distributions, ratings 1 to 5. Healthy overall mean about 4.2; in the slump about 2.2.</summary>
    public static IReadOnlyList<double> Ratings(RunOutcome outcome, bool slump) => (slump, outcome) switch
    {
        (true, _) => SlumpRatings,
        (false, RunOutcome.Completed) => CompletedRatings,
        (false, RunOutcome.Abstained) => AbstainedRatings,
        _ => ErrorRatings,
    };

    public static readonly string[] LowComments =
    [
        "Missed the context from the last call",
        "Too generic to send as is",
        "Got the account's details wrong",
        "Had to rewrite most of it",
    ];

    public static readonly string[] HighComments =
    [
        "Saved me a lot of digging",
        "Great first draft",
        "Spotted a risk I had missed",
    ];

    public static readonly (Severity Severity, IncidentCategory Category, string Title)[] RoutineIncidents =
    [
        (Severity.Low, IncidentCategory.Quality, "Summaries repeat the lead's title twice"),
        (Severity.Medium, IncidentCategory.Availability, "CRM sync lagging by 20 minutes"),
        (Severity.Low, IncidentCategory.Other, "Slack notifications arrive twice"),
        (Severity.Medium, IncidentCategory.Quality, "Follow-ups cite an outdated price list"),
        (Severity.Low, IncidentCategory.Availability, "Slow responses during the CRM maintenance window"),
        (Severity.Medium, IncidentCategory.Quality, "Risk analysis ignores pushed close dates in one region"),
    ];

    public static readonly (BugPriority Priority, string Title)[] RoutineBugs =
    [
        (BugPriority.P3, "Typo in the abstention message"),
        (BugPriority.P2, "Dashboard shows UTC instead of local time"),
        (BugPriority.P3, "Long company names are truncated in summaries"),
        (BugPriority.P2, "Follow-up drafts drop the contact's first name"),
        (BugPriority.P3, "Feedback form loses the comment on resubmit"),
        (BugPriority.P2, "Risk analysis lists a contact twice"),
    ];

    private static readonly double[] CompletedRatings = [0.02, 0.05, 0.14, 0.50, 1.00];
    private static readonly double[] AbstainedRatings = [0.05, 0.15, 0.40, 0.80, 1.00];
    private static readonly double[] ErrorRatings = [0.35, 0.70, 0.90, 0.98, 1.00];
    private static readonly double[] SlumpRatings = [0.30, 0.66, 0.88, 0.96, 1.00];
}
