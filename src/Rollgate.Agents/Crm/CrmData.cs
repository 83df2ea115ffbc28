namespace Rollgate.Agents.Crm;

/// <summary>The kinds of CRM record, in the order they are read, stored and reported.</summary>
public enum CrmKind { Account, Contact, Lead, Opportunity, Activity }

/// <summary>A problem with one record: its kind, its position among the records of that kind, its id.</summary>
public sealed record CrmProblem(CrmKind Kind, int Index, string Id, string Message);

/// <summary>
/// A whole CRM: the records of SPEC 7 linked by id (lead, contact and opportunity to their account; an opportunity
/// to its contacts; an activity to its lead, opportunity or contact), and the competitors to watch for.
/// </summary>
public sealed record CrmData(
    IReadOnlyList<Account> Accounts,
    IReadOnlyList<Contact> Contacts,
    IReadOnlyList<Lead> Leads,
    IReadOnlyList<Opportunity> Opportunities,
    IReadOnlyList<Activity> Activities,
    IReadOnlyList<string> Competitors)
{
    public static readonly IReadOnlyList<string> Roles = ["champion", "economic_buyer", "decision_maker", "influencer", "user"];

    public static readonly IReadOnlyList<string> ActivityTypes = ["email", "call", "meeting", "web_visit", "content_download", "event", "note"];

    public static readonly IReadOnlyList<string> Directions = ["inbound", "outbound"];

    public static CrmData Empty { get; } = new([], [], [], [], [], []);

    public CrmCounts Counts => new(Accounts.Count, Contacts.Count, Leads.Count, Opportunities.Count, Activities.Count);

    /// <summary>
    /// The same records with every date moved by <paramref name="days"/> (creation, close dates and their history,
    /// stage entry, activity times), so that a CRM written for one "today" reads the same on another.
    /// </summary>
    public CrmData ShiftedBy(int days)
    {
        DateOnly? Day(DateOnly? d) => d?.AddDays(days);
        return this with
        {
            Leads = [.. Leads.Select(l => l with { Created = Day(l.Created) })],
            Opportunities = [.. Opportunities.Select(o => o with
            {
                Created = Day(o.Created),
                CloseDate = Day(o.CloseDate),
                CloseDateHistory = o.CloseDateHistory is null ? null : [.. o.CloseDateHistory.Select(d => d.AddDays(days))],
                StageEntered = Day(o.StageEntered),
            })],
            Activities = [.. Activities.Select(a => a with { Ts = a.Ts?.AddDays(days) })],
        };
    }

    /// <summary>The date an activity happened (or is planned) on: the local date of its timestamp, at its own offset.</summary>
    public static DateOnly? DayOf(Activity a) => a.Ts is { } t ? DateOnly.FromDateTime(t.DateTime) : null;

    /// <summary>
    /// Whether an agent working on <paramref name="asOf"/> sees the activity: anything up to and including that day,
    /// and planned ones whenever they are (an undated one cannot be placed after it, so it is kept).
    /// </summary>
    public static bool Visible(Activity a, DateOnly asOf) => a.Scheduled || DayOf(a) is not { } day || day <= asOf;

    /// <summary>
    /// Every problem that would make the records unusable: a missing or repeated id, a role, activity type or direction
    /// outside SPEC 7's lists, an activity linked to nothing, and a link to a record that does not exist.
    /// <paramref name="storedElsewhere"/> answers whether a record missing here exists elsewhere (in a store the
    /// records are imported into).
    /// </summary>
    public IReadOnlyList<CrmProblem> Check(Func<CrmKind, string, bool>? storedElsewhere = null)
    {
        var problems = new List<CrmProblem>();
        var ids = new[]
        {
            Ids(CrmKind.Account, Accounts.Select(a => a.Id), problems),
            Ids(CrmKind.Contact, Contacts.Select(c => c.Id), problems),
            Ids(CrmKind.Lead, Leads.Select(l => l.Id), problems),
            Ids(CrmKind.Opportunity, Opportunities.Select(o => o.Id), problems),
            Ids(CrmKind.Activity, Activities.Select(a => a.Id), problems),
        };

        bool Exists(CrmKind kind, string id) => ids[(int)kind].Contains(id) || (storedElsewhere?.Invoke(kind, id) ?? false);

        void Link(CrmKind kind, int index, string id, string field, string? target, CrmKind targetKind)
        {
            if (target is not null && !Exists(targetKind, target))
            {
                problems.Add(new(kind, index, id, $"{field} '{target}' names no {Noun(targetKind)}"));
            }
        }

        for (var i = 0; i < Leads.Count; i++)
        {
            Link(CrmKind.Lead, i, Leads[i].Id, "account_id", Leads[i].AccountId, CrmKind.Account);
        }

        for (var i = 0; i < Contacts.Count; i++)
        {
            var c = Contacts[i];
            Link(CrmKind.Contact, i, c.Id, "account_id", c.AccountId, CrmKind.Account);
            if (c.Role is { } role && !Roles.Contains(role))
            {
                problems.Add(new(CrmKind.Contact, i, c.Id, $"role '{role}' is not one of {string.Join(", ", Roles)}"));
            }
        }

        for (var i = 0; i < Opportunities.Count; i++)
        {
            var o = Opportunities[i];
            Link(CrmKind.Opportunity, i, o.Id, "account_id", o.AccountId, CrmKind.Account);
            for (var j = 0; j < o.ContactIds.Count; j++)
            {
                Link(CrmKind.Opportunity, i, o.Id, $"contacts[{j}]", o.ContactIds[j], CrmKind.Contact);
            }
        }

        for (var i = 0; i < Activities.Count; i++)
        {
            var a = Activities[i];
            if (a.Type is { } type && !ActivityTypes.Contains(type))
            {
                problems.Add(new(CrmKind.Activity, i, a.Id, $"type '{type}' is not one of {string.Join(", ", ActivityTypes)}"));
            }

            if (a.Direction is { } direction && !Directions.Contains(direction))
            {
                problems.Add(new(CrmKind.Activity, i, a.Id, $"direction '{direction}' is not one of {string.Join(", ", Directions)}"));
            }

            // An activity is found only through what it links to; one linked to nothing no agent would ever see.
            if (a.Lead is null && a.Opportunity is null && a.Contact is null)
            {
                problems.Add(new(CrmKind.Activity, i, a.Id, "links to no lead, opportunity or contact"));
            }

            Link(CrmKind.Activity, i, a.Id, "lead", a.Lead, CrmKind.Lead);
            Link(CrmKind.Activity, i, a.Id, "opportunity", a.Opportunity, CrmKind.Opportunity);
            Link(CrmKind.Activity, i, a.Id, "contact", a.Contact, CrmKind.Contact);
        }

        return problems;
    }

    /// <summary>The input of a lead task (rules in <see cref="ICrmStore.LeadInputAsync"/>), from these records.</summary>
    public AgentInput? LeadInput(string leadId, DateOnly asOf)
    {
        if (Leads.FirstOrDefault(l => l.Id == leadId) is not { } lead)
        {
            return null;
        }

        var account = lead.AccountId is { } accountId
            ? Accounts.FirstOrDefault(a => a.Id == accountId)
            : string.IsNullOrEmpty(lead.Company) ? null : Accounts.FirstOrDefault(a => a.Name == lead.Company);
        var activities = Activities.Where(a => a.Lead == leadId && Visible(a, asOf));
        return new AgentInput(asOf, lead, account, ContactsOf(account), null, Chronological(activities), Competitors);
    }

    /// <summary>The input of an opportunity task (rules in <see cref="ICrmStore.OpportunityInputAsync"/>), from these records.</summary>
    public AgentInput? OpportunityInput(string opportunityId, DateOnly asOf)
    {
        if (Opportunities.FirstOrDefault(o => o.Id == opportunityId) is not { } opp)
        {
            return null;
        }

        var account = opp.AccountId is { } accountId ? Accounts.FirstOrDefault(a => a.Id == accountId) : null;
        var contacts = opp.ContactIds.Count > 0
            ? opp.ContactIds.Distinct().Select(id => Contacts.FirstOrDefault(c => c.Id == id)).OfType<Contact>().ToList()
            : ContactsOf(account);
        var people = contacts.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var activities = Activities.Where(a => Visible(a, asOf) && OnOpportunity(a, opp.Id, people));
        return new AgentInput(asOf, null, account, contacts, opp, Chronological(activities), Competitors);
    }

    /// <summary>
    /// An activity belongs to an opportunity when it names it, or names none and was with one of its contacts:
    /// a contact's activity on another of their deals says nothing about this one.
    /// </summary>
    public static bool OnOpportunity(Activity a, string opportunityId, IReadOnlySet<string> contactIds) =>
        a.Opportunity == opportunityId || (a.Opportunity is null && a.Contact is { } c && contactIds.Contains(c));

    /// <summary>Oldest first; undated last; ties by id, so that every store lists them alike.</summary>
    public static List<Activity> Chronological(IEnumerable<Activity> activities) =>
        [.. activities.OrderBy(a => a.Ts is null).ThenBy(a => a.Ts?.UtcTicks ?? 0).ThenBy(a => a.Id, StringComparer.Ordinal)];

    public static string Noun(CrmKind kind) => kind switch
    {
        CrmKind.Account => "account",
        CrmKind.Contact => "contact",
        CrmKind.Lead => "lead",
        CrmKind.Opportunity => "opportunity",
        _ => "activity",
    };

    private List<Contact> ContactsOf(Account? account) =>
        account is null ? [] : [.. Contacts.Where(c => c.AccountId == account.Id)];

    private static HashSet<string> Ids(CrmKind kind, IEnumerable<string> ids, List<CrmProblem> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var id in ids)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                problems.Add(new(kind, index, id ?? "", "missing 'id'"));
            }
            else if (!seen.Add(id))
            {
                problems.Add(new(kind, index, id, $"id '{id}' is used by an earlier {Noun(kind)}"));
            }

            index++;
        }

        return seen;
    }
}
