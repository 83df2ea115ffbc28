using Rollgate.Core.Events;
using Rollgate.Core.Gates;
using Rollgate.Core.Plans;
using Rollgate.Core.Tests.Support;
using static Rollgate.Core.Tests.Support.EventBuilder;

namespace Rollgate.Core.Tests.Gates;

/// <summary>SPEC 3, "Go/no-go decision of a phase at T", and the shortfall it rests on.</summary>
public sealed class GateEvaluatorTests
{
    private const double Tolerance = 1e-9;

    private static readonly RolloutPlan Plan = TestPlans.Gtm;

    /// <summary>Two weeks into the pilot: Monday 16 February 2026, 09:00 PST.</summary>
    private static readonly DateTimeOffset PilotGate = PilotStart.AddDays(14);

    private static readonly DateTimeOffset SdrStart = PilotGate;

    /// <summary>Three weeks into the sdr phase: Monday 9 March 2026, 09:00 PDT.</summary>
    private static readonly DateTimeOffset SdrGate = At("2026-03-09T09:00:00-07:00");

    private static int[] Ratings(int count, int rating) => [.. Enumerable.Repeat(rating, count)];

    /// <summary>
    /// A pilot judged at its gate. By default every metric is met: 120 runs without errors, 40 correct
    /// reviews, 40 ratings of 4 and no critical incident.
    /// </summary>
    private static EventBuilder Pilot(int reviews = 40, int correct = 40, int[]? ratings = null, int runs = 120, int errors = 0, int criticalIncidents = 0)
    {
        ratings ??= Ratings(40, 4);
        var events = new EventBuilder().StartPhase("pilot", PilotStart);
        var made = events.AddRuns(runs, Pt(2026, 2, 3, 10), TimeSpan.FromMinutes(1), errors, [.. Enumerable.Range(1, 8).Select(So)]);
        for (var i = 0; i < reviews; i++)
        {
            events.ReviewRun(made[i], correct: i < correct);
        }

        for (var i = 0; i < ratings.Length; i++)
        {
            events.Rate(made[i], ratings[i]);
        }

        for (var i = 0; i < criticalIncidents; i++)
        {
            events.OpenIncident(Pt(2026, 2, 5, 11).AddHours(i), Severity.Critical, IncidentCategory.Quality);
        }

        return events;
    }

    /// <summary>
    /// An sdr phase judged at its gate. By default every metric is met: 200 runs by 20 of the 28 SDRs in the last
    /// week, 40 correct reviews, 40 ratings of 4, lead responses 25% faster than the baseline, no errors.
    /// </summary>
    private static EventBuilder Sdr(int correct = 40)
    {
        var events = new EventBuilder().StartPhase("pilot", PilotStart).StartPhase("sdr", SdrStart);
        var runs = events.AddRuns(200, Pt(2026, 3, 3, 10), TimeSpan.FromMinutes(1), users: [.. Enumerable.Range(1, 20).Select(EventBuilder.Sdr)]);
        for (var i = 0; i < 40; i++)
        {
            events.ReviewRun(runs[i], correct: i < correct);
            events.Rate(runs[i], 4);
        }

        for (var i = 0; i < 10; i++)
        {
            events.LeadResponded(Pt(2026, 1, 12, 10).AddDays(i), TimeSpan.FromMinutes(60), EventBuilder.Sdr(i + 1));
            events.LeadResponded(SdrStart.AddDays(1 + i), TimeSpan.FromMinutes(45), EventBuilder.Sdr(i + 1));
        }

        return events;
    }

    private static ValueTask<GateReport> GateAt(EventBuilder events, string phase, DateTimeOffset at) =>
        GateEvaluator.EvaluateAsync(Plan, Plan.FindPhase(phase)!, events.Log, at);

    private static GateRow Row(GateReport report, string metric) => report.Rows.Single(r => r.Value.Name == metric);

    [Fact]
    [Trait("spec", "3.gate.3")]
    public async Task Gate_PilotWithEveryMetricMet_IsGo_AndAdvancesToSdr()
    {
        var report = await GateAt(Pilot(), "pilot", PilotGate);

        Assert.Equal("go", report.DecisionName);
        Assert.All(report.Rows, r => Assert.True(r.Met));
        Assert.Equal("advance", report.Action.Action);
        Assert.Equal("sdr", report.Action.To);
    }

    [Fact]
    [Trait("spec", "3.gate.1")]
    public async Task Gate_MissedByMoreThanMargin_IsNoGo_AndExtendsThePilotOneWeek()
    {
        // 24 of 40 correct: 0.60 against 0.80, a shortfall of 0.25 > 0.20.
        var report = await GateAt(Pilot(correct: 24), "pilot", PilotGate);

        Assert.Equal("no-go", report.DecisionName);
        Assert.Equal(0.25, Row(report, "task_accuracy").Shortfall!.Value, Tolerance);
        Assert.Equal("extend", report.Action.Action);
        Assert.Equal(TimeSpan.FromDays(7), report.Action.By);
    }

    [Fact]
    [Trait("spec", "3.gate.4")]
    public async Task Gate_MissedWithinMargin_IsHold_ForTheStakeholders()
    {
        // 28 of 40 correct: 0.70 against 0.80, a shortfall of 0.125 ≤ 0.20.
        var report = await GateAt(Pilot(correct: 28), "pilot", PilotGate);

        Assert.Equal("hold", report.DecisionName);
        Assert.False(Row(report, "task_accuracy").Met);
        Assert.Equal("stakeholders-decide", report.Action.Action);
    }

    public static TheoryData<string, int, int, int[], int, int> MissedByExactlyTwentyPercent => new()
    {
        // metric, reviews, correct, ratings, runs, errors
        { "task_accuracy", 50, 32, Ratings(40, 4), 120, 0 },                       // 0.64 against ≥ 0.80
        { "user_satisfaction", 40, 40, [.. Ratings(48, 3), 4, 4], 120, 0 },        // 3.04 against ≥ 3.8
        { "error_rate", 40, 40, Ratings(40, 4), 1000, 36 },                        // 0.036 against ≤ 0.03
    };

    [Theory]
    [Trait("spec", "3.gate.1")]
    [MemberData(nameof(MissedByExactlyTwentyPercent))]
    public async Task Gate_PilotMissedByExactlyTheMargin_IsHoldNotNoGo(string metric, int reviews, int correct, int[] ratings, int runs, int errors)
    {
        var report = await GateAt(Pilot(reviews, correct, ratings, runs, errors), "pilot", PilotGate);

        Assert.Equal(0.20, Row(report, metric).Shortfall!.Value, Tolerance);
        Assert.Equal("hold", report.DecisionName);
    }

    [Fact]
    [Trait("spec", "3.gate.1")]
    public async Task Gate_NoGo_BeatsInsufficientData()
    {
        // Ten reviews are too few to judge accuracy, but one critical incident misses "max 0" by 1.
        var report = await GateAt(Pilot(reviews: 10, correct: 10, criticalIncidents: 1), "pilot", PilotGate);

        Assert.Null(Row(report, "task_accuracy").Met);
        Assert.Equal("no-go", report.DecisionName);
        Assert.Equal("extend", report.Action.Action);
    }

    [Fact]
    [Trait("spec", "3.gate.1")]
    public async Task Gate_MetricWithoutData_NeverMakesNoGo()
    {
        // 0 of 10 correct would miss by 100%, but ten reviews are no data.
        var report = await GateAt(Pilot(reviews: 10, correct: 0), "pilot", PilotGate);

        Assert.Equal("insufficient-data", report.DecisionName);
    }

    [Theory]
    [Trait("spec", "3.gate.2")]
    [InlineData(29, "insufficient-data")]
    [InlineData(30, "go")]
    public async Task Gate_MetricBelowMinimumSample_IsInsufficientData(int reviews, string decision)
    {
        var report = await GateAt(Pilot(reviews: reviews, correct: reviews), "pilot", PilotGate);

        Assert.Equal(decision, report.DecisionName);
    }

    [Fact]
    [Trait("spec", "3.gate.2")]
    public async Task Gate_InsufficientData_NamesKeepCollecting_AndLeavesTheRowUnjudged()
    {
        var report = await GateAt(Pilot(ratings: Ratings(29, 5)), "pilot", PilotGate);

        var row = Row(report, "user_satisfaction");
        Assert.Equal("insufficient-data", report.DecisionName);
        Assert.Equal("keep-collecting", report.Action.Action);
        Assert.Null(row.Met);
        Assert.Null(row.Shortfall);
    }

    [Fact]
    [Trait("spec", "3.gate.2")]
    public async Task Gate_InsufficientData_BeatsHold()
    {
        // Accuracy 0.70 alone would be a hold; 99 runs leave the error rate without data.
        var report = await GateAt(Pilot(correct: 28, runs: 99), "pilot", PilotGate);

        Assert.Equal("insufficient-data", report.DecisionName);
    }

    [Fact]
    [Trait("spec", "3.shortfall")]
    public async Task Shortfall_OfALowerBound_IsTargetMinusValueOverTarget()
    {
        var report = await GateAt(Pilot(correct: 28), "pilot", PilotGate);

        var row = Row(report, "task_accuracy");
        Assert.Equal("min", row.Direction);
        Assert.Equal((0.80 - 0.70) / 0.80, row.Shortfall!.Value, Tolerance);
    }

    [Fact]
    [Trait("spec", "3.shortfall")]
    public async Task Shortfall_OfAnUpperBound_IsValueMinusTargetOverTarget()
    {
        // 4 errors in 100 runs: 0.04 against ≤ 0.03.
        var report = await GateAt(Pilot(runs: 100, errors: 4), "pilot", PilotGate);

        var row = Row(report, "error_rate");
        Assert.Equal("max", row.Direction);
        Assert.False(row.Met);
        Assert.Equal((0.04 - 0.03) / 0.03, row.Shortfall!.Value, Tolerance);
        Assert.Equal("no-go", report.DecisionName);
    }

    [Theory]
    [Trait("spec", "3.shortfall")]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Shortfall_AgainstAZeroTarget_IsOne(int incidents)
    {
        var report = await GateAt(Pilot(criticalIncidents: incidents), "pilot", PilotGate);

        var row = Row(report, "critical_incidents");
        Assert.False(row.Met);
        Assert.Equal(1.0, row.Shortfall);
        Assert.Equal("no-go", report.DecisionName);
    }

    [Fact]
    [Trait("spec", "3.shortfall")]
    public async Task Shortfall_OfAMetMetric_IsZero()
    {
        var report = await GateAt(Pilot(correct: 36), "pilot", PilotGate);

        Assert.All(report.Rows, r => Assert.Equal(0.0, r.Shortfall));
        Assert.True(Row(report, "critical_incidents").Met);
    }

    [Fact]
    [Trait("spec", "3.gate.3")]
    public async Task Gate_SdrWithEveryMetricMet_IsGo_AndAdvancesToFull()
    {
        var report = await GateAt(Sdr(), "sdr", SdrGate);

        Assert.Equal("go", report.DecisionName);
        Assert.Equal("advance", report.Action.Action);
        Assert.Equal("full", report.Action.To);
    }

    [Fact]
    [Trait("spec", "3.gate.1")]
    public async Task Gate_SdrMissedByAnyAmount_IsNoGo_AndExtendsOneToTwoWeeks()
    {
        // 33 of 40 correct: 0.825 against ≥ 0.85, a 3% miss; the sdr phase's margin is 0.
        var report = await GateAt(Sdr(correct: 33), "sdr", SdrGate);

        Assert.Equal("no-go", report.DecisionName);
        Assert.Equal("extend", report.Action.Action);
        Assert.Equal(TimeSpan.FromDays(7), report.Action.By);
        Assert.Equal(TimeSpan.FromDays(14), report.Action.ByMax);
    }
}
