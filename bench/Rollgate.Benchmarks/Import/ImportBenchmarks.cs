using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Rollgate.Benchmarks.Traffic;
using Rollgate.Core.Events;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Benchmarks.Import;

/// <summary>
/// Goal: import at least 200,000 events/s. One operation imports a JSON Lines file of a million events
/// (a year of 94 people's traffic: ~60% runs, ~25% ratings, ~10% reviews, the rest lead responses,
/// incidents and bugs) into a new, empty store.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet derives its runner from the benchmark class.</remarks>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class ImportBenchmarks
{
    public const int Events = 1_000_000;

    private string _folder = "";
    private string _file = "";
    private string _db = "";
    private int _iteration;
    private SqliteEventStore? _store;

    [GlobalSetup]
    public void WriteFile()
    {
        _folder = Path.Combine(CachedStore.Folder, $"import-{Environment.ProcessId}");
        Directory.CreateDirectory(_folder);
        _file = Path.Combine(_folder, "traffic.jsonl");
        var plan = Repo.GtmPlan();
        using var writer = new StreamWriter(_file, append: false, new System.Text.UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        var written = 0;
        foreach (var e in new TrafficGenerator(TrafficProfile.ImportMix, plan).Events().Take(Events))
        {
            writer.WriteLine(EventJson.Serialize(e));
            written++;
        }

        if (written != Events)
        {
            throw new InvalidOperationException($"the import profile gave {written:N0} events, not {Events:N0}");
        }
    }

    [IterationSetup]
    public void NewStore()
    {
        _db = Path.Combine(_folder, $"store-{++_iteration}.db");
        _store = SqliteEventStore.Open(_db);
    }

    [Benchmark]
    public async Task<long> Import_1M_Events()
    {
        await using var file = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var result = await _store!.ImportAsync(file, "traffic.jsonl");
        if (!result.Succeeded || result.Imported != Events)
        {
            throw new InvalidOperationException($"imported {result.Imported:N0} of {Events:N0} events: {string.Join("; ", result.Errors.Take(5))}");
        }

        return result.Imported;
    }

    [IterationCleanup]
    public void DeleteStore()
    {
        _store?.Dispose();
        _store = null;
        CachedStore.Delete(_db);
    }

    [GlobalCleanup]
    public void DeleteFile() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Each operation needs a fresh store, so one invocation per iteration (no unrolling) and few iterations:
    /// an operation takes seconds, and the suite should finish in a few minutes on two cores.
    /// </summary>
    public sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3).WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(new EventsPerSecondColumn(Events));
        }
    }
}
