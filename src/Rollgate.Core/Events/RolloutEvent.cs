namespace Rollgate.Core.Events;

/// <summary>Something that happened in a rollout. Every number Rollgate reports is computed from these.</summary>
public abstract record RolloutEvent(DateTimeOffset Ts)
{
    /// <summary>The <c>type</c> member of the event's JSON form.</summary>
    public abstract string Type { get; }
}

public sealed record PhaseStarted(DateTimeOffset Ts, string Phase, string By, string? Reason = null) : RolloutEvent(Ts)
{
    public override string Type => EventTypes.PhaseStarted;
}

public sealed record Rollback(DateTimeOffset Ts, string Trigger, string? By = null, string? Reason = null) : RolloutEvent(Ts)
{
    public override string Type => EventTypes.Rollback;
}

/// <summary>
/// An agent run. Besides SPEC 2's fields it may say which engine and model wrote it and the tokens it used
/// (<c>engine</c>, <c>model</c>, <c>input_tokens</c>, <c>output_tokens</c>), extra fields other tools keep as they are.
/// </summary>
public sealed record Run(
    DateTimeOffset Ts,
    string Id,
    string User,
    string Task,
    RunOutcome Outcome,
    double? LatencyMs = null,
    string? Experiment = null,
    Variant? Variant = null,
    string? Engine = null,
    string? Model = null,
    long? InputTokens = null,
    long? OutputTokens = null) : RolloutEvent(Ts)
{
    public override string Type => EventTypes.Run;
}

public sealed record Feedback(DateTimeOffset Ts, string Run, string User, int Rating, double? MinutesSaved = null, string? Comment = null) : RolloutEvent(Ts)
{
    public override string Type => EventTypes.Feedback;
}

public sealed record Review(DateTimeOffset Ts, string Run, string Reviewer, bool Correct, string? Notes = null) : RolloutEvent(Ts)
{
    public override string Type => EventTypes.Review;
}

public sealed record Incident(DateTimeOffset Ts, string Id, Severity Severity, IncidentCategory Category, string? Title = null) : RolloutEvent(Ts)
{
    public override string Type => EventTypes.Incident;
}

public sealed record IncidentResolved(DateTimeOffset Ts, string Id) : RolloutEvent(Ts)
{
    public override string Type => EventTypes.IncidentResolved;
}

public sealed record Bug(DateTimeOffset Ts, string Id, BugPriority Priority, string? Title = null) : RolloutEvent(Ts)
{
    public override string Type => EventTypes.Bug;
}

public sealed record BugResolved(DateTimeOffset Ts, string Id) : RolloutEvent(Ts)
{
    public override string Type => EventTypes.BugResolved;
}

public sealed record LeadResponse(DateTimeOffset Ts, string Lead, string User, DateTimeOffset Created, DateTimeOffset Responded) : RolloutEvent(Ts)
{
    public override string Type => EventTypes.LeadResponse;
}

public sealed record Directive(DateTimeOffset Ts, string By, string Action, string? Reason = null) : RolloutEvent(Ts)
{
    public override string Type => EventTypes.Directive;
}

public static class EventTypes
{
    public const string PhaseStarted = "phase_started";
    public const string Rollback = "rollback";
    public const string Run = "run";
    public const string Feedback = "feedback";
    public const string Review = "review";
    public const string Incident = "incident";
    public const string IncidentResolved = "incident_resolved";
    public const string Bug = "bug";
    public const string BugResolved = "bug_resolved";
    public const string LeadResponse = "lead_response";
    public const string Directive = "directive";

    public static readonly IReadOnlyList<string> All =
    [
        PhaseStarted, Rollback, Run, Feedback, Review, Incident, IncidentResolved, Bug, BugResolved, LeadResponse, Directive,
    ];
}

public enum RunOutcome { Completed, Abstained, Error }

public enum Variant { Control, Treatment }

public enum Severity { Critical, High, Medium, Low }

public enum IncidentCategory { Security, Privacy, Quality, Availability, Other }

public enum BugPriority { P0, P1, P2, P3 }

/// <summary>The lower-case wire names of the event enums.</summary>
public static class WireNames
{
    public static string Of(RunOutcome o) => o switch
    {
        RunOutcome.Completed => "completed",
        RunOutcome.Abstained => "abstained",
        _ => "error",
    };

    public static string Of(Variant v) => v == Variant.Control ? "control" : "treatment";

    public static string Of(Severity s) => s switch
    {
        Severity.Critical => "critical",
        Severity.High => "high",
        Severity.Medium => "medium",
        _ => "low",
    };

    public static string Of(IncidentCategory c) => c switch
    {
        IncidentCategory.Security => "security",
        IncidentCategory.Privacy => "privacy",
        IncidentCategory.Quality => "quality",
        IncidentCategory.Availability => "availability",
        _ => "other",
    };

    public static string Of(BugPriority p) => p switch
    {
        BugPriority.P0 => "p0",
        BugPriority.P1 => "p1",
        BugPriority.P2 => "p2",
        _ => "p3",
    };

    public static bool TryParse(string s, out RunOutcome value) => TryParseEnum(s, ["completed", "abstained", "error"], out value);

    public static bool TryParse(string s, out Variant value) => TryParseEnum(s, ["control", "treatment"], out value);

    public static bool TryParse(string s, out Severity value) => TryParseEnum(s, ["critical", "high", "medium", "low"], out value);

    public static bool TryParse(string s, out IncidentCategory value) =>
        TryParseEnum(s, ["security", "privacy", "quality", "availability", "other"], out value);

    public static bool TryParse(string s, out BugPriority value) => TryParseEnum(s, ["p0", "p1", "p2", "p3"], out value);

    private static bool TryParseEnum<T>(string s, string[] names, out T value) where T : struct, Enum
    {
        var i = Array.IndexOf(names, s);
        value = i >= 0 ? (T)(object)i : default;
        return i >= 0;
    }
}
