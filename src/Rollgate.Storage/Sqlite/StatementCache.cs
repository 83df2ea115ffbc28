using Microsoft.Data.Sqlite;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// The prepared statements of one connection, kept by their SQL: a writer that runs the same statements in
/// transaction after transaction (the server's small appends) parses each once instead of once a transaction.
/// Used by one thread at a time, like its connection.
/// </summary>
internal sealed class StatementCache(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, RawStatement> _statements = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    /// <summary>The statement for <paramref name="sql"/>, prepared the first time it is asked for.</summary>
    public RawStatement Get(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = new RawStatement(connection, sql);
            _statements[sql] = statement;
        }

        return statement;
    }

    public void Dispose()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        _statements.Clear();
    }
}
