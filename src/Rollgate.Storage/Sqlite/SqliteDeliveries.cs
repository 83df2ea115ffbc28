using Microsoft.Data.Sqlite;

namespace Rollgate.Storage.Sqlite;

/// <summary>A message to deliver on one channel to one recipient; <see cref="About"/> groups a notification's messages.</summary>
public sealed record NewDelivery(string About, string Channel, string Recipient, string Subject, string Body);

public enum DeliveryStatus { Pending, Delivered, Failed }

/// <summary>A message in the queue with its state: attempts made, when the next is due, and what the last said.</summary>
public sealed record DeliveryRecord(
    long Id, DateTimeOffset Created, string About, string Channel, string Recipient, string Subject, string Body,
    DeliveryStatus Status, int Attempts, DateTimeOffset NextAttempt, DateTimeOffset? Delivered, string? Detail);

/// <summary>How a channel is doing: its latest attempt and how many attempts in a row have failed.</summary>
public sealed record ChannelHealth(string Channel, DateTimeOffset LastAttempt, bool LastOk, int FailuresInARow, string LastDetail);

/// <summary>
/// The notification queue in the store: messages wait here until a channel takes them, so a restart loses none and
/// every attempt, failed or not, is on record.
/// </summary>
public sealed class SqliteDeliveries : IDisposable
{
    private readonly string _connectionString;

    private SqliteDeliveries(string connectionString) => _connectionString = connectionString;

    public static SqliteDeliveries Open(string path) => new(SqliteFile.Open(path));

    public void Dispose() => SqliteConnection.ClearAllPools();

    public void Enqueue(IEnumerable<NewDelivery> messages, DateTimeOffset now)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO deliveries(created, about, channel, recipient, subject, body, status, next_attempt)
            VALUES ($now, $about, $channel, $recipient, $subject, $body, 'pending', $now)
            """;
        var p = new[] { "$now", "$about", "$channel", "$recipient", "$subject", "$body" }.Select(n => cmd.Parameters.Add(n, SqliteType.Text)).ToArray();
        cmd.Parameters["$now"].SqliteType = SqliteType.Integer;
        foreach (var m in messages)
        {
            p[0].Value = now.UtcTicks;
            p[1].Value = m.About;
            p[2].Value = m.Channel;
            p[3].Value = m.Recipient;
            p[4].Value = m.Subject;
            p[5].Value = m.Body;
            cmd.ExecuteNonQuery();
        }

        tx.Commit();
    }

    /// <summary>Pending messages whose next attempt is due at <paramref name="now"/>, oldest first.</summary>
    public IReadOnlyList<DeliveryRecord> Due(DateTimeOffset now, int limit = 100) =>
        Query("WHERE status = 'pending' AND next_attempt <= $now ORDER BY next_attempt, id LIMIT $limit", ("$now", now.UtcTicks), ("$limit", limit));

    /// <summary>
    /// Takes the messages due at <paramref name="now"/> for one sender: each is leased until
    /// <paramref name="leaseUntil"/> (its next attempt moves there), so that another process's sender skips it; a
    /// sender that dies mid-way leaves it due again when the lease ends. Attempts recorded after sending set the
    /// real next attempt.
    /// </summary>
    public IReadOnlyList<DeliveryRecord> Claim(DateTimeOffset now, DateTimeOffset leaseUntil, int limit = 100)
    {
        var claimed = new List<DeliveryRecord>();
        using var c = SqliteFile.Connect(_connectionString);
        using var tx = c.BeginTransaction(deferred: false);
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE deliveries SET next_attempt = $lease WHERE id = $id AND status = 'pending' AND next_attempt <= $now";
        var id = cmd.Parameters.Add("$id", SqliteType.Integer);
        cmd.Parameters.AddWithValue("$lease", leaseUntil.UtcTicks);
        cmd.Parameters.AddWithValue("$now", now.UtcTicks);
        foreach (var due in Due(now, limit))
        {
            id.Value = due.Id;
            if (cmd.ExecuteNonQuery() == 1)
            {
                claimed.Add(due);
            }
        }

        tx.Commit();
        return claimed;
    }

    public IReadOnlyList<DeliveryRecord> About(string about) => Query("WHERE about = $about ORDER BY id", ("$about", about));

    public IReadOnlyList<DeliveryRecord> All() => Query("ORDER BY id");

    /// <summary>How many messages wait to be sent, per channel.</summary>
    public IReadOnlyDictionary<string, int> PendingByChannel()
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT channel, count(*) FROM deliveries WHERE status = 'pending' GROUP BY channel";
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result[r.GetString(0)] = r.GetInt32(1);
        }

        return result;
    }

    /// <summary>
    /// Records an attempt. A success delivers the message; a failure schedules the next attempt at
    /// <paramref name="retryAt"/>, or gives up when it is null.
    /// </summary>
    public void RecordAttempt(long id, DateTimeOffset at, bool ok, string detail, DateTimeOffset? retryAt)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var tx = c.BeginTransaction();
        using (var attempt = c.CreateCommand())
        {
            attempt.Transaction = tx;
            attempt.CommandText = "INSERT INTO delivery_attempts(delivery, at, ok, detail) VALUES ($id, $at, $ok, $detail)";
            attempt.Parameters.AddWithValue("$id", id);
            attempt.Parameters.AddWithValue("$at", at.UtcTicks);
            attempt.Parameters.AddWithValue("$ok", ok ? 1 : 0);
            attempt.Parameters.AddWithValue("$detail", detail);
            attempt.ExecuteNonQuery();
        }

        using (var update = c.CreateCommand())
        {
            update.Transaction = tx;
            update.CommandText = """
                UPDATE deliveries SET attempts = attempts + 1, detail = $detail,
                    status = $status, next_attempt = coalesce($next, next_attempt), delivered = $delivered
                WHERE id = $id
                """;
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$detail", detail);
            update.Parameters.AddWithValue("$status", ok ? "delivered" : retryAt is null ? "failed" : "pending");
            update.Parameters.AddWithValue("$next", (object?)retryAt?.UtcTicks ?? DBNull.Value);
            update.Parameters.AddWithValue("$delivered", ok ? at.UtcTicks : DBNull.Value);
            update.ExecuteNonQuery();
        }

        tx.Commit();
    }

    /// <summary>The attempts made for one message: when, whether it went through, and what the channel said.</summary>
    public IReadOnlyList<(DateTimeOffset At, bool Ok, string Detail)> Attempts(long id)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT at, ok, detail FROM delivery_attempts WHERE delivery = $id ORDER BY at, rowid";
        cmd.Parameters.AddWithValue("$id", id);
        var result = new List<(DateTimeOffset, bool, string)>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result.Add((new DateTimeOffset(r.GetInt64(0), TimeSpan.Zero), r.GetInt64(1) == 1, r.GetString(2)));
        }

        return result;
    }

    /// <summary>Each channel's latest attempt and its run of failures: a channel that keeps failing shows here.</summary>
    public IReadOnlyList<ChannelHealth> Health()
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT d.channel, a.at, a.ok, a.detail FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery
            ORDER BY d.channel, a.at DESC, a.rowid DESC
            """;
        var result = new List<ChannelHealth>();
        using var r = cmd.ExecuteReader();
        string? channel = null;
        var counting = false;
        while (r.Read())
        {
            var ch = r.GetString(0);
            var ok = r.GetInt64(2) == 1;
            if (ch != channel)
            {
                channel = ch;
                counting = !ok;
                result.Add(new ChannelHealth(ch, new DateTimeOffset(r.GetInt64(1), TimeSpan.Zero), ok, ok ? 0 : 1, r.GetString(3)));
                continue;
            }

            if (counting && !ok)
            {
                result[^1] = result[^1] with { FailuresInARow = result[^1].FailuresInARow + 1 };
            }
            else
            {
                counting = false;
            }
        }

        return result;
    }

    private List<DeliveryRecord> Query(string where, params (string Name, object Value)[] parameters)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, created, about, channel, recipient, subject, body, status, attempts, next_attempt, delivered, detail FROM deliveries " + where;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        var result = new List<DeliveryRecord>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result.Add(new DeliveryRecord(
                r.GetInt64(0), Instant(r.GetInt64(1)), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                r.GetString(7) switch { "delivered" => DeliveryStatus.Delivered, "failed" => DeliveryStatus.Failed, _ => DeliveryStatus.Pending },
                r.GetInt32(8), Instant(r.GetInt64(9)), r.IsDBNull(10) ? null : Instant(r.GetInt64(10)), r.IsDBNull(11) ? null : r.GetString(11)));
        }

        return result;
    }

    private static DateTimeOffset Instant(long ticks) => new(ticks, TimeSpan.Zero);
}
