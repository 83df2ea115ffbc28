using System.Text;
using System.Text.Json.Nodes;
using Rollgate.Agents.Agents.RiskAnalysis;
using Rollgate.Agents.Crm;
using Rollgate.Agents.Engines;
using Rollgate.Agents.Safety;
using Rollgate.Core.Text;
using static Rollgate.Agents.Agents.CrmFacts;

namespace Rollgate.Agents.Agents.FollowUp;

/// <summary>A next action for a person to take, and why.</summary>
public sealed record FollowUpAction(string Action, string Reason);

/// <summary>Whom the follow-up is for; <see cref="Name"/> is null when the record names no person.</summary>
public sealed record Recipient(string Record, string Id, string? Name, string? Title, string? Email, string? Phone, string? Company)
{
    public string Label => Name ?? Company ?? Id;
}

public sealed record FollowUpFacts(
    DateOnly AsOf,
    Recipient To,
    string Channel,
    string Topic,
    IReadOnlyList<FollowUpAction> Actions,
    IReadOnlyList<string> Context,
    IReadOnlyList<Citation> Sources) : AgentFacts(AgentTasks.FollowUp, AsOf)
{
    public override IReadOnlyDictionary<string, string> WordFields => Channel == "email"
        ? new Dictionary<string, string>
        {
            ["subject"] = "A short email subject line.",
            ["body"] = "A short email (under 150 words) from the rep to the recipient, greeting them by first name, about the topic and the first action. No contact details, prices or dates that are not in the facts; never say anything was already sent, booked or changed.",
        }
        : new Dictionary<string, string>
        {
            ["script"] = "A short call script (opening, two questions, close) for the rep, about the topic and the first action. Never say anything was already sent, booked or changed.",
        };

    public override JsonObject ToJson() => new()
    {
        ["as_of"] = Day(AsOf),
        ["recipient"] = new JsonObject { ["name"] = To.Name, ["title"] = To.Title, ["company"] = To.Company, ["email"] = To.Email, ["phone"] = To.Phone },
        ["channel"] = Channel,
        ["topic"] = Topic,
        ["actions"] = new JsonArray([.. Actions.Select(a => (JsonNode)new JsonObject { ["action"] = a.Action, ["reason"] = a.Reason })]),
        ["context"] = new JsonArray([.. Context.Select(c => (JsonNode)c)]),
    };
}

/// <summary>Follow-up suggestions: one to three actions with reasons, and a draft for a person to send.</summary>
public sealed record FollowUpPlan(FollowUpFacts Facts, string? Subject, string Draft)
    : AgentAnswer(AgentTasks.FollowUp, Facts.AsOf, Facts.Sources)
{
    public override string Render()
    {
        var f = Facts;
        var sb = ThreadBuffers.TakeBuilder();
        sb.Append("Follow-up for ").Append(f.To.Label);
        if (f.To.Company is not null)
        {
            sb.Append(" (").Append(f.To.Company).Append(')');
        }

        sb.Append('\n').Append("Next actions:\n");
        for (var i = 0; i < f.Actions.Count; i++)
        {
            sb.Append(i + 1).Append(". ").Append(f.Actions[i].Action).Append(" — why: ").Append(f.Actions[i].Reason).Append('\n');
        }

        sb.Append(f.Channel == "email" ? "Draft email (review and send it yourself):\n" : "Call script (for you to use):\n");
        if (Subject is not null)
        {
            sb.Append("Subject: ").Append(Subject.Trim()).Append('\n');
        }

        sb.Append(Draft.Trim()).Append('\n');
        AppendFooter(sb);
        return ThreadBuffers.ToStringAndGiveBack(sb);
    }
}

public sealed class FollowUpAgent(AgentOptions options) : IAgent
{
    public string Task => AgentTasks.FollowUp;

    public Abstention? Check(AgentInput input)
    {
        if (input.Lead is null && input.Opportunity is null && input.ContactList.Count == 0)
        {
            return new Abstention("nothing_to_follow_up", "I can't suggest a follow-up: there is no lead, contact or opportunity in the data.");
        }

        if (input.Lead is { DoNotContact: true } lead)
        {
            return new Abstention("do_not_contact", $"I won't draft a follow-up: {lead.Name ?? lead.Id} is marked do-not-contact.");
        }

        if (input.Lead is null && Choose(input) is null)
        {
            var names = string.Join(", ", Candidates(input).Select(c => c.Name ?? c.Id));
            return names.Length == 0
                ? new Abstention("nothing_to_follow_up", "I can't suggest a follow-up: the opportunity has no contact to write to.")
                : new Abstention("do_not_contact", $"I won't draft a follow-up: every contact on this deal ({names}) is marked do-not-contact.");
        }

        return null;
    }

    public AgentFacts Extract(AgentInput input)
    {
        var sources = new List<Citation>();
        Recipient to;
        if (input.Lead is { } lead)
        {
            to = new Recipient("lead", lead.Id, string.IsNullOrWhiteSpace(lead.Name) ? null : lead.Name, lead.Title, lead.Email, lead.Phone, lead.Company ?? input.Account?.Name);
            sources.Add(new Citation("lead", lead.Id, "do_not_contact"));
        }
        else
        {
            var c = Choose(input)!;
            to = new Recipient("contact", c.Id, string.IsNullOrWhiteSpace(c.Name) ? null : c.Name, c.Title, c.Email, c.Phone, input.Account?.Name);
            sources.Add(new Citation("contact", c.Id, "do_not_contact"));
        }

        var past = Past(input);
        var planned = Planned(input);
        var actions = new List<FollowUpAction>();
        var context = new List<string>();

        if (planned.FirstOrDefault() is { } next)
        {
            actions.Add(new FollowUpAction($"Prepare for the {next.Type ?? "activity"} on {Day(next.Ts)}{(next.Subject is null || LooksLikeInstruction(next.Subject) ? "" : $" (\"{next.Subject}\")")}",
                "it is already planned; confirm the agenda with them beforehand"));
            sources.Add(new Citation("activity", next.Id, "scheduled"));
        }

        var lastInbound = past.FirstOrDefault(ExpectsReply);
        var lastOutbound = past.FirstOrDefault(a => a.Direction == "outbound");
        if (lastInbound is not null && (lastOutbound is null || lastOutbound.Ts < lastInbound.Ts))
        {
            actions.Add(new FollowUpAction($"Answer their {lastInbound.Type ?? "message"} of {Day(lastInbound.Ts)}",
                "it has had no reply yet"));
            sources.Add(new Citation("activity", lastInbound.Id, "direction"));
        }

        if (input.Opportunity is { } opp && opp.IsOpen && opp.Stage is not null && opp.CloseDate is not null)
        {
            var factors = RiskRules.Find(input, opp, options);
            foreach (var f in factors.Where(f => f.Code is RiskFactors.NoEconomicBuyer or RiskFactors.CloseDatePassed or RiskFactors.CompetitorMentioned or RiskFactors.NoNextStep))
            {
                actions.Add(new FollowUpAction(f.Recommendation.TrimEnd('.'), f.Evidence));
                sources.AddRange(f.Citations);
            }

            context.Add($"opportunity {opp.Name ?? opp.Id} in stage {opp.Stage}, closing {Day(opp.CloseDate.Value)}");
        }

        if (past.Count > 0)
        {
            var days = DaysBetween(DateOf(past[0]), input.AsOf);
            context.Add($"last touch {days} days ago: {past[0].Type}{(past[0].Subject is null || LooksLikeInstruction(past[0].Subject!) ? "" : $" \"{past[0].Subject}\"")}");
            if (days > options.CheckInAfterDays)
            {
                actions.Add(new FollowUpAction("Check in with a short note that offers something useful", $"the last touch was {days} days ago"));
            }
        }
        else
        {
            actions.Add(new FollowUpAction("Send a first, tailored introduction", "there has been no touch yet"));
        }

        // A healthy, recently touched deal or lead still gets one action: a follow-up is one to three actions.
        if (actions.Count == 0)
        {
            actions.Add(input.Opportunity is { NextStep: { } step } && !string.IsNullOrWhiteSpace(step) && !LooksLikeInstruction(step)
                ? new FollowUpAction($"Confirm the agreed plan with them: \"{step.Trim()}\"", "it is the next step recorded on the opportunity")
                : new FollowUpAction("Send a short note that offers something useful", "the conversation is current; keep it moving"));
        }

        var topic = TopicOf(input, past);
        context.Add($"topic: {topic}");
        var channel = to.Email is not null || to.Phone is null ? "email" : "call";
        if (channel == "email" && to.Email is null)
        {
            context.Add("no email address on record: look it up before sending");
        }

        return new FollowUpFacts(input.AsOf, to, channel, topic, [.. actions.DistinctBy(a => a.Action).Take(options.MaxFollowUpActions)], context, sources);
    }

    public AgentAnswer Compose(AgentFacts facts, EngineResult words)
    {
        var f = (FollowUpFacts)facts;
        return f.Channel == "email"
            ? new FollowUpPlan(f, words.Word("subject"), words.Word("body"))
            : new FollowUpPlan(f, null, words.Word("script"));
    }

    /// <summary>Whom to write to on a deal: its champion, else its buyer, else anyone on it, never one marked do-not-contact.</summary>
    private static Contact? Choose(AgentInput input)
    {
        string[] order = ["champion", "economic_buyer", "decision_maker", "influencer", "user"];
        return Candidates(input).Where(c => !c.DoNotContact)
            .OrderBy(c => c.Role is { } role && Array.IndexOf(order, role) is var i and >= 0 ? i : order.Length)
            .FirstOrDefault();
    }

    private static IReadOnlyList<Contact> Candidates(AgentInput input) =>
        input.Opportunity is { } opp ? RiskRules.ContactsOn(input, opp) : input.ContactList;

    private static string TopicOf(AgentInput input, List<Activity> past)
    {
        if (input.Opportunity is { Name: { } name })
        {
            return name;
        }

        // The topic is written unquoted into the draft, so a subject that would read as the agent's own claim
        // ("We have sent the contract") is not used as one.
        var subject = past.Select(a => a.Subject).FirstOrDefault(s => s is not null && !LooksLikeInstruction(s) && SafetyChecks.Check(s, input).Count == 0);
        return subject ?? input.Lead?.Source ?? "their interest in the platform";
    }
}
