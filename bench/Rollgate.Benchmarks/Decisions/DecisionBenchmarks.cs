using BenchmarkDotNet.Attributes;
using Rollgate.Benchmarks.Traffic;
using Rollgate.Core.Gates;
using Rollgate.Core.Metrics;
using Rollgate.Core.Plans;
using Rollgate.Core.Triggers;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Benchmarks.Decisions;

/// <summary>
/// Goals: the full phase's gate over a year of traffic in under a second, all rollback triggers in under
/// 200 ms, and memory that does not grow with the store: the same questions are asked of a quarter's store
/// (~500k runs) and a year's (~2M runs), so that their allocated bytes can be compared.
/// </summary>
/// <remarks>
/// Both stores hold the full rollout from its start (a phase_started of "full") and are asked at the end of
/// their span, so the gate's window is the whole quarter or year. Not sealed: BenchmarkDotNet derives from it.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class DecisionBenchmarks
{
    private RolloutPlan _plan = null!;
    private Phase _full = null!;
    private SqliteEventStore _store = null!;
    private DateTimeOffset _at;

    [Params("quarter", "year")]
    public string Store { get; set; } = "year";

    [GlobalSetup]
    public void OpenStore()
    {
        _plan = Repo.GtmPlan();
        _full = _plan.FindPhase("full") ?? throw new InvalidOperationException("the GTM plan has no 'full' phase");
        var profile = TrafficProfile.Named(Store);
        _store = CachedStore.Open(profile, _plan);
        _at = profile.End;
    }

    [GlobalCleanup]
    public void CloseStore() => _store.Dispose();

    [Benchmark]
    public ValueTask<GateReport> Gate_FullPhase() => GateEvaluator.EvaluateAsync(_plan, _full, _store, _at);

    /// <summary>The gate with its four weekly sustain checks (<c>gate --sustained</c>): four gates' work.</summary>
    [Benchmark]
    public ValueTask<GateReport> Gate_FullPhase_Sustained() => GateEvaluator.EvaluateAsync(_plan, _full, _store, _at, sustained: true);

    [Benchmark]
    public ValueTask<TriggerReport> Triggers_All() => new TriggerEvaluator(_plan, _store).EvaluateAsync(_at);

    [Benchmark]
    public ValueTask<KpiReport> Kpi_FullPhase() => new KpiCalculator(_plan, _store).ForPhaseAsync(_full, _at);
}
