using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rollgate.Agents.Crm;
using Rollgate.Agents.Engines;
using Rollgate.Core.Text;
using static Rollgate.Agents.Agents.CrmFacts;

namespace Rollgate.Agents.Agents.LeadSummary;

public sealed record TimelineEntry(DateOnly Date, string Type, string? Direction, string? Subject, bool Scheduled, string ActivityId)
{
    // The subject is CRM text, so it is quoted: a customer's "We have updated the RFP" is theirs, not the agent's claim.
    public string Describe() =>
        $"{Day(Date)} {(Scheduled ? "planned " : "")}{(Direction is null ? "" : Direction + " ")}{Type}{(Subject is null ? "" : $": \"{Subject}\"")}";
}

/// <summary>Budget, authority, need and timing, each with the evidence found, or null when unknown.</summary>
public sealed record Bant(string? Budget, string? Authority, string? Need, string? Timing);

public sealed record LeadFacts(
    DateOnly AsOf,
    string LeadId,
    string Who,
    string? Company,
    string? CompanyProfile,
    string Fit,
    IReadOnlyList<string> FitReasons,
    string? Source,
    DateOnly? Created,
    IReadOnlyList<TimelineEntry> Timeline,
    int ActivityCount,
    TimelineEntry? LastTouch,
    Bant Needs,
    IReadOnlyList<string> Unknowns,
    string NextStep,
    string Priority,
    string? Contact,
    bool DoNotContact,
    IReadOnlyList<Citation> Sources) : AgentFacts(AgentTasks.LeadSummary, AsOf)
{
    public override IReadOnlyDictionary<string, string> WordFields { get; } = new Dictionary<string, string>
    {
        ["summary"] = "Two to four sentences for the sales rep: who the lead is, how they came in, how engaged they are and why the priority, using only the facts given.",
    };

    public override JsonObject ToJson() => new()
    {
        ["as_of"] = Day(AsOf),
        ["lead_id"] = LeadId,
        ["who"] = Who,
        ["company"] = Company,
        ["company_profile"] = CompanyProfile,
        ["fit"] = Fit,
        ["fit_reasons"] = new JsonArray([.. FitReasons.Select(r => (JsonNode)r)]),
        ["source"] = Source,
        ["created"] = Created is { } c ? Day(c) : null,
        ["activity_count"] = ActivityCount,
        ["timeline"] = new JsonArray([.. Timeline.Select(t => (JsonNode)t.Describe())]),
        ["last_touch"] = LastTouch?.Describe(),
        ["budget"] = Needs.Budget,
        ["authority"] = Needs.Authority,
        ["need"] = Needs.Need,
        ["timing"] = Needs.Timing,
        ["unknowns"] = new JsonArray([.. Unknowns.Select(u => (JsonNode)u)]),
        ["next_step"] = NextStep,
        ["priority"] = Priority,
        ["do_not_contact"] = DoNotContact,
    };
}

/// <summary>A lead summary: who, the company and its fit, how they came in, engagement, needs, unknowns, next step and priority.</summary>
public sealed record LeadSummaryAnswer(LeadFacts Facts, string Summary)
    : AgentAnswer(AgentTasks.LeadSummary, Facts.AsOf, Facts.Sources)
{
    public override string Render()
    {
        var f = Facts;
        var sb = ThreadBuffers.TakeBuilder();
        sb.Append("Lead summary: ").Append(f.Who).Append('\n');
        sb.Append(Summary.Trim()).Append('\n');
        if (f.Company is not null)
        {
            sb.Append("Company: ").Append(f.Company);
            if (f.CompanyProfile is not null)
            {
                sb.Append(" (").Append(f.CompanyProfile).Append(')');
            }

            sb.Append(". Fit: ").Append(f.Fit);
            if (f.FitReasons.Count > 0)
            {
                sb.Append(" — ").Append(string.Join("; ", f.FitReasons));
            }

            sb.Append('\n');
        }

        if (f.Contact is not null)
        {
            sb.Append("Contact: ").Append(f.Contact).Append('\n');
        }

        sb.Append("Came in: ").Append(f.Source ?? "source unknown");
        if (f.Created is { } created)
        {
            sb.Append(" on ").Append(Day(created));
        }

        sb.Append('\n');
        sb.Append("Engagement: ").Append(f.ActivityCount).Append(f.ActivityCount == 1 ? " activity" : " activities");
        sb.Append(f.LastTouch is { } last ? $"; last touch {last.Describe()}" : "; no touch yet").Append('\n');
        foreach (var t in f.Timeline)
        {
            sb.Append("  - ").Append(t.Describe()).Append('\n');
        }

        sb.Append("Needs: budget ").Append(f.Needs.Budget ?? "unknown")
            .Append("; authority ").Append(f.Needs.Authority ?? "unknown")
            .Append("; need ").Append(f.Needs.Need ?? "unknown")
            .Append("; timing ").Append(f.Needs.Timing ?? "unknown").Append('\n');
        if (f.Unknowns.Count > 0)
        {
            sb.Append("Unknown: ").Append(string.Join(", ", f.Unknowns)).Append('\n');
        }

        sb.Append("Priority: ").Append(f.Priority).Append('\n');
        sb.Append("Recommended next step: ").Append(f.NextStep).Append('\n');
        AppendFooter(sb);
        return ThreadBuffers.ToStringAndGiveBack(sb);
    }
}

public sealed partial class LeadSummaryAgent(AgentOptions options) : IAgent
{
    // Each list is searched for at once, whatever the case, in one pass over a text.
    private static readonly SearchValues<string> BudgetWords = Words("budget", "funding", "funded", "spend", "price", "pricing", "cost");
    private static readonly SearchValues<string> AuthorityWords = Words("decision maker", "sign off", "signs off", "approve", "approval");
    private static readonly SearchValues<string> NeedWords = Words("need", "looking for", "pain", "problem", "struggl", "evaluat", "replace", "migrat", "interested in", "challenge");
    private static readonly SearchValues<string> TimingWords = Words("this quarter", "next quarter", "q1", "q2", "q3", "q4", "timeline", "by end of", "deadline", "this month", "next month", "within", "asap", "go-live", "renewal");

    public string Task => AgentTasks.LeadSummary;

    public Abstention? Check(AgentInput input)
    {
        var lead = input.Lead;
        if (lead is null)
        {
            return new Abstention("no_lead", "I can't summarise a lead: there is no lead in the data.");
        }

        var identified = !string.IsNullOrWhiteSpace(lead.Name) || !string.IsNullOrWhiteSpace(lead.Company);
        if (!identified && Past(input).Count + Planned(input).Count < options.MinActivitiesWithoutIdentity)
        {
            return new Abstention("insufficient_lead_data",
                $"I can't summarise lead {lead.Id}: it has neither a name nor a company, and no activity. Enrich the record first.");
        }

        return null;
    }

    public AgentFacts Extract(AgentInput input)
    {
        var lead = input.Lead!;
        var account = input.Account;
        var past = Past(input);
        var planned = Planned(input);
        var sources = new List<Citation> { new("lead", lead.Id, "name") };

        var company = !string.IsNullOrWhiteSpace(lead.Company) ? lead.Company : account?.Name;
        var who = (string.IsNullOrWhiteSpace(lead.Name) ? "Unnamed lead" : lead.Name)
            + (string.IsNullOrWhiteSpace(lead.Title) ? "" : ", " + lead.Title)
            + (company is null ? "" : " at " + company);

        string? profile = null;
        var (fit, reasons) = ("unknown", new List<string>());
        if (account is not null)
        {
            var parts = new List<string>();
            if (account.Industry is { } industry)
            {
                parts.Add(industry);
            }

            if (account.Employees is { } employees)
            {
                parts.Add($"{employees.ToString("#,##0", Inv)} employees");
            }

            if (account.Region is { } region)
            {
                parts.Add(region);
            }

            if (account.AnnualRevenue is { } revenue)
            {
                parts.Add($"{Money(revenue, null)} annual revenue");
            }

            profile = parts.Count > 0 ? string.Join(", ", parts) : null;
            (fit, reasons) = Fit(account);
            sources.Add(new Citation("account", account.Id, "industry"));
            sources.Add(new Citation("account", account.Id, "employees"));
        }

        var timeline = past.Take(5).Select(Entry).ToList();
        timeline.InsertRange(0, planned.Where(a => a.Ts is null || DateOf(a) >= input.AsOf).Take(2).Select(Entry));
        var lastTouch = past.Count > 0 ? Entry(past[0]) : null;
        if (lastTouch is not null)
        {
            sources.Add(new Citation("activity", lastTouch.ActivityId, "ts"));
        }

        var needs = new Bant(
            Evidence(past, BudgetWords, sources),
            Authority(lead, past, sources),
            Evidence(past, NeedWords, sources),
            Evidence(past, TimingWords, sources));

        var unknowns = new List<string>();
        void Unknown(string? value, string what)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                unknowns.Add(what);
            }
        }

        Unknown(lead.Name, "name");
        Unknown(lead.Title, "title");
        Unknown(company, "company");
        Unknown(lead.Email, "email");
        Unknown(lead.Phone, "phone");
        Unknown(lead.Source, "how the lead came in");
        if (account is null)
        {
            unknowns.Add("company size and industry");
        }

        Unknown(needs.Budget, "budget");
        Unknown(needs.Timing, "timing");
        if (lead.Company is { } c && account?.Name is { } a && !string.Equals(c, a, StringComparison.OrdinalIgnoreCase))
        {
            unknowns.Add($"which company is right: the lead says {c}, the account says {a}");
        }

        var inboundRecent = past.Any(x => x.Direction == "inbound" && DaysBetween(DateOf(x), input.AsOf) <= options.RecentActivityDays);
        var priority = lead.DoNotContact ? "low"
            : (fit == "strong" && inboundRecent) || IsHandRaiser(lead.Source) ? "high"
            : fit is "strong" or "moderate" || inboundRecent ? "medium"
            : "low";
        if (lead.Source is not null)
        {
            sources.Add(new Citation("lead", lead.Id, "source"));
        }

        var contact = string.Join(", ", new[] { lead.Email, lead.Phone }.Where(s => !string.IsNullOrWhiteSpace(s)));
        return new LeadFacts(input.AsOf, lead.Id, who, company, profile, fit, reasons, lead.Source, lead.Created, timeline, past.Count, lastTouch, needs,
            unknowns, NextStep(input, lead, past, planned, fit), priority, contact.Length == 0 ? null : contact, lead.DoNotContact, sources);
    }

    public AgentAnswer Compose(AgentFacts facts, EngineResult words) => new LeadSummaryAnswer((LeadFacts)facts, words.Word("summary"));

    private (string Fit, List<string> Reasons) Fit(Account account)
    {
        var reasons = new List<string>();
        var score = 0;
        if (account.Employees is { } e)
        {
            if (e >= options.FitEmployees)
            {
                score++;
                reasons.Add($"{e.ToString("#,##0", Inv)} employees (at least {options.FitEmployees.ToString("#,##0", Inv)})");
            }
            else
            {
                reasons.Add($"only {e.ToString("#,##0", Inv)} employees");
            }
        }

        if (account.Industry is { } industry)
        {
            if (options.FitIndustries.Contains(industry, StringComparer.OrdinalIgnoreCase))
            {
                score++;
                reasons.Add($"{industry} is a target industry");
            }
            else
            {
                reasons.Add($"{industry} is not a target industry");
            }
        }

        if (account.Employees is null && account.Industry is null)
        {
            return ("unknown", reasons);
        }

        return (score >= 2 ? "strong" : score == 1 ? "moderate" : "weak", reasons);
    }

    private static bool IsHandRaiser(string? source) =>
        source is not null && (source.Contains("demo", StringComparison.OrdinalIgnoreCase) || source.Contains("contact us", StringComparison.OrdinalIgnoreCase)
            || source.Contains("pricing", StringComparison.OrdinalIgnoreCase));

    private string NextStep(AgentInput input, Lead lead, List<Activity> past, List<Activity> planned, string fit)
    {
        if (lead.DoNotContact)
        {
            return "Do not contact this person (do-not-contact is set); keep the lead in marketing nurture only.";
        }

        if (planned.FirstOrDefault() is { } next)
        {
            return $"Prepare for the planned {next.Type ?? "activity"} on {Day(next.Ts)}{(next.Subject is null || LooksLikeInstruction(next.Subject) ? "" : $" (\"{next.Subject}\")")}.";
        }

        var lastInbound = past.FirstOrDefault(ExpectsReply);
        var lastOutbound = past.FirstOrDefault(a => a.Direction == "outbound");
        if (lastInbound is not null && (lastOutbound is null || lastOutbound.Ts < lastInbound.Ts))
        {
            return $"Reply to their {lastInbound.Type ?? "message"} of {Day(lastInbound.Ts)} within one business day.";
        }

        if (past.Count > 0 && DaysBetween(DateOf(past[0]), input.AsOf) > options.CheckInAfterDays)
        {
            return $"Check in: the last touch was {DaysBetween(DateOf(past[0]), input.AsOf)} days ago.";
        }

        return fit == "strong"
            ? "Call within 24 hours and book a discovery meeting."
            : "Send a short, tailored first email and qualify budget and timing.";
    }

    private static TimelineEntry Entry(Activity a) =>
        new(a.Ts is null ? default : DateOf(a), a.Type ?? "activity", a.Direction, Safe(a.Subject), a.Scheduled, a.Id);

    /// <summary>A subject line, unless it reads like an instruction to the assistant.</summary>
    private static string? Safe(string? text) => text is null || LooksLikeInstruction(text) ? null : text;

    private static SearchValues<string> Words(params string[] words) => SearchValues.Create(words, StringComparison.OrdinalIgnoreCase);

    /// <summary>The first sentence, newest activity first and its notes before its subject, that names one of the words.</summary>
    private static string? Evidence(List<Activity> past, SearchValues<string> words, List<Citation> sources)
    {
        foreach (var a in past)
        {
            var (sentence, field) = (Named(a.Notes), "notes");
            if (sentence is null)
            {
                (sentence, field) = (Named(a.Subject), "subject");
            }

            if (sentence is not null)
            {
                sources.Add(new Citation("activity", a.Id, field));
                return $"\"{Trim(sentence)}\" ({a.Type ?? "activity"}, {Day(a.Ts)})";
            }
        }

        return null;

        // A sentence is part of its text: a text that holds none of the words has no sentence that does, and most
        // texts are passed over without being split.
        string? Named(string? text) =>
            text is null || text.AsSpan().IndexOfAny(words) < 0 ? null
            : Sentences(text).FirstOrDefault(s => !LooksLikeInstruction(s) && s.AsSpan().IndexOfAny(words) >= 0);
    }

    private static string? Authority(Lead lead, List<Activity> past, List<Citation> sources)
    {
        if (lead.Title is { } title && SeniorTitle().IsMatch(title))
        {
            sources.Add(new Citation("lead", lead.Id, "title"));
            return $"likely ({title})";
        }

        return Evidence(past, AuthorityWords, sources);
    }

    /// <summary>
    /// A title that names one of these as a whole word, as <see cref="CrmFacts.Names"/> would for each in turn: one
    /// pattern, built once, instead of one per title word on every run.
    /// </summary>
    [GeneratedRegex(@"(?<![\p{L}\p{N}])(?:chief|cto|cio|cdo|ceo|cfo|vp|vice president|head|director|svp|evp|founder|owner)(?![\p{L}\p{N}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SeniorTitle();

    private static string Trim(string s) => s.Length <= 160 ? s.TrimEnd('.') : s[..157] + "...";
}
