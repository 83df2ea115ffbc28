using Rollgate.Core.Events;

namespace Rollgate.Core.Plans;

public sealed record RollbackPolicy(IReadOnlyList<TriggerRule> Triggers, IReadOnlyList<PlaybookStep> Playbook);

/// <summary><c>rollback</c> turns the agents off; <c>partial-rollback</c> goes back to the previous phase.</summary>
public enum TriggerKind { Rollback, PartialRollback }

public static class TriggerKinds
{
    public static string Of(TriggerKind kind) => kind == TriggerKind.Rollback ? "rollback" : "partial-rollback";
}

/// <summary>For a partial rollback: do it at once, or only propose it to sales ops.</summary>
public enum TriggerMode { Automatic, Propose }

/// <summary>A rollback trigger of the plan: an id, its kind, and the rule that fires it with the rule's parameters.</summary>
public abstract record TriggerRule(string Id, TriggerKind Kind, TriggerMode Mode, string? Description);

/// <summary>Error rate above a threshold over a sliding window, at every minute for a sustained period.</summary>
public sealed record ErrorRateSustainedRule(string Id, TriggerKind Kind, TriggerMode Mode, string? Description,
    double Threshold, TimeSpan Window, TimeSpan For, int MinRuns)
    : TriggerRule(Id, Kind, Mode, Description);

/// <summary>An incident of the given severities and categories is open.</summary>
public sealed record OpenIncidentRule(string Id, TriggerKind Kind, TriggerMode Mode, string? Description,
    IReadOnlyList<Severity> Severities, IReadOnlyList<IncidentCategory> Categories)
    : TriggerRule(Id, Kind, Mode, Description);

/// <summary>The daily mean rating stayed below a threshold on the last N service days.</summary>
public sealed record SatisfactionLowRule(string Id, TriggerKind Kind, TriggerMode Mode, string? Description,
    double Threshold, int Days)
    : TriggerRule(Id, Kind, Mode, Description);

/// <summary>An executive directive to roll back since the current phase started.</summary>
public sealed record DirectiveRule(string Id, TriggerKind Kind, TriggerMode Mode, string? Description)
    : TriggerRule(Id, Kind, Mode, Description);

/// <summary>A success metric of the current phase, over a trailing window, misses its target by more than a margin.</summary>
public sealed record MetricsMissedRule(string Id, TriggerKind Kind, TriggerMode Mode, string? Description,
    double Margin, TimeSpan Window)
    : TriggerRule(Id, Kind, Mode, Description);

/// <summary>More than <c>Max</c> incidents (of any severity) opened in a trailing window.</summary>
public sealed record IncidentRateRule(string Id, TriggerKind Kind, TriggerMode Mode, string? Description,
    int Max, TimeSpan Window)
    : TriggerRule(Id, Kind, Mode, Description);

/// <summary>More than <c>Max</c> bugs of a priority open at once.</summary>
public sealed record OpenBugsRule(string Id, TriggerKind Kind, TriggerMode Mode, string? Description,
    BugPriority Priority, int Max)
    : TriggerRule(Id, Kind, Mode, Description);

/// <summary>A step of the rollback playbook, in the plan's order; <c>Due</c> counts from the rollback.</summary>
public sealed record PlaybookStep(string Step, string Text, TimeSpan? Due, IReadOnlyList<string> Channels);
