using System.Diagnostics;
using System.Globalization;
using Rollgate.Core.Plans;
using Rollgate.Storage;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Benchmarks.Traffic;

/// <summary>
/// A store holding a profile's traffic, built once into the temp folder and reused by later runs: building
/// the year (3 million events) takes minutes, far longer than the benchmarks that read it.
/// </summary>
public static class CachedStore
{
    /// <summary>Bump when the generator changes, so that stale stores are rebuilt rather than measured.</summary>
    private const int GeneratorVersion = 1;

    public static string Folder { get; } = Path.Combine(Path.GetTempPath(), "rollgate-bench");

    public static SqliteEventStore Open(TrafficProfile profile, RolloutPlan plan)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, $"{profile.Name}-v{GeneratorVersion}.db");
        var generator = new TrafficGenerator(profile, plan);
        var expected = generator.Events().LongCount();
        if (File.Exists(path))
        {
            if (TryReuse(path, expected) is { } reused)
            {
                return reused;
            }

            Console.WriteLine($"// {path} is not the expected store of {expected:N0} events: rebuilding it");
            Delete(path);
        }

        Console.WriteLine($"// building {path}: {expected:N0} events (once; later runs reuse it)");
        var clock = Stopwatch.StartNew();
        var store = SqliteEventStore.Open(path);
        var result = store.AppendAsync(generator.Events(), new ConsoleProgress(expected)).GetAwaiter().GetResult();
        if (!result.Succeeded || result.Imported != expected)
        {
            store.Dispose();
            Delete(path);
            throw new InvalidOperationException($"building {path} stored {result.Imported:N0} of {expected:N0} events: {string.Join("; ", result.Errors.Take(5))}");
        }

        Console.WriteLine($"// built {path} in {clock.Elapsed.TotalSeconds:0.0} s ({expected / clock.Elapsed.TotalSeconds:N0} events/s)");
        return store;
    }

    public static void Delete(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static SqliteEventStore? TryReuse(string path, long expected)
    {
        SqliteEventStore store;
        try
        {
            store = SqliteEventStore.Open(path);
        }
        catch (StoreFormatException)
        {
            return null;
        }

        if (store.CountAsync().GetAwaiter().GetResult() == expected)
        {
            return store;
        }

        store.Dispose();
        return null;
    }

    private sealed class ConsoleProgress(long total) : IProgress<ImportProgress>
    {
        private long _next = 500_000;

        public void Report(ImportProgress value)
        {
            if (value.Lines >= _next)
            {
                _next += 500_000;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"//   {value.Lines:N0} of {total:N0} events"));
            }
        }
    }
}
