using Microsoft.Data.Sqlite;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// Reads the store's <see cref="StoreStamp"/> (schema 12's <c>stamps</c> row, moved up by triggers and CRM imports).
/// One read of a one-page table: a server reads it once a request instead of reading tokens, phase starts and CRM
/// records again, each of which would be a read transaction of its own.
/// </summary>
public sealed class SqliteStamps : IDisposable
{
    private readonly PreparedReads _reads;

    private SqliteStamps(string connectionString) => _reads = new PreparedReads(connectionString);

    /// <summary>Opens (creating when missing) the store at <paramref name="path"/>, bringing its schema up to date.</summary>
    public static SqliteStamps Open(string path) => new(SqliteFile.Open(path));

    public void Dispose()
    {
        _reads.Dispose();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>The counters as committed now: every change committed before this call is counted.</summary>
    public StoreStamp Read()
    {
        using var lease = _reads.Rent();
        using var r = lease.Command("SELECT tokens, control, crm FROM stamps WHERE id = 1").ExecuteReader();
        return r.Read() ? new StoreStamp(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)) : throw new StoreFormatException("the store has no stamps row");
    }
}
