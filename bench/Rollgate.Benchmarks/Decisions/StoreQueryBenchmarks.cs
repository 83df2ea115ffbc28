using BenchmarkDotNet.Attributes;
using Rollgate.Benchmarks.Traffic;
using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Core.Time;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Benchmarks.Decisions;

/// <summary>
/// The store's questions behind the full phase's gate, one by one, on the same stores as
/// <see cref="DecisionBenchmarks"/>: which of them makes the gate slow, and how each grows with the window.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet derives from it.</remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class StoreQueryBenchmarks
{
    private SqliteEventStore _store = null!;
    private IReadOnlySet<string> _cohort = null!;
    private TimeWindow _phase;
    private DateTimeOffset _at;

    [Params("quarter", "year")]
    public string Store { get; set; } = "year";

    [GlobalSetup]
    public void OpenStore()
    {
        var plan = Repo.GtmPlan();
        var full = plan.FindPhase("full") ?? throw new InvalidOperationException("the GTM plan has no 'full' phase");
        var profile = TrafficProfile.Named(Store);
        _store = CachedStore.Open(profile, plan);
        _cohort = plan.Users.WithRoles(full.Cohort.Roles).ToHashSet(StringComparer.Ordinal);
        _at = profile.End;
        _phase = new TimeWindow(profile.Start, _at);
    }

    [GlobalCleanup]
    public void CloseStore() => _store.Dispose();

    [Benchmark]
    public ValueTask<RunTally> RunTally_Cohort() => _store.RunTallyAsync(_phase, _cohort);

    [Benchmark]
    public ValueTask<RunTally> RunTally_Everybody() => _store.RunTallyAsync(_phase, null);

    [Benchmark]
    public ValueTask<RatingTally> RatingTally_Cohort() => _store.RatingTallyAsync(_phase, _at, _cohort);

    [Benchmark]
    public ValueTask<IReadOnlyDictionary<string, FeedbackTally>> FeedbackByUser() => _store.FeedbackByUserAsync(_phase, _at);

    [Benchmark]
    public ValueTask<ReviewTally> ReviewTally_Cohort() => _store.ReviewTallyAsync(_phase, _at, _cohort);

    [Benchmark]
    public ValueTask<IReadOnlySet<string>> ActiveUsers_LastWeek() => _store.ActiveUsersAsync(new TimeWindow(_at.AddDays(-7), _at));
}
