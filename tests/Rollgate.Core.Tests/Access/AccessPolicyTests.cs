using Rollgate.Core.Access;
using Rollgate.Core.Plans;
using Rollgate.Core.Tests.Support;
using static Rollgate.Core.Tests.Support.EventBuilder;

namespace Rollgate.Core.Tests.Access;

/// <summary>SPEC 4, "Who may use an agent, and when": the reasons in their order, and availability in local time.</summary>
public sealed class AccessPolicyTests
{
    private static readonly RolloutPlan Plan = TestPlans.Gtm;

    /// <summary>Monday 9 February 2026, 10:00 PST: inside every phase's hours.</summary>
    private static readonly DateTimeOffset MondayMorning = Pt(2026, 2, 9, 10);

    /// <summary>Saturday 7 February 2026, 12:00 PST: outside the pilot's and the sdr phase's hours.</summary>
    private static readonly DateTimeOffset Saturday = Pt(2026, 2, 7, 12);

    private static async Task<AccessDecision> DecideAsync(EventBuilder events, string user, string task, DateTimeOffset at)
    {
        var state = await PhaseState.AtAsync(Plan, events.Log, at);
        return AccessPolicy.Decide(Plan, state, user, task, at);
    }

    private static async Task<AccessDecision> DecideAsync(EventBuilder events, string user, string task, string at) =>
        await DecideAsync(events, user, task, At(at));

    private static EventBuilder InPhase(string phase) => new EventBuilder().StartPhase(phase, PilotStart);

    [Fact]
    [Trait("spec", "4.ok")]
    public async Task Access_CohortMemberWithEnabledTaskInHours_IsAllowed()
    {
        var decision = await DecideAsync(InPhase("pilot"), "so-01", "risk_analysis", MondayMorning);

        Assert.True(decision.Allowed);
        Assert.Equal("ok", decision.ReasonName);
        Assert.Equal("pilot", decision.Phase);
    }

    [Fact]
    [Trait("spec", "4.unknown_user")]
    public async Task Access_UnknownUser_IsRefusedFirst_EvenWithoutAPhase()
    {
        var decision = await DecideAsync(new EventBuilder(), "nobody-99", "lead_summary", MondayMorning);

        Assert.False(decision.Allowed);
        Assert.Equal("unknown_user", decision.ReasonName);
    }

    [Fact]
    [Trait("spec", "4.unknown_user")]
    public async Task Access_UnknownUser_BeatsEveryLaterReason()
    {
        var decision = await DecideAsync(InPhase("pilot"), "nobody-99", "no_such_task", Saturday);

        Assert.Equal("unknown_user", decision.ReasonName);
    }

    [Fact]
    [Trait("spec", "4.no_active_phase")]
    public async Task Access_BeforeAnyPhaseStarted_IsNoActivePhase()
    {
        var decision = await DecideAsync(new EventBuilder(), "ae-01", "no_such_task", Saturday);

        Assert.False(decision.Allowed);
        Assert.Equal("no_active_phase", decision.ReasonName);
        Assert.Null(decision.Phase);
    }

    [Fact]
    [Trait("spec", "4.no_active_phase")]
    public async Task Access_AfterARollback_IsNoActivePhase()
    {
        var events = InPhase("pilot").RollBack(PilotStart.AddDays(3), "satisfaction-low", by: null);

        var decision = await DecideAsync(events, "so-01", "lead_summary", MondayMorning);

        Assert.Equal("no_active_phase", decision.ReasonName);
        Assert.Null(decision.Phase);
    }

    [Theory]
    [Trait("spec", "4.not_in_cohort")]
    [InlineData("pilot", "ae-01")]
    [InlineData("pilot", "sdr-01")]
    [InlineData("sdr", "ae-01")]
    [InlineData("full", "rev-01")]
    [InlineData("full", "exec-01")]
    public async Task Access_RoleOutsideTheCohort_IsNotInCohort_BeforeTaskAndHours(string phase, string user)
    {
        var decision = await DecideAsync(InPhase(phase), user, "no_such_task", Saturday);

        Assert.Equal("not_in_cohort", decision.ReasonName);
        Assert.Equal(phase, decision.Phase);
    }

    [Theory]
    [Trait("spec", "4.task_not_enabled")]
    [InlineData("sdr", "sdr-01", "risk_analysis")]
    [InlineData("sdr", "so-01", "risk_analysis")]
    [InlineData("pilot", "so-01", "no_such_task")]
    public async Task Access_TaskNotEnabledInThePhase_IsTaskNotEnabled_BeforeHours(string phase, string user, string task)
    {
        var decision = await DecideAsync(InPhase(phase), user, task, Saturday);

        Assert.Equal("task_not_enabled", decision.ReasonName);
    }

    [Theory]
    [Trait("spec", "4.task_not_enabled")]
    [InlineData("Lead_Summary")]
    [InlineData("lead_summary ")]
    [InlineData("")]
    public async Task Access_TaskNamedAlmostLikeAnEnabledOne_IsTaskNotEnabled(string task)
    {
        var decision = await DecideAsync(InPhase("pilot"), "so-01", task, MondayMorning);

        Assert.Equal("task_not_enabled", decision.ReasonName);
    }

    [Theory]
    [Trait("spec", "4.not_in_cohort")]
    [InlineData("sales_ops", true)]
    [InlineData("sdr", true)]
    [InlineData("Sales_Ops", false)]
    [InlineData("ae", false)]
    [InlineData("", false)]
    public void Cohort_AdmitsExactlyItsRoles(string role, bool admitted)
    {
        Assert.Equal(admitted, Plan.FindPhase("sdr")!.Cohort.Admits(role));
    }

    [Theory]
    [Trait("spec", "4.ok")]
    [InlineData("sdr", "sdr-01", "follow_up")]
    [InlineData("full", "ae-01", "risk_analysis")]
    [InlineData("full", "sdr-28", "lead_summary")]
    public async Task Access_EnabledTaskInTheCohort_IsAllowed(string phase, string user, string task)
    {
        var decision = await DecideAsync(InPhase(phase), user, task, MondayMorning);

        Assert.True(decision.Allowed);
    }

    [Fact]
    [Trait("spec", "2.kill-switch")]
    public async Task Access_KillSwitchOffThenOn_RefusesThenRestores()
    {
        var off = Pt(2026, 2, 10, 12);
        var on = Pt(2026, 2, 10, 13);
        var events = InPhase("pilot").RollBack(off).StartPhase("pilot", on);

        Assert.Equal("ok", (await DecideAsync(events, "so-01", "follow_up", off)).ReasonName);   // at T, not yet off
        Assert.Equal("no_active_phase", (await DecideAsync(events, "so-01", "follow_up", off.AddMinutes(30))).ReasonName);
        Assert.Equal("no_active_phase", (await DecideAsync(events, "so-01", "follow_up", on)).ReasonName); // at T, not yet on
        Assert.Equal("ok", (await DecideAsync(events, "so-01", "follow_up", on.AddMinutes(30))).ReasonName);
    }

    [Fact]
    [Trait("spec", "4.not_in_cohort")]
    public async Task Access_AfterPartialRollbackToThePilot_SdrsAreNotInCohort()
    {
        var back = Pt(2026, 2, 20, 10);
        var events = InPhase("pilot").StartPhase("sdr", Pt(2026, 2, 16, 9)).RollBack(back, "metrics-missed").StartPhase("pilot", back.AddMinutes(1));

        Assert.Equal("not_in_cohort", (await DecideAsync(events, "sdr-01", "lead_summary", back.AddHours(1))).ReasonName);
        Assert.Equal("ok", (await DecideAsync(events, "so-01", "lead_summary", back.AddHours(1))).ReasonName);
    }

    // ---- availability in the plan's time zone, around the 2026 clock changes ----

    [Theory]
    [Trait("spec", "4.outside_availability")]
    // Friday 6 March, PST.
    [InlineData("2026-03-06T08:59:59-08:00", "outside_availability")]
    [InlineData("2026-03-06T09:00:00-08:00", "ok")]
    [InlineData("2026-03-06T16:59:59-08:00", "ok")]
    [InlineData("2026-03-06T17:00:00-08:00", "outside_availability")]
    [InlineData("2026-03-06T16:00:00Z", "outside_availability")] // 08:00 PST
    // Sunday 8 March, the day the clocks go forward.
    [InlineData("2026-03-08T09:00:00-07:00", "outside_availability")]
    [InlineData("2026-03-08T12:00:00-07:00", "outside_availability")]
    // Monday 9 March, PDT.
    [InlineData("2026-03-09T08:59:00-07:00", "outside_availability")]
    [InlineData("2026-03-09T09:00:00-07:00", "ok")]
    [InlineData("2026-03-09T16:59:00-07:00", "ok")]
    [InlineData("2026-03-09T17:00:00-07:00", "outside_availability")]
    [InlineData("2026-03-09T16:00:00Z", "ok")]                   // 09:00 PDT (08:00 by winter time)
    [InlineData("2026-03-09T23:59:59Z", "ok")]                   // 16:59:59 PDT
    [InlineData("2026-03-10T00:00:00Z", "outside_availability")] // 17:00 PDT
    // Friday 30 October, PDT.
    [InlineData("2026-10-30T08:59:00-07:00", "outside_availability")]
    [InlineData("2026-10-30T09:00:00-07:00", "ok")]
    [InlineData("2026-10-30T16:59:00-07:00", "ok")]
    [InlineData("2026-10-30T17:00:00-07:00", "outside_availability")]
    // Sunday 1 November, the day the clocks go back.
    [InlineData("2026-11-01T09:00:00-08:00", "outside_availability")]
    [InlineData("2026-11-01T01:30:00-07:00", "outside_availability")]
    // Monday 2 November, PST.
    [InlineData("2026-11-02T08:59:00-08:00", "outside_availability")]
    [InlineData("2026-11-02T09:00:00-08:00", "ok")]
    [InlineData("2026-11-02T16:59:00-08:00", "ok")]
    [InlineData("2026-11-02T17:00:00-08:00", "outside_availability")]
    [InlineData("2026-11-02T16:30:00Z", "outside_availability")] // 08:30 PST (09:30 by summer time)
    [InlineData("2026-11-02T17:00:00Z", "ok")]                   // 09:00 PST
    [InlineData("2026-11-03T00:59:59Z", "ok")]                   // 16:59:59 PST
    [InlineData("2026-11-03T00:30:00Z", "ok")]                   // 16:30 PST (17:30 by summer time)
    [InlineData("2026-11-03T01:00:00Z", "outside_availability")] // 17:00 PST
    public async Task Access_Pilot_IsOpenNineToFiveMondayToFridayLocal(string at, string reason)
    {
        var decision = await DecideAsync(InPhase("pilot"), "so-02", "lead_summary", at);

        Assert.Equal(reason, decision.ReasonName);
    }

    [Theory]
    [Trait("spec", "4.outside_availability")]
    [InlineData("2026-03-06T07:59:59-08:00", "outside_availability")]
    [InlineData("2026-03-06T08:00:00-08:00", "ok")]
    [InlineData("2026-03-06T19:59:59-08:00", "ok")]
    [InlineData("2026-03-06T20:00:00-08:00", "outside_availability")]
    [InlineData("2026-03-08T10:00:00-07:00", "outside_availability")]
    [InlineData("2026-03-09T07:59:00-07:00", "outside_availability")]
    [InlineData("2026-03-09T08:00:00-07:00", "ok")]
    [InlineData("2026-03-09T19:59:00-07:00", "ok")]
    [InlineData("2026-03-09T20:00:00-07:00", "outside_availability")]
    [InlineData("2026-03-10T03:30:00Z", "outside_availability")] // 20:30 PDT (19:30 by winter time)
    [InlineData("2026-11-01T10:00:00-08:00", "outside_availability")]
    [InlineData("2026-11-02T07:59:00-08:00", "outside_availability")]
    [InlineData("2026-11-02T08:00:00-08:00", "ok")]
    [InlineData("2026-11-02T19:59:00-08:00", "ok")]
    [InlineData("2026-11-02T20:00:00-08:00", "outside_availability")]
    [InlineData("2026-11-02T15:30:00Z", "outside_availability")] // 07:30 PST (08:30 by summer time)
    public async Task Access_Sdr_IsOpenEightToEightMondayToFridayLocal(string at, string reason)
    {
        var decision = await DecideAsync(InPhase("sdr"), "sdr-05", "follow_up", at);

        Assert.Equal(reason, decision.ReasonName);
    }

    [Theory]
    [Trait("spec", "4.outside_availability")]
    [InlineData("2026-03-08T03:00:00-07:00")]
    [InlineData("2026-03-08T10:00:00Z")]
    [InlineData("2026-11-01T01:30:00-07:00")]
    [InlineData("2026-11-01T01:30:00-08:00")]
    [InlineData("2026-11-07T23:00:00-08:00")]
    [InlineData("2026-11-02T05:00:00-08:00")]
    public async Task Access_Full_IsAlwaysOpen(string at)
    {
        var decision = await DecideAsync(InPhase("full"), "ae-07", "risk_analysis", at);

        Assert.Equal("ok", decision.ReasonName);
    }

    // ---- the hourly limit the server applies (rate_limited) ----

    [Theory]
    [Trait("spec", "4.rate_limited")]
    [InlineData("pilot", "2026-02-09T10:00:00-08:00", 30)]
    [InlineData("pilot", "2026-02-07T12:00:00-08:00", 30)]
    [InlineData("sdr", "2026-02-09T10:00:00-08:00", 40)]
    [InlineData("full", "2026-03-09T08:00:00-07:00", 60)]
    [InlineData("full", "2026-03-09T07:59:59-07:00", 10)]
    [InlineData("full", "2026-03-09T19:59:59-07:00", 60)]
    [InlineData("full", "2026-03-09T20:00:00-07:00", 10)]
    [InlineData("full", "2026-03-09T15:30:00Z", 60)] // 08:30 PDT (07:30 by winter time)
    [InlineData("full", "2026-03-07T12:00:00-08:00", 10)] // Saturday
    [InlineData("full", "2026-03-08T12:00:00-07:00", 10)] // Sunday of the clock change
    [InlineData("full", "2026-11-02T15:30:00Z", 10)] // 07:30 PST (08:30 by summer time)
    [InlineData("full", "2026-11-02T16:00:00Z", 60)] // 08:00 PST
    [InlineData("full", "2026-11-03T03:59:59Z", 60)] // 19:59:59 PST
    [InlineData("full", "2026-11-03T04:00:00Z", 10)] // 20:00 PST
    public void HourlyLimit_FullPhaseUsesItsOffHoursLimitOutsideEightToEightWeekdays(string phase, string at, int limit)
    {
        Assert.Equal(limit, AccessPolicy.HourlyLimit(Plan, Plan.FindPhase(phase)!, At(at)));
    }
}
