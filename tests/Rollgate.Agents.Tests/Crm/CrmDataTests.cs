using Rollgate.Agents.Crm;

namespace Rollgate.Agents.Tests.Crm;

public sealed class CrmDataTests
{
    private static readonly DateOnly AsOf = new(2026, 2, 2);

    private static readonly TimeSpan Pst = TimeSpan.FromHours(-8);

    private static DateTimeOffset At(int month, int day, int hour = 10) => new(2026, month, day, hour, 0, 0, Pst);

    /// <summary>Two accounts, a deal with listed contacts, one without, and activities on both sides of as_of.</summary>
    public static CrmData Sample { get; } = new(
        [new Account("A-1", "Acme Analytics"), new Account("A-2", "Globex"), new Account("A-3", "Acme Analytics")],
        [
            new Contact("C-1", "Dana", Role: "economic_buyer", AccountId: "A-1"),
            new Contact("C-2", "Lee", Role: "champion", AccountId: "A-1"),
            new Contact("C-3", "Kim", Role: "user", AccountId: "A-1"),
            new Contact("C-9", "Ola", AccountId: "A-2"),
        ],
        [
            new Lead("L-1", "Sam", Company: "Acme Analytics"),
            new Lead("L-2", "Ria", Company: "Globex", AccountId: "A-1"),
            new Lead("L-3", Company: "Nobody Inc"),
        ],
        [
            new Opportunity("O-1", Stage: "Proposal", Contacts: ["C-2", "C-1"], AccountId: "A-1"),
            new Opportunity("O-2", Stage: "Discovery", AccountId: "A-1"),
        ],
        [
            new Activity("X-3", "call", At(2, 2, 23), Lead: "L-1"),
            new Activity("X-1", "email", At(1, 20), Lead: "L-1"),
            new Activity("X-2", "meeting", At(2, 3), Lead: "L-1"),
            new Activity("X-4", "meeting", At(2, 10), Lead: "L-1", Scheduled: true),
            new Activity("X-5", "email", At(1, 25), Contact: "C-1", Opportunity: "O-1"),
            new Activity("X-6", "email", At(1, 26), Contact: "C-2", Opportunity: "O-2"),
            new Activity("X-7", "event", At(1, 27), Contact: "C-2"),
            new Activity("X-8", "event", At(1, 28), Contact: "C-3"),
            new Activity("X-9", "note", null, Opportunity: "O-1"),
        ],
        ["Snowflake"]);

    [Fact]
    [Trait("spec", "7")]
    public void LeadInput_FindsTheAccountByExactCompanyName_WhenNotLinked()
    {
        var input = Sample.LeadInput("L-1", AsOf)!;
        Assert.Equal("A-1", input.Account!.Id);
        Assert.Equal(["C-1", "C-2", "C-3"], input.ContactList.Select(c => c.Id));
        Assert.Equal(["Snowflake"], input.CompetitorList);
        Assert.Null(input.Opportunity);
    }

    [Fact]
    public void LeadInput_PrefersTheLinkedAccount_AndHasNoneForAnUnknownCompany()
    {
        Assert.Equal("A-1", Sample.LeadInput("L-2", AsOf)!.Account!.Id);
        var unknown = Sample.LeadInput("L-3", AsOf)!;
        Assert.Null(unknown.Account);
        Assert.Empty(unknown.ContactList);
    }

    [Fact]
    [Trait("spec", "7")]
    public void LeadInput_KeepsActivitiesUpToAsOfLocalDay_AndPlannedOnes_OldestFirst()
    {
        // X-3 is 23:00 Pacific on as_of (already the next day in UTC): still as_of. X-2 is after; X-4 is planned.
        var input = Sample.LeadInput("L-1", AsOf)!;
        Assert.Equal(["X-1", "X-3", "X-4"], input.ActivityList.Select(a => a.Id));
    }

    [Fact]
    public void LeadInput_UnknownLead_IsNull()
    {
        Assert.Null(Sample.LeadInput("L-404", AsOf));
        Assert.Null(Sample.OpportunityInput("O-404", AsOf));
    }

    [Fact]
    [Trait("spec", "7")]
    public void OpportunityInput_UsesItsContactsInTheirOrder_AndTheirActivitiesOffOtherDeals()
    {
        var input = Sample.OpportunityInput("O-1", AsOf)!;
        Assert.Equal("A-1", input.Account!.Id);
        Assert.Equal(["C-2", "C-1"], input.ContactList.Select(c => c.Id));

        // X-6 is C-2's on another deal: not this one's. X-8 is C-3's, who is not on this deal. X-9 is undated: last.
        Assert.Equal(["X-5", "X-7", "X-9"], input.ActivityList.Select(a => a.Id));
    }

    [Fact]
    [Trait("spec", "7")]
    public void OpportunityInput_WithoutContacts_UsesTheAccounts()
    {
        var input = Sample.OpportunityInput("O-2", AsOf)!;
        Assert.Equal(["C-1", "C-2", "C-3"], input.ContactList.Select(c => c.Id));
        Assert.Equal(["X-6", "X-7", "X-8"], input.ActivityList.Select(a => a.Id));
    }

    [Fact]
    public void Check_AcceptsTheSample_AndLinksToRecordsStoredElsewhere()
    {
        Assert.Empty(Sample.Check());
        var onlyActivity = CrmData.Empty with { Activities = [new Activity("X-1", "call", Lead: "L-1")] };
        Assert.Equal("lead 'L-1' names no lead", Assert.Single(onlyActivity.Check()).Message);
        Assert.Empty(onlyActivity.Check((kind, id) => kind == CrmKind.Lead && id == "L-1"));
    }

    [Fact]
    public void ShiftedBy_MovesEveryDate_AndTheAgentsReadTheSame()
    {
        var crm = DemoCrm.Generate(DemoCrm.DefaultSeed);
        var moved = crm.ShiftedBy(297);
        var opportunity = crm.Opportunities.First(o => o.CloseDateHistory is { Count: > 0 });
        var movedOpportunity = moved.Opportunities.Single(o => o.Id == opportunity.Id);
        Assert.Equal(opportunity.CloseDate!.Value.AddDays(297), movedOpportunity.CloseDate);
        Assert.Equal(opportunity.CloseDateHistory!.Select(d => d.AddDays(297)), movedOpportunity.CloseDateHistory!);
        Assert.Equal(crm.Activities[0].Ts!.Value.AddDays(297), moved.Activities[0].Ts);
        Assert.Equal(crm.Leads[0].Created!.Value.AddDays(297), moved.Leads[0].Created);

        // The same facts on the moved "today": a risk analysis finds the same factors.
        var asOf = DemoCrm.AsOf;
        var before = crm.OpportunityInput(opportunity.Id, asOf)!;
        var after = moved.OpportunityInput(opportunity.Id, asOf.AddDays(297))!;
        Assert.Equal(before.Activities!.Count, after.Activities!.Count);
        var options = Rollgate.Agents.Agents.AgentOptions.Default;
        Assert.Equal(
            Rollgate.Agents.Agents.RiskAnalysis.RiskRules.Find(before, before.Opportunity!, options).Select(f => f.Code),
            Rollgate.Agents.Agents.RiskAnalysis.RiskRules.Find(after, after.Opportunity!, options).Select(f => f.Code));
    }
}
