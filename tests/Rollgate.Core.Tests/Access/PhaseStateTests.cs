using Rollgate.Core.Access;
using Rollgate.Core.Plans;
using Rollgate.Core.Tests.Support;
using static Rollgate.Core.Tests.Support.EventBuilder;

namespace Rollgate.Core.Tests.Access;

/// <summary>SPEC 3 "Rollback triggers at T" (the current phase) and SPEC 2 (the kill switch as events).</summary>
public sealed class PhaseStateTests
{
    private static readonly RolloutPlan Plan = TestPlans.Gtm;

    private static ValueTask<PhaseState> StateAt(EventBuilder events, DateTimeOffset at) => PhaseState.AtAsync(Plan, events.Log, at);

    [Fact]
    [Trait("spec", "3.current-phase")]
    public async Task PhaseState_BeforeAnyStart_HasNoPhase()
    {
        var state = await StateAt(new EventBuilder(), PilotStart.AddDays(1));

        Assert.False(state.IsActive);
        Assert.Null(state.Current);
    }

    [Fact]
    [Trait("spec", "3.current-phase")]
    public async Task PhaseState_IsTheLatestStartBeforeT()
    {
        var sdrStart = PilotStart.AddDays(14);
        var events = new EventBuilder().StartPhase("pilot", PilotStart).StartPhase("sdr", sdrStart);

        Assert.Equal("pilot", (await StateAt(events, sdrStart.AddSeconds(-1))).Current?.Id);
        Assert.Equal("sdr", (await StateAt(events, sdrStart.AddSeconds(1))).Current?.Id);
    }

    [Fact]
    [Trait("spec", "3.at")]
    public async Task PhaseState_StartAtExactlyT_IsNotYetCurrent()
    {
        var events = new EventBuilder().StartPhase("pilot", PilotStart);

        Assert.Null((await StateAt(events, PilotStart)).Current);
        Assert.Equal("pilot", (await StateAt(events, PilotStart.AddTicks(1))).Current?.Id);
    }

    [Fact]
    [Trait("spec", "3.current-phase")]
    public async Task PhaseState_AfterARollback_HasNoPhaseUntilTheNextStart()
    {
        var rollback = PilotStart.AddDays(3);
        var events = new EventBuilder().StartPhase("pilot", PilotStart).RollBack(rollback, "error-rate-sustained", by: null);

        Assert.Equal("pilot", (await StateAt(events, rollback)).Current?.Id);
        var after = await StateAt(events, rollback.AddSeconds(1));
        Assert.Null(after.Current);
        Assert.False(after.IsActive);
        Assert.NotNull(after.RolledBack);
    }

    [Fact]
    [Trait("spec", "2.kill-switch")]
    public async Task PhaseState_KillSwitchOffThenOn_RestoresThePhase()
    {
        var off = PilotStart.AddDays(3);
        var on = off.AddHours(2);
        var events = new EventBuilder().StartPhase("pilot", PilotStart).RollBack(off).StartPhase("pilot", on);

        Assert.Null((await StateAt(events, off.AddHours(1))).Current);
        var restored = await StateAt(events, on.AddMinutes(1));
        Assert.Equal("pilot", restored.Current?.Id);
        Assert.Equal(on, restored.Start?.Ts);
    }

    [Fact]
    [Trait("spec", "3.current-phase")]
    public async Task PhaseState_PartialRollbackToThePreviousPhase_MakesItCurrent()
    {
        var sdrStart = PilotStart.AddDays(14);
        var back = sdrStart.AddDays(5);
        var events = new EventBuilder()
            .StartPhase("pilot", PilotStart)
            .StartPhase("sdr", sdrStart)
            .RollBack(back, "metrics-missed")
            .StartPhase("pilot", back.AddMinutes(1));

        Assert.Equal("pilot", (await StateAt(events, back.AddHours(1))).Current?.Id);
    }
}
