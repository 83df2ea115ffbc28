using Microsoft.Data.Sqlite;
using Rollgate.Core.Events;
using Rollgate.Core.Time;

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

    internal const string InsertSql = """
        INSERT INTO run_outputs(seq, record, as_of, body) SELECT seq, ?2, ?3, ?4 FROM runs WHERE id = ?1
        """;

    /// <summary>
    /// Runs <see cref="InsertSql"/> for one output, inside the caller's transaction, after its run: the output is kept
    /// under the run's seq, and its id, time, person, task and outcome are the run's own.
    /// </summary>
    /// <exception cref="InvalidOperationException">No run with the output's id is stored.</exception>
    internal static void Insert(RawStatement insert, RunOutput output)
    {
        var inserted = insert.Bind(1, output.Run).Bind(2, output.Record)
            .Bind(3, Rfc3339.FormatDate(output.AsOf)).Bind(4, output.Body).Execute();
        if (inserted == 0)
        {
            throw new InvalidOperationException($"the answer of run '{output.Run}' has no stored run to go with");
        }
    }

    public RunOutput? Find(string run)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} {Joined} WHERE r.id = $run";
        cmd.Parameters.AddWithValue("$run", run);
        return Read(cmd).FirstOrDefault();
    }

    /// <summary>A person's latest runs, newest first; runs of the same instant latest recorded first.</summary>
    public IReadOnlyList<RunOutput> OfUser(string user, int limit)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();

        // A person who never ran an agent owns no runs, and is answered without reading them.
        cmd.CommandText = $"SELECT id FROM names WHERE name = $user AND owns & {SqliteEventWriter.OwnsRuns}";
        cmd.Parameters.AddWithValue("$user", user);
        if (cmd.ExecuteScalar() is not long id)
        {
            return [];
        }

        // Read backwards along the runs' time index, which carries the person.
        cmd.CommandText = $"SELECT {Columns} {Joined} WHERE r.user = $id ORDER BY r.ts DESC, r.seq DESC LIMIT $limit";
        cmd.Parameters.AddWithValue("$id", id);
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
            SELECT {Columns} {Joined}
            WHERE r.ts >= $from AND r.ts < $to AND o.body IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.run = r.id)
            ORDER BY r.ts DESC, r.seq DESC LIMIT $limit
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
        cmd.CommandText = """
            UPDATE run_outputs SET body = NULL, purged = $now
            FROM (SELECT seq FROM runs WHERE ts < $before) AS old
            WHERE run_outputs.seq = old.seq AND run_outputs.body IS NOT NULL
            """;
        cmd.Parameters.AddWithValue("$before", before.UtcTicks);
        cmd.Parameters.AddWithValue("$now", now.UtcTicks);
        return cmd.ExecuteNonQuery();
    }

    private const string Columns = "r.id, r.ts, n.name, r.task, r.outcome, o.record, o.as_of, o.body";

    private const string Joined = "FROM run_outputs o JOIN runs r ON r.seq = o.seq JOIN names n ON n.id = r.user";

    private static List<RunOutput> Read(SqliteCommand cmd)
    {
        var result = new List<RunOutput>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result.Add(new RunOutput(
                r.GetString(0), new DateTimeOffset(r.GetInt64(1), TimeSpan.Zero), r.GetString(2), r.GetString(3), WireNames.Of((RunOutcome)r.GetInt32(4)), r.GetString(5),
                DateOnly.ParseExact(r.GetString(6), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.IsDBNull(7) ? null : r.GetString(7)));
        }

        return result;
    }
}
