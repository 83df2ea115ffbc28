using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// Open connections for the queries the server runs on every request, each keeping its statements prepared: a
/// pooled <see cref="SqliteConnection"/> still sets its pragmas on every open and parses its SQL on every command,
/// which costs more than the indexed lookups themselves. A lease is used by one caller at a time (SQLite's
/// multi-thread mode allows no more) and holds no transaction between queries, so it sees every commit, this
/// process's or another's, as a fresh connection would.
/// </summary>
internal sealed class PreparedReads(string connectionString) : IDisposable
{
    /// <summary>Connections kept idle beyond this many are closed when given back.</summary>
    private const int MaxIdle = 32;

    private readonly ConcurrentBag<Lease> _idle = [];
    private volatile bool _disposed;

    public Lease Rent() => _idle.TryTake(out var lease) ? lease : new Lease(this, SqliteFile.Connect(connectionString));

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var lease))
        {
            lease.Close();
        }
    }

    private void Return(Lease lease)
    {
        if (_disposed || _idle.Count >= MaxIdle)
        {
            lease.Close();
            return;
        }

        _idle.Add(lease);
        if (_disposed && _idle.TryTake(out var late))
        {
            late.Close();
        }
    }

    public sealed class Lease : IDisposable
    {
        private readonly PreparedReads _owner;
        private readonly SqliteConnection _connection;
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        internal Lease(PreparedReads owner, SqliteConnection connection) => (_owner, _connection) = (owner, connection);

        /// <summary>The command for <paramref name="sql"/>, prepared the first time, its parameters cleared for this use.</summary>
        public SqliteCommand Command(string sql)
        {
            if (_commands.TryGetValue(sql, out var cmd))
            {
                cmd.Parameters.Clear();
                return cmd;
            }

            cmd = _connection.CreateCommand();
            cmd.CommandText = sql;
            _commands[sql] = cmd;
            return cmd;
        }

        /// <summary>Gives the connection back; a command's reader must be disposed before.</summary>
        public void Dispose() => _owner.Return(this);

        internal void Close()
        {
            foreach (var cmd in _commands.Values)
            {
                cmd.Dispose();
            }

            _connection.Dispose();
        }
    }
}
