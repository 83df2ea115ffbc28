using Rollgate.Agents.Agents;
using Rollgate.Agents.Agents.RiskAnalysis;
using Rollgate.Agents.Crm;
using static Rollgate.Agents.Tests.Agents.Records;

namespace Rollgate.Agents.Tests.Agents;

/// <summary>SPEC 7's risk factors, each at its boundary, and the level rules.</summary>
public sealed class RiskRulesTests
{
    private static List<string> Codes(AgentInput input, AgentOptions? options = null) =>
        [.. RiskRules.Find(input, input.Opportunity!, options ?? AgentOptions.Default).Select(f => f.Code)];

    private static AgentInput WithOpportunity(Func<Opportunity, Opportunity> change) =>
        HealthyDeal() with { Opportunity = change(Deal) };

    private static AgentInput WithActivities(params Activity[] activities) => HealthyDeal() with { Activities = activities };

    [Fact]
    [Trait("spec", "7.risk")]
    public void HealthyDeal_HasNoFactor_AndIsLow()
    {
        var factors = RiskRules.Find(HealthyDeal(), Deal, AgentOptions.Default);

        Assert.Empty(factors);
        Assert.Equal("low", RiskRules.Level(factors, AgentOptions.Default));
    }

    [Theory]
    [Trait("spec", "7.risk.no_recent_activity")]
    [InlineData(13, false)]
    [InlineData(14, false)]
    [InlineData(15, true)]
    [InlineData(29, true)]
    public void NoRecentActivity_CountsTheFourteenDaysBeforeAsOf(int lastTouchDaysAgo, bool factor)
    {
        var input = WithActivities(Touch("ACT-1", lastTouchDaysAgo, "C-1"), Touch("ACT-2", 20, "C-2"));

        Assert.Equal(factor, Codes(input).Contains(RiskFactors.NoRecentActivity));
    }

    [Fact]
    [Trait("spec", "7.risk.no_recent_activity")]
    public void NoRecentActivity_NoActivityAtAll_IsAFactorWithThatEvidence()
    {
        var factor = RiskRules.Find(WithActivities(), Deal, AgentOptions.Default).Single(f => f.Code == RiskFactors.NoRecentActivity);

        Assert.Contains("no activity is recorded", factor.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("spec", "7.risk.no_recent_activity")]
    public void ScheduledActivity_InTheLastFourteenDays_IsNotRecentActivity()
    {
        // A call planned for three days ago and never logged as held is not a touch.
        var input = WithActivities(Touch("ACT-1", 20, "C-1"), Touch("ACT-2", 25, "C-2"), Touch("ACT-3", 3, "C-1", scheduled: true));

        Assert.Contains(RiskFactors.NoRecentActivity, Codes(input));
    }

    [Fact]
    [Trait("spec", "7.risk.no_recent_activity")]
    public void ActivityAfterAsOf_IsNotRecentActivity()
    {
        var input = WithActivities(Touch("ACT-1", 20, "C-1"), Touch("ACT-2", 25, "C-2"), Touch("ACT-3", -2, "C-1"));

        Assert.Contains(RiskFactors.NoRecentActivity, Codes(input));
    }

    [Fact]
    [Trait("spec", "7.risk.no_recent_activity")]
    public void RecentActivityDays_ComesFromTheOptions()
    {
        var input = WithActivities(Touch("ACT-1", 10, "C-1"), Touch("ACT-2", 12, "C-2"));

        Assert.DoesNotContain(RiskFactors.NoRecentActivity, Codes(input));
        Assert.Contains(RiskFactors.NoRecentActivity, Codes(input, new AgentOptions { RecentActivityDays = 7 }));
    }

    public static TheoryData<string[], bool> Histories => new()
    {
        { [], false },
        { ["2026-03-31"], false },                           // pushed once
        { ["2026-02-27", "2026-03-31"], true },             // pushed twice
        { ["2026-01-30", "2026-02-27", "2026-03-31"], true }, // three times
        { ["2026-06-30"], false },                           // pulled in
        { ["2026-04-30", "2026-04-30"], false },             // saved without moving
        { ["2026-02-27", "2026-03-31", "2026-06-30"], true }, // pushed twice, then pulled in to 2026-04-30
        { ["2026-03-31", "2026-02-27"], false },             // pulled in, then pushed once
    };

    [Theory]
    [Trait("spec", "7.risk.close_date_pushed")]
    [MemberData(nameof(Histories))]
    public void CloseDatePushed_NeedsTwoMovesLater(string[] history, bool factor)
    {
        var input = WithOpportunity(o => o with { CloseDateHistory = [.. history.Select(DateOnly.Parse)] });

        Assert.Equal(factor, Codes(input).Contains(RiskFactors.CloseDatePushed));
    }

    [Theory]
    [Trait("spec", "7.risk.close_date_passed")]
    [InlineData(-1, false)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    public void CloseDatePassed_WhenBeforeAsOf(int daysAgo, bool factor)
    {
        var input = WithOpportunity(o => o with { CloseDate = DaysAgo(daysAgo) });

        Assert.Equal(factor, Codes(input).Contains(RiskFactors.CloseDatePassed));
    }

    [Theory]
    [Trait("spec", "7.risk.stage_stalled")]
    [InlineData(44, false)]
    [InlineData(45, false)]
    [InlineData(46, true)]
    public void StageStalled_MoreThanFortyFiveDaysInStage(int daysInStage, bool factor)
    {
        var input = WithOpportunity(o => o with { StageEntered = DaysAgo(daysInStage) });

        Assert.Equal(factor, Codes(input).Contains(RiskFactors.StageStalled));
    }

    [Fact]
    [Trait("spec", "7.risk.stage_stalled")]
    public void StageStalled_UnknownStageEntry_IsNotAFactor()
    {
        Assert.DoesNotContain(RiskFactors.StageStalled, Codes(WithOpportunity(o => o with { StageEntered = null })));
    }

    [Theory]
    [Trait("spec", "7.risk.single_threaded")]
    [InlineData(30, false)]
    [InlineData(31, true)]
    public void SingleThreaded_TwoContactsInThirtyDays_IsNot(int buyerDaysAgo, bool factor)
    {
        var input = WithActivities(Touch("ACT-1", 5, "C-1"), Touch("ACT-2", 3, "C-1"), Touch("ACT-3", buyerDaysAgo, "C-2"));

        Assert.Equal(factor, Codes(input).Contains(RiskFactors.SingleThreaded));
    }

    [Fact]
    [Trait("spec", "7.risk.single_threaded")]
    public void SingleThreaded_OneContactManyTimes_IsSingleThreaded()
    {
        var input = WithActivities(Touch("ACT-1", 9, "C-1"), Touch("ACT-2", 5, "C-1"), Touch("ACT-3", 1, "C-1"));

        Assert.Contains(RiskFactors.SingleThreaded, Codes(input));
    }

    [Fact]
    [Trait("spec", "7.risk.single_threaded")]
    public void SingleThreaded_AContactNotOnTheOpportunity_DoesNotCount()
    {
        var outsider = new Contact("C-9", "Sam Reed", "Procurement Analyst", Role: "user");
        var input = HealthyDeal() with
        {
            Contacts = [Champion, Buyer, outsider],
            Activities = [Touch("ACT-1", 5, "C-1"), Touch("ACT-2", 3, "C-9")],
        };

        Assert.Contains(RiskFactors.SingleThreaded, Codes(input));
    }

    [Fact]
    [Trait("spec", "7.risk.single_threaded")]
    public void SingleThreaded_ScheduledActivitiesDoNotCountAsTakingPart()
    {
        var input = WithActivities(Touch("ACT-1", 5, "C-1"), Touch("ACT-2", -3, "C-2", scheduled: true));

        Assert.Contains(RiskFactors.SingleThreaded, Codes(input));
    }

    [Theory]
    [Trait("spec", "7.risk.no_economic_buyer")]
    [InlineData("economic_buyer", false)]
    [InlineData("decision_maker", false)]
    [InlineData("influencer", true)]
    [InlineData("user", true)]
    [InlineData(null, true)]
    public void NoEconomicBuyer_NeedsAnEconomicBuyerOrDecisionMaker(string? secondRole, bool factor)
    {
        var input = HealthyDeal() with { Contacts = [Champion, Buyer with { Role = secondRole }] };

        Assert.Equal(factor, Codes(input).Contains(RiskFactors.NoEconomicBuyer));
    }

    [Fact]
    [Trait("spec", "7.risk.no_economic_buyer")]
    public void NoEconomicBuyer_ABuyerWhoIsNotOnTheOpportunity_DoesNotCount()
    {
        var input = HealthyDeal() with { Opportunity = Deal with { Contacts = ["C-1"] } };

        Assert.Contains(RiskFactors.NoEconomicBuyer, Codes(input));
    }

    [Theory]
    [Trait("spec", "7.risk.competitor_mentioned")]
    [InlineData(29, true)]
    [InlineData(30, true)]
    [InlineData(31, false)]
    public void CompetitorMentioned_InTheLastThirtyDays(int daysAgo, bool factor)
    {
        var input = HealthyDeal(Touch("ACT-3", daysAgo, "C-1", "Evaluation criteria", "They are running a bake-off against Snowflake."));

        Assert.Equal(factor, Codes(input).Contains(RiskFactors.CompetitorMentioned));
    }

    [Fact]
    [Trait("spec", "7.risk.competitor_mentioned")]
    public void CompetitorMentioned_InASubject_CaseInsensitive_CitesTheActivity()
    {
        var input = HealthyDeal(Touch("ACT-3", 2, "C-2", "bigquery pricing comparison", type: "email", direction: "inbound"));

        var factor = RiskRules.Find(input, Deal, AgentOptions.Default).Single(f => f.Code == RiskFactors.CompetitorMentioned);

        Assert.Contains("BigQuery", factor.Evidence, StringComparison.Ordinal);
        Assert.Equal(new Citation("activity", "ACT-3", "subject"), Assert.Single(factor.Citations));
    }

    [Fact]
    [Trait("spec", "7.risk.competitor_mentioned")]
    public void CompetitorMentioned_AVendorNotWatched_IsNotAFactor()
    {
        var input = HealthyDeal(Touch("ACT-3", 2, "C-1", "Teradata exit plan", "They want off Teradata before the renewal."));

        Assert.DoesNotContain(RiskFactors.CompetitorMentioned, Codes(input));
    }

    [Fact]
    [Trait("spec", "7.risk.competitor_mentioned")]
    public void CompetitorMentioned_TwoCompetitorsNamed_IsOneFactor()
    {
        var input = HealthyDeal(Touch("ACT-3", 2, "C-1", "Bake-off", "Snowflake and Redshift are both in the bake-off."));

        Assert.Single(Codes(input), RiskFactors.CompetitorMentioned);
    }

    [Theory]
    [Trait("spec", "7.risk.no_next_step")]
    [InlineData(null, false, true)]
    [InlineData("   ", false, true)]
    [InlineData(null, true, false)]
    [InlineData("POC readout", false, false)]
    public void NoNextStep_NeitherNextStepNorScheduledActivity(string? nextStep, bool scheduled, bool factor)
    {
        Activity[] planned = scheduled ? [Touch("ACT-3", -4, "C-2", "Business case review", scheduled: true)] : [];
        var input = HealthyDeal(planned) with { Opportunity = Deal with { NextStep = nextStep } };

        Assert.Equal(factor, Codes(input).Contains(RiskFactors.NoNextStep));
    }

    [Fact]
    [Trait("spec", "7.risk.no_next_step")]
    public void ScheduledActivity_IsANextStep_ButNotRecentActivity()
    {
        var input = WithActivities(Touch("ACT-1", 20, "C-1"), Touch("ACT-2", 25, "C-2"), Touch("ACT-3", -4, "C-2", scheduled: true))
            with { Opportunity = Deal with { NextStep = null } };

        Assert.Equal([RiskFactors.NoRecentActivity], Codes(input));
    }

    [Fact]
    [Trait("spec", "7.risk")]
    public void EveryFactorAtOnce_IsFoundInSpecOrder()
    {
        var input = new AgentInput(
            AsOf,
            Contacts: [Champion with { Role = "user" }, Buyer with { Role = "influencer" }],
            Opportunity: Deal with
            {
                CloseDate = DaysAgo(10),
                CloseDateHistory = [new DateOnly(2025, 12, 19), new DateOnly(2026, 1, 30)],
                StageEntered = DaysAgo(100),
                NextStep = null,
            },
            Activities: [Touch("ACT-1", 24, "C-1", "Re: evaluation", "Our CIO prefers BigQuery.", type: "email", direction: "inbound")],
            Competitors: Competitors);

        Assert.Equal(RiskFactors.All, Codes(input));
    }

    public static TheoryData<string[], string> Levels => new()
    {
        { [], "low" },
        { [RiskFactors.NoNextStep], "medium" },
        { [RiskFactors.NoNextStep, RiskFactors.SingleThreaded], "medium" },
        { [RiskFactors.NoNextStep, RiskFactors.SingleThreaded, RiskFactors.StageStalled], "high" },
        { [RiskFactors.CloseDatePassed], "high" },
        { [RiskFactors.CloseDatePassed, RiskFactors.CloseDatePushed], "high" },
        { [.. RiskFactors.All], "high" },
    };

    [Theory]
    [Trait("spec", "7.risk.level")]
    [MemberData(nameof(Levels))]
    public void Level_HighWithThreeFactorsOrAPassedCloseDate_MediumWithOneOrTwo_LowWithNone(string[] codes, string level)
    {
        var factors = codes.Select(c => new RiskFactor(c, "evidence", "what to do", [])).ToList();

        Assert.Equal(level, RiskRules.Level(factors, AgentOptions.Default));
    }

    [Fact]
    [Trait("spec", "7.risk.level")]
    public async Task CloseDatePassed_Alone_IsAHighRiskAnswer()
    {
        var input = HealthyDeal() with { Opportunity = Deal with { CloseDate = DaysAgo(3) } };

        var outcome = await RunAsync(AgentTasks.RiskAnalysis, input);

        var risk = Assert.IsType<RiskAssessment>(outcome.Answer);
        Assert.Equal([RiskFactors.CloseDatePassed], risk.FactorCodes);
        Assert.Equal("high", risk.Level);
        Assert.Contains("Risk level: HIGH", outcome.Text, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("spec", "7.risk.open")]
    [InlineData("Closed Won", false)]
    [InlineData("Closed Lost", false)]
    [InlineData("closed lost", false)]
    [InlineData("Negotiation", true)]
    [InlineData("Technical Validation", true)]
    [InlineData(null, true)]
    public void Opportunity_WhoseStageBeginsWithClosed_IsNotOpen(string? stage, bool open)
    {
        Assert.Equal(open, (Deal with { Stage = stage }).IsOpen);
    }

    [Fact]
    [Trait("spec", "7.risk")]
    public void EveryFactor_CarriesEvidenceWhatToDoAndACitation()
    {
        var input = new AgentInput(
            AsOf,
            Contacts: [Champion with { Role = "user" }],
            Opportunity: Deal with { CloseDate = DaysAgo(1), CloseDateHistory = [DaysAgo(60), DaysAgo(30)], StageEntered = DaysAgo(90), NextStep = null },
            Activities: [Touch("ACT-1", 20, "C-1", "Snowflake comparison")],
            Competitors: Competitors);

        foreach (var factor in RiskRules.Find(input, input.Opportunity!, AgentOptions.Default))
        {
            Assert.False(string.IsNullOrWhiteSpace(factor.Evidence), factor.Code);
            Assert.False(string.IsNullOrWhiteSpace(factor.Recommendation), factor.Code);
            Assert.NotEmpty(factor.Citations);
        }
    }
}
