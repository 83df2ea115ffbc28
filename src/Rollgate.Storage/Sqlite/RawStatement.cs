using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// A prepared statement driven through SQLite's C API. Bulk writes use it instead of ADO.NET commands, whose
/// per-call overhead (parameter objects, boxing) costs more than SQLite's own work on a small row. Binding and
/// stepping call SQLite directly (<see cref="SqliteNative"/>) on handles this statement keeps open until disposed.
/// </summary>
internal sealed unsafe class RawStatement : IDisposable
{
    // Strings up to this many UTF-16 chars are converted to UTF-8 on the stack.
    private const int StackChars = 170;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private readonly IntPtr _dbHandle, _stmtHandle;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(_db, sql, out _stmt), sql);
        _dbHandle = _db.DangerousGetHandle();
        _stmtHandle = _stmt.DangerousGetHandle();
    }

    public RawStatement Bind(int index, long value)
    {
        SqliteNative.BindInt64(_stmtHandle, index, value);
        return this;
    }

    public RawStatement Bind(int index, long? value)
    {
        _ = value is { } v ? SqliteNative.BindInt64(_stmtHandle, index, v) : SqliteNative.BindNull(_stmtHandle, index);
        return this;
    }

    public RawStatement Bind(int index, double? value)
    {
        _ = value is { } v ? SqliteNative.BindDouble(_stmtHandle, index, v) : SqliteNative.BindNull(_stmtHandle, index);
        return this;
    }

    public RawStatement Bind(int index, string? value)
    {
        if (value is null)
        {
            SqliteNative.BindNull(_stmtHandle, index);
            return this;
        }

        if (value.Length <= StackChars)
        {
            Span<byte> buffer = stackalloc byte[StackChars * 3];
            return BindUtf8(index, buffer[..Encoding.UTF8.GetBytes(value, buffer)]);
        }

        // SQLite copies the bytes (SQLITE_TRANSIENT), so a longer text (an agent's answer) is encoded in a rented array.
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        try
        {
            return BindUtf8(index, rented.AsSpan(0, Encoding.UTF8.GetBytes(value, rented)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Binds text given as UTF-8; SQLite copies it, so the bytes need not outlive the call.</summary>
    public RawStatement BindUtf8(int index, ReadOnlySpan<byte> value)
    {
        // An empty span may have no address, and a null pointer would bind NULL rather than ''.
        fixed (byte* text = value.IsEmpty ? " "u8 : value)
        {
            SqliteNative.BindText(_stmtHandle, index, text, value.Length, SqliteNative.Transient);
        }

        return this;
    }

    /// <summary>Runs a statement that returns no rows; returns the number of rows it changed.</summary>
    public int Execute()
    {
        Run();
        return SqliteNative.Changes(_dbHandle);
    }

    /// <summary>Runs a statement that returns no rows, when how many it changed does not matter.</summary>
    public void Run()
    {
        var rc = SqliteNative.Step(_stmtHandle);
        SqliteNative.Reset(_stmtHandle);
        if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
        {
            throw Error(rc);
        }
    }

    /// <summary>Runs a query for its first row's integer columns; false when there is no row or the first column is null.</summary>
    public bool TryReadInt64(out long first, out long second)
    {
        first = second = 0;
        var rc = raw.sqlite3_step(_stmt);
        try
        {
            if (rc == raw.SQLITE_ROW)
            {
                if (raw.sqlite3_column_type(_stmt, 0) == raw.SQLITE_NULL)
                {
                    return false;
                }

                first = raw.sqlite3_column_int64(_stmt, 0);
                second = raw.sqlite3_column_count(_stmt) > 1 ? raw.sqlite3_column_int64(_stmt, 1) : 0;
                return true;
            }

            if (rc != raw.SQLITE_DONE)
            {
                throw Error(rc);
            }

            return false;
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    public long LastInsertRowId => raw.sqlite3_last_insert_rowid(_db);

    public void Dispose() => _stmt.Dispose();

    private SqliteException Error(int rc) => new(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));

    private void Check(int rc, string sql)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException($"{raw.sqlite3_errmsg(_db).utf8_to_string()} in: {sql}", rc);
        }
    }
}
