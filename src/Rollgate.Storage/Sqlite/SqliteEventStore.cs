using System.Globalization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Rollgate.Core.Events;
using Rollgate.Core.Time;
using Rollgate.Storage.Import;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// The event store in one SQLite file (WAL). Queries are aggregates over covering indexes, so that
/// answering a gate or a trigger reads index ranges and returns a handful of numbers, whatever the store's size.
/// </summary>
public sealed class SqliteEventStore : IEventStore, IRunJournal
{
    private const int BatchSize = 512;

    private readonly string _connectionString;
    private readonly Dictionary<string, long> _names = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly PreparedReads _reads;

    // The connection small appends write on, opened at the first and kept with its prepared statements (under
    // _writeLock): the server appends a few events many times a second, and preparing a writer's statements
    // again for each transaction cost more than writing its rows.
    private StatementCache? _appender;
    private readonly WalCheckpointer _checkpointer;

    private SqliteEventStore(string connectionString)
    {
        _connectionString = connectionString;
        _reads = new PreparedReads(connectionString);
        _checkpointer = new WalCheckpointer(connectionString);
    }

    public string Path { get; private init; } = "";

    /// <summary>Opens (creating when missing) the store at <paramref name="path"/>, bringing its schema up to date.</summary>
    public static SqliteEventStore Open(string path) => new(SqliteFile.Open(path)) { Path = System.IO.Path.GetFullPath(path) };

    public void Dispose()
    {
        _checkpointer.Dispose();
        if (_appender is { } appender)
        {
            appender.Dispose();
            appender.Connection.Dispose();
            _appender = null;
        }

        _reads.Dispose();
        SqliteConnection.ClearAllPools();
        _writeLock.Dispose();
    }

    public Task<ImportResult> ImportAsync(Stream jsonLines, string sourceName, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default) =>
        WriteAsync(Utf8Lines.Read(jsonLines, progress, cancellationToken), sourceName, cancellationToken);

    public Task<ImportResult> AppendAsync(IEnumerable<RolloutEvent> events, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (events is IReadOnlyCollection<RolloutEvent> { Count: <= FewEvents } few)
        {
            return AppendFewAsync([.. few.Select(EventLine.Of)], [], progress, cancellationToken);
        }

        return WriteAsync(Serialize(events, progress, cancellationToken), "append", cancellationToken);

        static IEnumerable<(long Line, ReadOnlyMemory<byte> Bytes)> Serialize(IEnumerable<RolloutEvent> events, IProgress<ImportProgress>? progress, CancellationToken ct)
        {
            long line = 0;
            foreach (var e in events)
            {
                line++;
                if (line % Utf8Lines.ProgressEveryLines == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Report(new ImportProgress(line, 0, null));
                }

                yield return (line, EventJson.SerializeToUtf8(e));
            }

            progress?.Report(new ImportProgress(line, 0, null));
        }
    }

    public async Task<long> ExportAsync(TextWriter writer, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT body FROM events ORDER BY seq";
        using var r = cmd.ExecuteReader();
        long n = 0;
        while (r.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteAsync(r.GetString(0));
            await writer.WriteAsync('\n');
            n++;
        }

        return n;
    }

    public Task<Run?> FindRunAsync(string id, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT r.ts, n.name, r.task, r.outcome, r.latency_ms, r.experiment, r.variant FROM runs r JOIN names n ON n.id = r.user WHERE r.id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        Run? run = r.Read()
            ? new Run(Instant(r.GetInt64(0)), id, r.GetString(1), r.GetString(2), (RunOutcome)r.GetInt32(3),
                r.IsDBNull(4) ? null : r.GetDouble(4), OptionalString(r, 5), r.IsDBNull(6) ? null : (Variant)r.GetInt32(6))
            : null;
        return Task.FromResult(run);
    }

    public Task<IReadOnlyList<RolloutEvent>> LatestAsync(string type, TimeWindow window, int limit, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT body FROM events WHERE ts >= $from AND ts < $to AND type = $type ORDER BY ts DESC, seq DESC LIMIT $limit";
        AddWindow(cmd, window);
        cmd.Parameters.AddWithValue("$type", type);
        cmd.Parameters.AddWithValue("$limit", limit);
        var result = new List<RolloutEvent>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (EventJson.TryParse(r.GetString(0), out var evt, out _))
            {
                result.Add(evt!);
            }
        }

        return Task.FromResult<IReadOnlyList<RolloutEvent>>(result);
    }

    public Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        return Task.FromResult(ScalarLong(c, "SELECT count(*) FROM events"));
    }

    /// <summary>
    /// Parses and hashes lines on one thread while another writes them, in one transaction: every line is checked,
    /// and when any is bad the transaction is rolled back and every bad line reported.
    /// </summary>
    private async Task<ImportResult> WriteAsync(IEnumerable<(long Line, ReadOnlyMemory<byte> Bytes)> lines, string source, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            var channel = Channel.CreateBounded<ParsedLine[]>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
            var parseErrors = new List<ImportError>();
            var parser = Task.Run(() => ParseAll(lines, source, parseErrors, channel.Writer, ct), ct);
            var result = await Task.Run(() => Consume(channel.Reader, source, parseErrors, ct), ct);
            await parser;
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Up to this many events, an append is written by <see cref="AppendFewAsync"/>.</summary>
    private const int FewEvents = BatchSize;

    public Task<ImportResult> AppendAsync(IReadOnlyCollection<RolloutEvent> events, IReadOnlyCollection<RunOutput> outputs, CancellationToken cancellationToken = default) =>
        AppendLinesAsync([.. events.Select(EventLine.Of)], outputs, cancellationToken);

    public Task<ImportResult> AppendLinesAsync(IReadOnlyList<EventLine> lines, IReadOnlyCollection<RunOutput> outputs, CancellationToken cancellationToken = default) =>
        AppendFewAsync(lines, outputs, null, cancellationToken);

    /// <summary>
    /// A few events, as the server records for a batch of requests, with the answers of the runs among them:
    /// made into lines (<see cref="EventLine"/>) beforehand, and written on the caller's thread in one transaction with the same checks as
    /// <see cref="WriteAsync"/>, whose two-thread pipeline (two tasks and a channel per call) pays for itself only
    /// on large imports. A duplicate answer (a run id already kept), or an answer whose run is neither among the
    /// events nor stored, throws, and nothing is written.
    /// </summary>
    private async Task<ImportResult> AppendFewAsync(IReadOnlyList<EventLine> lines, IReadOnlyCollection<RunOutput> outputs, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        const string source = "append";
        var errors = new List<ImportError>();
        var parsed = new List<ParsedLine>(lines.Count);
        long line = 0;
        foreach (var l in lines)
        {
            line++;
            if (l.Read is { } evt)
            {
                parsed.Add(new ParsedLine(line, evt, l.Body, l.Digest));
            }
            else
            {
                errors.Add(new ImportError(source, line, l.Error!));
            }
        }

        progress?.Report(new ImportProgress(line, 0, null));
        await _writeLock.WaitAsync(ct);
        try
        {
            _appender ??= AppendConnection();
            using var writer = new SqliteEventWriter(_appender, _names);
            try
            {
                foreach (var p in parsed)
                {
                    if (writer.Write(p.Event, p.Body.Span, p.Digest, p.Line) is { } problem)
                    {
                        errors.Add(new ImportError(source, p.Line, problem));
                    }
                }

                errors.AddRange(writer.ResolvePending().Select(p => new ImportError(source, p.Line, p.Message)));

                // After their runs, which they are kept under; not at all when the events are refused.
                if (outputs.Count > 0 && errors.Count == 0)
                {
                    var insert = _appender.Get(SqliteRunOutputs.InsertSql);
                    foreach (var output in outputs)
                    {
                        SqliteRunOutputs.Insert(insert, output);
                    }
                }
            }
            catch
            {
                writer.Rollback();
                throw;
            }

            var result = Finish(writer, errors);
            _checkpointer.Committed(_appender.Connection);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private StatementCache AppendConnection()
    {
        var c = Connect();
        WalCheckpointer.Adopt(c);
        return new StatementCache(c);
    }

    /// <summary>How many checkpoints have been started beside the writer of small appends.</summary>
    internal int CheckpointsStarted => _checkpointer.Started;

    private readonly record struct ParsedLine(long Line, RolloutEvent Event, ReadOnlyMemory<byte> Body, long Digest);

    /// <summary>Parses and hashes every line; bad lines go to <paramref name="errors"/>, complete before the channel completes.</summary>
    private static async Task ParseAll(IEnumerable<(long Line, ReadOnlyMemory<byte> Bytes)> lines, string source, List<ImportError> errors, ChannelWriter<ParsedLine[]> output, CancellationToken ct)
    {
        var batch = new List<ParsedLine>(BatchSize);
        try
        {
            foreach (var (line, bytes) in lines)
            {
                var body = Utf8Lines.Trim(bytes);
                if (body.IsEmpty)
                {
                    continue;
                }

                if (!EventJson.TryParse(body, out var evt, out var error))
                {
                    errors.Add(new ImportError(source, line, error!));
                    continue;
                }

                batch.Add(new ParsedLine(line, evt!, body, EventDigest.Of(body.Span)));
                if (batch.Count == BatchSize)
                {
                    await output.WriteAsync([.. batch], ct);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                await output.WriteAsync([.. batch], ct);
            }

            output.Complete();
        }
        catch (Exception ex)
        {
            output.Complete(ex);
            throw;
        }
    }

    private ImportResult Consume(ChannelReader<ParsedLine[]> input, string source, List<ImportError> parseErrors, CancellationToken ct)
    {
        using var c = Connect();
        using (var pragma = c.CreateCommand())
        {
            pragma.CommandText = "PRAGMA cache_size = -1048576; PRAGMA temp_store = MEMORY;";
            pragma.ExecuteNonQuery();
        }

        var bulk = BulkLoad.TryEnter(c);
        try
        {
            return Consume(c, input, source, parseErrors, ct);
        }
        finally
        {
            if (bulk)
            {
                BulkLoad.Leave(c);
            }
        }
    }

    private ImportResult Consume(SqliteConnection c, ChannelReader<ParsedLine[]> input, string source, List<ImportError> parseErrors, CancellationToken ct)
    {
        var errors = new List<ImportError>();
        using var writer = new SqliteEventWriter(c, _names);
        try
        {
            while (input.WaitToReadAsync(ct).AsTask().GetAwaiter().GetResult())
            {
                while (input.TryRead(out var batch))
                {
                    foreach (var p in batch)
                    {
                        if (writer.Write(p.Event, p.Body.Span, p.Digest, p.Line) is { } problem)
                        {
                            errors.Add(new ImportError(source, p.Line, problem));
                        }
                    }
                }
            }

            errors.AddRange(writer.ResolvePending().Select(p => new ImportError(source, p.Line, p.Message)));

            // The parser completed the channel after its last line, so its list of bad lines is whole here.
            errors.AddRange(parseErrors);
        }
        catch
        {
            writer.Rollback();
            throw;
        }

        return Finish(writer, errors);
    }

    /// <summary>All or nothing: commits when no line was bad, else rolls back and reports every bad line in file order.</summary>
    private static ImportResult Finish(SqliteEventWriter writer, List<ImportError> errors)
    {
        if (errors.Count > 0)
        {
            writer.Rollback();
            return new ImportResult(0, 0, [.. errors.OrderBy(e => e.Line)]);
        }

        writer.Commit();
        return new ImportResult(writer.Imported, writer.Duplicates, []);
    }

    // ---- queries (IEventHistory) ----

    // Asked on every agent request (the current phase): prepared once per connection.
    public ValueTask<PhaseStarted?> LatestPhaseStartAsync(string? phase, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var lease = _reads.Rent();
        var cmd = lease.Command("SELECT ts, phase, by, reason FROM control WHERE type = 'phase_started' AND ts < $at"
            + (phase is null ? "" : " AND phase = $phase") + " ORDER BY ts DESC, seq DESC LIMIT 1");
        cmd.Parameters.AddWithValue("$at", at.UtcTicks);
        if (phase is not null)
        {
            cmd.Parameters.AddWithValue("$phase", phase);
        }

        using var r = cmd.ExecuteReader();
        PhaseStarted? result = r.Read() ? new PhaseStarted(Instant(r.GetInt64(0)), r.GetString(1), r.GetString(2), OptionalString(r, 3)) : null;
        return ValueTask.FromResult(result);
    }

    public ValueTask<Rollback?> LatestRollbackAsync(DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var lease = _reads.Rent();
        var cmd = lease.Command("SELECT ts, trigger, by, reason FROM control WHERE type = 'rollback' AND ts < $at ORDER BY ts DESC, seq DESC LIMIT 1");
        cmd.Parameters.AddWithValue("$at", at.UtcTicks);
        using var r = cmd.ExecuteReader();
        Rollback? result = r.Read() ? new Rollback(Instant(r.GetInt64(0)), r.GetString(1), OptionalString(r, 2), OptionalString(r, 3)) : null;
        return ValueTask.FromResult(result);
    }

    public ValueTask<DateTimeOffset?> NextPhaseChangeAsync(DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var lease = _reads.Rent();
        var cmd = lease.Command("SELECT min(ts) FROM control WHERE type IN ('phase_started', 'rollback') AND ts >= $at");
        cmd.Parameters.AddWithValue("$at", at.UtcTicks);
        return ValueTask.FromResult(cmd.ExecuteScalar() is long ts ? Instant(ts) : (DateTimeOffset?)null);
    }

    public ValueTask<RunTally> RunTallyAsync(TimeWindow window, IReadOnlySet<string>? users, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        if (UserFilter(c, users, "user", SqliteEventWriter.OwnsRuns) is not { } filter)
        {
            return ValueTask.FromResult(default(RunTally));
        }

        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT count(*), coalesce(sum(outcome = 2), 0) FROM runs WHERE ts >= $from AND ts < $to{filter}";
        AddWindow(cmd, window);
        using var r = cmd.ExecuteReader();
        r.Read();
        return ValueTask.FromResult(new RunTally(r.GetInt64(0), r.GetInt64(1)));
    }

    public ValueTask<IReadOnlyList<MinuteTally>> RunsByMinuteAsync(TimeWindow window, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT ts / {TimeSpan.TicksPerMinute} AS minute, count(*), sum(outcome = 2) FROM runs WHERE ts >= $from AND ts < $to GROUP BY minute ORDER BY minute";
        AddWindow(cmd, window);
        var result = new List<MinuteTally>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result.Add(new MinuteTally(Instant(r.GetInt64(0) * TimeSpan.TicksPerMinute), r.GetInt64(1), r.GetInt64(2)));
        }

        return ValueTask.FromResult<IReadOnlyList<MinuteTally>>(result);
    }

    public ValueTask<IReadOnlySet<string>> ActiveUsersAsync(TimeWindow window, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT n.name FROM runs JOIN names n ON n.id = runs.user WHERE runs.ts >= $from AND runs.ts < $to";
        AddWindow(cmd, window);
        var result = new HashSet<string>(StringComparer.Ordinal);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result.Add(r.GetString(0));
        }

        return ValueTask.FromResult<IReadOnlySet<string>>(result);
    }

    public ValueTask<RatingTally> RatingTallyAsync(TimeWindow runs, DateTimeOffset at, IReadOnlySet<string>? users, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        if (UserFilter(c, users, "run_user", SqliteEventWriter.OwnsRuns) is not { } filter)
        {
            return ValueTask.FromResult(default(RatingTally));
        }

        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*), coalesce(sum(rating), 0), coalesce(sum(rating * rating), 0) FROM feedback "
            + $"WHERE run_ts >= $from AND run_ts < $to AND ts < $at AND (superseded_at IS NULL OR superseded_at >= $at){filter}";
        AddWindow(cmd, runs);
        cmd.Parameters.AddWithValue("$at", at.UtcTicks);
        using var r = cmd.ExecuteReader();
        r.Read();
        return ValueTask.FromResult(new RatingTally(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)));
    }

    public ValueTask<IReadOnlyDictionary<string, FeedbackTally>> FeedbackByUserAsync(TimeWindow runs, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT run_user, count(*), sum(rating), sum(rating * rating), coalesce(sum(minutes), 0) FROM feedback "
            + "WHERE run_ts >= $from AND run_ts < $to AND ts < $at AND (superseded_at IS NULL OR superseded_at >= $at) GROUP BY run_user";
        AddWindow(cmd, runs);
        cmd.Parameters.AddWithValue("$at", at.UtcTicks);
        var byId = new Dictionary<long, FeedbackTally>();
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                byId[r.GetInt64(0)] = new FeedbackTally(r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetDouble(4));
            }
        }

        var result = new Dictionary<string, FeedbackTally>(StringComparer.Ordinal);
        foreach (var (name, id, _) in Names(c))
        {
            if (byId.TryGetValue(id, out var tally))
            {
                result[name] = tally;
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, FeedbackTally>>(result);
    }

    public ValueTask<ReviewTally> ReviewTallyAsync(TimeWindow runs, DateTimeOffset at, IReadOnlySet<string>? users, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        if (UserFilter(c, users, "run_user", SqliteEventWriter.OwnsRuns) is not { } filter)
        {
            return ValueTask.FromResult(default(ReviewTally));
        }

        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*), coalesce(sum(correct), 0) FROM reviews "
            + $"WHERE run_ts >= $from AND run_ts < $to AND ts < $at AND (superseded_at IS NULL OR superseded_at >= $at){filter}";
        AddWindow(cmd, runs);
        cmd.Parameters.AddWithValue("$at", at.UtcTicks);
        using var r = cmd.ExecuteReader();
        r.Read();
        return ValueTask.FromResult(new ReviewTally(r.GetInt64(0), r.GetInt64(1)));
    }

    public ValueTask<IReadOnlyList<double>> LeadResponseMinutesAsync(TimeWindow created, DateTimeOffset at, IReadOnlySet<string>? users, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        var result = new List<double>();
        if (UserFilter(c, users, "user", SqliteEventWriter.OwnsLeadResponses) is not { } filter)
        {
            return ValueTask.FromResult<IReadOnlyList<double>>(result);
        }

        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT responded - created FROM lead_responses WHERE created >= $from AND created < $to AND ts < $at{filter}";
        AddWindow(cmd, created);
        cmd.Parameters.AddWithValue("$at", at.UtcTicks);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result.Add((double)r.GetInt64(0) / TimeSpan.TicksPerMinute);
        }

        return ValueTask.FromResult<IReadOnlyList<double>>(result);
    }

    public ValueTask<int> IncidentsOpenedAsync(TimeWindow window, IReadOnlyCollection<Severity>? severities, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        var filter = severities is null ? "" : $" AND severity IN ({string.Join(',', severities.Select(s => ((int)s).ToString(CultureInfo.InvariantCulture)))})";
        cmd.CommandText = $"SELECT count(*) FROM incidents WHERE ts >= $from AND ts < $to{filter}";
        AddWindow(cmd, window);
        return ValueTask.FromResult(Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    public ValueTask<IReadOnlyList<Incident>> OpenIncidentsAsync(DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT ts, id, severity, category, title FROM incidents i WHERE ts < $at "
            + "AND NOT EXISTS (SELECT 1 FROM resolutions r WHERE r.kind = 'incident' AND r.id = i.id AND r.ts < $at) ORDER BY ts, seq";
        cmd.Parameters.AddWithValue("$at", at.UtcTicks);
        var result = new List<Incident>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result.Add(new Incident(Instant(r.GetInt64(0)), r.GetString(1), (Severity)r.GetInt32(2), (IncidentCategory)r.GetInt32(3), OptionalString(r, 4)));
        }

        return ValueTask.FromResult<IReadOnlyList<Incident>>(result);
    }

    public ValueTask<IReadOnlyList<Bug>> OpenBugsAsync(DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT ts, id, priority, title FROM bugs b WHERE ts < $at "
            + "AND NOT EXISTS (SELECT 1 FROM resolutions r WHERE r.kind = 'bug' AND r.id = b.id AND r.ts < $at) ORDER BY ts, seq";
        cmd.Parameters.AddWithValue("$at", at.UtcTicks);
        var result = new List<Bug>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result.Add(new Bug(Instant(r.GetInt64(0)), r.GetString(1), (BugPriority)r.GetInt32(2), OptionalString(r, 3)));
        }

        return ValueTask.FromResult<IReadOnlyList<Bug>>(result);
    }

    public ValueTask<Directive?> FirstDirectiveAsync(TimeWindow window, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT ts, by, action, reason FROM control WHERE type = 'directive' AND action = 'rollback' AND ts >= $from AND ts < $to ORDER BY ts, seq LIMIT 1";
        AddWindow(cmd, window);
        using var r = cmd.ExecuteReader();
        Directive? result = r.Read() ? new Directive(Instant(r.GetInt64(0)), r.GetString(1), r.GetString(2), OptionalString(r, 3)) : null;
        return ValueTask.FromResult(result);
    }

    public ValueTask<IReadOnlyList<VariantTally>> ExperimentTallyAsync(string experiment, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var c = Connect();
        var runs = new Dictionary<long, (long Users, long Runs, long Errors, long First)>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT variant, count(DISTINCT user), count(*), coalesce(sum(outcome = 2), 0), min(ts) FROM runs "
                + "WHERE experiment = $experiment AND variant IS NOT NULL AND ts < $at GROUP BY variant";
            cmd.Parameters.AddWithValue("$experiment", experiment);
            cmd.Parameters.AddWithValue("$at", at.UtcTicks);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                runs[r.GetInt64(0)] = (r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4));
            }
        }

        // Feedback and reviews follow their run into its variant; the latest per run and person before at counts.
        var ratings = VariantSums(c, experiment, at, "feedback", "count(*), coalesce(sum(x.rating), 0), coalesce(sum(x.rating * x.rating), 0)");
        var reviews = VariantSums(c, experiment, at, "reviews", "count(*), coalesce(sum(x.correct), 0), 0");
        IReadOnlyList<VariantTally> result = [.. runs.OrderBy(v => v.Key).Select(v =>
        {
            var rating = ratings.GetValueOrDefault(v.Key);
            var review = reviews.GetValueOrDefault(v.Key);
            return new VariantTally((Variant)v.Key, v.Value.Users, v.Value.Runs, v.Value.Errors, Instant(v.Value.First),
                new RatingTally(rating.N, rating.Sum, rating.Squares), new ReviewTally(review.N, review.Sum));
        })];
        return ValueTask.FromResult(result);
    }

    private static Dictionary<long, (long N, long Sum, long Squares)> VariantSums(SqliteConnection c, string experiment, DateTimeOffset at, string table, string sums)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT r.variant, {sums} FROM runs r JOIN {table} x ON x.run = r.id "
            + "WHERE r.experiment = $experiment AND r.variant IS NOT NULL AND r.ts < $at "
            + "AND x.ts < $at AND (x.superseded_at IS NULL OR x.superseded_at >= $at) GROUP BY r.variant";
        cmd.Parameters.AddWithValue("$experiment", experiment);
        cmd.Parameters.AddWithValue("$at", at.UtcTicks);
        var result = new Dictionary<long, (long, long, long)>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result[r.GetInt64(0)] = (r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
        }

        return result;
    }

    private SqliteConnection Connect() => SqliteFile.Connect(_connectionString);

    /// <summary>
    /// An <c>AND column IN (...)</c> clause of the filtered users' integer ids: "" for everybody (also when the
    /// filter includes every owner of such rows, so it would keep them all), and null when nobody filtered owns
    /// any (every answer is then empty).
    /// </summary>
    private static string? UserFilter(SqliteConnection c, IReadOnlySet<string>? users, string column, long ownsBit)
    {
        if (users is null)
        {
            return "";
        }

        var owners = Names(c).Where(n => (n.Owns & ownsBit) != 0).ToList();
        var ids = owners.Where(n => users.Contains(n.Name)).Select(n => n.Id.ToString(CultureInfo.InvariantCulture)).ToList();
        if (ids.Count == owners.Count)
        {
            return ids.Count == 0 ? null : "";
        }

        return ids.Count == 0 ? null : $" AND {column} IN ({string.Join(',', ids)})";
    }

    private static List<(string Name, long Id, long Owns)> Names(SqliteConnection c)
    {
        var result = new List<(string, long, long)>();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, id, owns FROM names";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result.Add((r.GetString(0), r.GetInt64(1), r.GetInt64(2)));
        }

        return result;
    }

    private static void AddWindow(SqliteCommand cmd, TimeWindow window)
    {
        cmd.Parameters.AddWithValue("$from", window.From.UtcTicks);
        cmd.Parameters.AddWithValue("$to", window.To.UtcTicks);
    }

    private static long ScalarLong(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static DateTimeOffset Instant(long utcTicks) => new(utcTicks, TimeSpan.Zero);

    private static string? OptionalString(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
