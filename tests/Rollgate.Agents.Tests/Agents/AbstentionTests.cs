using Rollgate.Agents.Agents;
using Rollgate.Agents.Crm;
using Rollgate.Agents.Qa;
using static Rollgate.Agents.Tests.Agents.Records;

namespace Rollgate.Agents.Tests.Agents;

/// <summary>
/// Every abstention of SPEC 7, with its reason code: the runner returns it as an abstention (run outcome
/// "abstained"), with a sentence for the person and without asking the engine to write anything.
/// </summary>
public sealed class AbstentionTests
{
    public static TheoryData<string, string, string> Cases() => new()
    {
        { "no lead", AgentTasks.LeadSummary, "no_lead" },
        { "lead with only an email, no activity", AgentTasks.LeadSummary, "insufficient_lead_data" },
        { "lead with a blank name and an empty company", AgentTasks.LeadSummary, "insufficient_lead_data" },
        { "lead do-not-contact", AgentTasks.FollowUp, "do_not_contact" },
        { "every deal contact do-not-contact", AgentTasks.FollowUp, "do_not_contact" },
        { "nothing at all", AgentTasks.FollowUp, "nothing_to_follow_up" },
        { "opportunity without contacts", AgentTasks.FollowUp, "nothing_to_follow_up" },
        { "no opportunity", AgentTasks.RiskAnalysis, "no_open_opportunity" },
        { "Closed Won", AgentTasks.RiskAnalysis, "no_open_opportunity" },
        { "Closed Lost", AgentTasks.RiskAnalysis, "no_open_opportunity" },
        { "Closed Won with a future close date", AgentTasks.RiskAnalysis, "no_open_opportunity" },
        { "no stage", AgentTasks.RiskAnalysis, "missing_stage" },
        { "blank stage and no close date", AgentTasks.RiskAnalysis, "missing_stage" },
        { "no close date", AgentTasks.RiskAnalysis, "missing_close_date" },
    };

    private static AgentInput Input(string name) => name switch
    {
        "no lead" => new AgentInput(AsOf, Account: CrestviewAccount),
        "lead with only an email, no activity" => new AgentInput(AsOf, new Lead("L-9", Email: "someone@unknown.example")),
        "lead with a blank name and an empty company" => new AgentInput(AsOf, new Lead("L-9", Name: "   ", Company: "", Source: "Purchased list")),
        "lead do-not-contact" => LeadInput(Dana with { DoNotContact = true }, null, Touch("ACT-1", 2, null, "Question", type: "email", direction: "inbound")),
        "every deal contact do-not-contact" => HealthyDeal() with { Contacts = [Champion with { DoNotContact = true }, Buyer with { DoNotContact = true }] },
        "nothing at all" => new AgentInput(AsOf, Account: NorthwindAccount),
        "opportunity without contacts" => new AgentInput(AsOf, Account: NorthwindAccount, Opportunity: Deal with { Contacts = [] }),
        "no opportunity" => new AgentInput(AsOf, Account: NorthwindAccount, Contacts: [Champion, Buyer]),
        "Closed Won" => HealthyDeal() with { Opportunity = Deal with { Stage = "Closed Won", CloseDate = DaysAgo(10) } },
        "Closed Lost" => HealthyDeal() with { Opportunity = Deal with { Stage = "Closed Lost", CloseDate = DaysAgo(10) } },
        "Closed Won with a future close date" => HealthyDeal() with { Opportunity = Deal with { Stage = "Closed Won" } },
        "no stage" => HealthyDeal() with { Opportunity = Deal with { Stage = null } },
        "blank stage and no close date" => HealthyDeal() with { Opportunity = Deal with { Stage = " ", CloseDate = null } },
        "no close date" => HealthyDeal() with { Opportunity = Deal with { CloseDate = null } },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    [Theory]
    [Trait("spec", "7.abstain")]
    [MemberData(nameof(Cases))]
    public async Task Runner_Abstains_WithTheReasonCode_WithoutCallingTheEngine(string situation, string task, string code)
    {
        var engine = new CountingEngine();

        var outcome = await new AgentRunner(engine).RunAsync(task, Input(situation));

        Assert.Equal(OutcomeKind.Abstained, outcome.Kind);
        Assert.Equal("abstained", outcome.RunOutcome);
        Assert.Equal(code, outcome.Abstention!.Code);
        Assert.Null(outcome.Answer);
        Assert.Equal(outcome.Abstention.Sentence, outcome.Text);
        Assert.EndsWith(".", outcome.Abstention.Sentence, StringComparison.Ordinal);
        Assert.Equal(0, engine.Calls);
    }

    [Theory]
    [Trait("spec", "7.abstain")]
    [MemberData(nameof(Cases))]
    public async Task QaRunner_ExpectedAbstention_WithItsReason_Passes(string situation, string task, string code)
    {
        var scenario = new QaScenario("s", task, Input(situation), new QaExpectation(true, code, [], [], null, null), 1);

        var result = await new QaRunner(new AgentRunner(new CountingEngine())).RunAsync(scenario);

        Assert.True(result.Passed, string.Join("; ", result.Why));
        Assert.True(result.Abstained);
        Assert.Equal("abstained", result.Outcome);
    }

    [Fact]
    [Trait("spec", "7.abstain")]
    public async Task QaRunner_AbstentionWithAnotherReason_Fails()
    {
        var scenario = new QaScenario("s", AgentTasks.RiskAnalysis, Input("no close date"), new QaExpectation(true, "missing_stage", [], [], null, null), 1);

        var result = await new QaRunner(new AgentRunner(new CountingEngine())).RunAsync(scenario);

        Assert.False(result.Passed);
        Assert.Contains(result.Why, w => w.Contains("'missing_stage'", StringComparison.Ordinal) && w.Contains("'missing_close_date'", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("spec", "7.abstain")]
    public async Task QaRunner_AbstentionWhereAnAnswerIsExpected_Fails()
    {
        var scenario = new QaScenario("s", AgentTasks.RiskAnalysis, Input("Closed Won"), new QaExpectation(false, null, [], [], null, null), 1);

        var result = await new QaRunner(new AgentRunner(new CountingEngine())).RunAsync(scenario);

        Assert.False(result.Passed);
        Assert.True(result.Abstained);
        Assert.Contains(result.Why, w => w.StartsWith("expected an answer", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("spec", "7.abstain")]
    public async Task QaRunner_AnswerWhereAnAbstentionIsExpected_Fails()
    {
        var scenario = new QaScenario("s", AgentTasks.RiskAnalysis, HealthyDeal(), new QaExpectation(true, "no_open_opportunity", [], [], null, null), 1);

        var result = await new QaRunner(new AgentRunner(new CountingEngine())).RunAsync(scenario);

        Assert.False(result.Passed);
        Assert.Equal("completed", result.Outcome);
        Assert.Contains(result.Why, w => w.StartsWith("expected the agent to abstain", StringComparison.Ordinal));
    }

    // The boundaries of the abstention rules: just enough data, and the agent answers.

    [Fact]
    [Trait("spec", "7.abstain")]
    public async Task LeadSummary_NoNameNoCompany_ButOneActivity_Answers()
    {
        var input = LeadInput(new Lead("L-9", Email: "anon@gmail.example"), null, Touch("ACT-1", 1, null, "Gartner report download", type: "content_download", direction: "inbound"));

        Assert.Equal(OutcomeKind.Answered, (await RunAsync(AgentTasks.LeadSummary, input)).Kind);
    }

    [Theory]
    [Trait("spec", "7.abstain")]
    [InlineData("Dana Whitfield", null)]
    [InlineData(null, "Crestview Mutual")]
    public async Task LeadSummary_NameOrCompany_WithoutActivity_Answers(string? name, string? company)
    {
        var input = LeadInput(new Lead("L-9", Name: name, Company: company));

        Assert.Equal(OutcomeKind.Answered, (await RunAsync(AgentTasks.LeadSummary, input)).Kind);
    }

    [Fact]
    [Trait("spec", "7.abstain")]
    public async Task LeadSummary_DoNotContactLead_IsStillSummarised()
    {
        var outcome = await RunAsync(AgentTasks.LeadSummary, LeadInput(Dana with { DoNotContact = true }));

        Assert.Equal(OutcomeKind.Answered, outcome.Kind);
        Assert.Contains("Do not contact this person", outcome.Text, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("spec", "7.abstain")]
    public async Task FollowUp_OneDealContactNotMarked_Answers()
    {
        var input = HealthyDeal() with { Contacts = [Champion with { DoNotContact = true }, Buyer] };

        Assert.Equal(OutcomeKind.Answered, (await RunAsync(AgentTasks.FollowUp, input)).Kind);
    }

    [Fact]
    [Trait("spec", "7.abstain")]
    public async Task RiskAnalysis_OpenStageWithCloseDate_Answers()
    {
        Assert.Equal(OutcomeKind.Answered, (await RunAsync(AgentTasks.RiskAnalysis, HealthyDeal())).Kind);
    }
}
