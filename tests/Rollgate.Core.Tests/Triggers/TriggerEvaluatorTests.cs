using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Core.Tests.Support;
using Rollgate.Core.Triggers;
using static Rollgate.Core.Tests.Support.EventBuilder;

namespace Rollgate.Core.Tests.Triggers;

/// <summary>SPEC 3, "Rollback triggers at T", judged on the example plan's seven triggers.</summary>
public sealed class TriggerEvaluatorTests
{
    private const string ErrorRateSustained = "error-rate-sustained";
    private const string CriticalIncident = "critical-incident";
    private const string SatisfactionLow = "satisfaction-low";
    private const string ExecutiveDirective = "executive-directive";
    private const string MetricsMissed = "metrics-missed";
    private const string IncidentRate = "incident-rate";
    private const string P0Bugs = "p0-bugs";

    private static readonly RolloutPlan Plan = TestPlans.Gtm;

    /// <summary>Friday 13 February 2026, 09:00 PST: eleven days into the pilot.</summary>
    private static readonly DateTimeOffset T = Pt(2026, 2, 13, 9);

    private static EventBuilder Pilot() => new EventBuilder().StartPhase("pilot", PilotStart);

    private static ValueTask<TriggerReport> JudgeAsync(EventBuilder events, DateTimeOffset at) =>
        new TriggerEvaluator(Plan, events.Log).EvaluateAsync(at);

    private static async Task<bool> FiresAsync(EventBuilder events, string trigger, DateTimeOffset at)
    {
        var report = await JudgeAsync(events, at);
        Assert.Contains(report.Checked, c => c.Id == trigger);
        return report.Fired.Any(f => f.Id == trigger);
    }

    private static async Task<bool> FiresAsync(EventBuilder events, string trigger, string at) => await FiresAsync(events, trigger, At(at));

    // ---- which phase is judged ----

    [Fact]
    [Trait("spec", "1.triggers")]
    public async Task Report_ChecksEveryTriggerOfThePlan_WithItsKind()
    {
        var report = await JudgeAsync(Pilot(), T);

        Assert.Equal("pilot", report.Phase);
        (string Id, string Kind)[] expected =
        [
            (ErrorRateSustained, "rollback"), (CriticalIncident, "rollback"), (SatisfactionLow, "rollback"), (ExecutiveDirective, "rollback"),
            (MetricsMissed, "partial-rollback"), (IncidentRate, "partial-rollback"), (P0Bugs, "partial-rollback"),
        ];
        Assert.Equal(expected.OrderBy(e => e.Id, StringComparer.Ordinal), report.Checked.Select(c => (c.Id, c.Kind)).OrderBy(c => c.Id, StringComparer.Ordinal));
        Assert.Empty(report.Fired);
    }

    /// <summary>Everything that would fire a trigger: an open critical security incident, a directive, three open P0 bugs, three incidents.</summary>
    private static void Trouble(EventBuilder events, DateTimeOffset from)
    {
        events.OpenIncident(from, Severity.Critical, IncidentCategory.Security);
        events.OpenIncident(from.AddMinutes(1));
        events.OpenIncident(from.AddMinutes(2));
        events.FileBug(from);
        events.FileBug(from.AddMinutes(1));
        events.FileBug(from.AddMinutes(2));
        events.Direct(from.AddMinutes(3));
    }

    [Fact]
    [Trait("spec", "3.triggers.phase")]
    public async Task Triggers_AfterARollback_HaveNoPhaseAndNothingFires()
    {
        var events = Pilot();
        Trouble(events, PilotStart.AddDays(1));
        events.RollBack(PilotStart.AddDays(2), "critical-incident", by: null);

        var report = await JudgeAsync(events, PilotStart.AddDays(3));

        Assert.Null(report.Phase);
        Assert.Empty(report.Fired);
    }

    [Fact]
    [Trait("spec", "3.triggers.phase")]
    public async Task Triggers_BeforeAnyPhaseStarted_HaveNoPhaseAndNothingFires()
    {
        var events = new EventBuilder();
        Trouble(events, PilotStart.AddDays(-3));

        var report = await JudgeAsync(events, PilotStart);

        Assert.Null(report.Phase);
        Assert.Empty(report.Fired);
    }

    [Fact]
    [Trait("spec", "3.triggers.phase")]
    public async Task Triggers_AfterTheKillSwitchIsTurnedBackOn_AreJudgedAgain()
    {
        var events = Pilot();
        events.OpenIncident(PilotStart.AddDays(1), Severity.Critical, IncidentCategory.Privacy);
        events.RollBack(PilotStart.AddDays(1).AddHours(1));
        events.StartPhase("pilot", PilotStart.AddDays(2));

        var report = await JudgeAsync(events, PilotStart.AddDays(2).AddHours(1));

        Assert.Equal("pilot", report.Phase);
        Assert.Contains(report.Fired, f => f.Id == CriticalIncident);
    }

    // ---- error-rate-sustained ----

    /// <summary>One errored run a minute from 09:50 on the pilot's first day: C first holds at 10:00 (ten runs in [09:45, 10:00)).</summary>
    private static EventBuilder ErroringFrom0950()
    {
        var events = Pilot();
        events.AddRuns(180, Pt(2026, 2, 2, 9, 50), TimeSpan.FromMinutes(1), errors: 180);
        return events;
    }

    [Theory]
    [Trait("spec", "3.triggers.error-rate-sustained")]
    [InlineData("2026-02-02T10:59:00-08:00", false)]
    [InlineData("2026-02-02T10:59:59-08:00", false)]
    [InlineData("2026-02-02T11:00:00-08:00", true)]
    [InlineData("2026-02-02T11:00:59-08:00", true)]
    [InlineData("2026-02-02T12:00:00-08:00", true)]
    public async Task ErrorRate_HoldingFrom1000_FiresAt1100(string at, bool fires)
    {
        Assert.Equal(fires, await FiresAsync(ErroringFrom0950(), ErrorRateSustained, at));
    }

    [Theory]
    [Trait("spec", "3.triggers.error-rate-sustained")]
    [InlineData("2026-02-02T11:00:00-08:00", false)]
    [InlineData("2026-02-02T11:30:59-08:00", false)]
    [InlineData("2026-02-02T11:31:00-08:00", true)]
    public async Task ErrorRate_DipAt1030_RestartsTheHour(string at, bool fires)
    {
        var events = ErroringFrom0950();

        // 200 good runs at 10:29 bring C(10:30) to 15 errors in 215 runs; 300 errors at 10:30 restore it from 10:31.
        events.AddRuns(200, Pt(2026, 2, 2, 10, 29), TimeSpan.Zero);
        events.AddRuns(300, Pt(2026, 2, 2, 10, 30), TimeSpan.Zero, errors: 300);

        Assert.Equal(fires, await FiresAsync(events, ErrorRateSustained, at));
    }

    /// <summary>A batch of runs every quarter hour from the phase start, so that every 15-minute window holds exactly one batch.</summary>
    private static EventBuilder QuarterHourlyBatches(int runs, int errors)
    {
        var events = Pilot();
        for (var quarter = 0; quarter < 12; quarter++)
        {
            events.AddRuns(runs, PilotStart.AddMinutes(15 * quarter), TimeSpan.Zero, errors);
        }

        return events;
    }

    [Theory]
    [Trait("spec", "3.triggers.error-rate-sustained")]
    [InlineData(9, 9, false)]
    [InlineData(10, 10, true)]
    public async Task ErrorRate_FewerThanTenRunsInTheWindow_DoesNotHold(int runs, int errors, bool fires)
    {
        Assert.Equal(fires, await FiresAsync(QuarterHourlyBatches(runs, errors), ErrorRateSustained, Pt(2026, 2, 2, 11)));
    }

    [Theory]
    [Trait("spec", "3.triggers.error-rate-sustained")]
    [InlineData(10, 1, false)]
    [InlineData(30, 3, false)]
    [InlineData(10, 2, true)]
    [InlineData(30, 4, true)]
    public async Task ErrorRate_ExactlyTenPercent_IsNotMoreThanTenPercent(int runs, int errors, bool fires)
    {
        Assert.Equal(fires, await FiresAsync(QuarterHourlyBatches(runs, errors), ErrorRateSustained, Pt(2026, 2, 2, 11)));
    }

    [Theory]
    [Trait("spec", "3.triggers.error-rate-sustained")]
    [InlineData("2026-02-16T10:00:00-08:00", false)]
    [InlineData("2026-02-16T10:09:59-08:00", false)]
    [InlineData("2026-02-16T10:10:00-08:00", true)]
    public async Task ErrorRate_WindowStartsNoEarlierThanThePhaseStart(string at, bool fires)
    {
        // Errors every minute from 08:00, through the sdr phase's start at 09:00. Only runs since the start
        // count: C first holds at 09:10 (ten runs in [09:00, 09:10), the one at exactly 09:00 included).
        var sdrStart = Pt(2026, 2, 16, 9);
        var events = Pilot().StartPhase("sdr", sdrStart);
        events.AddRuns(180, Pt(2026, 2, 16, 8), TimeSpan.FromMinutes(1), errors: 180, users: [So(1), Sdr(1)]);

        Assert.Equal(fires, await FiresAsync(events, ErrorRateSustained, at));
    }

    // ---- critical-incident ----

    [Theory]
    [Trait("spec", "3.triggers.critical-incident")]
    [InlineData(Severity.Critical, IncidentCategory.Security, true)]
    [InlineData(Severity.Critical, IncidentCategory.Privacy, true)]
    [InlineData(Severity.Critical, IncidentCategory.Quality, false)]
    [InlineData(Severity.Critical, IncidentCategory.Availability, false)]
    [InlineData(Severity.Critical, IncidentCategory.Other, false)]
    [InlineData(Severity.High, IncidentCategory.Security, false)]
    [InlineData(Severity.Medium, IncidentCategory.Privacy, false)]
    [InlineData(Severity.Low, IncidentCategory.Security, false)]
    public async Task CriticalIncident_OnlyCriticalSecurityOrPrivacy_Fires(Severity severity, IncidentCategory category, bool fires)
    {
        var events = Pilot();
        events.OpenIncident(T.AddHours(-2), severity, category);

        Assert.Equal(fires, await FiresAsync(events, CriticalIncident, T));
    }

    [Theory]
    [Trait("spec", "3.triggers.critical-incident")]
    [InlineData(-1, false)]   // resolved before T
    [InlineData(0, true)]     // resolved at T: not before it
    [InlineData(60, true)]    // resolved after T: open at T
    public async Task CriticalIncident_IsOpenUntilResolvedBeforeT(int resolvedMinutesFromT, bool fires)
    {
        var events = Pilot();
        var incident = events.OpenIncident(T.AddHours(-2), Severity.Critical, IncidentCategory.Security);
        events.ResolveIncident(incident, T.AddMinutes(resolvedMinutesFromT));

        Assert.Equal(fires, await FiresAsync(events, CriticalIncident, T));
    }

    [Fact]
    [Trait("spec", "3.triggers.critical-incident")]
    public async Task CriticalIncident_OpenedAtT_IsNotYetOpen()
    {
        var events = Pilot();
        events.OpenIncident(T, Severity.Critical, IncidentCategory.Privacy);

        Assert.False(await FiresAsync(events, CriticalIncident, T));
        Assert.True(await FiresAsync(events, CriticalIncident, T.AddSeconds(1)));
    }

    // ---- satisfaction-low ----

    /// <summary>A run at <paramref name="at"/> with one rating each, given a minute later.</summary>
    private static void RatedRuns(EventBuilder events, DateTimeOffset at, params int[] ratings)
    {
        foreach (var rating in ratings)
        {
            events.Rate(events.AddRun(at, So(3)), rating);
        }
    }

    /// <summary>Low ratings on Thursday 5, Friday 6 and Monday 9 February, in the pilot's first two weeks.</summary>
    private static EventBuilder LowThuFriMon()
    {
        var events = Pilot();
        RatedRuns(events, Pt(2026, 2, 5, 10), 2, 3);
        RatedRuns(events, Pt(2026, 2, 6, 16, 30), 1);
        RatedRuns(events, Pt(2026, 2, 9, 9, 30), 2, 2, 4);
        return events;
    }

    [Theory]
    [Trait("spec", "3.triggers.satisfaction-low")]
    [InlineData("2026-02-09T23:59:59-08:00", false)] // Monday: the last three service days are Wed (no ratings), Thu, Fri
    [InlineData("2026-02-10T00:00:00-08:00", true)]  // Tuesday: Thu, Fri, Mon, the weekend is no service day
    [InlineData("2026-02-10T16:00:00-08:00", true)]
    [InlineData("2026-02-11T09:00:00-08:00", false)] // Wednesday: Tuesday had no ratings
    public async Task SatisfactionLow_PilotLowOnThuFriMon_FiresOnTuesday(string at, bool fires)
    {
        Assert.Equal(fires, await FiresAsync(LowThuFriMon(), SatisfactionLow, at));
    }

    [Fact]
    [Trait("spec", "3.triggers.satisfaction-low")]
    public async Task SatisfactionLow_PilotWeekendRatings_DoNotBreakTheStreak()
    {
        var events = LowThuFriMon();
        RatedRuns(events, Pt(2026, 2, 7, 12), 5, 5, 5);

        Assert.True(await FiresAsync(events, SatisfactionLow, Pt(2026, 2, 10, 9)));
    }

    [Fact]
    [Trait("spec", "3.triggers.satisfaction-low")]
    public async Task SatisfactionLow_ServiceDayWithoutRatings_DoesNotFire()
    {
        var events = Pilot();
        RatedRuns(events, Pt(2026, 2, 4, 10), 1);
        RatedRuns(events, Pt(2026, 2, 5, 10), 1);
        RatedRuns(events, Pt(2026, 2, 7, 10), 1); // Saturday stands in for no Friday
        RatedRuns(events, Pt(2026, 2, 9, 10), 1);

        Assert.False(await FiresAsync(events, SatisfactionLow, Pt(2026, 2, 10, 9)));
    }

    [Theory]
    [Trait("spec", "3.triggers.satisfaction-low")]
    [InlineData(new[] { 2, 4 }, false)]    // mean 3.0 exactly: not below 3.0
    [InlineData(new[] { 3 }, false)]
    [InlineData(new[] { 2, 3 }, true)]     // 2.5
    [InlineData(new[] { 1, 5, 2 }, true)]  // 2.67
    public async Task SatisfactionLow_NeedsADailyMeanBelowThree(int[] thursday, bool fires)
    {
        var events = Pilot();
        RatedRuns(events, Pt(2026, 2, 5, 10), thursday);
        RatedRuns(events, Pt(2026, 2, 6, 10), 1);
        RatedRuns(events, Pt(2026, 2, 9, 10), 1);

        Assert.Equal(fires, await FiresAsync(events, SatisfactionLow, Pt(2026, 2, 10, 9)));
    }

    [Fact]
    [Trait("spec", "3.triggers.satisfaction-low")]
    public async Task SatisfactionLow_RatingCountsOnItsRunsDay()
    {
        // Friday's run is rated on Monday morning: Friday still has its rating.
        var events = Pilot();
        RatedRuns(events, Pt(2026, 2, 5, 10), 1);
        events.Rate(events.AddRun(Pt(2026, 2, 6, 16), So(4)), 1, at: Pt(2026, 2, 9, 10));
        RatedRuns(events, Pt(2026, 2, 9, 11), 2);

        Assert.True(await FiresAsync(events, SatisfactionLow, Pt(2026, 2, 10, 9)));
    }

    [Fact]
    [Trait("spec", "3.triggers.satisfaction-low")]
    public async Task SatisfactionLow_RatingGivenAfterT_IsNotCounted()
    {
        var events = Pilot();
        RatedRuns(events, Pt(2026, 2, 5, 10), 1);
        RatedRuns(events, Pt(2026, 2, 6, 10), 1);
        events.Rate(events.AddRun(Pt(2026, 2, 9, 16), So(4)), 1, at: Pt(2026, 2, 10, 10));

        Assert.False(await FiresAsync(events, SatisfactionLow, Pt(2026, 2, 10, 9)));
        Assert.True(await FiresAsync(events, SatisfactionLow, Pt(2026, 2, 10, 11)));
    }

    [Fact]
    [Trait("spec", "3.feedback-window")]
    public async Task SatisfactionLow_ARatingReplacedBeforeT_CountsAsTheLatest()
    {
        var events = LowThuFriMon();
        var monday = events.Log.Events.OfType<Feedback>().Where(f => f.Ts > Pt(2026, 2, 9)).ToList();
        foreach (var feedback in monday)
        {
            events.Log.Add(feedback with { Ts = Pt(2026, 2, 9, 15), Rating = 5 });
        }

        Assert.False(await FiresAsync(events, SatisfactionLow, Pt(2026, 2, 10, 9)));
    }

    [Fact]
    [Trait("spec", "3.triggers.satisfaction-low")]
    public async Task SatisfactionLow_RatingsBeforeTheCurrentPhaseStarted_DoNotCount()
    {
        // Low in the pilot on Thu 12 and Fri 13; the sdr phase starts Mon 16 at 09:00 and is low that day.
        var events = Pilot().StartPhase("sdr", Pt(2026, 2, 16, 9));
        RatedRuns(events, Pt(2026, 2, 12, 10), 1);
        RatedRuns(events, Pt(2026, 2, 13, 10), 1);
        RatedRuns(events, Pt(2026, 2, 16, 10), 1);

        Assert.False(await FiresAsync(events, SatisfactionLow, Pt(2026, 2, 17, 9)));
    }

    [Theory]
    [Trait("spec", "3.triggers.satisfaction-low")]
    [InlineData("2026-03-09T23:59:59-07:00", false)]
    [InlineData("2026-03-10T00:00:00-07:00", true)]
    [InlineData("2026-03-10T07:30:00Z", true)] // 00:30 PDT on Tuesday (23:30 on Monday by winter time)
    public async Task SatisfactionLow_PilotAcrossTheMarchClockChange_UsesLocalServiceDays(string at, bool fires)
    {
        // Pilot from Monday 2 March; low Thu 5 and Fri 6 (PST), Mon 9 (PDT); DST began Sunday 8 March.
        var events = new EventBuilder().StartPhase("pilot", At("2026-03-02T09:00:00-08:00"));
        RatedRuns(events, At("2026-03-05T10:00:00-08:00"), 2);
        RatedRuns(events, At("2026-03-06T16:30:00-08:00"), 2);
        RatedRuns(events, At("2026-03-09T09:30:00-07:00"), 2);

        Assert.Equal(fires, await FiresAsync(events, SatisfactionLow, at));
    }

    [Theory]
    [Trait("spec", "3.triggers.satisfaction-low")]
    [InlineData("2026-11-02T23:59:59-08:00", false)]
    [InlineData("2026-11-03T00:00:00-08:00", true)]
    public async Task SatisfactionLow_PilotAcrossTheNovemberClockChange_UsesLocalServiceDays(string at, bool fires)
    {
        // Pilot from Monday 26 October; low Thu 29 and Fri 30 (PDT), Mon 2 November (PST); DST ended Sunday 1 November.
        var events = new EventBuilder().StartPhase("pilot", At("2026-10-26T09:00:00-07:00"));
        RatedRuns(events, At("2026-10-29T10:00:00-07:00"), 2);
        RatedRuns(events, At("2026-10-30T16:30:00-07:00"), 2);
        RatedRuns(events, At("2026-11-02T09:30:00-08:00"), 2);

        Assert.Equal(fires, await FiresAsync(events, SatisfactionLow, at));
    }

    [Fact]
    [Trait("spec", "3.triggers.satisfaction-low")]
    public async Task SatisfactionLow_PilotRunLateOnSundayOfTheNovemberChange_IsNotMondays()
    {
        // 23:30 PST on Sunday 1 November is 00:30 on Monday by summer time: it must stay Sunday's, no service day.
        var events = new EventBuilder().StartPhase("pilot", At("2026-10-26T09:00:00-07:00"));
        RatedRuns(events, At("2026-10-29T10:00:00-07:00"), 2);
        RatedRuns(events, At("2026-10-30T16:30:00-07:00"), 2);
        RatedRuns(events, At("2026-11-01T23:30:00-08:00"), 2);

        Assert.False(await FiresAsync(events, SatisfactionLow, "2026-11-03T09:00:00-08:00"));
    }

    [Theory]
    [Trait("spec", "3.triggers.satisfaction-low")]
    [InlineData("2026-03-08T23:30:00-07:00", true)]  // late on the 23-hour Sunday
    [InlineData("2026-03-09T00:30:00-07:00", false)] // Monday by the clock (Sunday 23:30 by winter time)
    public async Task SatisfactionLow_FullPhaseEveryDayIsAServiceDay_AcrossTheMarchClockChange(string sundayRun, bool fires)
    {
        var events = new EventBuilder().StartPhase("full", At("2026-03-02T09:00:00-08:00"));
        RatedRuns(events, At("2026-03-07T12:00:00-08:00"), 1);
        RatedRuns(events, At(sundayRun), 1);
        RatedRuns(events, At("2026-03-09T12:00:00-07:00"), 1);

        Assert.Equal(fires, await FiresAsync(events, SatisfactionLow, "2026-03-10T00:00:00-07:00"));
    }

    [Theory]
    [Trait("spec", "3.triggers.satisfaction-low")]
    [InlineData("2026-11-01T23:30:00-08:00", true)]  // late on the 25-hour Sunday
    [InlineData("2026-11-01T00:30:00-07:00", true)]
    [InlineData("2026-10-31T23:30:00-07:00", false)] // Saturday: Sunday then has no rating
    public async Task SatisfactionLow_FullPhaseEveryDayIsAServiceDay_AcrossTheNovemberClockChange(string sundayRun, bool fires)
    {
        var events = new EventBuilder().StartPhase("full", At("2026-10-26T09:00:00-07:00"));
        RatedRuns(events, At("2026-10-30T12:00:00-07:00"), 1);
        RatedRuns(events, At("2026-10-31T12:00:00-07:00"), 1);
        RatedRuns(events, At(sundayRun), 1);

        Assert.Equal(fires, await FiresAsync(events, SatisfactionLow, "2026-11-02T00:00:00-08:00"));
    }

    [Fact]
    [Trait("spec", "3.triggers.satisfaction-low")]
    public async Task SatisfactionLow_FullPhaseWeekendWithoutRatings_BreaksTheStreak()
    {
        // Thu, Fri and Mon low, as in the pilot case, but a 24/7 phase serves on the weekend too.
        var events = new EventBuilder().StartPhase("full", At("2026-04-06T09:00:00-07:00"));
        RatedRuns(events, At("2026-04-09T10:00:00-07:00"), 1);
        RatedRuns(events, At("2026-04-10T10:00:00-07:00"), 1);
        RatedRuns(events, At("2026-04-13T10:00:00-07:00"), 1);

        Assert.False(await FiresAsync(events, SatisfactionLow, "2026-04-14T09:00:00-07:00"));
    }

    // ---- executive-directive ----

    [Theory]
    [Trait("spec", "3.triggers.executive-directive")]
    [InlineData(-60, false)] // before the phase started
    [InlineData(0, false)]   // at its start: not after it
    [InlineData(1, true)]
    public async Task ExecutiveDirective_AfterThePhaseStarted_Fires(int minutesAfterStart, bool fires)
    {
        var sdrStart = Pt(2026, 2, 16, 9);
        var events = Pilot().StartPhase("sdr", sdrStart);
        events.Direct(sdrStart.AddMinutes(minutesAfterStart));

        Assert.Equal(fires, await FiresAsync(events, ExecutiveDirective, sdrStart.AddDays(1)));
    }

    [Fact]
    [Trait("spec", "3.triggers.executive-directive")]
    public async Task ExecutiveDirective_AtT_IsNotYetGiven()
    {
        var events = Pilot();
        events.Direct(T);

        Assert.False(await FiresAsync(events, ExecutiveDirective, T));
        Assert.True(await FiresAsync(events, ExecutiveDirective, T.AddSeconds(1)));
    }

    [Fact]
    [Trait("spec", "3.triggers.executive-directive")]
    public async Task ExecutiveDirective_BeforeTheKillSwitchRestart_DoesNotFire()
    {
        var events = Pilot();
        events.Direct(PilotStart.AddDays(2));
        events.RollBack(PilotStart.AddDays(2).AddMinutes(5), ExecutiveDirective, by: null);
        events.StartPhase("pilot", PilotStart.AddDays(7));

        Assert.False(await FiresAsync(events, ExecutiveDirective, PilotStart.AddDays(8)));
    }

    // ---- metrics-missed ----

    /// <summary>Reviews of runs on Tuesday 10 February, in the last seven days before <see cref="T"/>.</summary>
    private static EventBuilder ReviewedThisWeek(int reviews, int correct)
    {
        var events = Pilot();
        var runs = events.AddRuns(reviews, Pt(2026, 2, 10, 10), TimeSpan.FromMinutes(2), users: [So(1), So(2)]);
        for (var i = 0; i < runs.Count; i++)
        {
            events.ReviewRun(runs[i], correct: i < correct);
        }

        return events;
    }

    [Theory]
    [Trait("spec", "3.triggers.metrics-missed")]
    [InlineData(30, 20, true)]  // 0.667 against 0.80: 16.7% short
    [InlineData(50, 33, true)]  // 0.66: 17.5% short
    [InlineData(50, 34, false)] // 0.68: exactly 15% short, not more
    [InlineData(50, 36, false)] // 0.72: 10% short
    [InlineData(29, 0, false)]  // no data
    public async Task MetricsMissed_FiresOnAMetricWithDataMissedByMoreThanFifteenPercent(int reviews, int correct, bool fires)
    {
        Assert.Equal(fires, await FiresAsync(ReviewedThisWeek(reviews, correct), MetricsMissed, T));
    }

    [Theory]
    [Trait("spec", "3.triggers.metrics-missed")]
    [InlineData(69, false)] // 0.0345 against ≤ 0.03: exactly 15% over, not more
    [InlineData(70, true)]  // 0.035: 16.7% over
    public async Task MetricsMissed_ErrorRateExactlyFifteenPercentOver_DoesNotFire(int errors, bool fires)
    {
        // 2000 runs, one every three minutes from Friday 6 February 10:00, all within [T − 7 days, T).
        var events = Pilot();
        events.AddRuns(2000, Pt(2026, 2, 6, 10), TimeSpan.FromMinutes(3), errors, [So(1), So(2), So(3)]);

        Assert.Equal(fires, await FiresAsync(events, MetricsMissed, T));
    }

    [Fact]
    [Trait("spec", "3.triggers.metrics-missed")]
    public async Task MetricsMissed_LooksAtTheLastSevenDaysOnly()
    {
        // Wrong answers on Wednesday 4 February (reviewed this week) lie before [T − 7 days, T).
        var events = ReviewedThisWeek(30, 30);
        foreach (var run in events.AddRuns(30, Pt(2026, 2, 4, 10), TimeSpan.FromMinutes(2)))
        {
            events.ReviewRun(run, correct: false, at: Pt(2026, 2, 11, 10));
        }

        Assert.False(await FiresAsync(events, MetricsMissed, T));
    }

    [Theory]
    [Trait("spec", "3.triggers.metrics-missed")]
    [InlineData("2026-02-06T08:59:59-08:00", false)] // just before [T − 7 days
    [InlineData("2026-02-06T09:00:00-08:00", true)]
    public async Task MetricsMissed_ACriticalIncidentThisWeek_MissesMaxZero(string opened, bool fires)
    {
        var events = Pilot();
        events.OpenIncident(At(opened), Severity.Critical, IncidentCategory.Quality);

        Assert.Equal(fires, await FiresAsync(events, MetricsMissed, T));
    }

    /// <summary>The sdr phase from Monday 16 February, with 20 of 28 SDRs active on its first day.</summary>
    private static EventBuilder SdrWithActiveUsers(int activeSdrs)
    {
        var events = Pilot().StartPhase("sdr", Pt(2026, 2, 16, 9));
        events.AddRuns(activeSdrs, Pt(2026, 2, 16, 10), TimeSpan.FromMinutes(1), users: [.. Enumerable.Range(1, activeSdrs).Select(Sdr)]);
        return events;
    }

    [Fact]
    [Trait("spec", "3.triggers.metrics-missed")]
    public async Task MetricsMissed_WindowStartsNoEarlierThanThePhaseStart()
    {
        // Thirty wrong answers in the pilot's last days are within seven days, but before the sdr phase began.
        var events = SdrWithActiveUsers(20);
        foreach (var run in events.AddRuns(30, Pt(2026, 2, 13, 10), TimeSpan.FromMinutes(2)))
        {
            events.ReviewRun(run, correct: false, at: Pt(2026, 2, 16, 12));
        }

        Assert.False(await FiresAsync(events, MetricsMissed, Pt(2026, 2, 18, 9)));

        foreach (var run in events.AddRuns(30, Pt(2026, 2, 17, 10), TimeSpan.FromMinutes(2), users: [Sdr(1)]))
        {
            events.ReviewRun(run, correct: false);
        }

        Assert.True(await FiresAsync(events, MetricsMissed, Pt(2026, 2, 18, 9)));
    }

    [Theory]
    [Trait("spec", "3.triggers.metrics-missed")]
    [InlineData(14, true)]  // 50% of SDRs against ≥ 60%: 16.7% short
    [InlineData(15, false)] // 53.6%: 10.7% short
    public async Task MetricsMissed_WeeklyActiveSdrs(int activeSdrs, bool fires)
    {
        Assert.Equal(fires, await FiresAsync(SdrWithActiveUsers(activeSdrs), MetricsMissed, Pt(2026, 2, 18, 9)));
    }

    // ---- incident-rate ----

    [Theory]
    [Trait("spec", "3.triggers.incident-rate")]
    [InlineData(-7 * 24 * 60 * 60, true)]      // at T − 7 days: in the window
    [InlineData((-7 * 24 * 60 * 60) - 1, false)] // just before it
    [InlineData(0, false)]                     // at T: not yet
    public async Task IncidentRate_MoreThanTwoIncidentsOfAnySeverityInSevenDays_Fires(int thirdSecondsFromT, bool fires)
    {
        var events = Pilot();
        events.OpenIncident(T.AddDays(-3), Severity.Low, IncidentCategory.Other);
        events.OpenIncident(T.AddSeconds(-1), Severity.Medium, IncidentCategory.Quality);
        events.OpenIncident(T.AddSeconds(thirdSecondsFromT), Severity.High, IncidentCategory.Availability);

        Assert.Equal(fires, await FiresAsync(events, IncidentRate, T));
    }

    [Fact]
    [Trait("spec", "3.triggers.incident-rate")]
    public async Task IncidentRate_CountsTheLastSevenDays_EvenBeforeThePhaseStarted()
    {
        // The sdr phase began on Monday 16 February; incidents of the pilot's last days still count.
        var sdrStart = Pt(2026, 2, 16, 9);
        var events = Pilot().StartPhase("sdr", sdrStart);
        events.OpenIncident(sdrStart.AddDays(-3));
        events.OpenIncident(sdrStart.AddDays(-2));
        events.OpenIncident(sdrStart.AddHours(1));

        Assert.True(await FiresAsync(events, IncidentRate, sdrStart.AddDays(1)));
    }

    [Fact]
    [Trait("spec", "3.triggers.incident-rate")]
    public async Task IncidentRate_ResolvedIncidentsStillCount()
    {
        var events = Pilot();
        for (var i = 0; i < 3; i++)
        {
            events.ResolveIncident(events.OpenIncident(T.AddDays(-1 - i)), T.AddDays(-1 - i).AddHours(1));
        }

        Assert.True(await FiresAsync(events, IncidentRate, T));
    }

    // ---- p0-bugs ----

    [Theory]
    [Trait("spec", "3.triggers.p0-bugs")]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public async Task P0Bugs_MoreThanTwoOpen_Fires(int open, bool fires)
    {
        var events = Pilot();
        for (var i = 0; i < open; i++)
        {
            events.FileBug(T.AddDays(-1 - i));
        }

        events.FileBug(T.AddDays(-1), BugPriority.P1);
        events.FileBug(T.AddDays(-1), BugPriority.P1);

        Assert.Equal(fires, await FiresAsync(events, P0Bugs, T));
    }

    [Theory]
    [Trait("spec", "3.triggers.p0-bugs")]
    [InlineData(-1, false)] // resolved before T
    [InlineData(0, true)]   // resolved at T: still open at T
    [InlineData(30, true)]
    public async Task P0Bugs_ResolvedBeforeT_DoNotCount(int resolvedMinutesFromT, bool fires)
    {
        var events = Pilot();
        events.FileBug(T.AddDays(-3));
        events.FileBug(T.AddDays(-2));
        events.ResolveBug(events.FileBug(T.AddDays(-1)), T.AddMinutes(resolvedMinutesFromT));

        Assert.Equal(fires, await FiresAsync(events, P0Bugs, T));
    }

    [Fact]
    [Trait("spec", "3.triggers.p0-bugs")]
    public async Task P0Bugs_FiledAtT_IsNotYetOpen()
    {
        var events = Pilot();
        events.FileBug(T.AddDays(-3));
        events.FileBug(T.AddDays(-2));
        events.FileBug(T);

        Assert.False(await FiresAsync(events, P0Bugs, T));
    }
}
