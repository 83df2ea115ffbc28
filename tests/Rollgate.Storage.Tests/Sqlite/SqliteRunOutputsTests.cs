using Microsoft.Data.Sqlite;
using Rollgate.Core.Events;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Storage.Tests.Sqlite;

public sealed class SqliteRunOutputsTests
{
    private static readonly DateTimeOffset Ts = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(-8));

    private static Run RunOf(string id, string user, int minute, RunOutcome outcome = RunOutcome.Completed) =>
        new(Ts.AddMinutes(minute), id, user, "lead_summary", outcome, 12.5);

    private static RunOutput OutputOf(Run run, string body = "{}") =>
        new(run.Id, run.Ts, run.User, run.Task, WireNames.Of(run.Outcome), "L-1", new DateOnly(2026, 3, 2), body);

    private static async Task Record(TempStore t, params Run[] runs) =>
        Assert.True((await t.Store.AppendAsync(runs, [.. runs.Select(r => OutputOf(r))])).Succeeded);

    [Fact]
    public async Task OfUser_IsThePersonsLatestRuns_NewestFirst_TiesLatestRecordedFirst()
    {
        using var t = new TempStore();
        using var outputs = SqliteRunOutputs.Open(t.Store.Path);
        await Record(t, RunOf("run-a", "so-01", 1), RunOf("run-b", "so-02", 2), RunOf("run-c", "so-01", 3));
        await Record(t, RunOf("run-e", "so-01", 3), RunOf("run-d", "so-01", 3), RunOf("run-f", "so-02", 4));

        Assert.Equal(["run-d", "run-e", "run-c", "run-a"], outputs.OfUser("so-01", 10).Select(o => o.Run));
        Assert.Equal(["run-d", "run-e"], outputs.OfUser("so-01", 2).Select(o => o.Run));
        Assert.Equal(["run-f", "run-b"], outputs.OfUser("so-02", 10).Select(o => o.Run));
        Assert.Empty(outputs.OfUser("sdr-01", 10));
    }

    [Fact]
    public async Task AnOutput_CarriesItsRunsIdTimePersonTaskAndOutcome()
    {
        using var t = new TempStore();
        using var outputs = SqliteRunOutputs.Open(t.Store.Path);
        var run = RunOf("run-a", "so-01", 1, RunOutcome.Abstained);
        await Record(t, run);

        Assert.Equal(OutputOf(run), outputs.Find("run-a"));
        Assert.Null(outputs.Find("run-b"));
    }

    [Fact]
    public async Task OfUser_SkipsRunsWithoutAnAnswer_AndPeopleWhoOnlyGaveFeedback()
    {
        using var t = new TempStore();
        using var outputs = SqliteRunOutputs.Open(t.Store.Path);

        // An imported run has no answer; a person who only rated a run owns none.
        Assert.True((await t.Store.AppendAsync([RunOf("run-imported", "so-01", 1), new Feedback(Ts.AddMinutes(2), "run-imported", "so-02", 4, null)])).Succeeded);
        await Record(t, RunOf("run-served", "so-01", 3));

        Assert.Equal(["run-served"], outputs.OfUser("so-01", 10).Select(o => o.Run));
        Assert.Empty(outputs.OfUser("so-02", 10));
    }

    [Fact]
    public void OfUser_ReadsTheRunsTimeIndexFromItsEnd_SortingOnlyTies()
    {
        using var t = new TempStore();

        // The plan's text is in its fourth column.
        using var c = new SqliteConnection($"Data Source={t.Store.Path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            EXPLAIN QUERY PLAN SELECT r.id, r.ts, n.name, r.task, r.outcome, o.record, o.as_of, o.body
            FROM run_outputs o JOIN runs r ON r.seq = o.seq JOIN names n ON n.id = r.user
            WHERE r.user = 1 ORDER BY r.ts DESC, r.seq DESC LIMIT 50
            """;
        using var r = cmd.ExecuteReader();
        var steps = new List<string>();
        while (r.Read())
        {
            steps.Add(r.GetString(3));
        }

        Assert.Contains(steps, s => s.Contains("runs_ts", StringComparison.Ordinal));
        Assert.DoesNotContain(steps, s => s.Contains("TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Purge_EmptiesTheAnswersOfRunsBeforeTheCutOff_Once()
    {
        using var t = new TempStore();
        using var outputs = SqliteRunOutputs.Open(t.Store.Path);
        await Record(t, RunOf("run-a", "so-01", 1), RunOf("run-b", "so-01", 2), RunOf("run-c", "so-01", 3));

        Assert.Equal(2, outputs.Purge(Ts.AddMinutes(3), Ts.AddDays(1)));
        Assert.Equal(0, outputs.Purge(Ts.AddMinutes(3), Ts.AddDays(2)));

        Assert.Null(outputs.Find("run-a")!.Body);
        Assert.Null(outputs.Find("run-b")!.Body);
        Assert.Equal("{}", outputs.Find("run-c")!.Body);
        Assert.Equal([Ts.AddDays(1).UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture)], t.Strings("SELECT DISTINCT purged FROM run_outputs WHERE purged IS NOT NULL"));
    }

    [Fact]
    public void AStoreOfSchema10_KeepsTheAnswersOfItsRuns_UnderTheirRuns()
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
                    INSERT INTO names(id, name, owns) VALUES (1, 'so-01', 1), (2, 'so-02', 1);
                    INSERT INTO runs(seq, id, ts, user, task, outcome) VALUES
                        (1, 'run-1', {Ts.UtcTicks}, 1, 'lead_summary', 0),
                        (2, 'run-2', {Ts.AddMinutes(1).UtcTicks}, 1, 'lead_summary', 1),
                        (3, 'run-3', {Ts.AddMinutes(2).UtcTicks}, 2, 'deal_risk', 0);
                    INSERT INTO run_outputs(run, ts, user, task, outcome, record, as_of, body, purged) VALUES
                        ('run-1', {Ts.UtcTicks}, 'so-01', 'lead_summary', 'completed', 'L-1', '2026-03-02', NULL, 7),
                        ('run-2', {Ts.AddMinutes(1).UtcTicks}, 'so-01', 'lead_summary', 'abstained', 'L-2', '2026-03-02', 'x', NULL),
                        ('run-3', {Ts.AddMinutes(2).UtcTicks}, 'so-02', 'deal_risk', 'completed', 'O-3', '2026-03-01', 'y', NULL),
                        ('run-lost', {Ts.AddMinutes(3).UtcTicks}, 'so-02', 'deal_risk', 'completed', 'O-4', '2026-03-01', 'z', NULL);
                    """;
                insert.ExecuteNonQuery();
            }

            using var outputs = SqliteRunOutputs.Open(path);

            Assert.Equal(["run-2", "run-1"], outputs.OfUser("so-01", 10).Select(o => o.Run));
            Assert.Equal(new RunOutput("run-3", Ts.AddMinutes(2), "so-02", "deal_risk", "completed", "O-3", new DateOnly(2026, 3, 1), "y"), outputs.Find("run-3"));
            Assert.Equal("abstained", outputs.Find("run-2")!.Outcome);
            Assert.Null(outputs.Find("run-1")!.Body);
            Assert.Null(outputs.Find("run-lost"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AServersRun_WritesNoIndexOfItsOwnForAnswers()
    {
        using var t = new TempStore();

        Assert.Empty(t.Strings("SELECT name FROM pragma_index_list('run_outputs')"));
    }
}
