using Microsoft.Data.Sqlite;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Storage.Tests.Sqlite;

public sealed class RawStatementTests
{
    [Theory]
    [InlineData("")]
    [InlineData("so-01")]
    [InlineData("Zoë Ångström — 東京")]
    public void Bind_Text_IsStoredAsGiven(string text)
    {
        using var t = new TempStore();
        using var c = Connect(t);
        Assert.Equal(text, RoundTrip(c, text));
    }

    [Fact]
    public void Bind_TextLongerThanTheStackBuffer_IsStoredWhole()
    {
        using var t = new TempStore();
        using var c = Connect(t);
        var text = string.Concat(Enumerable.Repeat("é東x", 400));
        Assert.Equal(text, RoundTrip(c, text));
    }

    [Fact]
    public void BindUtf8_Empty_IsEmptyTextNotNull()
    {
        using var t = new TempStore();
        using var c = Connect(t);
        Exec(c, "CREATE TEMP TABLE t (v)");
        using (var insert = new RawStatement(c, "INSERT INTO temp.t VALUES (?1)"))
        {
            insert.BindUtf8(1, []).Run();
        }

        Assert.Equal("text", Scalar(c, "SELECT typeof(v) FROM temp.t"));
    }

    [Fact]
    public void Bind_NumbersAndNulls_AreStoredWithTheirTypes()
    {
        using var t = new TempStore();
        using var c = Connect(t);
        Exec(c, "CREATE TEMP TABLE t (a, b, c, d)");
        using (var insert = new RawStatement(c, "INSERT INTO temp.t VALUES (?1, ?2, ?3, ?4)"))
        {
            Assert.Equal(1, insert.Bind(1, long.MinValue).Bind(2, (long?)null).Bind(3, 2.5).Bind(4, (string?)null).Execute());
        }

        Assert.Equal($"{long.MinValue}|null|2.5|null", Scalar(c, "SELECT a || '|' || typeof(b) || '|' || c || '|' || typeof(d) FROM temp.t"));
    }

    [Fact]
    public void Run_AConstraintViolation_Throws()
    {
        using var t = new TempStore();
        using var c = Connect(t);
        Exec(c, "CREATE TEMP TABLE t (v UNIQUE)");
        using var insert = new RawStatement(c, "INSERT INTO temp.t VALUES (?1)");
        insert.Bind(1, 1L).Run();
        var ex = Assert.Throws<SqliteException>(() => insert.Bind(1, 1L).Run());
        Assert.Equal(19, ex.SqliteErrorCode);
    }

    private static SqliteConnection Connect(TempStore t) => SqliteFile.Connect(SqliteFile.Open(t.Store.Path));

    private static string RoundTrip(SqliteConnection c, string text)
    {
        Exec(c, "CREATE TEMP TABLE IF NOT EXISTS t (v)");
        Exec(c, "DELETE FROM temp.t");
        using (var insert = new RawStatement(c, "INSERT INTO temp.t VALUES (?1)"))
        {
            insert.Bind(1, text).Run();
        }

        return (string)Scalar(c, "SELECT v FROM temp.t")!;
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
