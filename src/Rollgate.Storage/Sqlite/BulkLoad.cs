using Microsoft.Data.Sqlite;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// The first import into a store writes its pages once. In WAL mode every page of a large transaction is written to
/// the WAL at commit and written again by the checkpoint that copies it into the store file, with a sync of each;
/// under a rollback journal the new pages go straight into the file and only the few pages that existed before are
/// journaled, so the transaction is still all or nothing, also across a crash (the journal rolls it back on the next
/// open; the transaction syncs fully, as a rollback journal needs against a power loss). Only a store without
/// events qualifies, and only when no other connection has it open: leaving WAL mode needs the file to itself, so
/// with a reader about (the server, another command) the import stays in WAL mode. A connection that opens the
/// store during such an import reads under the rollback journal meanwhile (it waits while the import commits).
/// </summary>
internal static class BulkLoad
{
    /// <summary>Switches <paramref name="connection"/>'s store to a rollback journal when it qualifies; says whether it did.</summary>
    public static bool TryEnter(SqliteConnection connection)
    {
        using (var any = connection.CreateCommand())
        {
            any.CommandText = "SELECT EXISTS (SELECT 1 FROM events)";
            if ((long)any.ExecuteScalar()! == 1)
            {
                return false;
            }
        }

        // Idle connections of this process's pool hold the file open; they are opened again when needed.
        SqliteConnection.ClearPool(connection);
        if (SqliteFile.TrySetJournalMode(connection, "DELETE") != "delete")
        {
            return false;
        }

        Pragma(connection, "PRAGMA synchronous = FULL");
        return true;
    }

    /// <summary>
    /// Back to WAL mode, waiting as long as any write would for connections that opened the store meanwhile to finish
    /// their reads. Should they hold it longer, the next open of the store that finds it free sets WAL mode again.
    /// </summary>
    public static void Leave(SqliteConnection connection)
    {
        Pragma(connection, "PRAGMA synchronous = NORMAL");
        SqliteFile.TrySetJournalMode(connection, "WAL", SqliteFile.BusyTimeoutMs);
    }

    private static void Pragma(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
