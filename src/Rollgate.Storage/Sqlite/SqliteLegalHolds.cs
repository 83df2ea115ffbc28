using Microsoft.Data.Sqlite;

namespace Rollgate.Storage.Sqlite;

public sealed record LegalHold(long Id, DateTimeOffset Placed, string Reason, DateTimeOffset? Released)
{
    public bool IsActive => Released is null;
}

/// <summary>Legal holds: while any stands, no retention purge runs, so the data of an incident stays whole.</summary>
public sealed class SqliteLegalHolds : IDisposable
{
    private readonly string _connectionString;

    private SqliteLegalHolds(string connectionString) => _connectionString = connectionString;

    public static SqliteLegalHolds Open(string path) => new(SqliteFile.Open(path));

    public void Dispose() => SqliteConnection.ClearAllPools();

    public LegalHold Place(string reason, DateTimeOffset now)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO legal_holds(placed, reason) VALUES ($now, $reason) RETURNING id";
        cmd.Parameters.AddWithValue("$now", now.UtcTicks);
        cmd.Parameters.AddWithValue("$reason", reason);
        return new LegalHold((long)cmd.ExecuteScalar()!, now, reason, null);
    }

    /// <summary>Releases a standing hold; false when there is no such hold or it was released already.</summary>
    public bool Release(long id, DateTimeOffset now)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE legal_holds SET released = $now WHERE id = $id AND released IS NULL";
        cmd.Parameters.AddWithValue("$now", now.UtcTicks);
        cmd.Parameters.AddWithValue("$id", id);
        return cmd.ExecuteNonQuery() == 1;
    }

    public IReadOnlyList<LegalHold> All()
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, placed, reason, released FROM legal_holds ORDER BY id";
        var result = new List<LegalHold>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result.Add(new LegalHold(r.GetInt64(0), new DateTimeOffset(r.GetInt64(1), TimeSpan.Zero), r.GetString(2), r.IsDBNull(3) ? null : new DateTimeOffset(r.GetInt64(3), TimeSpan.Zero)));
        }

        return result;
    }

    public IReadOnlyList<LegalHold> Active() => [.. All().Where(h => h.IsActive)];
}
