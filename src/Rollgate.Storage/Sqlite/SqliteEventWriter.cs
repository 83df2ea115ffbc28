using Microsoft.Data.Sqlite;
using Rollgate.Core.Events;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// Writes events inside one transaction through prepared statements on SQLite's C API. Problems are returned as
/// messages, not thrown, so that an import goes on checking the rest of its file; the caller rolls back if any arose.
/// </summary>
internal sealed class SqliteEventWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _tx;
    private readonly Dictionary<string, long> _names;
    private readonly long _firstSeq;

    // The line of each feedback and review written, so that one naming an unknown run can be reported where it stands.
    private readonly Dictionary<long, long> _linkedLines = [];
    private readonly RawStatement _event, _name, _findName, _run, _feedback, _review, _control, _incident, _bug, _resolution, _lead, _owns;
    private readonly HashSet<(long Id, long Bit)> _owners = [];

    public SqliteEventWriter(SqliteConnection connection, Dictionary<string, long> names)
    {
        _connection = connection;
        _names = names;
        _tx = connection.BeginTransaction(deferred: false);
        using (var max = Prepare("SELECT coalesce(max(seq), 0) FROM events"))
        {
            max.TryReadInt64(out var last, out _);
            _firstSeq = last + 1;
        }

        _event = Prepare("INSERT OR IGNORE INTO events(type, ts, digest, body) VALUES (?1, ?2, ?3, ?4)");
        _name = Prepare("INSERT INTO names(name) VALUES (?1)");
        _findName = Prepare("SELECT id FROM names WHERE name = ?1");
        _run = Prepare("INSERT INTO runs(seq, id, ts, user, task, outcome, latency_ms, experiment, variant) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        _feedback = Prepare("INSERT INTO feedback(seq, run, user, ts, rating, minutes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        _review = Prepare("INSERT INTO reviews(seq, run, reviewer, ts, correct) VALUES (?1, ?2, ?3, ?4, ?5)");
        _control = Prepare("INSERT INTO control(seq, type, ts, phase, trigger, by, action, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        _incident = Prepare("INSERT INTO incidents(seq, ts, id, severity, category, title) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        _bug = Prepare("INSERT INTO bugs(seq, ts, id, priority, title) VALUES (?1, ?2, ?3, ?4, ?5)");
        _resolution = Prepare("INSERT INTO resolutions(seq, kind, id, ts) VALUES (?1, ?2, ?3, ?4)");
        _lead = Prepare("INSERT INTO lead_responses(seq, ts, lead, user, created, responded) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        _owns = Prepare("UPDATE names SET owns = owns | ?2 WHERE id = ?1 AND (owns & ?2) = 0");
    }

    /// <summary>Bits of <c>names.owns</c>.</summary>
    public const long OwnsRuns = 1, OwnsLeadResponses = 2;

    public long Imported { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>Stores one event given with its line as received; returns an error message, or null when stored or already there.</summary>
    public string? Write(RolloutEvent evt, ReadOnlySpan<byte> body, long digest, long line)
    {
        var inserted = _event.Bind(1, evt.Type).Bind(2, evt.Ts.UtcTicks).Bind(3, digest).BindUtf8(4, body).Execute();
        if (inserted == 0)
        {
            Duplicates++;
            return null;
        }

        var seq = _event.LastInsertRowId;
        Imported++;
        var ts = evt.Ts.UtcTicks;
        switch (evt)
        {
            case Run r:
                try
                {
                    _run.Bind(1, seq).Bind(2, r.Id).Bind(3, ts).Bind(4, OwnerId(r.User, OwnsRuns)).Bind(5, r.Task).Bind(6, (long)r.Outcome)
                        .Bind(7, r.LatencyMs).Bind(8, r.Experiment).Bind(9, r.Variant is { } v ? (long)v : null).Execute();
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
                {
                    return $"run '{r.Id}' is already stored with other fields (run ids are unique)";
                }

                break;
            case Feedback f:
                _feedback.Bind(1, seq).Bind(2, f.Run).Bind(3, NameId(f.User)).Bind(4, ts).Bind(5, f.Rating).Bind(6, f.MinutesSaved).Execute();
                _linkedLines[seq] = line;
                break;
            case Review rv:
                _review.Bind(1, seq).Bind(2, rv.Run).Bind(3, NameId(rv.Reviewer)).Bind(4, ts).Bind(5, rv.Correct ? 1 : 0).Execute();
                _linkedLines[seq] = line;
                break;
            case PhaseStarted p:
                _control.Bind(1, seq).Bind(2, evt.Type).Bind(3, ts).Bind(4, p.Phase).Bind(5, (string?)null).Bind(6, p.By).Bind(7, (string?)null).Bind(8, p.Reason).Execute();
                break;
            case Rollback rb:
                _control.Bind(1, seq).Bind(2, evt.Type).Bind(3, ts).Bind(4, (string?)null).Bind(5, rb.Trigger).Bind(6, rb.By).Bind(7, (string?)null).Bind(8, rb.Reason).Execute();
                break;
            case Directive d:
                _control.Bind(1, seq).Bind(2, evt.Type).Bind(3, ts).Bind(4, (string?)null).Bind(5, (string?)null).Bind(6, d.By).Bind(7, d.Action).Bind(8, d.Reason).Execute();
                break;
            case Incident i:
                _incident.Bind(1, seq).Bind(2, ts).Bind(3, i.Id).Bind(4, (long)i.Severity).Bind(5, (long)i.Category).Bind(6, i.Title).Execute();
                break;
            case Bug b:
                _bug.Bind(1, seq).Bind(2, ts).Bind(3, b.Id).Bind(4, (long)b.Priority).Bind(5, b.Title).Execute();
                break;
            case IncidentResolved ir:
                _resolution.Bind(1, seq).Bind(2, "incident").Bind(3, ir.Id).Bind(4, ts).Execute();
                break;
            case BugResolved br:
                _resolution.Bind(1, seq).Bind(2, "bug").Bind(3, br.Id).Bind(4, ts).Execute();
                break;
            case LeadResponse lr:
                _lead.Bind(1, seq).Bind(2, ts).Bind(3, lr.Lead).Bind(4, OwnerId(lr.User, OwnsLeadResponses)).Bind(5, lr.Created.UtcTicks).Bind(6, lr.Responded.UtcTicks).Execute();
                break;
        }

        return null;
    }

    /// <summary>
    /// Links this batch's feedback and reviews to their runs (which may come later in the same file) and keeps
    /// <c>superseded_at</c> equal to the ts of the next entry for the same run and person, so that "the latest
    /// before T" is a range condition the window index answers. Set-based, once per batch. Returns the lines whose
    /// run is neither in the store nor in the batch.
    /// </summary>
    public IEnumerable<(long Line, string Message)> ResolvePending()
    {
        var problems = new List<(long, string)>();
        foreach (var (table, person, what) in new[] { ("feedback", "user", "feedback"), ("reviews", "reviewer", "review") })
        {
            using (var link = Prepare($"UPDATE {table} SET (run_ts, run_user) = (SELECT ts, user FROM runs WHERE runs.id = {table}.run) WHERE seq >= ?1"))
            {
                link.Bind(1, _firstSeq).Execute();
            }

            using (var missing = new SqliteCommand($"SELECT seq, run FROM {table} WHERE seq >= $first AND run_ts IS NULL", _connection, _tx))
            {
                missing.Parameters.AddWithValue("$first", _firstSeq);
                using var r = missing.ExecuteReader();
                while (r.Read())
                {
                    problems.Add((_linkedLines.GetValueOrDefault(r.GetInt64(0)), $"{what} for run '{r.GetString(1)}', which is neither in the store nor in the file"));
                }
            }

            using var supersede = Prepare($"""
                WITH touched AS (SELECT DISTINCT run, {person} FROM {table} WHERE seq >= ?1),
                ordered AS (
                    SELECT t.seq, lead(t.ts) OVER (PARTITION BY t.run, t.{person} ORDER BY t.ts, t.seq) AS next_ts
                    FROM {table} t JOIN touched k ON k.run = t.run AND k.{person} = t.{person})
                UPDATE {table} SET superseded_at = ordered.next_ts FROM ordered
                WHERE {table}.seq = ordered.seq AND {table}.superseded_at IS NOT ordered.next_ts
                """);
            supersede.Bind(1, _firstSeq).Execute();
        }

        return problems;
    }

    public void Commit() => _tx.Commit();

    public void Rollback()
    {
        _tx.Rollback();
        _names.Clear();
    }

    public void Dispose()
    {
        foreach (var s in new[] { _event, _name, _findName, _run, _feedback, _review, _control, _incident, _bug, _resolution, _lead, _owns })
        {
            s.Dispose();
        }

        _tx.Dispose();
    }

    /// <summary>The name's id, marking it as an owner of runs or lead responses (once per writer).</summary>
    private long OwnerId(string name, long bit)
    {
        var id = NameId(name);
        if (_owners.Add((id, bit)))
        {
            _owns.Bind(1, id).Bind(2, bit).Execute();
        }

        return id;
    }

    private long NameId(string name)
    {
        if (_names.TryGetValue(name, out var id))
        {
            return id;
        }

        if (!_findName.Bind(1, name).TryReadInt64(out id, out _))
        {
            _name.Bind(1, name).Execute();
            id = _name.LastInsertRowId;
        }

        _names[name] = id;
        return id;
    }

    private RawStatement Prepare(string sql) => new(_connection, sql);
}
