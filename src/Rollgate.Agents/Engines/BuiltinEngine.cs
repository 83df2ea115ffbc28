using System.Diagnostics;
using Rollgate.Agents.Agents;
using Rollgate.Agents.Agents.FollowUp;
using Rollgate.Agents.Agents.LeadSummary;
using Rollgate.Agents.Agents.RiskAnalysis;
using Rollgate.Core.Text;
using static Rollgate.Agents.Agents.CrmFacts;

namespace Rollgate.Agents.Engines;

/// <summary>
/// Deterministic words from the facts, offline: the default engine, and the one the QA suite must pass at 100%.
/// It says nothing the facts do not hold, so it cannot invent a contact detail, an amount or an action taken.
/// </summary>
public sealed class BuiltinEngine : IAgentEngine
{
    public string Name => "builtin";

    public Task<EngineResult> WriteAsync(AgentFacts facts, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var words = facts switch
        {
            LeadFacts f => new Dictionary<string, string> { ["summary"] = Summary(f) },
            RiskFacts f => new Dictionary<string, string> { ["summary"] = Summary(f) },
            FollowUpFacts { Channel: "email" } f => new Dictionary<string, string> { ["subject"] = Subject(f), ["body"] = Email(f) },
            FollowUpFacts f => new Dictionary<string, string> { ["script"] = Script(f) },
            _ => throw new ArgumentException($"no words for {facts.Task}", nameof(facts)),
        };
        return Task.FromResult(new EngineResult(words, EngineUsage.Builtin(Stopwatch.GetElapsedTime(started).TotalMilliseconds)));
    }

    private static string Summary(LeadFacts f)
    {
        var sb = ThreadBuffers.TakeBuilder();
        sb.Append(f.Who);
        sb.Append(f.Source is null ? " is a lead whose source is not recorded" : $" came in through {f.Source}");
        sb.Append(f.Created is { } c ? $" on {Day(c)}. " : ". ");
        if (f.Company is not null && f.Fit != "unknown")
        {
            sb.Append(f.Company).Append(" is a ").Append(f.Fit).Append(" fit. ");
        }

        sb.Append(f.ActivityCount switch
        {
            0 => "There has been no engagement yet. ",
            1 => "There has been one touch so far",
            _ => $"There have been {f.ActivityCount} touches",
        });
        if (f.ActivityCount > 0)
        {
            sb.Append(f.LastTouch is { } last ? $", the latest on {Day(last.Date)} ({last.Type}). " : ". ");
        }

        sb.Append("Priority ").Append(f.Priority).Append('.');
        return ThreadBuffers.ToStringAndGiveBack(sb);
    }

    private static string Summary(RiskFacts f)
    {
        var sb = ThreadBuffers.TakeBuilder();
        sb.Append(f.Name).Append(" is ").Append(f.Level).Append(" risk");
        if (f.Factors.Count == 0)
        {
            sb.Append(": none of the risk factors applies as of ").Append(Day(f.AsOf)).Append('.');
            return ThreadBuffers.ToStringAndGiveBack(sb);
        }

        sb.Append(" with ").Append(f.Factors.Count).Append(f.Factors.Count == 1 ? " factor: " : " factors: ");
        sb.Append(string.Join(", ", f.Factors.Select(x => x.Code.Replace('_', ' ')))).Append(". ");
        sb.Append("Start with: ").Append(f.Factors[0].Recommendation);
        return ThreadBuffers.ToStringAndGiveBack(sb);
    }

    private static string Subject(FollowUpFacts f) => $"Following up: {f.Topic}";

    private static string Email(FollowUpFacts f)
    {
        var first = f.Actions[0];
        return $"""
            Hi {FirstName(f.To.Name)},

            I wanted to follow up on {f.Topic}. {Ask(first)}

            Would a short call this week work for you? Let me know what suits you best.

            Best regards,
            [your name]
            """;
    }

    private static string Script(FollowUpFacts f) => $"""
        Opening: "Hi {FirstName(f.To.Name)}, this is [your name] following up on {f.Topic}."
        Question 1: "What has changed on your side since we last spoke?"
        Question 2: "{Ask(f.Actions[0])}"
        Close: agree a dated next step and note it in the CRM.
        """;

    private static string Ask(FollowUpAction action) => action.Action switch
    {
        var a when a.StartsWith("Prepare for", StringComparison.Ordinal) => "Is there anything you would like us to cover when we meet?",
        var a when a.StartsWith("Answer their", StringComparison.Ordinal) => "Thank you for your message; I am happy to help with what you asked.",
        var a when a.Contains("introduce", StringComparison.Ordinal) => "Who else should be part of the conversation when it comes to signing off?",
        var a when a.Contains("close date", StringComparison.Ordinal) => "Could we confirm a realistic timeline together?",
        var a when a.Contains("comparison", StringComparison.Ordinal) => "What matters most to you as you compare options?",
        var a when a.Contains("next step", StringComparison.Ordinal) => "What would be a good next step from your side?",
        _ => "Is this still a priority for your team?",
    };
}
