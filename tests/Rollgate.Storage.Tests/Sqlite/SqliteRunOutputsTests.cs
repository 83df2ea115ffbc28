using Microsoft.Data.Sqlite;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Storage.Tests.Sqlite;

public sealed class SqliteRunOutputsTests
{
    private static readonly DateTimeOffset Ts = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(-8));

    private static RunOutput Output(string run, string user, int minute) =>
        new(run, Ts.AddMinutes(minute), user, "lead_summary", "completed", "L-1", new DateOnly(2026, 3, 2), "{}");

    [Fact]
    public void OfUser_IsThePersonsLatestRuns_NewestFirst_TiesByRunId()
    {
        using var t = new TempStore();
        using var outputs = SqliteRunOutputs.Open(t.Store.Path);
        outputs.SaveAll([
            Output("run-a", "so-01", 1), Output("run-b", "so-02", 2), Output("run-c", "so-01", 3),
            Output("run-e", "so-01", 3), Output("run-d", "so-01", 3), Output("run-f", "so-02", 4),
        ]);

        Assert.Equal(["run-e", "run-d", "run-c", "run-a"], outputs.OfUser("so-01", 10).Select(o => o.Run));
        Assert.Equal(["run-e", "run-d"], outputs.OfUser("so-01", 2).Select(o => o.Run));
        Assert.Equal(["run-f", "run-b"], outputs.OfUser("so-02", 10).Select(o => o.Run));
        Assert.Empty(outputs.OfUser("sdr-01", 10));
    }

    [Fact]
    public void OfUser_ReadsTheTimeIndexFromItsEnd_WithoutSorting()
    {
        using var t = new TempStore();

        // The plan's text is in its fourth column.
        using var c = new SqliteConnection($"Data Source={t.Store.Path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            EXPLAIN QUERY PLAN SELECT run, ts, user, task, outcome, record, as_of, body FROM run_outputs
            WHERE user = 'so-01' ORDER BY ts DESC, run DESC LIMIT 50
            """;
        using var r = cmd.ExecuteReader();
        var steps = new List<string>();
        while (r.Read())
        {
            steps.Add(r.GetString(3));
        }

        Assert.Contains(steps, s => s.Contains("run_outputs_ts", StringComparison.Ordinal));
        Assert.DoesNotContain(steps, s => s.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public void AStoreOfSchema10_KeepsItsRunOutputs_AndListsThemByPerson()
    {
        var dir = Directory.CreateTempSubdirectory("rollgate-tests-").FullName;
        var path = Path.Combine(dir, "old.db");
        try
        {
            using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                c.Open();
                SqliteSchema.Apply(c, 10);
                using var insert = c.CreateCommand();
                insert.CommandText = $"""
                    INSERT INTO run_outputs(run, ts, user, task, outcome, record, as_of, body) VALUES
                        ('run-1', {Ts.UtcTicks}, 'so-01', 'lead_summary', 'completed', 'L-1', '2026-03-02', 'x'),
                        ('run-2', {Ts.AddMinutes(1).UtcTicks}, 'so-01', 'lead_summary', 'completed', 'L-2', '2026-03-02', 'x'),
                        ('run-3', {Ts.AddMinutes(2).UtcTicks}, 'so-02', 'lead_summary', 'completed', 'L-3', '2026-03-02', 'x');
                    """;
                insert.ExecuteNonQuery();
            }

            using var outputs = SqliteRunOutputs.Open(path);

            Assert.Equal(["run-2", "run-1"], outputs.OfUser("so-01", 10).Select(o => o.Run));
            Assert.Equal("L-3", outputs.Find("run-3")?.Record);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AServersRun_WritesNoIndexKeyedByPerson()
    {
        using var t = new TempStore();
        var indexed = t.Strings("SELECT name FROM pragma_index_list('run_outputs')")
            .SelectMany(index => t.Strings($"SELECT name FROM pragma_index_info('{index}') WHERE seqno = 0"));

        Assert.DoesNotContain("user", indexed);
    }
}
