using Rollgate.Core.Access;
using Rollgate.Core.Metrics;

namespace Rollgate.Core.Plans;

/// <summary>A rollout plan as a machine acts on it (SPEC 1). Built only by <see cref="PlanLoader"/>, which checks it whole.</summary>
public sealed record RolloutPlan(
    string Name,
    string SourcePath,
    TimeZoneInfo TimeZone,
    UserDirectory Users,
    IReadOnlyList<string> Tasks,
    IReadOnlyList<string> Roles,
    BaselineWindow Baseline,
    IReadOnlyDictionary<MetricKind, int> MinimumSamples,
    PreLaunch PreLaunch,
    IReadOnlyList<Phase> Phases,
    RollbackPolicy Rollback,
    ExperimentPolicy Experiments,
    RetentionPolicy Retention)
{
    public Phase? FindPhase(string id) => Phases.FirstOrDefault(p => p.Id == id);

    public Phase? PreviousPhase(Phase phase)
    {
        var i = IndexOf(phase);
        return i > 0 ? Phases[i - 1] : null;
    }

    public Phase? NextPhase(Phase phase)
    {
        var i = IndexOf(phase);
        return i >= 0 && i + 1 < Phases.Count ? Phases[i + 1] : null;
    }

    public int MinimumSample(MetricKind metric) => MinimumSamples.TryGetValue(metric, out var n) ? n : MetricCatalog.DefaultMinimumSample(metric);

    private int IndexOf(Phase phase)
    {
        for (var i = 0; i < Phases.Count; i++)
        {
            if (Phases[i].Id == phase.Id)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>The local dates <c>[From, To)</c> whose lead responses are the baseline for response-time improvement.</summary>
public sealed record BaselineWindow(DateOnly From, DateOnly To);

public sealed record Phase(
    string Id,
    string Name,
    Cohort Cohort,
    TimeSpan? Duration,
    IReadOnlyList<string> Tasks,
    Availability Availability,
    RateLimits RateLimits,
    IReadOnlyList<SuccessMetric> Metrics,
    GoNoGo GoNoGo,
    IReadOnlyList<string> Goals,
    IReadOnlyList<string> Monitoring)
{
    /// <summary>Whether the phase enables <paramref name="task"/>, compared ordinally.</summary>
    /// <remarks>A loop rather than LINQ's <c>Contains</c>: asked on every access decision, of a list of two or three.</remarks>
    public bool IsEnabled(string task)
    {
        for (var i = 0; i < Tasks.Count; i++)
        {
            if (string.Equals(Tasks[i], task))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Who a phase serves: the roles it admits, and the head count the plan expects.</summary>
public sealed record Cohort(IReadOnlyList<string> Roles, int? MinSize, int? MaxSize, string? Description)
{
    /// <summary>Whether the cohort admits <paramref name="role"/>, compared ordinally; a loop for the same reason as <see cref="Phase.IsEnabled"/>.</summary>
    public bool Admits(string role)
    {
        for (var i = 0; i < Roles.Count; i++)
        {
            if (string.Equals(Roles[i], role))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Per-user hourly limits; outside <see cref="PeakHours"/> the off-hours limit applies (when set).</summary>
public sealed record RateLimits(int? PerUserPerHour, int? OffHoursPerUserPerHour, Availability? PeakHours)
{
    public static readonly RateLimits None = new(null, null, null);
}

/// <summary>A success metric of a phase: the metric, its bound, and whom it counts.</summary>
public sealed record SuccessMetric(
    MetricKind Metric,
    double Target,
    Direction Direction,
    IReadOnlyList<string>? Population,
    TimeSpan? Window,
    string? Label)
{
    public bool IsMet(double value) => Direction == Direction.Min ? value >= Target : value <= Target;

    /// <summary>How far a value misses the target, relative to it (SPEC 3); 0 when met.</summary>
    public double Shortfall(double value)
    {
        if (IsMet(value))
        {
            return 0;
        }

        if (Target == 0)
        {
            return 1;
        }

        // Rounded to 12 decimals so that a miss of exactly the margin in decimal (0.64 against 0.80 is 20%)
        // compares equal to the margin instead of a hair above it in binary floating point.
        var shortfall = Direction == Direction.Min ? (Target - value) / Target : (value - Target) / Target;
        return Math.Round(shortfall, 12);
    }
}

/// <summary><c>Min</c>: the target is a floor (higher is better); <c>Max</c>: a ceiling (lower is better).</summary>
public enum Direction { Min, Max }

/// <summary>
/// The phase's go/no-go rule. <c>SustainFor</c>, when set, asks that the gate say <c>go</c> at weekly checks
/// covering that span (the seed's "all success metrics sustained for 4 weeks").
/// </summary>
public sealed record GoNoGo(TimeSpan? After, double NoGoMargin, GateAction OnGo, GateAction OnNoGo, GateAction OnHold, GateAction OnInsufficientData, TimeSpan? SustainFor = null);

/// <summary>What a gate decision tells people to do: <c>advance</c>, <c>extend</c>, ... with its details.</summary>
public sealed record GateAction(string Action, string? To, TimeSpan? By, TimeSpan? ByMax, string? Note)
{
    public string Describe()
    {
        var text = Action;
        if (To is not null)
        {
            text += " to " + To;
        }

        if (By is { } by)
        {
            text += " by " + Time.Durations.Format(by) + (ByMax is { } max ? " to " + Time.Durations.Format(max) : "");
        }

        return Note is null ? text : $"{text}: {Note}";
    }
}

public sealed record PreLaunch(TimeSpan? Duration, IReadOnlyList<ChecklistItem> Checklist, string ExitCriteria, string? SignOffRole);

/// <summary>An item of the pre-launch checklist: proven by evidence the system holds, or by a named sign-off.</summary>
public sealed record ChecklistItem(string Id, string Text, string? Evidence, double? Threshold, string? SignOffRole);

public sealed record RetentionPolicy(TimeSpan? RunPayloads);

public sealed record ExperimentPolicy(
    IReadOnlyList<string> Phases,
    double Split,
    TimeSpan MinDuration,
    int MinRunsPerVariant,
    double AutoDisableErrorRatio,
    int AutoDisableMinRuns,
    double AutoDisableP,
    double SrmP);
