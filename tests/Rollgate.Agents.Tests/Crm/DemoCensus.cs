using Rollgate.Agents.Crm;

namespace Rollgate.Agents.Tests.Crm;

/// <summary>
/// Counts the situations the agents meet in a CRM, each by its definition in SPEC 7 and computed here from the
/// records alone (not by the agents' code), so that a test can show the demo CRM holds every one of them.
/// </summary>
public sealed class DemoCensus
{
    public DemoCensus(CrmData data, DateOnly asOf)
    {
        var activitiesByLead = data.Activities.Where(a => a.Lead is not null).ToLookup(a => a.Lead!);
        foreach (var lead in data.Leads)
        {
            var acts = activitiesByLead[lead.Id].ToList();
            var notes = string.Join("\n", acts.Select(a => a.Notes));
            Add("lead");
            Add("lead source: " + (lead.Source ?? "(none)"));
            AddIf(string.IsNullOrWhiteSpace(lead.Name) && string.IsNullOrWhiteSpace(lead.Company) && acts.Count == 0, "lead without name, company or activity (lead_summary abstains)");
            AddIf(string.IsNullOrWhiteSpace(lead.Name) && string.IsNullOrWhiteSpace(lead.Company) && acts.Count > 0, "lead without name or company, with activity");
            AddIf(string.IsNullOrWhiteSpace(lead.Name) && !string.IsNullOrWhiteSpace(lead.Company), "lead with a company but no name");
            AddIf(lead.DoNotContact, "lead do_not_contact");
            AddIf(acts.Count > 0 && acts.All(a => a.Type == "web_visit"), "lead with only web visits");
            AddIf(!string.IsNullOrWhiteSpace(lead.Name) && acts.Count == 0, "named lead with no activity");
            AddIf(new[] { "Budget:", "Authority:", "Need:", "Timeline:" }.All(k => notes.Contains(k, StringComparison.Ordinal)), "lead with full BANT notes");
            AddIf(acts.Any(a => a.Scheduled && CrmData.DayOf(a) > asOf), "lead with a scheduled future activity");
            AddIf(lead.AccountId is not null, "lead linked to an account by account_id");
            AddIf(lead.AccountId is null && data.Accounts.Any(a => a.Name == lead.Company), "lead matching an account by company name only");
            AddIf(CompetitorNamed(acts, data.Competitors), "lead whose activities name a competitor");
        }

        AddN("contact do_not_contact", data.Contacts.Count(c => c.DoNotContact));
        foreach (var role in data.Contacts.GroupBy(c => c.Role ?? "(none)"))
        {
            AddN("contact role: " + role.Key, role.Count());
        }

        foreach (var opp in data.Opportunities)
        {
            var input = data.OpportunityInput(opp.Id, asOf)!;
            Add(opp.IsOpen ? "opportunity open" : "opportunity " + opp.Stage);
            var pushes = Pushes(opp);
            if (!opp.IsOpen)
            {
                continue;
            }

            AddIf(opp.Stage is null, "open opportunity with no stage (risk_analysis abstains)");
            AddIf(opp.CloseDate is null, "open opportunity with no close date (risk_analysis abstains)");
            Add($"open opportunity with close date pushed {pushes} times");
            AddIf(pushes < opp.History.Count, "open opportunity whose close date also moved earlier");
            AddIf(opp.ContactIds.Count == 0, "open opportunity listing no contacts (the account's are used)");
            AddIf(input.ContactList.Count > 0 && input.ContactList.All(c => c.DoNotContact), "open opportunity whose every contact is do_not_contact");
            AddIf(input.ActivityList.Any(a => a.Notes?.Contains("previous instructions", StringComparison.OrdinalIgnoreCase) == true), "open opportunity with a prompt-injection note");
            AddIf(opp.StageEntered is { } se && asOf.DayNumber - se.DayNumber == 45, "open opportunity in its stage exactly 45 days (not stalled)");

            var factors = Factors(input, asOf);
            foreach (var f in factors)
            {
                Add("factor: " + f);
            }

            if (opp.Stage is not null && opp.CloseDate is not null)
            {
                var level = factors.Count >= 3 || factors.Contains("close_date_passed") ? "high" : factors.Count >= 1 ? "medium" : "low";
                Add("risk level: " + level);
            }

            var roles = input.ContactList.Select(c => c.Role).ToList();
            Add(roles.Contains("economic_buyer") ? "open opportunity with an economic buyer"
                : roles.Contains("decision_maker") ? "open opportunity with a decision maker (no economic buyer)"
                : "open opportunity with neither");
            AddIf(input.ActivityList.Any(a => a.Scheduled && CrmData.DayOf(a) > asOf && a.Type == "meeting"), "open opportunity with a scheduled future meeting");
            AddIf(!factors.Contains("competitor_mentioned") && CompetitorNamed(input.ActivityList, data.Competitors), "open opportunity naming a competitor only before the last 30 days");
        }

        AddN("activity", data.Activities.Count);
        AddN("activity scheduled", data.Activities.Count(a => a.Scheduled));
        AddN("activity with a prompt-injection note", data.Activities.Count(a => a.Notes?.Contains("previous instructions", StringComparison.OrdinalIgnoreCase) == true));
        AddN("activity linked to a contact only", data.Activities.Count(a => a.Contact is not null && a.Lead is null && a.Opportunity is null));
    }

    public SortedDictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

    public int this[string situation] => Counts.GetValueOrDefault(situation);

    /// <summary>The SPEC 7 risk factors of an opportunity's input, computed from their definitions.</summary>
    public static List<string> Factors(AgentInput input, DateOnly asOf)
    {
        var opp = input.Opportunity!;
        var past = input.ActivityList.Where(a => !a.Scheduled && CrmData.DayOf(a) is { } d && d <= asOf).ToList();
        bool Within(Activity a, int days) => CrmData.DayOf(a) is { } d && asOf.DayNumber - d.DayNumber < days;
        var factors = new List<string>();
        if (!past.Any(a => Within(a, 14)))
        {
            factors.Add("no_recent_activity");
        }

        if (Pushes(opp) >= 2)
        {
            factors.Add("close_date_pushed");
        }

        if (opp.CloseDate is { } close && close < asOf && opp.IsOpen)
        {
            factors.Add("close_date_passed");
        }

        if (opp.StageEntered is { } se && asOf.DayNumber - se.DayNumber > 45)
        {
            factors.Add("stage_stalled");
        }

        var ids = input.ContactList.Select(c => c.Id).ToHashSet();
        if (past.Where(a => Within(a, 30) && a.Contact is not null && ids.Contains(a.Contact)).Select(a => a.Contact).Distinct().Count() <= 1)
        {
            factors.Add("single_threaded");
        }

        if (!input.ContactList.Any(c => c.Role is "economic_buyer" or "decision_maker"))
        {
            factors.Add("no_economic_buyer");
        }

        if (CompetitorNamed(past.Where(a => Within(a, 30)), input.CompetitorList))
        {
            factors.Add("competitor_mentioned");
        }

        if (string.IsNullOrWhiteSpace(opp.NextStep) && !input.ActivityList.Any(a => a.Scheduled))
        {
            factors.Add("no_next_step");
        }

        return factors;
    }

    /// <summary>How many times the close date moved later: along the history, oldest first, then the current date.</summary>
    public static int Pushes(Opportunity opp)
    {
        var dates = opp.History.ToList();
        if (opp.CloseDate is { } close)
        {
            dates.Add(close);
        }

        return dates.Zip(dates.Skip(1)).Count(p => p.Second > p.First);
    }

    private static bool CompetitorNamed(IEnumerable<Activity> activities, IReadOnlyList<string> competitors) =>
        activities.Any(a => competitors.Any(c => $"{a.Subject} {a.Notes}".Contains(c, StringComparison.OrdinalIgnoreCase)));

    public override string ToString() => string.Join("\n", Counts.Select(p => $"{p.Value,5}  {p.Key}"));

    private void Add(string situation) => AddN(situation, 1);

    private void AddIf(bool condition, string situation)
    {
        if (condition)
        {
            Add(situation);
        }
    }

    private void AddN(string situation, int n) => Counts[situation] = this[situation] + n;
}
