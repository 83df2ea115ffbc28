using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Rollgate.Core.Time;

namespace Rollgate.Storage.Sqlite;

/// <summary>A change of state: who did what to what, when and why.</summary>
public sealed record AuditEntry(DateTimeOffset At, string Actor, string Action, string? Subject, string? Reason);

/// <summary>A stored audit record with its place in the chain.</summary>
public sealed record AuditRecord(long Seq, AuditEntry Entry, string PrevHash, string Hash);

/// <summary>What verifying the chain found: whether it holds, how many records, and every break with its place.</summary>
public sealed record AuditVerification(bool Valid, long Records, IReadOnlyList<string> Problems);

/// <summary>
/// The audit trail in the store, chained by SHA-256: each record's hash covers its fields and the previous record's
/// hash, so changing a record breaks its own hash and removing one breaks the next record's link.
/// </summary>
public sealed class SqliteAuditLog : IDisposable
{
    /// <summary>The link of the first record.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    private readonly string _connectionString;

    private SqliteAuditLog(string connectionString) => _connectionString = connectionString;

    public static SqliteAuditLog Open(string path) => new(SqliteFile.Open(path));

    public void Dispose() => SqliteConnection.ClearAllPools();

    public AuditRecord Append(AuditEntry entry)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var tx = c.BeginTransaction(deferred: false);
        using var last = c.CreateCommand();
        last.Transaction = tx;
        last.CommandText = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
        long seq = 1;
        var prev = Genesis;
        using (var r = last.ExecuteReader())
        {
            if (r.Read())
            {
                seq = r.GetInt64(0) + 1;
                prev = r.GetString(1);
            }
        }

        var hash = Hash(seq, entry, prev);
        using var insert = c.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO audit(seq, at, actor, action, subject, reason, prev_hash, hash) VALUES ($seq, $at, $actor, $action, $subject, $reason, $prev, $hash)";
        insert.Parameters.AddWithValue("$seq", seq);
        insert.Parameters.AddWithValue("$at", Rfc3339.Format(entry.At));
        insert.Parameters.AddWithValue("$actor", entry.Actor);
        insert.Parameters.AddWithValue("$action", entry.Action);
        insert.Parameters.AddWithValue("$subject", (object?)entry.Subject ?? DBNull.Value);
        insert.Parameters.AddWithValue("$reason", (object?)entry.Reason ?? DBNull.Value);
        insert.Parameters.AddWithValue("$prev", prev);
        insert.Parameters.AddWithValue("$hash", hash);
        insert.ExecuteNonQuery();
        tx.Commit();
        return new AuditRecord(seq, entry, prev, hash);
    }

    public IReadOnlyList<AuditRecord> List() => Query("SELECT seq, at, actor, action, subject, reason, prev_hash, hash FROM audit ORDER BY seq");

    /// <summary>The records of the given actions only, in order: what a reader needs without the whole trail.</summary>
    public IReadOnlyList<AuditRecord> List(IReadOnlyCollection<string> actions)
    {
        var names = string.Join(", ", actions.Select((_, i) => $"$a{i}"));
        return Query($"SELECT seq, at, actor, action, subject, reason, prev_hash, hash FROM audit WHERE action IN ({names}) ORDER BY seq", actions);
    }

    private List<AuditRecord> Query(string sql, IReadOnlyCollection<string>? actions = null)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        var i = 0;
        foreach (var action in actions ?? [])
        {
            cmd.Parameters.AddWithValue($"$a{i++}", action);
        }

        var result = new List<AuditRecord>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var entry = new AuditEntry(Rfc3339.Parse(r.GetString(1)), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5));
            result.Add(new AuditRecord(r.GetInt64(0), entry, r.GetString(6), r.GetString(7)));
        }

        return result;
    }

    /// <summary>Walks the chain from the first record and reports every record changed, removed or out of place.</summary>
    public AuditVerification Verify()
    {
        var problems = new List<string>();
        var expectedSeq = 1L;
        var prev = Genesis;
        var records = List();
        foreach (var record in records)
        {
            if (record.Seq != expectedSeq)
            {
                problems.Add($"record {expectedSeq}{(record.Seq - expectedSeq > 1 ? $" to {record.Seq - 1}" : "")} removed (the chain jumps from {expectedSeq - 1} to {record.Seq})");
            }

            if (record.PrevHash != prev)
            {
                problems.Add($"record {record.Seq} does not link to the record before it");
            }

            if (Hash(record.Seq, record.Entry, record.PrevHash) != record.Hash)
            {
                problems.Add($"record {record.Seq} was changed after it was written (its hash does not match its fields)");
            }

            prev = record.Hash;
            expectedSeq = record.Seq + 1;
        }

        return new AuditVerification(problems.Count == 0, records.Count, problems);
    }

    private static string Hash(long seq, AuditEntry e, string prev)
    {
        // Length-prefixed fields, so that no two different records can read as the same text.
        var sb = new StringBuilder();
        foreach (var field in new[] { seq.ToString(CultureInfo.InvariantCulture), Rfc3339.Format(e.At), e.Actor, e.Action, e.Subject ?? "\u0000", e.Reason ?? "\u0000", prev })
        {
            sb.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))).ToLower(CultureInfo.InvariantCulture);
    }
}
