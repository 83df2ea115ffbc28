using Rollgate.Agents.Crm;
using static Rollgate.Agents.Agents.CrmFacts;

namespace Rollgate.Agents.Agents.RiskAnalysis;

/// <summary>The risk factors of SPEC 7, exactly these; other observations are not factors.</summary>
public static class RiskFactors
{
    public const string NoRecentActivity = "no_recent_activity";
    public const string CloseDatePushed = "close_date_pushed";
    public const string CloseDatePassed = "close_date_passed";
    public const string StageStalled = "stage_stalled";
    public const string SingleThreaded = "single_threaded";
    public const string NoEconomicBuyer = "no_economic_buyer";
    public const string CompetitorMentioned = "competitor_mentioned";
    public const string NoNextStep = "no_next_step";

    public static readonly IReadOnlyList<string> All =
        [NoRecentActivity, CloseDatePushed, CloseDatePassed, StageStalled, SingleThreaded, NoEconomicBuyer, CompetitorMentioned, NoNextStep];
}

/// <summary>A factor found, with the evidence a person can check and what to do about it.</summary>
public sealed record RiskFactor(string Code, string Evidence, string Recommendation, IReadOnlyList<Citation> Citations);

/// <summary>Finds the risk factors of an open opportunity by SPEC 7's rules, with the thresholds of <see cref="AgentOptions"/>.</summary>
public static class RiskRules
{
    public static IReadOnlyList<RiskFactor> Find(AgentInput input, Opportunity opp, AgentOptions options)
    {
        var factors = new List<RiskFactor>();
        var asOf = input.AsOf;
        var past = Past(input);
        var onOpportunity = ContactsOn(input, opp);

        var recentFrom = asOf.AddDays(-options.RecentActivityDays);
        var last = past.FirstOrDefault();
        if (!past.Any(a => DateOf(a) >= recentFrom))
        {
            var evidence = last is null
                ? "no activity is recorded on this opportunity"
                : $"the last activity was {Article(last.Type ?? "touch")} on {Day(last.Ts)}, {DaysBetween(DateOf(last), asOf)} days before {Day(asOf)}";
            factors.Add(new RiskFactor(RiskFactors.NoRecentActivity, evidence,
                "Re-engage this week: a call with the main contact to confirm the deal is still live.",
                last is null ? [new Citation("opportunity", opp.Id, "activities")] : [new Citation("activity", last.Id, "ts")]));
        }

        var dates = opp.History.Append(opp.CloseDate!.Value).ToList();
        var pushes = Enumerable.Range(1, dates.Count - 1).Count(i => dates[i] > dates[i - 1]);
        if (pushes >= options.CloseDatePushes)
        {
            factors.Add(new RiskFactor(RiskFactors.CloseDatePushed,
                $"the close date moved later {pushes} times ({string.Join(" → ", dates.Select(Day))})",
                "Ask what changed each time and agree a close plan with dated steps the buyer commits to.",
                [new Citation("opportunity", opp.Id, "close_date_history"), new Citation("opportunity", opp.Id, "close_date")]));
        }

        if (opp.CloseDate < asOf)
        {
            factors.Add(new RiskFactor(RiskFactors.CloseDatePassed,
                $"the close date {Day(opp.CloseDate.Value)} passed {DaysBetween(opp.CloseDate.Value, asOf)} days ago and the deal is still open ({opp.Stage})",
                "Update the close date to one the buyer confirms, or close the opportunity out.",
                [new Citation("opportunity", opp.Id, "close_date")]));
        }

        if (opp.StageEntered is { } entered && DaysBetween(entered, asOf) > options.StalledStageDays)
        {
            factors.Add(new RiskFactor(RiskFactors.StageStalled,
                $"in stage {opp.Stage} since {Day(entered)}, {DaysBetween(entered, asOf)} days (more than {options.StalledStageDays})",
                "Identify what blocks the next stage and who can unblock it.",
                [new Citation("opportunity", opp.Id, "stage_entered")]));
        }

        var engagedFrom = asOf.AddDays(-options.EngagementWindowDays);
        var recent = past.Where(a => DateOf(a) >= engagedFrom).ToList();
        var ids = (opp.ContactIds.Count > 0 ? opp.ContactIds : onOpportunity.Select(c => c.Id)).ToHashSet(StringComparer.Ordinal);
        var engaged = recent.Where(a => a.Contact is not null && ids.Contains(a.Contact)).Select(a => a.Contact!).Distinct().ToList();
        if (engaged.Count <= 1)
        {
            var who = engaged.Count == 1 ? NameOf(input, engaged[0]) : "no contact";
            factors.Add(new RiskFactor(RiskFactors.SingleThreaded,
                $"{who} took part in the opportunity's activities of the last {options.EngagementWindowDays} days ({ids.Count} contact{(ids.Count == 1 ? "" : "s")} on the opportunity)",
                "Multi-thread: meet a second stakeholder, ideally the economic buyer.",
                [new Citation("opportunity", opp.Id, "contacts")]));
        }

        if (!onOpportunity.Any(c => c.Role is "economic_buyer" or "decision_maker"))
        {
            factors.Add(new RiskFactor(RiskFactors.NoEconomicBuyer,
                onOpportunity.Count == 0
                    ? "no contact is on the opportunity"
                    : $"none of its contacts ({string.Join(", ", onOpportunity.Select(c => $"{c.Name ?? c.Id}: {c.Role ?? "no role"}"))}) is an economic buyer or decision maker",
                "Ask the champion to introduce the person who signs.",
                [.. onOpportunity.Select(c => new Citation("contact", c.Id, "role")).DefaultIfEmpty(new Citation("opportunity", opp.Id, "contacts"))]));
        }

        foreach (var competitor in input.CompetitorList)
        {
            var mention = recent.FirstOrDefault(a => Names(a.Subject, competitor) || Names(a.Notes, competitor));
            if (mention is not null)
            {
                factors.Add(new RiskFactor(RiskFactors.CompetitorMentioned,
                    $"{competitor} was named in the {mention.Type ?? "activity"} \"{mention.Subject ?? mention.Id}\" on {Day(mention.Ts)}",
                    $"Prepare a comparison against {competitor} and ask what the buyer likes about it.",
                    [new Citation("activity", mention.Id, Names(mention.Subject, competitor) ? "subject" : "notes")]));
                break;
            }
        }

        var planned = Planned(input);
        if (string.IsNullOrWhiteSpace(opp.NextStep) && planned.Count == 0)
        {
            factors.Add(new RiskFactor(RiskFactors.NoNextStep,
                "no next step is recorded and nothing is scheduled",
                "Agree a dated next step with the buyer and put it in the CRM.",
                [new Citation("opportunity", opp.Id, "next_step")]));
        }

        return factors;
    }

    /// <summary>SPEC 7: high with 3 or more factors or a passed close date, medium with 1 or 2, low with none.</summary>
    public static string Level(IReadOnlyList<RiskFactor> factors, AgentOptions options) =>
        factors.Count >= options.HighRiskFactors || factors.Any(f => f.Code == RiskFactors.CloseDatePassed) ? "high"
        : factors.Count > 0 ? "medium"
        : "low";

    /// <summary>The opportunity's contacts: those it names, else (when it names none) every contact given.</summary>
    public static IReadOnlyList<Contact> ContactsOn(AgentInput input, Opportunity opp)
    {
        if (opp.ContactIds.Count == 0)
        {
            return input.ContactList;
        }

        var ids = opp.ContactIds.ToHashSet(StringComparer.Ordinal);
        return [.. input.ContactList.Where(c => ids.Contains(c.Id))];
    }

    private static string NameOf(AgentInput input, string contactId) =>
        input.ContactList.FirstOrDefault(c => c.Id == contactId)?.Name ?? contactId;
}
