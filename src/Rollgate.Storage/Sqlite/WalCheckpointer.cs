using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// Copies the WAL back into the store file beside the writer of small appends rather than inside one of its commits.
/// SQLite checkpoints in the commit that takes the WAL past 1,000 pages, copying and syncing as it goes; in the server
/// every request waiting for that commit waited for the checkpoint too. Here the writer's connection has automatic
/// checkpoints off, and after a commit that takes it past <see cref="Pages"/> pages the copy runs on a thread of its
/// own, with a connection of its own, while appends go on. When it is over, the writer's next commit copies the few
/// pages appended meanwhile itself, so that the write after it starts the WAL over from its beginning and the WAL file
/// stays bounded. Should the copy fall behind by another 2 × <see cref="Pages"/>, the writer waits for it. Other
/// connections keep SQLite's automatic checkpoints. All but <see cref="Dispose"/> run on the writer's thread, under
/// its write lock.
/// </summary>
internal sealed class WalCheckpointer(string connectionString) : IDisposable
{
    /// <summary>
    /// The WAL pages after which a copy starts: four times SQLite's own threshold. The copy of the pages appended while
    /// it ran, with its two syncs, happens in one of the writer's commits, while that commit's requests wait; at 4,000
    /// pages it comes a quarter as often. Most of a copy's pages are new ones, which are copied once however often it
    /// runs, and a WAL of 4,000 frames fits the first block of SQLite's WAL index (4,062 frames), which readers search
    /// first; only the pages appended while a copy runs go past it.
    /// </summary>
    public const int Pages = 4000;

    private const int Behind = 2 * Pages;
    private const int DbStatusCacheWrite = 9;

    private Task _running = Task.CompletedTask;
    private bool _tailDue;

    /// <summary>Turns off <paramref name="writer"/>'s automatic checkpoints: <see cref="Committed"/> runs them instead.</summary>
    public static void Adopt(SqliteConnection writer)
    {
        using var cmd = writer.CreateCommand();
        cmd.CommandText = "PRAGMA wal_autocheckpoint = 0";
        cmd.ExecuteNonQuery();
    }

    /// <summary>How many copies this checkpointer has started beside the writer.</summary>
    public int Started { get; private set; }

    /// <summary>Called by the writer after each commit: starts a copy when one is due, or finishes the one that ended.</summary>
    public void Committed(SqliteConnection writer)
    {
        if (_tailDue && _running.IsCompleted)
        {
            FinishCopy(writer);
            return;
        }

        // Pages this connection has written since the counter was last reset: in WAL mode, the frames it appended.
        raw.sqlite3_db_status(writer.Handle, DbStatusCacheWrite, out var written, out _, 0);
        if (written < Pages)
        {
            return;
        }

        if (!_running.IsCompleted)
        {
            if (written >= Behind)
            {
                _running.GetAwaiter().GetResult();
                FinishCopy(writer);
            }

            return;
        }

        raw.sqlite3_db_status(writer.Handle, DbStatusCacheWrite, out _, out _, 1);
        Started++;
        _tailDue = true;

        // A thread of its own: the copy is blocking file I/O, and a writer that never yields (appends that complete
        // synchronously, one after another) would keep a pool work item waiting behind it.
        _running = Task.Factory.StartNew(() => Copy(connectionString), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Waits for a running copy to end.</summary>
    public void Dispose() => _running.GetAwaiter().GetResult();

    private static void Copy(string connectionString)
    {
        try
        {
            using var c = SqliteFile.Connect(connectionString);
            Checkpoint(c);
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            // The WAL stays as it was, and stays correct; the writer's own pass, or the next copy, copies it.
        }
    }

    /// <summary>The pages appended while the copy ran, copied while the writer waits: the next write starts the WAL over.</summary>
    private void FinishCopy(SqliteConnection writer)
    {
        _tailDue = false;
        try
        {
            Checkpoint(writer);
        }
        catch (SqliteException)
        {
            // As in Copy: the commit before stands, and the WAL is copied later.
        }

        raw.sqlite3_db_status(writer.Handle, DbStatusCacheWrite, out _, out _, 1);
    }

    private static void Checkpoint(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        cmd.ExecuteNonQuery();
    }
}
