using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// The incident a rollback opens and its follow-up: a review due within a day, findings due within two, each
/// recorded with who wrote it and its SHA-256, and escalated once when overdue.
/// </summary>
public sealed record IncidentReview(
    string Id,
    DateTimeOffset Opened,
    string Trigger,
    string? Phase,
    string Reason,
    DateTimeOffset ReviewDue,
    DateTimeOffset FindingsDue,
    DateTimeOffset? ReviewAt,
    string? ReviewBy,
    string? ReviewSha256,
    DateTimeOffset? FindingsAt,
    string? FindingsBy,
    string? FindingsSha256,
    DateTimeOffset? ReviewEscalated,
    DateTimeOffset? FindingsEscalated,
    string? Snapshot,
    string? SnapshotSha256)
{
    public bool ReviewOverdue(DateTimeOffset now) => ReviewAt is null && now >= ReviewDue;

    public bool FindingsOverdue(DateTimeOffset now) => FindingsAt is null && now >= FindingsDue;
}

public enum ReviewDocument { Review, Findings }

public sealed class SqliteIncidentReviews : IDisposable
{
    private const string Columns = """
        id, opened, trigger, phase, reason, review_due, findings_due, review_at, review_by, review_sha256,
        findings_at, findings_by, findings_sha256, review_escalated, findings_escalated, snapshot, snapshot_sha256
        """;

    private readonly string _connectionString;

    private SqliteIncidentReviews(string connectionString) => _connectionString = connectionString;

    public static SqliteIncidentReviews Open(string path) => new(SqliteFile.Open(path));

    public void Dispose() => SqliteConnection.ClearAllPools();

    public void Open(string id, DateTimeOffset opened, string trigger, string? phase, string reason, DateTimeOffset reviewDue, DateTimeOffset findingsDue)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            INSERT INTO incident_reviews(id, opened, trigger, phase, reason, review_due, findings_due)
            VALUES ($id, $opened, $trigger, $phase, $reason, $review_due, $findings_due)
            """;
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$opened", opened.UtcTicks);
        cmd.Parameters.AddWithValue("$trigger", trigger);
        cmd.Parameters.AddWithValue("$phase", (object?)phase ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$reason", reason);
        cmd.Parameters.AddWithValue("$review_due", reviewDue.UtcTicks);
        cmd.Parameters.AddWithValue("$findings_due", findingsDue.UtcTicks);
        cmd.ExecuteNonQuery();
    }

    public void AttachSnapshot(string id, Snapshot snapshot) =>
        Execute("UPDATE incident_reviews SET snapshot = $path, snapshot_sha256 = $sha WHERE id = $id", ("$id", id), ("$path", snapshot.Path), ("$sha", snapshot.Sha256));

    /// <summary>Records the review or the findings; false when there is no such incident.</summary>
    public bool Record(string id, ReviewDocument document, string by, string text, DateTimeOffset at)
    {
        var prefix = document == ReviewDocument.Review ? "review" : "findings";
        var sha = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
        return Execute(
            $"UPDATE incident_reviews SET {prefix}_at = $at, {prefix}_by = $by, {prefix}_text = $text, {prefix}_sha256 = $sha WHERE id = $id",
            ("$id", id), ("$at", at.UtcTicks), ("$by", by), ("$text", text), ("$sha", sha)) == 1;
    }

    public void MarkEscalated(string id, ReviewDocument document, DateTimeOffset at) =>
        Execute($"UPDATE incident_reviews SET {(document == ReviewDocument.Review ? "review" : "findings")}_escalated = $at WHERE id = $id", ("$id", id), ("$at", at.UtcTicks));

    public IncidentReview? Find(string id) => Query("WHERE id = $id", ("$id", id)).FirstOrDefault();

    public IReadOnlyList<IncidentReview> All() => Query("ORDER BY opened, id");

    /// <summary>Incidents whose review or findings are still to come.</summary>
    public IReadOnlyList<IncidentReview> Open() => Query("WHERE review_at IS NULL OR findings_at IS NULL ORDER BY opened, id");

    private int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        return cmd.ExecuteNonQuery();
    }

    private List<IncidentReview> Query(string where, params (string Name, object Value)[] parameters)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM incident_reviews {where}";
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        var result = new List<IncidentReview>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            DateTimeOffset? At(int i) => r.IsDBNull(i) ? null : new DateTimeOffset(r.GetInt64(i), TimeSpan.Zero);
            string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            result.Add(new IncidentReview(
                r.GetString(0), At(1)!.Value, r.GetString(2), Text(3), r.GetString(4), At(5)!.Value, At(6)!.Value,
                At(7), Text(8), Text(9), At(10), Text(11), Text(12), At(13), At(14), Text(15), Text(16)));
        }

        return result;
    }
}
