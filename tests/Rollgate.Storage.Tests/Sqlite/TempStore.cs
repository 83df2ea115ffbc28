using Rollgate.Storage.Sqlite;

namespace Rollgate.Storage.Tests.Sqlite;

/// <summary>A real SQLite store in a fresh temporary file, removed afterwards.</summary>
public sealed class TempStore : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rollgate-tests-" + Guid.NewGuid().ToString("N"));

    public TempStore()
    {
        Directory.CreateDirectory(_dir);
        Store = SqliteEventStore.Open(PathOf("events.db"));
    }

    public SqliteEventStore Store { get; }

    public string PathOf(string name) => Path.Combine(_dir, name);

    public async Task<ImportResult> ImportTextAsync(string jsonLines, string name = "events.jsonl")
    {
        var path = PathOf(name);
        await File.WriteAllTextAsync(path, jsonLines);
        await using var stream = File.OpenRead(path);
        return await Store.ImportAsync(stream, name);
    }

    public async Task<string> ExportTextAsync()
    {
        using var writer = new StringWriter();
        await Store.ExportAsync(writer);
        return writer.ToString();
    }

    /// <summary>The first column of every row <paramref name="sql"/> returns, as text, read on a connection of its own.</summary>
    public List<string> Strings(string sql)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Store.Path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var result = new List<string>();
        while (r.Read())
        {
            result.Add(Convert.ToString(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return result;
    }

    public void Dispose()
    {
        Store.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the pool is left to the OS's temp cleaner.
        }
    }
}
