using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Rollgate.Storage.Sqlite;

/// <summary>A copy of the store made while it is in use, and the SHA-256 of the copy's file.</summary>
public sealed record Snapshot(string Path, string Sha256, long Bytes);

/// <summary>Snapshots of a store by SQLite's online backup: a consistent copy, taken without stopping writers.</summary>
public static class SqliteSnapshot
{
    public static Snapshot Create(string storePath, string snapshotPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(snapshotPath));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        var temporary = snapshotPath + ".partial";
        File.Delete(temporary);
        using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = storePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temporary, Pooling = false }.ToString()))
        {
            source.Open();
            target.Open();
            source.BackupDatabase(target);

            // One self-contained file: no WAL beside it.
            using var journal = target.CreateCommand();
            journal.CommandText = "PRAGMA journal_mode = DELETE";
            journal.ExecuteNonQuery();
        }

        File.Move(temporary, snapshotPath, overwrite: true);
        return new Snapshot(snapshotPath, Sha256Of(snapshotPath), new FileInfo(snapshotPath).Length);
    }

    public static string Sha256Of(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file)).ToLowerInvariant();
    }
}
