using Microsoft.Data.Sqlite;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// The one SQLite file that holds a Rollgate store (events, CRM records, QA evidence): opened in WAL mode with its
/// schema brought up to date, however many of the stores over it are opened.
/// </summary>
internal static class SqliteFile
{
    private const int ConfigMultiThread = 2, ConfigMemStatus = 9;

    /// <summary>
    /// SQLite's multi-thread mode, set once before the first connection opens: Rollgate never shares a connection
    /// or a statement between threads at the same time (each call takes its own pooled connection), so SQLite's
    /// serialized mode would only add a mutex to every call. If another part of the process opened SQLite
    /// first, the setting is refused and SQLite stays serialized, which is merely slower.
    /// </summary>
    private static readonly Lazy<bool> MultiThread = new(Configure);

    private static bool Configure()
    {
        _ = new SqliteConnection();
        var mode = SQLitePCL.raw.sqlite3_config(ConfigMultiThread);
        SQLitePCL.raw.sqlite3_config(ConfigMemStatus, 0);
        return mode == SQLitePCL.raw.SQLITE_OK;
    }

    /// <summary>Prepares the file at <paramref name="path"/> (creating it when missing) and returns its connection string.</summary>
    public static string Open(string path)
    {
        _ = MultiThread.Value;
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"the folder of the store '{path}' does not exist");
        }

        var cs = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        using var c = Connect(cs);
        try
        {
            using (var wal = c.CreateCommand())
            {
                // 8 KiB pages: every commit of the server's runs writes the last page of each B-tree it touches, whole,
                // so 16 KiB pages cost each commit twice the bytes for the same ~20 KB of rows; a 1 M-event import
                // and the window queries measured the same on both sizes (4 KiB pages slow the import by a quarter).
                // The size takes effect only on a new file; stores created before keep theirs.
                wal.CommandText = "PRAGMA page_size = 8192;";
                wal.ExecuteNonQuery();
            }

            // WAL mode lets readers and the writer work at once. A store left with a rollback journal (by a first
            // import that another connection kept from switching back) is switched here, when nobody holds it.
            TrySetJournalMode(c, "WAL");

            SqliteSchema.Apply(c);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 26)
        {
            throw new StoreFormatException($"'{path}' is not an SQLite database");
        }

        return cs;
    }

    /// <summary>How long a connection waits for another's lock before SQLite reports the store busy.</summary>
    public const int BusyTimeoutMs = 5000;

    /// <summary>An open connection that waits for a writer rather than failing at once.</summary>
    public static SqliteConnection Connect(string connectionString)
    {
        var c = new SqliteConnection(connectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        // NORMAL is WAL mode's usual setting: a commit is atomic and the file stays consistent, and the WAL is
        // synced at checkpoints rather than at every commit.
        cmd.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA synchronous = NORMAL;";
        cmd.ExecuteNonQuery();
        return c;
    }

    /// <summary>
    /// Sets the journal mode, waiting at most <paramref name="waitMs"/> for other connections' locks: through the C API,
    /// since ADO.NET would retry a busy store for its whole command timeout. Returns the mode in effect, or null when
    /// another connection held the file all along.
    /// </summary>
    public static string? TrySetJournalMode(SqliteConnection connection, string mode, int waitMs = 0)
    {
        var db = connection.Handle!;
        SQLitePCL.raw.sqlite3_busy_timeout(db, waitMs);
        try
        {
            if (SQLitePCL.raw.sqlite3_prepare_v2(db, $"PRAGMA journal_mode = {mode}", out var statement) != SQLitePCL.raw.SQLITE_OK)
            {
                return null;
            }

            using (statement)
            {
                return SQLitePCL.raw.sqlite3_step(statement) == SQLitePCL.raw.SQLITE_ROW
                    ? SQLitePCL.raw.sqlite3_column_text(statement, 0).utf8_to_string()?.ToLowerInvariant()
                    : null;
            }
        }
        finally
        {
            SQLitePCL.raw.sqlite3_busy_timeout(db, BusyTimeoutMs);
        }
    }
}
