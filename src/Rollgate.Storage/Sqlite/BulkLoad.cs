using Microsoft.Data.Sqlite;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// The first import into a store writes its pages once. In WAL mode every page of a large transaction is written to
/// the WAL at commit and written again by the checkpoint that copies it into the store file, with a sync of each;
/// under a rollback journal the new pages go straight into the file and only the few pages that existed before are
/// journaled, so the transaction is still all or nothing, also across a crash (the journal rolls it back on the next
/// open). Only a store without events qualifies, and only when no other connection has it open: leaving WAL mode
/// needs the file to itself, so with a reader about (the server, another command) the import stays in WAL mode.
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
        return SqliteFile.TrySetJournalMode(connection, "DELETE") == "delete";
    }

    /// <summary>
    /// Back to WAL mode. Should another connection have opened the store meanwhile, the switch waits for a later
    /// chance: every open of the store sets WAL mode again.
    /// </summary>
    public static void Leave(SqliteConnection connection) => SqliteFile.TrySetJournalMode(connection, "WAL");
}
