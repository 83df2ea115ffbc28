using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Rollgate.Benchmarks.Traffic;
using Rollgate.Core.Events;
using Rollgate.Storage;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Benchmarks.Journal;

/// <summary>
/// What the server's group commit costs: one operation is one transaction of runs with their answers (each about
/// 2 KB, a lead summary's size), appended to a store that already holds the commits before it, with the WAL
/// checkpointed beside the writer as the server does. 8 runs a commit is what the load test measured at 16
/// connections.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet derives its runner from the benchmark class.</remarks>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class RunJournalBenchmarks
{
    private const int Commits = 2_000;

    private static readonly DateTimeOffset Start = new(2026, 3, 2, 17, 0, 0, TimeSpan.Zero);

    private string _folder = "";
    private string _db = "";
    private int _iteration;
    private SqliteEventStore? _store;
    private (Run[] Runs, RunOutput[] Outputs)[] _commits = [];

    [Params(1, 8)]
    public int RunsPerCommit { get; set; }

    [GlobalSetup]
    public void MakeCommits()
    {
        _folder = Path.Combine(CachedStore.Folder, $"journal-{Environment.ProcessId}");
        Directory.CreateDirectory(_folder);
        var answer = "{\"text\":\"" + new string('x', 1900) + "\"}";
        var n = 0;
        _commits = [.. Enumerable.Range(0, Commits).Select(_ =>
        {
            var runs = new Run[RunsPerCommit];
            var outputs = new RunOutput[RunsPerCommit];
            for (var i = 0; i < RunsPerCommit; i++, n++)
            {
                // Ids as the server makes them: Unix milliseconds, then a counter.
                var ts = Start.AddTicks(n * 1_000L);
                var id = $"run-{ts.ToUnixTimeMilliseconds():x12}{n:x8}";
                var user = $"sdr-{n % 60:00}";
                runs[i] = new Run(ts, id, user, "lead_summary", RunOutcome.Completed, 0.02, Engine: "builtin");
                outputs[i] = new RunOutput(id, ts, user, "lead_summary", "completed", $"L-{n % 400:0000}", DateOnly.FromDateTime(ts.UtcDateTime), answer);
            }

            return (runs, outputs);
        })];
    }

    [IterationSetup]
    public void NewStore()
    {
        _db = Path.Combine(_folder, $"store-{++_iteration}.db");
        _store = SqliteEventStore.Open(_db);
    }

    [Benchmark(OperationsPerInvoke = Commits)]
    public async Task GroupCommit()
    {
        foreach (var (runs, outputs) in _commits)
        {
            var result = await _store!.AppendAsync(runs, outputs);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(string.Join("; ", result.Errors.Take(5)));
            }
        }
    }

    [IterationCleanup]
    public void DeleteStore()
    {
        _store?.Dispose();
        _store = null;
        CachedStore.Delete(_db);
    }

    [GlobalCleanup]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    /// <summary>Each iteration starts a new store, so one invocation per iteration.</summary>
    public sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(10).WithInvocationCount(1).WithUnrollFactor(1));
    }
}
