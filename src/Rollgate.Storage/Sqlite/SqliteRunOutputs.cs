using Microsoft.Data.Sqlite;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// The outputs of the server's agent runs, in the event store's file. Events say that a run happened and how it
/// ended; this table keeps what it said, for its owner and for the reviewers who label it.
/// </summary>
public sealed class SqliteRunOutputs : IDisposable
{
    private readonly string _connectionString;

    private SqliteRunOutputs(string connectionString) => _connectionString = connectionString;

    public static SqliteRunOutputs Open(string path) => new(SqliteFile.Open(path));

    public void Dispose() => SqliteConnection.ClearAllPools();

    public void Save(RunOutput output) => SaveAll([output]);

    /// <summary>Stores the outputs in one transaction: all or none.</summary>
    public void SaveAll(IEnumerable<RunOutput> outputs)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var tx = c.BeginTransaction(deferred: false);
        using var insert = new RawStatement(c, InsertSql);
        foreach (var output in outputs)
        {
            Insert(insert, output);
        }

        tx.Commit();
    }

    internal const string InsertSql = """
        INSERT INTO run_outputs(run, ts, user, task, outcome, record, as_of, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        """;

    /// <summary>Runs <see cref="InsertSql"/> for one output, inside the caller's transaction.</summary>
    internal static void Insert(RawStatement insert, RunOutput output) =>
        insert.Bind(1, output.Run).Bind(2, output.Ts.UtcTicks).Bind(3, output.User).Bind(4, output.Task).Bind(5, output.Outcome).Bind(6, output.Record)
            .Bind(7, output.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Bind(8, output.Body).Run();

    public RunOutput? Find(string run)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM run_outputs WHERE run = $run";
        cmd.Parameters.AddWithValue("$run", run);
        return Read(cmd).FirstOrDefault();
    }

    /// <summary>A person's latest runs, newest first.</summary>
    public IReadOnlyList<RunOutput> OfUser(string user, int limit)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM run_outputs WHERE user = $user ORDER BY ts DESC, run DESC LIMIT $limit";
        cmd.Parameters.AddWithValue("$user", user);
        cmd.Parameters.AddWithValue("$limit", limit);
        return Read(cmd);
    }

    /// <summary>
    /// Runs since <paramref name="from"/> that nobody has reviewed and whose output is still kept: the candidates of
    /// the review queue, newest first, at most <paramref name="limit"/>.
    /// </summary>
    public IReadOnlyList<RunOutput> Unreviewed(DateTimeOffset from, DateTimeOffset to, int limit)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"""
            SELECT {Columns} FROM run_outputs o
            WHERE o.ts >= $from AND o.ts < $to AND o.body IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.run = o.run)
            ORDER BY o.ts DESC LIMIT $limit
            """;
        cmd.Parameters.AddWithValue("$from", from.UtcTicks);
        cmd.Parameters.AddWithValue("$to", to.UtcTicks);
        cmd.Parameters.AddWithValue("$limit", limit);
        return Read(cmd);
    }

    /// <summary>Empties the bodies of runs before <paramref name="before"/>; returns how many were purged.</summary>
    public int Purge(DateTimeOffset before, DateTimeOffset now)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE run_outputs SET body = NULL, purged = $now WHERE ts < $before AND body IS NOT NULL";
        cmd.Parameters.AddWithValue("$before", before.UtcTicks);
        cmd.Parameters.AddWithValue("$now", now.UtcTicks);
        return cmd.ExecuteNonQuery();
    }

    private const string Columns = "run, ts, user, task, outcome, record, as_of, body";

    private static List<RunOutput> Read(SqliteCommand cmd)
    {
        var result = new List<RunOutput>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result.Add(new RunOutput(
                r.GetString(0), new DateTimeOffset(r.GetInt64(1), TimeSpan.Zero), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                DateOnly.ParseExact(r.GetString(6), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.IsDBNull(7) ? null : r.GetString(7)));
        }

        return result;
    }
}
