using Rollgate.Core.Access;
using Rollgate.Core.Events;
using Rollgate.Core.Gates;
using Rollgate.Core.Metrics;
using Rollgate.Core.Plans;
using Rollgate.Core.Simulation;
using Rollgate.Core.Statistics;
using Rollgate.Core.Tests.Support;
using Rollgate.Core.Time;
using Rollgate.Core.Triggers;

namespace Rollgate.Core.Tests.Simulation;

public sealed class RolloutSimulatorTests(FullRolloutFixture rollout) : IClassFixture<FullRolloutFixture>
{
    private static readonly DateOnly PilotMonday = new(2026, 2, 2);

    private static RolloutPlan Plan => TestPlans.Gtm;

    [Fact]
    public void Generate_SameSeedAndOptions_GiveIdenticalEvents()
    {
        var options = new SimulationOptions(PilotMonday, 5, 11);
        var events = new RolloutSimulator(Plan).Generate(options);

        var first = events.Select(EventJson.Serialize).ToList();
        var again = events.Select(EventJson.Serialize).ToList();
        var fresh = new RolloutSimulator(Plan).Generate(options with { }).Select(EventJson.Serialize).ToList();

        Assert.True(first.Count > 1000);
        Assert.Equal(first, again);
        Assert.Equal(first, fresh);
    }

    [Fact]
    public void Generate_DifferentSeeds_GiveDifferentEvents()
    {
        var a = Simulate(5, seed: 1).Select(EventJson.Serialize);
        var b = Simulate(5, seed: 2).Select(EventJson.Serialize);

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Generate_UnknownScenario_ThrowsAtOnce_NamingTheValidOnes()
    {
        var simulator = new RolloutSimulator(Plan);

        var error = Assert.Throws<ArgumentException>(() => simulator.Generate(new SimulationOptions(PilotMonday, 5, 1, "meteor-strike")));

        Assert.Contains("meteor-strike", error.Message, StringComparison.Ordinal);
        Assert.All(Scenarios.All, name => Assert.Contains(name, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Scenarios_AreTheFourStories_EachDescribed()
    {
        Assert.Equal(["healthy", "error-spike", "satisfaction-slump", "security-incident"], Scenarios.All);
        Assert.All(Scenarios.All, name => Assert.True(Scenarios.Describe(name).Length > 100));
        Assert.Throws<ArgumentException>(() => Scenarios.Describe("nope"));
    }

    [Fact]
    public void Generate_IsLazy_TheFirstEventsOfTenYearsComeAtOnce()
    {
        // Ten years of full rollout are some 20 million runs: building them before the first event would not finish here.
        var first = new RolloutSimulator(Plan).Generate(new SimulationOptions(PilotMonday, 3650, 5)).Take(100).ToList();

        Assert.Equal(100, first.Count);
    }

    [Fact]
    [Trait("spec", "1")]
    public void Generate_StartsEachPhaseOnThePlansSchedule()
    {
        var starts = Simulate(36).OfType<PhaseStarted>().ToList();

        // Pilot 2 weeks from Monday 09:00; sdr the Monday its window opens (08:00); full three weeks later, after DST began.
        Assert.Equal(
            [
                "2026-02-02T09:00:00-08:00 pilot so-01",
                "2026-02-16T08:00:00-08:00 sdr so-01",
                "2026-03-09T09:00:00-07:00 full so-01",
            ],
            starts.Select(s => $"{Rfc3339.Format(s.Ts)} {s.Phase} {s.By}"));
    }

    [Fact]
    [Trait("spec", "3")]
    public void Generate_EmitsTheBaselineLeadResponses_BeforeThePilot()
    {
        var events = Simulate(1);
        var baseline = LocalCalendar.Dates(Plan.Baseline.From, Plan.Baseline.To, Plan.TimeZone);
        var leads = events.OfType<LeadResponse>().Where(l => baseline.Contains(l.Created)).ToList();

        Assert.True(leads.Count > 500);
        Assert.All(leads, l => Assert.Equal("sdr", Plan.Users.Find(l.User)!.Role));
        Assert.All(leads, l => Assert.Equal(l.Responded, l.Ts));
        Assert.All(leads, l => Assert.InRange(TimeZoneInfo.ConvertTime(l.Created, Plan.TimeZone).Hour, 8, 17));
        Assert.InRange(Medians.Of([.. leads.Select(l => (l.Responded - l.Created).TotalMinutes)])!.Value, 200, 290);
    }

    [Fact]
    [Trait("spec", "3.gate")]
    [Trait("spec", "3.triggers")]
    public async Task Healthy_TwoWeekPilot_IsGoAtItsEnd_AndNoTriggerFires()
    {
        var log = new InMemoryEventLog(Simulate(14));
        var end = EndOf(PilotMonday, 14);

        var gate = await GateEvaluator.EvaluateAsync(Plan, Plan.FindPhase("pilot")!, log, end);
        var triggers = await new TriggerEvaluator(Plan, log).EvaluateAsync(end);

        Assert.Equal(GateDecision.Go, gate.Decision);
        Assert.All(gate.Rows, r => Assert.True(r.Met));
        Assert.Equal("pilot", triggers.Phase);
        Assert.Empty(triggers.Fired);
    }

    [Fact]
    [Trait("spec", "3.triggers.error-rate-sustained")]
    public async Task ErrorSpike_FiresErrorRateSustained_DuringTheSpikeOnTheLastServiceDay()
    {
        // Four days from Monday: the spike is on Thursday, 10:00 to 12:00 in the pilot.
        var spiked = new InMemoryEventLog(Simulate(4, Scenarios.ErrorSpike));
        var healthy = new InMemoryEventLog(Simulate(4));

        Assert.DoesNotContain("error-rate-sustained", await FiredAsync(spiked, Local(2026, 2, 5, 10, 30)));
        Assert.Contains("error-rate-sustained", await FiredAsync(spiked, Local(2026, 2, 5, 11, 30)));
        Assert.Contains("error-rate-sustained", await FiredAsync(spiked, Local(2026, 2, 5, 11, 59)));
        Assert.DoesNotContain("error-rate-sustained", await FiredAsync(spiked, EndOf(PilotMonday, 4)));
        Assert.Empty(await FiredAsync(healthy, Local(2026, 2, 5, 11, 30)));
    }

    [Fact]
    public void ErrorSpike_LeavesTheDaysBeforeItAsHealthy()
    {
        var spikeDay = LocalCalendar.StartOf(new DateOnly(2026, 2, 5), Plan.TimeZone);

        var spiked = Simulate(4, Scenarios.ErrorSpike).Where(e => e.Ts < spikeDay).Select(EventJson.Serialize);
        var healthy = Simulate(4).Where(e => e.Ts < spikeDay).Select(EventJson.Serialize);

        Assert.Equal(healthy, spiked);
    }

    [Fact]
    [Trait("spec", "3.triggers.satisfaction-low")]
    public async Task SatisfactionSlump_FiresSatisfactionLow_AtTheEndOfTheSimulation()
    {
        var log = new InMemoryEventLog(Simulate(14, Scenarios.SatisfactionSlump));

        Assert.Contains("satisfaction-low", await FiredAsync(log, EndOf(PilotMonday, 14)));
        Assert.DoesNotContain("satisfaction-low", await FiredAsync(log, Local(2026, 2, 10, 12)));
    }

    [Fact]
    [Trait("spec", "3.triggers.critical-incident")]
    public async Task SecurityIncident_FiresCriticalIncident_AtTheEndOfTheSimulation()
    {
        var log = new InMemoryEventLog(Simulate(5, Scenarios.SecurityIncident));
        var end = EndOf(PilotMonday, 5);

        Assert.Contains("critical-incident", await FiredAsync(log, end));
        Assert.DoesNotContain("critical-incident", await FiredAsync(log, Local(2026, 2, 6, 10, 59)));
        Assert.Equal(GateDecision.NoGo, (await GateEvaluator.EvaluateAsync(Plan, Plan.FindPhase("pilot")!, log, end)).Decision);
    }

    [Fact]
    [Trait("spec", "2")]
    public void FullRollout_EventsAreInTimestampOrder_AcrossDaylightSaving()
    {
        var events = rollout.Events;

        Assert.All(events.Zip(events.Skip(1)), pair => Assert.True(pair.First.Ts <= pair.Second.Ts, $"{EventJson.Serialize(pair.Second)} after {pair.First.Ts}"));
        Assert.All(events, e => Assert.Equal(Plan.TimeZone.GetUtcOffset(e.Ts), e.Ts.Offset));

        // The 24/7 phase runs on Sunday 8 March, when 02:00–03:00 does not exist in Los Angeles.
        var dstSunday = events.OfType<Run>().Where(r => LocalCalendar.DateOf(r.Ts, Plan.TimeZone) == new DateOnly(2026, 3, 8)).ToList();
        Assert.Contains(dstSunday, r => r.Ts.Offset == TimeSpan.FromHours(-8));
        Assert.Contains(dstSunday, r => r.Ts.Offset == TimeSpan.FromHours(-7));
    }

    [Fact]
    [Trait("spec", "4")]
    public void FullRollout_EveryRunIsAllowedByTheAccessRule_AtItsTime()
    {
        PhaseStarted? latest = null;
        PhaseStarted? previous = null;
        var checkedRuns = 0;
        foreach (var e in rollout.Events)
        {
            switch (e)
            {
                case PhaseStarted started:
                    previous = latest;
                    latest = started;
                    break;
                case Run run:
                    // The phase current at T is the latest start strictly before T.
                    var current = latest is not null && latest.Ts < run.Ts ? latest : previous;
                    var state = current is null ? PhaseState.None : new PhaseState(Plan.FindPhase(current.Phase), current, null);
                    var decision = AccessPolicy.Decide(Plan, state, run.User, run.Task, run.Ts);
                    Assert.True(decision.Allowed, $"{EventJson.Serialize(run)}: {decision.ReasonName}");
                    checkedRuns++;
                    break;
            }
        }

        Assert.True(checkedRuns > 100_000);
    }

    [Fact]
    [Trait("spec", "4")]
    public void FullRollout_NobodyExceedsTheHourlyRateLimit()
    {
        var starts = rollout.Events.OfType<PhaseStarted>().ToList();
        var byHour = rollout.Events.OfType<Run>().GroupBy(r => (r.User, Hour: r.Ts.UtcTicks / TimeSpan.TicksPerHour));

        Assert.All(byHour, hour =>
        {
            var limit = hour.Min(r => AccessPolicy.HourlyLimit(Plan, Plan.FindPhase(starts.Last(s => s.Ts < r.Ts).Phase)!, r.Ts) ?? int.MaxValue);
            Assert.True(hour.Count() <= limit, $"{hour.Key.User} ran {hour.Count()} times in the hour of {hour.First().Ts}, limit {limit}");
        });
    }

    [Fact]
    [Trait("spec", "2")]
    public void FullRollout_FeedbackAndReviews_ComeAfterTheirRun()
    {
        var runs = rollout.Events.OfType<Run>().ToDictionary(r => r.Id);

        Assert.Equal(runs.Count, rollout.Events.OfType<Run>().Count());
        Assert.All(rollout.Events.OfType<Feedback>(), f =>
        {
            Assert.True(f.Ts > runs[f.Run].Ts);
            Assert.Equal(runs[f.Run].User, f.User);
            Assert.InRange(f.Rating, 1, 5);
        });
        Assert.All(rollout.Events.OfType<Review>(), r =>
        {
            Assert.True(r.Ts > runs[r.Run].Ts);
            Assert.Equal("reviewer", Plan.Users.Find(r.Reviewer)!.Role);
        });
    }

    [Fact]
    [Trait("spec", "3.gate")]
    public async Task FullRollout_EachPhaseGateIsGo_AtTheEndOfThePhase()
    {
        var starts = rollout.Events.OfType<PhaseStarted>().ToList();
        Assert.Equal(["pilot", "sdr", "full"], starts.Select(s => s.Phase));

        for (var i = 0; i < starts.Count; i++)
        {
            var at = i + 1 < starts.Count ? starts[i + 1].Ts : rollout.End;
            var gate = await GateEvaluator.EvaluateAsync(Plan, Plan.FindPhase(starts[i].Phase)!, rollout.Log, at);
            Assert.True(gate.Decision == GateDecision.Go, $"{starts[i].Phase}: {gate.DecisionName}");
        }
    }

    [Fact]
    public async Task FullRollout_FullPhase_RunsAboutTwoMillionAYear_AndSavesTwoToThreeHoursAWeek()
    {
        var full = rollout.Events.OfType<PhaseStarted>().Single(s => s.Phase == "full");
        var days = (rollout.End - full.Ts).TotalDays;
        var runs = rollout.Events.OfType<Run>().Count(r => r.Ts >= full.Ts);

        var kpis = await new KpiCalculator(Plan, rollout.Log).ForPhaseAsync(Plan.FindPhase("full")!, rollout.End);
        var timeSaved = kpis.Metrics.Single(m => m.Metric == MetricKind.TimeSaved).Value!.Value;

        Assert.InRange(runs / days * 365, 1_700_000, 2_300_000);
        Assert.InRange(timeSaved, 2.0, 3.0);
    }

    private static List<RolloutEvent> Simulate(int days, string scenario = Scenarios.Healthy, ulong seed = 42) =>
        [.. new RolloutSimulator(Plan).Generate(new SimulationOptions(PilotMonday, days, seed, scenario))];

    private static async Task<List<string>> FiredAsync(InMemoryEventLog log, DateTimeOffset at) =>
        [.. (await new TriggerEvaluator(Plan, log).EvaluateAsync(at)).Fired.Select(f => f.Id)];

    private static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0) =>
        LocalCalendar.AtLocal(new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified), Plan.TimeZone);

    private static DateTimeOffset EndOf(DateOnly from, int days) => LocalCalendar.StartOf(from.AddDays(days), Plan.TimeZone);
}

/// <summary>
/// One healthy rollout through all three phases, shared by the tests that check it whole: from Monday 12 January
/// 2026, so that the 24/7 full phase (from 16 February) crosses the start of daylight saving time on 8 March.
/// </summary>
public sealed class FullRolloutFixture
{
    public static readonly DateOnly From = new(2026, 1, 12);

    public const int Days = 57;

    public FullRolloutFixture()
    {
        Events = [.. new RolloutSimulator(TestPlans.Gtm).Generate(new SimulationOptions(From, Days, 7))];
        Log = new InMemoryEventLog(Events);
        End = LocalCalendar.StartOf(From.AddDays(Days), TestPlans.Gtm.TimeZone);
    }

    public IReadOnlyList<RolloutEvent> Events { get; }

    public InMemoryEventLog Log { get; }

    public DateTimeOffset End { get; }
}
