using Rollgate.Core.Events;
using Rollgate.Core.Metrics;
using Rollgate.Core.Plans;
using Rollgate.Core.Tests.Support;
using static Rollgate.Core.Tests.Support.EventBuilder;

namespace Rollgate.Core.Tests.Metrics;

/// <summary>SPEC 3, "What every number means": the success metrics over a phase's window at T.</summary>
public sealed class KpiCalculatorTests
{
    private const double Tolerance = 1e-9;

    private static readonly RolloutPlan Plan = TestPlans.Gtm;

    /// <summary>Two weeks into the pilot: Monday 16 February 2026, 09:00 PST.</summary>
    private static readonly DateTimeOffset PilotGate = PilotStart.AddDays(14);

    /// <summary>The sdr phase starts when the pilot's two weeks are over.</summary>
    private static readonly DateTimeOffset SdrStart = PilotGate;

    /// <summary>Three weeks into the sdr phase: Monday 9 March 2026, 09:00 PDT (21 days and an hour less, across DST).</summary>
    private static readonly DateTimeOffset SdrGate = At("2026-03-09T09:00:00-07:00");

    private static async Task<MetricValue> MetricAt(EventBuilder events, string phase, string metric, DateTimeOffset at)
    {
        var report = await new KpiCalculator(Plan, events.Log).ForPhaseAsync(Plan.FindPhase(phase)!, at);
        return report.Metrics.Single(m => m.Name == metric);
    }

    private static EventBuilder Pilot() => new EventBuilder().StartPhase("pilot", PilotStart);

    private static EventBuilder SdrAfterPilot() => new EventBuilder().StartPhase("pilot", PilotStart).StartPhase("sdr", SdrStart);

    // ---- windows and "at T" ----

    [Fact]
    [Trait("spec", "3.window")]
    public async Task Window_RunAtExactlyPhaseStart_IsCounted()
    {
        var events = Pilot();
        events.AddRun(PilotStart);

        var errorRate = await MetricAt(events, "pilot", "error_rate", PilotStart.AddHours(1));

        Assert.Equal(1, errorRate.N);
    }

    [Fact]
    [Trait("spec", "3.window")]
    public async Task Window_RunJustBeforePhaseStart_IsNotCounted()
    {
        var events = Pilot();
        events.AddRun(PilotStart.AddSeconds(-1));
        events.AddRun(PilotStart.AddMinutes(5));

        var errorRate = await MetricAt(events, "pilot", "error_rate", PilotStart.AddHours(1));

        Assert.Equal(1, errorRate.N);
    }

    [Fact]
    [Trait("spec", "3.at")]
    public async Task At_EventAtExactlyT_IsNotCounted()
    {
        var t = PilotStart.AddHours(3);
        var events = Pilot();
        events.AddRun(t.AddSeconds(-1));
        events.AddRun(t, outcome: RunOutcome.Error);

        var errorRate = await MetricAt(events, "pilot", "error_rate", t);

        Assert.Equal(1, errorRate.N);
        Assert.Equal(0.0, errorRate.Value);
    }

    [Fact]
    [Trait("spec", "3.at")]
    public async Task At_EventsAfterT_AreIgnored()
    {
        var t = PilotStart.AddDays(3);
        var events = Pilot();
        var runs = events.AddRuns(30, PilotStart.AddHours(1), TimeSpan.FromMinutes(5));
        foreach (var run in runs)
        {
            events.ReviewRun(run, correct: true);
        }

        var before = await MetricAt(events, "pilot", "task_accuracy", t);

        // Later runs, reviews of earlier runs and a restart of the phase: none may rewrite the past.
        events.AddRuns(50, t.AddMinutes(1), TimeSpan.FromMinutes(1), errors: 50);
        foreach (var run in runs)
        {
            events.ReviewRun(run, correct: false, at: t.AddHours(1), reviewer: "rev-02");
        }

        events.StartPhase("pilot", t.AddDays(1));

        var after = await MetricAt(events, "pilot", "task_accuracy", t);
        var errorRate = await MetricAt(events, "pilot", "error_rate", t);
        Assert.Equal(before, after);
        Assert.Equal(1.0, after.Value);
        Assert.Equal(30, after.N);
        Assert.Equal(30, errorRate.N);
        Assert.Equal(0.0, errorRate.Value);
    }

    [Fact]
    [Trait("spec", "3.window")]
    public async Task Window_IsFromTheLatestStartOfThePhaseBeforeT()
    {
        var restart = PilotStart.AddDays(7);
        var events = Pilot();
        events.AddRuns(5, PilotStart.AddDays(1), TimeSpan.FromMinutes(1), errors: 5);
        events.RollBack(PilotStart.AddDays(2));
        events.StartPhase("pilot", restart);
        events.AddRuns(3, restart.AddHours(1), TimeSpan.FromMinutes(1));

        var report = await new KpiCalculator(Plan, events.Log).ForPhaseAsync(Plan.FindPhase("pilot")!, restart.AddDays(1));
        var errorRate = report.Metrics.Single(m => m.Name == "error_rate");

        Assert.Equal(restart, report.From);
        Assert.Equal(restart.AddDays(1), report.To);
        Assert.Equal(3, errorRate.N);
        Assert.Equal(0.0, errorRate.Value);
    }

    // ---- task_accuracy ----

    [Theory]
    [Trait("spec", "3.minimum-samples")]
    [InlineData(29, false)]
    [InlineData(30, true)]
    public async Task TaskAccuracy_NeedsThirtyReviews(int reviews, bool hasData)
    {
        var events = Pilot();
        foreach (var run in events.AddRuns(reviews, PilotStart.AddHours(1), TimeSpan.FromMinutes(2)))
        {
            events.ReviewRun(run, correct: true);
        }

        var accuracy = await MetricAt(events, "pilot", "task_accuracy", PilotGate);

        Assert.Equal(reviews, accuracy.N);
        Assert.Equal(hasData, accuracy.HasData);
    }

    [Fact]
    [Trait("spec", "3.metrics.task_accuracy")]
    public async Task TaskAccuracy_IsCorrectReviewsOverReviews_WithWilsonInterval()
    {
        var events = Pilot();
        var runs = events.AddRuns(30, PilotStart.AddHours(1), TimeSpan.FromMinutes(2));
        for (var i = 0; i < runs.Count; i++)
        {
            events.ReviewRun(runs[i], correct: i < 24);
        }

        var accuracy = await MetricAt(events, "pilot", "task_accuracy", PilotGate);

        Assert.Equal(0.8, accuracy.Value!.Value, Tolerance);
        Assert.Equal(30, accuracy.N);
        Assert.True(accuracy.HasData);
        Assert.Equal(0.6269, accuracy.Ci.Low!.Value, 4);
        Assert.Equal(0.9049, accuracy.Ci.High!.Value, 4);
    }

    [Fact]
    [Trait("spec", "3.feedback-window")]
    public async Task TaskAccuracy_ReviewGivenAtOrAfterT_IsNotCounted()
    {
        var t = PilotStart.AddDays(2);
        var events = Pilot();
        var runs = events.AddRuns(31, PilotStart.AddHours(1), TimeSpan.FromMinutes(2));
        for (var i = 0; i < 30; i++)
        {
            events.ReviewRun(runs[i], correct: true);
        }

        events.ReviewRun(runs[30], correct: false, at: t);

        var accuracy = await MetricAt(events, "pilot", "task_accuracy", t);

        Assert.Equal(30, accuracy.N);
        Assert.Equal(1.0, accuracy.Value);
    }

    [Fact]
    [Trait("spec", "3.feedback-window")]
    public async Task TaskAccuracy_ReviewOfRunBeforeTheWindow_IsNotCounted()
    {
        var events = SdrAfterPilot();
        var pilotRun = events.AddRun(SdrStart.AddDays(-2));
        events.ReviewRun(pilotRun, correct: false, at: SdrStart.AddDays(1));
        foreach (var run in events.AddRuns(30, SdrStart.AddHours(1), TimeSpan.FromMinutes(2), users: [Sdr(1)]))
        {
            events.ReviewRun(run, correct: true);
        }

        var sdrAccuracy = await MetricAt(events, "sdr", "task_accuracy", SdrStart.AddDays(2));
        var pilotAccuracy = await MetricAt(events, "pilot", "task_accuracy", SdrStart.AddDays(2));

        Assert.Equal(30, sdrAccuracy.N);
        Assert.Equal(1.0, sdrAccuracy.Value);
        Assert.Equal(1, pilotAccuracy.N);
        Assert.Equal(0.0, pilotAccuracy.Value);
    }

    // ---- user_satisfaction and how feedback counts ----

    [Theory]
    [Trait("spec", "3.minimum-samples")]
    [InlineData(29, false)]
    [InlineData(30, true)]
    public async Task UserSatisfaction_NeedsThirtyRatings(int ratings, bool hasData)
    {
        var events = Pilot();
        foreach (var run in events.AddRuns(ratings, PilotStart.AddHours(1), TimeSpan.FromMinutes(2)))
        {
            events.Rate(run, 4);
        }

        var satisfaction = await MetricAt(events, "pilot", "user_satisfaction", PilotGate);

        Assert.Equal(ratings, satisfaction.N);
        Assert.Equal(hasData, satisfaction.HasData);
    }

    [Fact]
    [Trait("spec", "3.metrics.user_satisfaction")]
    public async Task UserSatisfaction_IsTheMeanRating_WithTInterval()
    {
        var events = Pilot();
        var runs = events.AddRuns(30, PilotStart.AddHours(1), TimeSpan.FromMinutes(2));
        for (var i = 0; i < runs.Count; i++)
        {
            events.Rate(runs[i], i % 2 == 0 ? 4 : 5);
        }

        var satisfaction = await MetricAt(events, "pilot", "user_satisfaction", PilotGate);

        // mean 4.5, s = 0.508548, t(0.975, 29) = 2.045230: half width 0.1898948.
        Assert.Equal(4.5, satisfaction.Value!.Value, Tolerance);
        Assert.Equal(30, satisfaction.N);
        Assert.Equal(4.5 - 0.1898948, satisfaction.Ci.Low!.Value, 6);
        Assert.Equal(4.5 + 0.1898948, satisfaction.Ci.High!.Value, 6);
    }

    [Fact]
    [Trait("spec", "3.feedback-window")]
    public async Task Feedback_CountsInTheWindowOfItsRun_NotOfItsOwnTimestamp()
    {
        var events = SdrAfterPilot();
        var pilotRun = events.AddRun(SdrStart.AddDays(-3), So(2));
        events.Rate(pilotRun, 1, at: SdrStart.AddDays(1));
        var sdrRun = events.AddRun(SdrStart.AddHours(2), Sdr(1));
        events.Rate(sdrRun, 5, at: SdrStart.AddHours(3));

        var at = SdrStart.AddDays(2);
        var sdr = await MetricAt(events, "sdr", "user_satisfaction", at);
        var pilot = await MetricAt(events, "pilot", "user_satisfaction", at);

        Assert.Equal(1, sdr.N);
        Assert.Equal(5.0, sdr.Value);
        Assert.Equal(1, pilot.N);
        Assert.Equal(1.0, pilot.Value);
    }

    [Fact]
    [Trait("spec", "3.feedback-window")]
    public async Task Feedback_GivenAfterT_ForRunBeforeT_IsNotCounted()
    {
        var t = PilotStart.AddDays(1);
        var events = Pilot();
        var early = events.AddRun(PilotStart.AddHours(1));
        events.Rate(early, 5);
        var late = events.AddRun(t.AddMinutes(-10));
        events.Rate(late, 1, at: t.AddMinutes(5));

        var satisfaction = await MetricAt(events, "pilot", "user_satisfaction", t);

        Assert.Equal(1, satisfaction.N);
        Assert.Equal(5.0, satisfaction.Value);
    }

    [Fact]
    [Trait("spec", "3.feedback-window")]
    public async Task Feedback_ReplacedBySameUserForSameRun_CountsOnceAsTheLatestBeforeT()
    {
        var t = PilotStart.AddDays(2);
        var events = Pilot();
        var run = events.AddRun(PilotStart.AddHours(1));
        events.Rate(run, 1, at: PilotStart.AddHours(2));
        events.Rate(run, 5, at: PilotStart.AddHours(3));

        var satisfaction = await MetricAt(events, "pilot", "user_satisfaction", t);

        Assert.Equal(1, satisfaction.N);
        Assert.Equal(5.0, satisfaction.Value);
    }

    [Fact]
    [Trait("spec", "3.feedback-window")]
    public async Task Feedback_ReplacementAfterT_LeavesTheEarlierRatingAtT()
    {
        var t = PilotStart.AddDays(2);
        var events = Pilot();
        var run = events.AddRun(PilotStart.AddHours(1));
        events.Rate(run, 2, at: PilotStart.AddHours(2));
        events.Rate(run, 5, at: t.AddHours(1));

        var satisfaction = await MetricAt(events, "pilot", "user_satisfaction", t);

        Assert.Equal(1, satisfaction.N);
        Assert.Equal(2.0, satisfaction.Value);
    }

    [Fact]
    [Trait("spec", "3.population")]
    public async Task UserSatisfaction_InSdrPhase_CountsThePhasesCohort()
    {
        var events = SdrAfterPilot();
        events.Rate(events.AddRun(SdrStart.AddHours(1), Sdr(3)), 4);
        events.Rate(events.AddRun(SdrStart.AddHours(2), So(1)), 2);
        events.Rate(events.AddRun(SdrStart.AddHours(3), Ae(1)), 5);

        var satisfaction = await MetricAt(events, "sdr", "user_satisfaction", SdrStart.AddDays(1));

        Assert.Equal(2, satisfaction.N);
        Assert.Equal(3.0, satisfaction.Value);
    }

    // ---- error_rate ----

    [Theory]
    [Trait("spec", "3.minimum-samples")]
    [InlineData(99, false)]
    [InlineData(100, true)]
    public async Task ErrorRate_NeedsOneHundredRuns(int runs, bool hasData)
    {
        var events = Pilot();
        events.AddRuns(runs, PilotStart.AddHours(1), TimeSpan.FromMinutes(1), errors: 1);

        var errorRate = await MetricAt(events, "pilot", "error_rate", PilotGate);

        Assert.Equal(runs, errorRate.N);
        Assert.Equal(hasData, errorRate.HasData);
    }

    [Fact]
    [Trait("spec", "3.metrics.error_rate")]
    public async Task ErrorRate_IsErrorsOverAllRuns_AbstentionsAreNotErrors()
    {
        var events = Pilot();
        for (var i = 0; i < 100; i++)
        {
            var outcome = i < 5 ? RunOutcome.Error : i < 25 ? RunOutcome.Abstained : RunOutcome.Completed;
            events.AddRun(PilotStart.AddMinutes(10 + i), So((i % 8) + 1), outcome);
        }

        var errorRate = await MetricAt(events, "pilot", "error_rate", PilotGate);

        Assert.Equal(0.05, errorRate.Value!.Value, Tolerance);
        Assert.Equal(100, errorRate.N);
        Assert.True(errorRate.HasData);
        Assert.True(errorRate.Ci.Low < 0.05 && errorRate.Ci.High > 0.05);
    }

    [Fact]
    [Trait("spec", "3.population")]
    public async Task ErrorRate_CountsRunsOfThePhasesCohortOnly()
    {
        var events = Pilot();
        events.AddRuns(100, PilotStart.AddHours(1), TimeSpan.FromMinutes(1), errors: 2, users: [So(1), So(8)]);
        events.AddRuns(50, PilotStart.AddHours(1), TimeSpan.FromMinutes(1), errors: 50, users: [Sdr(1), Ae(1)]);

        var errorRate = await MetricAt(events, "pilot", "error_rate", PilotGate);

        Assert.Equal(100, errorRate.N);
        Assert.Equal(0.02, errorRate.Value!.Value, Tolerance);
    }

    // ---- weekly_active_users ----

    [Fact]
    [Trait("spec", "3.metrics.weekly_active_users")]
    public async Task WeeklyActiveUsers_InSdrPhase_CountsSdrsWithARunInTheLastSevenDays()
    {
        var events = SdrAfterPilot();
        var t = SdrGate;
        for (var i = 1; i <= 16; i++)
        {
            events.AddRun(t.AddDays(-2).AddMinutes(i), Sdr(i));
            events.AddRun(t.AddDays(-2).AddMinutes(i), Sdr(i));
        }

        events.AddRun(t.AddDays(-7), Sdr(17));               // [T − 7 days: counted
        events.AddRun(t.AddDays(-7).AddSeconds(-1), Sdr(18)); // before the week
        events.AddRun(t, Sdr(19));                           // T): not counted
        events.AddRun(t.AddHours(-1), So(1));                 // sales ops are not the metric's population
        events.AddRun(t.AddHours(-1), Ae(1));

        var active = await MetricAt(events, "sdr", "weekly_active_users", t);

        Assert.Equal(17.0 / 28, active.Value!.Value, Tolerance);
        Assert.Equal(28, active.N);
        Assert.True(active.HasData);
    }

    [Fact]
    [Trait("spec", "3.metrics.weekly_active_users")]
    public async Task WeeklyActiveUsers_InFullPhase_CountsTheWholeCohort()
    {
        var fullStart = At("2026-04-06T09:00:00-07:00");
        var t = fullStart.AddDays(10);
        var events = new EventBuilder().StartPhase("full", fullStart);
        events.AddRun(t.AddDays(-1), So(1));
        events.AddRun(t.AddDays(-1), Sdr(1));
        events.AddRun(t.AddDays(-1), Ae(1));
        events.AddRun(t.AddDays(-1), "rev-01");

        var active = await MetricAt(events, "full", "weekly_active_users", t);

        // 8 sales ops + 28 SDRs + 58 AEs in users.csv.
        Assert.Equal(94, active.N);
        Assert.Equal(3.0 / 94, active.Value!.Value, Tolerance);
    }

    [Fact]
    [Trait("spec", "3.minimum-samples")]
    public async Task WeeklyActiveUsers_WithoutRuns_HasDataAndIsZero()
    {
        var events = SdrAfterPilot();

        var active = await MetricAt(events, "sdr", "weekly_active_users", SdrGate);

        Assert.True(active.HasData);
        Assert.Equal(0.0, active.Value);
    }

    // ---- lead_response_time_improvement ----

    /// <summary>Ten baseline leads (median 60 minutes) and ten in the sdr phase (median 45 minutes), all by SDRs.</summary>
    private static EventBuilder LeadResponses(int baseline = 10, int current = 10)
    {
        var events = SdrAfterPilot();
        int[] before = [30, 40, 50, 60, 60, 60, 70, 80, 90, 100];
        int[] now = [10, 20, 30, 40, 45, 45, 50, 60, 70, 80];
        for (var i = 0; i < baseline; i++)
        {
            events.LeadResponded(At("2026-01-12T10:00:00-08:00").AddDays(i), TimeSpan.FromMinutes(before[i]), Sdr(i + 1));
        }

        for (var i = 0; i < current; i++)
        {
            events.LeadResponded(SdrStart.AddDays(1 + i), TimeSpan.FromMinutes(now[i]), Sdr(i + 1));
        }

        return events;
    }

    [Fact]
    [Trait("spec", "3.metrics.lead_response_time_improvement")]
    public async Task LeadResponseTimeImprovement_IsOneMinusCurrentMedianOverBaselineMedian()
    {
        var improvement = await MetricAt(LeadResponses(), "sdr", "lead_response_time_improvement", SdrGate);

        Assert.Equal(1 - (45.0 / 60.0), improvement.Value!.Value, Tolerance);
        Assert.True(improvement.HasData);
    }

    [Theory]
    [Trait("spec", "3.minimum-samples")]
    [InlineData(10, 10, true)]
    [InlineData(9, 10, false)]
    [InlineData(10, 9, false)]
    public async Task LeadResponseTimeImprovement_NeedsTenResponsesInEachWindow(int baseline, int current, bool hasData)
    {
        var improvement = await MetricAt(LeadResponses(baseline, current), "sdr", "lead_response_time_improvement", SdrGate);

        Assert.Equal(hasData, improvement.HasData);
    }

    [Theory]
    [Trait("spec", "1.baseline")]
    [InlineData("2026-01-05T00:00:00-08:00", true)]
    [InlineData("2026-01-05T08:00:00Z", true)]
    [InlineData("2026-01-04T23:59:59-08:00", false)]
    [InlineData("2026-01-05T07:59:59Z", false)]
    [InlineData("2026-02-01T23:59:59-08:00", true)]
    [InlineData("2026-02-02T00:00:00-08:00", false)]
    public async Task LeadResponseTimeImprovement_BaselineIsTheLocalDatesJan5ToFeb2HalfOpen(string created, bool inBaseline)
    {
        // Nine baseline responses for sure; the tenth, on the edge, decides whether the baseline has enough.
        var events = LeadResponses(baseline: 9);
        events.LeadResponded(At(created), TimeSpan.FromMinutes(60), Sdr(20));

        var improvement = await MetricAt(events, "sdr", "lead_response_time_improvement", SdrGate);

        Assert.Equal(inBaseline, improvement.HasData);
    }

    [Fact]
    [Trait("spec", "3.population")]
    public async Task LeadResponseTimeImprovement_CountsTheSdrRoleOnly()
    {
        var events = LeadResponses(current: 9);
        for (var i = 0; i < 5; i++)
        {
            events.LeadResponded(SdrStart.AddDays(1 + i), TimeSpan.FromMinutes(600), So(i + 1));
            events.LeadResponded(At("2026-01-20T10:00:00-08:00").AddHours(i), TimeSpan.FromMinutes(5), So(i + 1));
        }

        var improvement = await MetricAt(events, "sdr", "lead_response_time_improvement", SdrGate);
        Assert.False(improvement.HasData);

        events.LeadResponded(SdrStart.AddDays(12), TimeSpan.FromMinutes(80), Sdr(12));
        improvement = await MetricAt(events, "sdr", "lead_response_time_improvement", SdrGate);
        Assert.True(improvement.HasData);
        Assert.Equal(0.25, improvement.Value!.Value, Tolerance);
    }

    [Fact]
    [Trait("spec", "3.at")]
    public async Task LeadResponseTimeImprovement_ResponseRecordedAtOrAfterT_IsNotCounted()
    {
        var events = LeadResponses(current: 9);
        events.LeadResponded(SdrGate.AddHours(-1), TimeSpan.FromHours(1), Sdr(12));

        var improvement = await MetricAt(events, "sdr", "lead_response_time_improvement", SdrGate);

        Assert.False(improvement.HasData);
    }

    [Fact]
    [Trait("spec", "3.window")]
    public async Task LeadResponseTimeImprovement_CountsLeadsCreatedInTheWindow()
    {
        // A lead created before the sdr phase began but answered in it belongs to no window.
        var events = LeadResponses(current: 9);
        events.LeadResponded(SdrStart.AddMinutes(-1), TimeSpan.FromMinutes(30), Sdr(12));

        var improvement = await MetricAt(events, "sdr", "lead_response_time_improvement", SdrGate);

        Assert.False(improvement.HasData);
    }

    // ---- time_saved ----

    [Theory]
    [Trait("spec", "3.metrics.time_saved")]
    [InlineData(14.0)]
    [InlineData(3.5)]
    public async Task TimeSaved_IsMinutesOver60OverPopulationOverWeeks(double days)
    {
        var fullStart = At("2026-04-06T09:00:00-07:00");
        var t = fullStart.AddDays(days);
        var events = new EventBuilder().StartPhase("full", fullStart);
        events.Rate(events.AddRun(fullStart.AddHours(1), Ae(1)), 5, minutesSaved: 120);
        events.Rate(events.AddRun(fullStart.AddHours(2), Sdr(1)), 4, minutesSaved: 60);
        events.Rate(events.AddRun(fullStart.AddHours(3), Sdr(1)), 4, minutesSaved: 60);
        events.Rate(events.AddRun(fullStart.AddHours(4), So(1)), 3, minutesSaved: 30);
        events.Rate(events.AddRun(fullStart.AddHours(5), So(2)), 3);
        events.Rate(events.AddRun(t.AddMinutes(-5), So(3)), 3, minutesSaved: 600, at: t);

        var saved = await MetricAt(events, "full", "time_saved", t);

        Assert.Equal(270.0 / 60 / 94 / (days / 7), saved.Value!.Value, Tolerance);
        Assert.True(saved.HasData);
    }

    [Fact]
    [Trait("spec", "3.minimum-samples")]
    public async Task TimeSaved_WithoutFeedback_IsZeroHoursWithData()
    {
        var fullStart = At("2026-04-06T09:00:00-07:00");
        var events = new EventBuilder().StartPhase("full", fullStart);
        events.AddRuns(20, fullStart.AddHours(1), TimeSpan.FromMinutes(3), users: [Ae(1), Sdr(1)]);

        var saved = await MetricAt(events, "full", "time_saved", fullStart.AddDays(7));

        Assert.True(saved.HasData);
        Assert.Equal(0.0, saved.Value);
    }

    // ---- critical_incidents ----

    [Fact]
    [Trait("spec", "3.metrics.critical_incidents")]
    public async Task CriticalIncidents_CountsCriticalIncidentsOpenedInTheWindow()
    {
        var t = PilotGate;
        var events = Pilot();
        events.OpenIncident(PilotStart.AddSeconds(-1), Severity.Critical, IncidentCategory.Security); // before the window
        events.OpenIncident(PilotStart, Severity.Critical, IncidentCategory.Quality);                 // [start
        var resolved = events.OpenIncident(PilotStart.AddDays(3), Severity.Critical, IncidentCategory.Availability);
        events.ResolveIncident(resolved, PilotStart.AddDays(3).AddHours(2));                          // resolved, still opened in the window
        events.OpenIncident(PilotStart.AddDays(4), Severity.High, IncidentCategory.Security);         // not critical
        events.OpenIncident(t, Severity.Critical, IncidentCategory.Privacy);                          // T)

        var incidents = await MetricAt(events, "pilot", "critical_incidents", t);

        Assert.Equal(2.0, incidents.Value);
        Assert.True(incidents.HasData);
    }

    [Fact]
    [Trait("spec", "3.minimum-samples")]
    public async Task CriticalIncidents_WithNone_HasDataAndIsZero()
    {
        var incidents = await MetricAt(Pilot(), "pilot", "critical_incidents", PilotGate);

        Assert.True(incidents.HasData);
        Assert.Equal(0.0, incidents.Value);
    }

    [Fact]
    [Trait("spec", "1.full-critical-incidents-14d")]
    public async Task CriticalIncidents_InFullPhase_CountsTheLastFourteenDays()
    {
        var fullStart = At("2026-03-02T09:00:00-08:00");
        var t = At("2026-04-20T12:00:00-07:00");
        var events = new EventBuilder().StartPhase("full", fullStart);
        events.OpenIncident(t.AddDays(-14).AddSeconds(-1), Severity.Critical, IncidentCategory.Quality);
        events.OpenIncident(t.AddDays(-14), Severity.Critical, IncidentCategory.Quality);
        events.OpenIncident(t.AddDays(-1), Severity.Critical, IncidentCategory.Other);

        var incidents = await MetricAt(events, "full", "critical_incidents", t);

        Assert.Equal(2.0, incidents.Value);
    }
}
