using Microsoft.Data.Sqlite;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Storage.Tests.Sqlite;

public sealed class SqliteAuditLogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 2, 17, 0, 0, TimeSpan.Zero);

    private static SqliteAuditLog ThreeRecords(TempStore t)
    {
        var log = SqliteAuditLog.Open(t.PathOf("events.db"));
        log.Append(new AuditEntry(T0, "so-01", "phase_started", "pilot", "checklist complete"));
        log.Append(new AuditEntry(T0.AddMinutes(5), "so-01", "token_created", "token 1 of sdr-01", null));
        log.Append(new AuditEntry(T0.AddMinutes(9), "exec-01", "directive", "rollback", "board request"));
        return log;
    }

    private static void Sql(TempStore t, string sql)
    {
        using var c = new SqliteConnection($"Data Source={t.PathOf("events.db")};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public void Verify_AnUntouchedChain_IsValid()
    {
        using var t = new TempStore();
        using var log = ThreeRecords(t);
        var result = log.Verify();
        Assert.True(result.Valid, string.Join("; ", result.Problems));
        Assert.Equal(3, result.Records);
        var records = log.List();
        Assert.Equal(SqliteAuditLog.Genesis, records[0].PrevHash);
        Assert.Equal(records[0].Hash, records[1].PrevHash);
    }

    [Theory]
    [InlineData("UPDATE audit SET reason = 'routine' WHERE seq = 3", "record 3 was changed")]
    [InlineData("UPDATE audit SET actor = 'so-02' WHERE seq = 1", "record 1 was changed")]
    [InlineData("UPDATE audit SET at = '2026-02-02T17:01:00Z' WHERE seq = 2", "record 2 was changed")]
    public void Verify_ARecordChanged_IsCaught(string tamper, string expected)
    {
        using var t = new TempStore();
        using var log = ThreeRecords(t);
        Sql(t, tamper);
        var result = log.Verify();
        Assert.False(result.Valid);
        Assert.Contains(result.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_ARecordRemoved_IsCaught()
    {
        using var t = new TempStore();
        using var log = ThreeRecords(t);
        Sql(t, "DELETE FROM audit WHERE seq = 2");
        var result = log.Verify();
        Assert.False(result.Valid);
        Assert.Contains(result.Problems, p => p.Contains("record 2 removed", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Contains("record 3 does not link", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_ARecordRewrittenWithAFreshHash_StillBreaksTheNextLink()
    {
        using var t = new TempStore();
        using var log = ThreeRecords(t);

        // A forger who recomputes record 2's own hash still cannot make record 3 point at it.
        var forged = SqliteAuditLog.Open(t.PathOf("other.db"));
        forged.Append(new AuditEntry(T0, "so-01", "phase_started", "pilot", "checklist complete"));
        var fake = forged.Append(new AuditEntry(T0.AddMinutes(5), "so-01", "token_created", "token 1 of sdr-99", null));
        forged.Dispose();
        Sql(t, $"UPDATE audit SET subject = 'token 1 of sdr-99', hash = '{fake.Hash}' WHERE seq = 2");
        var result = log.Verify();
        Assert.False(result.Valid);
        Assert.Contains(result.Problems, p => p.Contains("record 3 does not link", StringComparison.Ordinal));
    }
}
