using Rollgate.Core.Events;
using Rollgate.Core.Gates;
using Rollgate.Core.Simulation;
using Rollgate.Core.Tests.Support;

namespace Rollgate.Core.Tests.Gates;

/// <summary>"Phase 3 complete with all success metrics sustained for 4 weeks": go at four weekly checks in a row.</summary>
public sealed class GateSustainedTests
{
    private static readonly Lazy<(InMemoryEventLog Log, DateTimeOffset FullStart)> Rollout = new(() =>
    {
        var plan = TestPlans.Gtm;
        var events = new RolloutSimulator(plan).Generate(new SimulationOptions(new DateOnly(2026, 2, 2), 70, 3)).ToList();
        var start = events.OfType<PhaseStarted>().Single(p => p.Phase == "full").Ts;
        return (new InMemoryEventLog(events), start);
    });

    [Fact]
    public async Task Gate_HealthyFullPhaseAfterFourWeeks_IsSustained()
    {
        var (log, start) = Rollout.Value;
        var full = TestPlans.Gtm.FindPhase("full")!;
        var report = await GateEvaluator.EvaluateAsync(TestPlans.Gtm, full, log, start + TimeSpan.FromDays(29), sustained: true);

        Assert.Equal(GateDecision.Go, report.Decision);
        Assert.Equal(new SustainedCheck(4, 4), report.Sustained);
        Assert.True(report.Sustained!.Met);
    }

    [Fact]
    public async Task Gate_TenDaysIntoTheFullPhase_IsNotYetSustained()
    {
        var (log, start) = Rollout.Value;
        var full = TestPlans.Gtm.FindPhase("full")!;
        var report = await GateEvaluator.EvaluateAsync(TestPlans.Gtm, full, log, start + TimeSpan.FromDays(10), sustained: true);

        Assert.Equal(1, report.Sustained!.WeeksMet);
        Assert.False(report.Sustained.Met);
    }

    [Fact]
    public async Task Gate_WithoutAskingForSustained_DoesNotJudgeIt()
    {
        var (log, start) = Rollout.Value;
        var report = await GateEvaluator.EvaluateAsync(TestPlans.Gtm, TestPlans.Gtm.FindPhase("full")!, log, start + TimeSpan.FromDays(29));
        Assert.Null(report.Sustained);
    }

    [Fact]
    public async Task Gate_PilotHasNoSustainPeriod()
    {
        var (log, start) = Rollout.Value;
        var report = await GateEvaluator.EvaluateAsync(TestPlans.Gtm, TestPlans.Gtm.FindPhase("pilot")!, log, start, sustained: true);
        Assert.Null(report.Sustained);
    }
}
