using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Rollgate.Core.Events;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// Writes events inside one transaction with prepared statements. Problems are returned as messages, not
/// thrown, so that an import can go on checking the rest of its file; the caller rolls back if any arose.
/// </summary>
internal sealed class SqliteEventWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _tx;
    private readonly Dictionary<string, long> _names;
    private readonly List<(long Seq, long Line, string Run)> _unresolvedFeedback = [];
    private readonly List<(long Seq, long Line, string Run)> _unresolvedReviews = [];
    private readonly SqliteCommand _event, _name, _run, _runLookup, _feedback, _review, _control, _incident, _bug, _resolution, _lead;
    private readonly SqliteCommand _fbPrev, _fbNext, _fbSupersede, _rvPrev, _rvNext, _rvSupersede;
    private readonly byte[] _hash = new byte[32];

    public SqliteEventWriter(SqliteConnection connection, Dictionary<string, long> names)
    {
        _connection = connection;
        _names = names;
        _tx = connection.BeginTransaction(deferred: false);
        _event = Prepare("INSERT OR IGNORE INTO events(type, ts, digest, body) VALUES ($type, $ts, $digest, $body)", "$type", "$ts", "$digest", "$body");
        _name = Prepare("INSERT INTO names(name) VALUES ($name) RETURNING id", "$name");
        _run = Prepare(
            "INSERT INTO runs(seq, id, ts, user, task, outcome, latency_ms, experiment, variant) VALUES ($seq, $id, $ts, $user, $task, $outcome, $latency, $experiment, $variant)",
            "$seq", "$id", "$ts", "$user", "$task", "$outcome", "$latency", "$experiment", "$variant");
        _runLookup = Prepare("SELECT ts, user FROM runs WHERE id = $id", "$id");
        _feedback = Prepare(
            "INSERT INTO feedback(seq, run, user, ts, rating, minutes, run_ts, run_user, superseded_at) VALUES ($seq, $run, $user, $ts, $rating, $minutes, $run_ts, $run_user, $superseded)",
            "$seq", "$run", "$user", "$ts", "$rating", "$minutes", "$run_ts", "$run_user", "$superseded");
        _review = Prepare(
            "INSERT INTO reviews(seq, run, reviewer, ts, correct, run_ts, run_user, superseded_at) VALUES ($seq, $run, $user, $ts, $correct, $run_ts, $run_user, $superseded)",
            "$seq", "$run", "$user", "$ts", "$correct", "$run_ts", "$run_user", "$superseded");
        _fbPrev = Prepare("SELECT seq FROM feedback WHERE run = $run AND user = $user AND ts <= $ts AND seq <> $seq ORDER BY ts DESC, seq DESC LIMIT 1", "$run", "$user", "$ts", "$seq");
        _fbNext = Prepare("SELECT min(ts) FROM feedback WHERE run = $run AND user = $user AND ts > $ts", "$run", "$user", "$ts");
        _fbSupersede = Prepare("UPDATE feedback SET superseded_at = $at WHERE seq = $seq", "$at", "$seq");
        _rvPrev = Prepare("SELECT seq FROM reviews WHERE run = $run AND reviewer = $user AND ts <= $ts AND seq <> $seq ORDER BY ts DESC, seq DESC LIMIT 1", "$run", "$user", "$ts", "$seq");
        _rvNext = Prepare("SELECT min(ts) FROM reviews WHERE run = $run AND reviewer = $user AND ts > $ts", "$run", "$user", "$ts");
        _rvSupersede = Prepare("UPDATE reviews SET superseded_at = $at WHERE seq = $seq", "$at", "$seq");
        _control = Prepare(
            "INSERT INTO control(seq, type, ts, phase, trigger, by, action, reason) VALUES ($seq, $type, $ts, $phase, $trigger, $by, $action, $reason)",
            "$seq", "$type", "$ts", "$phase", "$trigger", "$by", "$action", "$reason");
        _incident = Prepare("INSERT INTO incidents(seq, ts, id, severity, category, title) VALUES ($seq, $ts, $id, $severity, $category, $title)",
            "$seq", "$ts", "$id", "$severity", "$category", "$title");
        _bug = Prepare("INSERT INTO bugs(seq, ts, id, priority, title) VALUES ($seq, $ts, $id, $priority, $title)", "$seq", "$ts", "$id", "$priority", "$title");
        _resolution = Prepare("INSERT INTO resolutions(seq, kind, id, ts) VALUES ($seq, $kind, $id, $ts)", "$seq", "$kind", "$id", "$ts");
        _lead = Prepare("INSERT INTO lead_responses(seq, ts, lead, user, created, responded) VALUES ($seq, $ts, $lead, $user, $created, $responded)",
            "$seq", "$ts", "$lead", "$user", "$created", "$responded");
    }

    public long Imported { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>Stores one event given as its line; returns an error message, or null when stored or already there.</summary>
    public string? Write(RolloutEvent evt, string body, long line)
    {
        var seq = InsertEvent(evt, body);
        if (seq is null)
        {
            Duplicates++;
            return null;
        }

        Imported++;
        var ts = evt.Ts.UtcTicks;
        switch (evt)
        {
            case Run r:
                try
                {
                    Exec(_run, seq, r.Id, ts, NameId(r.User), r.Task, (int)r.Outcome, r.LatencyMs, r.Experiment, r.Variant is { } v ? (int)v : null);
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
                {
                    return $"run '{r.Id}' is already stored with other fields (run ids are unique)";
                }

                break;
            case Feedback f:
                WriteFeedbackLike(_feedback, _fbPrev, _fbNext, _fbSupersede, _unresolvedFeedback, seq.Value, f.Run, NameId(f.User), ts, line, f.Rating, f.MinutesSaved);
                break;
            case Review rv:
                WriteFeedbackLike(_review, _rvPrev, _rvNext, _rvSupersede, _unresolvedReviews, seq.Value, rv.Run, NameId(rv.Reviewer), ts, line, rv.Correct ? 1 : 0, null);
                break;
            case PhaseStarted p:
                Exec(_control, seq, evt.Type, ts, p.Phase, null, p.By, null, p.Reason);
                break;
            case Rollback rb:
                Exec(_control, seq, evt.Type, ts, null, rb.Trigger, rb.By, null, rb.Reason);
                break;
            case Directive d:
                Exec(_control, seq, evt.Type, ts, null, null, d.By, d.Action, d.Reason);
                break;
            case Incident i:
                Exec(_incident, seq, ts, i.Id, (int)i.Severity, (int)i.Category, i.Title);
                break;
            case Bug b:
                Exec(_bug, seq, ts, b.Id, (int)b.Priority, b.Title);
                break;
            case IncidentResolved ir:
                Exec(_resolution, seq, "incident", ir.Id, ts);
                break;
            case BugResolved br:
                Exec(_resolution, seq, "bug", br.Id, ts);
                break;
            case LeadResponse lr:
                Exec(_lead, seq, ts, lr.Lead, NameId(lr.User), lr.Created.UtcTicks, lr.Responded.UtcTicks);
                break;
        }

        return null;
    }

    /// <summary>Links feedback and reviews whose run came later in the same batch; returns the lines still without a run.</summary>
    public IEnumerable<(long Line, string Message)> ResolvePending()
    {
        foreach (var (table, pending) in new[] { ("feedback", _unresolvedFeedback), ("reviews", _unresolvedReviews) })
        {
            if (pending.Count == 0)
            {
                continue;
            }

            using var update = Prepare($"UPDATE {table} SET (run_ts, run_user) = (SELECT ts, user FROM runs WHERE runs.id = {table}.run) WHERE seq = $seq RETURNING run_ts", "$seq");
            foreach (var (seq, line, run) in pending)
            {
                update.Parameters[0].Value = seq;
                if (update.ExecuteScalar() is null or DBNull)
                {
                    var what = table == "feedback" ? "feedback" : "review";
                    yield return (line, $"{what} for run '{run}', which is neither in the store nor in the file");
                }
            }
        }
    }

    public void Commit() => _tx.Commit();

    public void Rollback()
    {
        _tx.Rollback();
        _names.Clear();
    }

    public void Dispose()
    {
        foreach (var c in new[] { _event, _name, _run, _runLookup, _feedback, _review, _control, _incident, _bug, _resolution, _lead, _fbPrev, _fbNext, _fbSupersede, _rvPrev, _rvNext, _rvSupersede })
        {
            c.Dispose();
        }

        _tx.Dispose();
    }

    private long? InsertEvent(RolloutEvent evt, string body)
    {
        var max = Encoding.UTF8.GetMaxByteCount(body.Length);
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = Encoding.UTF8.GetBytes(body, rented);
            SHA256.HashData(rented.AsSpan(0, n), _hash);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }

        var digest = BinaryPrimitives.ReadInt64LittleEndian(_hash);
        _event.Parameters[0].Value = evt.Type;
        _event.Parameters[1].Value = evt.Ts.UtcTicks;
        _event.Parameters[2].Value = digest;
        _event.Parameters[3].Value = body;
        if (_event.ExecuteNonQuery() == 0)
        {
            return null;
        }

        using var last = _connection.CreateCommand();
        last.Transaction = _tx;
        last.CommandText = "SELECT last_insert_rowid()";
        return (long)last.ExecuteScalar()!;
    }

    private void WriteFeedbackLike(SqliteCommand insert, SqliteCommand prev, SqliteCommand next, SqliteCommand supersede,
        List<(long, long, string)> unresolved, long seq, string run, long user, long ts, long line, int value, double? minutes)
    {
        object? runTs = null, runUser = null;
        _runLookup.Parameters[0].Value = run;
        using (var reader = _runLookup.ExecuteReader())
        {
            if (reader.Read())
            {
                runTs = reader.GetInt64(0);
                runUser = reader.GetInt64(1);
            }
        }

        if (runTs is null)
        {
            unresolved.Add((seq, line, run));
        }

        // Keep superseded_at equal to the ts of the next entry for the same run and person, so that
        // "the latest before T" is a range condition the window index answers.
        next.Parameters[0].Value = run;
        next.Parameters[1].Value = user;
        next.Parameters[2].Value = ts;
        var successor = next.ExecuteScalar();
        if (insert == _feedback)
        {
            Exec(insert, seq, run, user, ts, value, minutes, runTs, runUser, successor is DBNull ? null : successor);
        }
        else
        {
            Exec(insert, seq, run, user, ts, value, runTs, runUser, successor is DBNull ? null : successor);
        }

        prev.Parameters[0].Value = run;
        prev.Parameters[1].Value = user;
        prev.Parameters[2].Value = ts;
        prev.Parameters[3].Value = seq;
        if (prev.ExecuteScalar() is long before)
        {
            supersede.Parameters[0].Value = ts;
            supersede.Parameters[1].Value = before;
            supersede.ExecuteNonQuery();
        }
    }

    private long NameId(string name)
    {
        if (_names.TryGetValue(name, out var id))
        {
            return id;
        }

        using (var find = _connection.CreateCommand())
        {
            find.Transaction = _tx;
            find.CommandText = "SELECT id FROM names WHERE name = $name";
            find.Parameters.AddWithValue("$name", name);
            if (find.ExecuteScalar() is long existing)
            {
                _names[name] = existing;
                return existing;
            }
        }

        _name.Parameters[0].Value = name;
        id = (long)_name.ExecuteScalar()!;
        _names[name] = id;
        return id;
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = _tx;
        cmd.CommandText = sql;
        foreach (var p in parameters)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = p });
        }

        cmd.Prepare();
        return cmd;
    }

    private static void Exec(SqliteCommand cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        cmd.ExecuteNonQuery();
    }
}
