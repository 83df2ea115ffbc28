using System.Text;
using Rollgate.Core.Time;

namespace Rollgate.Agents.Agents;

/// <summary>The three agent tasks (SPEC 1's task ids).</summary>
public static class AgentTasks
{
    public const string LeadSummary = "lead_summary";
    public const string FollowUp = "follow_up";
    public const string RiskAnalysis = "risk_analysis";

    public static readonly IReadOnlyList<string> All = [LeadSummary, FollowUp, RiskAnalysis];
}

/// <summary>Which record and field a statement rests on, so a person can check it.</summary>
public sealed record Citation(string Record, string Id, string Field)
{
    public override string ToString() => $"{Record} {Id}.{Field}";

    /// <summary>Appends the text of <see cref="ToString"/> without making it.</summary>
    public StringBuilder AppendTo(StringBuilder sb) => sb.Append(Record).Append(' ').Append(Id).Append('.').Append(Field);

    /// <summary>Writes the text of <see cref="ToString"/> into <paramref name="destination"/>, when it fits.</summary>
    public bool TryFormat(Span<char> destination, out int written)
    {
        if (destination.TryWrite($"{Record} {Id}.{Field}", out written))
        {
            return true;
        }

        written = 0;
        return false;
    }
}

/// <summary>An agent declining to answer: a stable reason code and a sentence for the person who asked.</summary>
public sealed record Abstention(string Code, string Sentence);

/// <summary>What the engine wrote, and what writing it cost.</summary>
public sealed record EngineUsage(string Engine, string? Model, long? InputTokens, long? OutputTokens, double LatencyMs)
{
    public static EngineUsage Builtin(double latencyMs) => new("builtin", null, null, null, latencyMs);
}

/// <summary>A typed answer: the facts (from rules over the records) and the words (from the engine), citing its sources.</summary>
public abstract record AgentAnswer(string Task, DateOnly DataAsOf, IReadOnlyList<Citation> Citations)
{
    /// <summary>The whole answer as a person reads it.</summary>
    public abstract string Render();

    /// <summary>
    /// Whether the citation at <paramref name="index"/> is cited earlier in the list: what is cited is listed once, where
    /// first cited. An answer cites a handful of records, so looking back costs less than a set.
    /// </summary>
    public bool CitedBefore(int index)
    {
        var c = Citations[index];
        for (var i = 0; i < index; i++)
        {
            if (Citations[i].Equals(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Ends a rendered answer: its data's date and the records it cites, each once, in the order first cited.</summary>
    protected void AppendFooter(StringBuilder sb)
    {
        sb.Append("Data as of ").Append(Rfc3339.FormatDate(DataAsOf)).Append('.');
        if (Citations.Count > 0)
        {
            sb.Append(" Sources: ");
            for (var i = 0; i < Citations.Count; i++)
            {
                if (!CitedBefore(i))
                {
                    Citations[i].AppendTo(i == 0 ? sb : sb.Append(", "));
                }
            }

            sb.Append('.');
        }
    }
}

public enum OutcomeKind { Answered, Abstained, Error }

/// <summary>The result of one run: an answer, an abstention, or an error (never shown as an answer).</summary>
public sealed record AgentOutcome(string Task, OutcomeKind Kind, AgentAnswer? Answer, Abstention? Abstention, string? Error, EngineUsage? Usage)
{
    /// <param name="answer">The answer.</param>
    /// <param name="usage">What writing it cost.</param>
    /// <param name="text">The answer as rendered, when the caller already has it (the safety checks read it first).</param>
    public static AgentOutcome Answered(AgentAnswer answer, EngineUsage usage, string? text = null) =>
        new(answer.Task, OutcomeKind.Answered, answer, null, null, usage) { Rendered = text is null ? null : (answer, text) };

    public static AgentOutcome Abstained(string task, Abstention abstention) => new(task, OutcomeKind.Abstained, null, abstention, null, null);

    public static AgentOutcome Failed(string task, string error, EngineUsage? usage = null) => new(task, OutcomeKind.Error, null, null, error, usage);

    /// <summary>The run event's outcome: completed, abstained or error.</summary>
    public string RunOutcome => Kind switch
    {
        OutcomeKind.Answered => "completed",
        OutcomeKind.Abstained => "abstained",
        _ => "error",
    };

    // The answer's text as rendered when the outcome was made, with the answer it was rendered from: a copy made
    // with another answer renders that one.
    private (AgentAnswer From, string Text)? Rendered { get; init; }

    /// <summary>What a person is shown: the answer, the abstention's sentence, or that the run failed.</summary>
    public string Text => Kind switch
    {
        OutcomeKind.Answered => Rendered is { } r && ReferenceEquals(r.From, Answer) ? r.Text : Answer!.Render(),
        OutcomeKind.Abstained => Abstention!.Sentence,
        _ => $"The agent could not produce a safe answer ({Error}).",
    };
}

/// <summary>
/// The thresholds the agents work by. Defaults follow SPEC 7; an experiment may vary them (a variant is a set of
/// options), so none is hard-coded in the rules.
/// </summary>
public sealed record AgentOptions
{
    public static readonly AgentOptions Default = new();

    /// <summary>An activity within this many days before as_of is recent (SPEC 7: 14).</summary>
    public int RecentActivityDays { get; init; } = 14;

    /// <summary>How many times a close date must have moved later to be a risk (SPEC 7: 2).</summary>
    public int CloseDatePushes { get; init; } = 2;

    /// <summary>More than this many days in one stage is stalled (SPEC 7: 45).</summary>
    public int StalledStageDays { get; init; } = 45;

    /// <summary>The window for multi-threading and competitor mentions (SPEC 7: 30 days).</summary>
    public int EngagementWindowDays { get; init; } = 30;

    /// <summary>This many factors or more make a deal high risk (SPEC 7: 3).</summary>
    public int HighRiskFactors { get; init; } = 3;

    /// <summary>A lead summary needs at least this many activities when the lead has neither name nor company (SPEC 7: 1).</summary>
    public int MinActivitiesWithoutIdentity { get; init; } = 1;

    /// <summary>Days without a touch after which a follow-up suggests checking in.</summary>
    public int CheckInAfterDays { get; init; } = 7;

    /// <summary>At most this many follow-up actions (the issue: one to three).</summary>
    public int MaxFollowUpActions { get; init; } = 3;

    /// <summary>Companies at least this large (employees) fit the ideal customer profile.</summary>
    public int FitEmployees { get; init; } = 500;

    /// <summary>Industries the product fits best.</summary>
    public IReadOnlyList<string> FitIndustries { get; init; } =
        ["Software", "Financial Services", "Healthcare", "Retail", "Manufacturing", "Media", "Telecommunications", "Technology"];
}
