using Microsoft.Data.Sqlite;
using Rollgate.Core.Events;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Storage.Tests.Sqlite;

/// <summary>How a store's file is made: its page size and journal, and what a store made before keeps.</summary>
public sealed class SqliteFileTests
{
    private static readonly DateTimeOffset Ts = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ANewStore_Has8KiBPages_InWalMode()
    {
        using var t = new TempStore();

        Assert.Equal(["8192"], t.Strings("PRAGMA page_size"));
        Assert.Equal(["wal"], t.Strings("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task AStoreMadeWith16KiBPages_KeepsThem_AndTakesRunsWithTheirAnswers()
    {
        var dir = Directory.CreateTempSubdirectory("rollgate-tests-").FullName;
        var path = Path.Combine(dir, "old.db");
        try
        {
            using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                c.Open();
                using var pages = c.CreateCommand();
                pages.CommandText = "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL;";
                pages.ExecuteNonQuery();
                SqliteSchema.Apply(c);
            }

            using (var store = SqliteEventStore.Open(path))
            {
                var run = new Run(Ts, "run-1", "sdr-01", "lead_summary", RunOutcome.Completed);
                var answer = new RunOutput("run-1", Ts, "sdr-01", "lead_summary", "completed", "L-1", new DateOnly(2026, 3, 2), "{\"text\":\"hi\"}");
                Assert.True((await store.AppendAsync([run], [answer])).Succeeded);
                Assert.Equal(1, await store.CountAsync());
            }

            using var check = new SqliteConnection($"Data Source={path};Pooling=False");
            check.Open();
            using var cmd = check.CreateCommand();
            cmd.CommandText = "PRAGMA page_size";
            Assert.Equal(16384L, (long)cmd.ExecuteScalar()!);
            cmd.CommandText = "SELECT body FROM run_outputs";
            Assert.Equal("{\"text\":\"hi\"}", (string)cmd.ExecuteScalar()!);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
