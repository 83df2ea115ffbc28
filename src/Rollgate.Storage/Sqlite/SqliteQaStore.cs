using Microsoft.Data.Sqlite;
using Rollgate.Agents.Qa;
using Rollgate.Core.Time;

namespace Rollgate.Storage.Sqlite;

/// <summary>QA runs and manual review verdicts, in the store's SQLite file: the evidence the pre-launch checklist reads.</summary>
public sealed class SqliteQaStore : IQaStore, IDisposable
{
    private readonly string _connectionString;

    private SqliteQaStore(string connectionString) => _connectionString = connectionString;

    public static SqliteQaStore Open(string path) => new(SqliteFile.Open(path));

    public void Dispose() => SqliteConnection.ClearAllPools();

    public Task RecordRunAsync(QaRunRecord run, CancellationToken cancellationToken = default)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO qa_runs(at, suite, engine, total, passed, pass_rate, coverage) VALUES ($at, $suite, $engine, $total, $passed, $rate, $coverage)";
        cmd.Parameters.AddWithValue("$at", Rfc3339.Format(run.At));
        cmd.Parameters.AddWithValue("$suite", run.Suite);
        cmd.Parameters.AddWithValue("$engine", run.Engine);
        cmd.Parameters.AddWithValue("$total", run.Total);
        cmd.Parameters.AddWithValue("$passed", run.Passed);
        cmd.Parameters.AddWithValue("$rate", (object?)run.PassRate ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$coverage", (object?)run.Coverage ?? DBNull.Value);
        cmd.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<QaRunRecord?> LatestRunAsync(CancellationToken cancellationToken = default)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT at, suite, engine, total, passed, pass_rate, coverage FROM qa_runs ORDER BY id DESC LIMIT 1";
        using var r = cmd.ExecuteReader();
        QaRunRecord? run = r.Read()
            ? new QaRunRecord(Rfc3339.Parse(r.GetString(0)), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4),
                r.IsDBNull(5) ? null : r.GetDouble(5), r.IsDBNull(6) ? null : r.GetDouble(6))
            : null;
        return Task.FromResult(run);
    }

    public Task RecordReviewsAsync(IReadOnlyList<QaReviewRecord> reviews, CancellationToken cancellationToken = default)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO qa_reviews(scenario, reviewer, at, verdict, notes) VALUES ($scenario, $reviewer, $at, $verdict, $notes) "
            + "ON CONFLICT(scenario, reviewer) DO UPDATE SET at = excluded.at, verdict = excluded.verdict, notes = excluded.notes";
        var scenario = cmd.Parameters.Add("$scenario", SqliteType.Text);
        var reviewer = cmd.Parameters.Add("$reviewer", SqliteType.Text);
        var at = cmd.Parameters.Add("$at", SqliteType.Text);
        var verdict = cmd.Parameters.Add("$verdict", SqliteType.Text);
        var notes = cmd.Parameters.Add("$notes", SqliteType.Text);
        foreach (var review in reviews)
        {
            scenario.Value = review.Scenario;
            reviewer.Value = review.Reviewer;
            at.Value = Rfc3339.Format(review.At);
            verdict.Value = review.Verdict;
            notes.Value = (object?)review.Notes ?? DBNull.Value;
            cmd.ExecuteNonQuery();
        }

        tx.Commit();
        return Task.CompletedTask;
    }

    public Task<int> ReviewedScenarioCountAsync(CancellationToken cancellationToken = default)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(DISTINCT scenario) FROM qa_reviews";
        return Task.FromResult(Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
