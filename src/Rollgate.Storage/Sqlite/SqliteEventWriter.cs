using System.IO.Hashing;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Rollgate.Core.Events;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// Writes events inside one transaction through prepared statements on SQLite's C API. Problems are returned as
/// messages, not thrown, so that an import goes on checking the rest of its file; the caller rolls back if any arose.
/// </summary>
internal sealed class SqliteEventWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly StatementCache _statements;
    private readonly bool _ownsStatements;

    // The transaction is begun and ended through statements prepared once per connection, as every other statement
    // here: a group commit of the server's runs is a transaction of a few rows.
    private bool _open;
    private readonly Dictionary<string, long> _names;
    private readonly long _firstSeq;

    // The writer holds the write transaction, so it numbers events itself instead of asking SQLite each time.
    private long _nextSeq;

    // The run each feedback and review names is looked up here first: they mostly name a run of the same batch.
    // Keyed by a 128-bit hash of the id rather than the string, so that a batch's millions of entries hold no
    // references for the garbage collector to trace.
    private readonly Dictionary<UInt128, (long Ts, long User)> _batchRuns = [];
    private const int BatchRunsLimit = 4_000_000;

    private readonly Linked _feedbackLinks, _reviewLinks;
    private readonly RawStatement _event, _name, _findName, _run, _feedback, _review, _control, _incident, _bug, _resolution, _lead, _owns;
    private readonly HashSet<(long Id, long Bit)> _owners = [];

    // The projections whose secondary indexes an import into an empty store builds at the end.
    private static readonly string[] ProjectionTables = ["runs", "feedback", "reviews", "control", "incidents", "bugs", "resolutions", "lead_responses"];

    // CREATE statements of indexes dropped for this transaction, run again before links are resolved.
    private List<string> _deferredIndexes = [];

    /// <summary>Begins a write transaction on <paramref name="connection"/>, preparing the statements it needs for this transaction only.</summary>
    public SqliteEventWriter(SqliteConnection connection, Dictionary<string, long> names)
        : this(new StatementCache(connection), names, ownsStatements: true)
    {
    }

    /// <summary>Begins a write transaction on the connection of <paramref name="statements"/>, whose prepared statements outlive it.</summary>
    public SqliteEventWriter(StatementCache statements, Dictionary<string, long> names)
        : this(statements, names, ownsStatements: false)
    {
    }

    private SqliteEventWriter(StatementCache statements, Dictionary<string, long> names, bool ownsStatements)
    {
        _statements = statements;
        _ownsStatements = ownsStatements;
        _connection = statements.Connection;
        _names = names;
        Prepare("BEGIN IMMEDIATE").Run();
        _open = true;
        Prepare("SELECT coalesce(max(seq), 0) FROM events").TryReadInt64(out var last, out _);
        _firstSeq = last + 1;
        _nextSeq = _firstSeq;

        if (_firstSeq == 1)
        {
            _deferredIndexes = DropSecondaryIndexes();
        }

        _feedbackLinks = new Linked("feedback", "user", "feedback", Exists("feedback"));
        _reviewLinks = new Linked("reviews", "reviewer", "review", Exists("reviews"));

        _event = Prepare("INSERT OR IGNORE INTO events(seq, type, ts, digest, body) VALUES (?5, ?1, ?2, ?3, ?4)");
        _name = Prepare("INSERT INTO names(name) VALUES (?1)");
        _findName = Prepare("SELECT id FROM names WHERE name = ?1");
        _run = Prepare("INSERT INTO runs(seq, id, ts, user, task, outcome, latency_ms, experiment, variant) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        _feedback = Prepare("INSERT INTO feedback(seq, run, user, ts, rating, minutes, run_ts, run_user) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        _review = Prepare("INSERT INTO reviews(seq, run, reviewer, ts, correct, run_ts, run_user) VALUES (?1, ?2, ?3, ?4, ?5, ?7, ?8)");
        _control = Prepare("INSERT INTO control(seq, type, ts, phase, trigger, by, action, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        _incident = Prepare("INSERT INTO incidents(seq, ts, id, severity, category, title) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        _bug = Prepare("INSERT INTO bugs(seq, ts, id, priority, title) VALUES (?1, ?2, ?3, ?4, ?5)");
        _resolution = Prepare("INSERT INTO resolutions(seq, kind, id, ts) VALUES (?1, ?2, ?3, ?4)");
        _lead = Prepare("INSERT INTO lead_responses(seq, ts, lead, user, created, responded) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        _owns = Prepare("UPDATE names SET owns = owns | ?2 WHERE id = ?1 AND (owns & ?2) = 0");
    }

    // The type names as UTF-8, so that binding one costs no conversion.
    private static readonly Dictionary<string, byte[]> TypeNames = EventTypes.All.ToDictionary(t => t, t => Encoding.UTF8.GetBytes(t), StringComparer.Ordinal);

    /// <summary>Bits of <c>names.owns</c>.</summary>
    public const long OwnsRuns = 1, OwnsLeadResponses = 2;

    public long Imported { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>Stores one event given with its line as received; returns an error message, or null when stored or already there.</summary>
    public string? Write(RolloutEvent evt, ReadOnlySpan<byte> body, long digest, long line)
    {
        var seq = _nextSeq;
        var inserted = _event.BindUtf8(1, TypeNames[evt.Type]).Bind(2, evt.Ts.UtcTicks).Bind(3, digest).BindUtf8(4, body).Bind(5, seq).Execute();
        if (inserted == 0)
        {
            Duplicates++;
            return null;
        }

        _nextSeq++;
        Imported++;
        var ts = evt.Ts.UtcTicks;
        switch (evt)
        {
            case Run r:
                try
                {
                    var owner = OwnerId(r.User, OwnsRuns);
                    _run.Bind(1, seq).Bind(2, r.Id).Bind(3, ts).Bind(4, owner).Bind(5, r.Task).Bind(6, (long)r.Outcome)
                        .Bind(7, r.LatencyMs).Bind(8, r.Experiment).Bind(9, r.Variant is { } v ? (long)v : null).Run();
                    if (_batchRuns.Count < BatchRunsLimit)
                    {
                        _batchRuns[Key(r.Id)] = (ts, owner);
                    }
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
                {
                    return $"run '{r.Id}' is already stored with other fields (run ids are unique)";
                }

                break;
            case Feedback f:
            {
                var user = NameId(f.User);
                var run = _feedbackLinks.Note(seq, line, f.Run, user, _batchRuns);
                _feedback.Bind(1, seq).Bind(2, f.Run).Bind(3, user).Bind(4, ts).Bind(5, f.Rating).Bind(6, f.MinutesSaved).Bind(7, run?.Ts).Bind(8, run?.User).Run();
                break;
            }

            case Review rv:
            {
                var reviewer = NameId(rv.Reviewer);
                var run = _reviewLinks.Note(seq, line, rv.Run, reviewer, _batchRuns);
                _review.Bind(1, seq).Bind(2, rv.Run).Bind(3, reviewer).Bind(4, ts).Bind(5, rv.Correct ? 1 : 0).Bind(7, run?.Ts).Bind(8, run?.User).Run();
                break;
            }
            case PhaseStarted p:
                _control.Bind(1, seq).Bind(2, evt.Type).Bind(3, ts).Bind(4, p.Phase).Bind(5, (string?)null).Bind(6, p.By).Bind(7, (string?)null).Bind(8, p.Reason).Run();
                break;
            case Rollback rb:
                _control.Bind(1, seq).Bind(2, evt.Type).Bind(3, ts).Bind(4, (string?)null).Bind(5, rb.Trigger).Bind(6, rb.By).Bind(7, (string?)null).Bind(8, rb.Reason).Run();
                break;
            case Directive d:
                _control.Bind(1, seq).Bind(2, evt.Type).Bind(3, ts).Bind(4, (string?)null).Bind(5, (string?)null).Bind(6, d.By).Bind(7, d.Action).Bind(8, d.Reason).Run();
                break;
            case Incident i:
                _incident.Bind(1, seq).Bind(2, ts).Bind(3, i.Id).Bind(4, (long)i.Severity).Bind(5, (long)i.Category).Bind(6, i.Title).Run();
                break;
            case Bug b:
                _bug.Bind(1, seq).Bind(2, ts).Bind(3, b.Id).Bind(4, (long)b.Priority).Bind(5, b.Title).Run();
                break;
            case IncidentResolved ir:
                _resolution.Bind(1, seq).Bind(2, "incident").Bind(3, ir.Id).Bind(4, ts).Run();
                break;
            case BugResolved br:
                _resolution.Bind(1, seq).Bind(2, "bug").Bind(3, br.Id).Bind(4, ts).Run();
                break;
            case LeadResponse lr:
                _lead.Bind(1, seq).Bind(2, ts).Bind(3, lr.Lead).Bind(4, OwnerId(lr.User, OwnsLeadResponses)).Bind(5, lr.Created.UtcTicks).Bind(6, lr.Responded.UtcTicks).Run();
                break;
        }

        return null;
    }

    /// <summary>
    /// Links this batch's feedback and reviews whose run was not in the batch to runs in the store, and keeps
    /// <c>superseded_at</c> equal to the ts of the next entry for the same run and person, so that "the latest
    /// before T" is a range condition the window index answers. Returns the lines whose run is neither in the store
    /// nor in the batch.
    /// </summary>
    public IEnumerable<(long Line, string Message)> ResolvePending()
    {
        RestoreIndexes();
        var problems = new List<(long, string)>();
        foreach (var links in new[] { _feedbackLinks, _reviewLinks })
        {
            if (links.Noted == 0)
            {
                continue;
            }

            var link = Prepare($"UPDATE {links.Table} SET (run_ts, run_user) = (SELECT ts, user FROM runs WHERE runs.id = {links.Table}.run) WHERE seq = ?1 RETURNING run_ts");
            foreach (var (seq, line, run) in links.Unlinked)
            {
                if (!link.Bind(1, seq).TryReadInt64(out _, out _))
                {
                    problems.Add((line, $"{links.What} for run '{run}', which is neither in the store nor in the file"));
                }
            }

            Supersede(links);
        }

        return problems;
    }

    /// <summary>
    /// Marks replaced entries among the keys this batch touched. When the table held nothing before the batch,
    /// only keys the batch itself repeated can have a replaced entry, and those are usually few.
    /// </summary>
    private void Supersede(Linked links)
    {
        var (table, person) = (links.Table, links.Person);
        Prepare("CREATE TEMP TABLE IF NOT EXISTS touched (run TEXT NOT NULL, person INTEGER NOT NULL, PRIMARY KEY (run, person)) WITHOUT ROWID").Execute();
        Prepare("DELETE FROM temp.touched").Execute();
        if (links.TableHadRows)
        {
            Prepare($"INSERT OR IGNORE INTO temp.touched SELECT run, {person} FROM {table} WHERE seq >= ?1").Bind(1, _firstSeq).Execute();
        }
        else if (links.Repeated.Count > 0)
        {
            var some = Prepare("INSERT OR IGNORE INTO temp.touched VALUES (?1, ?2)");
            foreach (var (run, who) in links.Repeated)
            {
                some.Bind(1, run).Bind(2, who).Execute();
            }
        }
        else
        {
            return;
        }

        var supersede = Prepare($"""
            WITH ordered AS (
                SELECT t.seq, lead(t.ts) OVER (PARTITION BY t.run, t.{person} ORDER BY t.ts, t.seq) AS next_ts
                FROM {table} t JOIN temp.touched k ON k.run = t.run AND k.person = t.{person})
            UPDATE {table} SET superseded_at = ordered.next_ts FROM ordered
            WHERE {table}.seq = ordered.seq AND {table}.superseded_at IS NOT ordered.next_ts
            """);
        supersede.Execute();
    }

    /// <summary>
    /// Drops the projections' non-unique indexes and returns how to create them again. When the store is empty,
    /// building an index once from all its rows (one sort) costs less than inserting each row into it; unique
    /// indexes stay, since they find duplicates as lines arrive. DROP and CREATE belong to the transaction, so a
    /// rollback, or a crash before the commit, leaves the indexes as they were.
    /// </summary>
    private List<string> DropSecondaryIndexes()
    {
        var tables = string.Join(", ", ProjectionTables.Select(t => $"'{t}'"));
        var indexes = new List<(string Name, string Sql)>();
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = $"""
                SELECT s.name, s.sql FROM sqlite_schema s JOIN pragma_index_list(s.tbl_name) l ON l.name = s.name
                WHERE s.type = 'index' AND s.sql IS NOT NULL AND l."unique" = 0 AND s.tbl_name IN ({tables})
                """;
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                indexes.Add((r.GetString(0), r.GetString(1)));
            }
        }

        foreach (var (name, _) in indexes)
        {
            Prepare($"DROP INDEX \"{name}\"").Run();
        }

        return [.. indexes.Select(i => i.Sql)];
    }

    private void RestoreIndexes()
    {
        foreach (var sql in _deferredIndexes)
        {
            Prepare(sql).Run();
        }

        _deferredIndexes = [];
    }

    private bool Exists(string table)
    {
        return Prepare($"SELECT EXISTS (SELECT 1 FROM {table})").TryReadInt64(out var exists, out _) && exists == 1;
    }

    /// <summary>A run id's 128-bit hash: collisions are as unlikely as a guessed UUID.</summary>
    private static UInt128 Key(string id)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = id.Length * 3 <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(id, buffer)] : Encoding.UTF8.GetBytes(id);
        return XxHash128.HashToUInt128(bytes);
    }

    /// <summary>What a batch wrote into <c>feedback</c> or <c>reviews</c> that the end of the batch must settle.</summary>
    private sealed class Linked(string table, string person, string what, bool tableHadRows)
    {
        private readonly HashSet<(UInt128 Run, long Person)> _seen = [];

        public string Table => table;

        public string Person => person;

        public string What => what;

        public bool TableHadRows => tableHadRows;

        /// <summary>Entries whose run was not (yet) in the batch: seq, line and run id.</summary>
        public List<(long Seq, long Line, string Run)> Unlinked { get; } = [];

        /// <summary>How many entries the batch wrote.</summary>
        public int Noted { get; private set; }

        /// <summary>Keys (run, person) the batch wrote more than once.</summary>
        public HashSet<(string Run, long Person)> Repeated { get; } = [];

        /// <summary>Notes an entry; returns its run's ts and owner when the run is in the batch.</summary>
        public (long Ts, long User)? Note(long seq, long line, string run, long who, Dictionary<UInt128, (long Ts, long User)> batchRuns)
        {
            Noted++;
            var key = Key(run);
            if (!tableHadRows && !_seen.Add((key, who)))
            {
                Repeated.Add((run, who));
            }

            if (batchRuns.TryGetValue(key, out var found))
            {
                return found;
            }

            Unlinked.Add((seq, line, run));
            return null;
        }
    }

    public void Commit()
    {
        RestoreIndexes();
        Prepare("COMMIT").Run();
        _open = false;
    }

    public void Rollback()
    {
        End();
        _names.Clear();
    }

    /// <summary>Rolls back a transaction neither committed nor rolled back yet.</summary>
    public void Dispose()
    {
        End();
        if (_ownsStatements)
        {
            _statements.Dispose();
        }
    }

    private void End()
    {
        // SQLite ends a transaction itself on some errors (a full disk, an I/O error); then there is nothing to roll back.
        if (_open && raw.sqlite3_get_autocommit(_connection.Handle) == 0)
        {
            Prepare("ROLLBACK").Run();
        }

        _open = false;
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

    /// <summary>A statement of this writer's connection; the cache owns it, so it is not disposed here.</summary>
    private RawStatement Prepare(string sql) => _statements.Get(sql);
}
