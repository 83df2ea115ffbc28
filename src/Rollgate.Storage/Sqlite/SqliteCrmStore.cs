using System.Text.Json;
using Microsoft.Data.Sqlite;
using Rollgate.Agents.Crm;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// The CRM records in the event store's SQLite file (schema 2). Each record is kept as its SPEC 7 JSON, beside the
/// ids it links by, so that composing an agent's input reads a few index ranges and the records come back exactly as
/// imported. The rules of composition are those of <see cref="CrmData.LeadInput"/> and <see cref="CrmData.OpportunityInput"/>.
/// </summary>
public sealed class SqliteCrmStore : ICrmStore, IDisposable
{
    private static readonly string[] Tables = ["crm_accounts", "crm_contacts", "crm_leads", "crm_opportunities", "crm_activities"];

    /// <summary>The linking columns each table keeps beside id and body, in <see cref="CrmKind"/> order.</summary>
    private static readonly string[][] Columns = [["name"], ["account_id"], ["account_id"], ["account_id"], ["lead", "opportunity", "contact", "ts", "day", "scheduled"]];

    private const string Visible = "(scheduled = 1 OR day IS NULL OR day <= $as_of)";

    // Null ts last, then time, then id: the order of CrmData.Chronological.
    private const string Chronological = "ORDER BY ts IS NULL, ts, id";

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly PreparedReads _reads;

    private SqliteCrmStore(string connectionString) => (_connectionString, _reads) = (connectionString, new PreparedReads(connectionString));

    public string Path { get; private init; } = "";

    /// <summary>Opens (creating when missing) the store at <paramref name="path"/>, bringing its schema up to date.</summary>
    public static SqliteCrmStore Open(string path) => new(SqliteFile.Open(path)) { Path = System.IO.Path.GetFullPath(path) };

    public void Dispose()
    {
        _reads.Dispose();
        SqliteConnection.ClearAllPools();
        _writeLock.Dispose();
    }

    public async Task<CrmImportResult> ImportAsync(CrmData data, CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            using var c = Connect();
            using var tx = c.BeginTransaction();

            // Links may name records imported before: check them against the store too, inside the transaction.
            var stored = new HashSet<string>[Tables.Length - 1];
            for (var k = 0; k < stored.Length; k++)
            {
                stored[k] = await IdsAsync(c, tx, Tables[k], ct);
            }

            var problems = data.Check((kind, id) => kind != CrmKind.Activity && stored[(int)kind].Contains(id));
            if (problems.Count > 0)
            {
                tx.Rollback();
                return CrmImportResult.Failed([.. problems.OrderBy(p => p.Kind).ThenBy(p => p.Index)
                    .Select(p => $"{CrmFiles.Names[(int)p.Kind]}: record {p.Index + 1}{(p.Id.Length > 0 ? $" (id {p.Id})" : "")}: {p.Message}")]);
            }

            var added = new long[Tables.Length];
            var changed = new long[Tables.Length];
            async Task UpsertAllAsync<T>(CrmKind kind, IEnumerable<T> records, Func<T, (string Id, string Body, object?[] Values)> row)
            {
                using var upsert = new Upsert(c, tx, Tables[(int)kind], Columns[(int)kind]);
                foreach (var record in records)
                {
                    ct.ThrowIfCancellationRequested();
                    var (id, body, values) = row(record);
                    switch (await upsert.RunAsync(id, body, values, ct))
                    {
                        case Upsert.Outcome.Added:
                            added[(int)kind]++;
                            break;
                        case Upsert.Outcome.Changed:
                            changed[(int)kind]++;
                            break;
                    }
                }
            }

            await UpsertAllAsync(CrmKind.Account, data.Accounts, a => (a.Id, Body(CrmJson.Write(a)), [a.Name]));
            await UpsertAllAsync(CrmKind.Contact, data.Contacts, x => (x.Id, Body(CrmJson.Write(x)), [x.AccountId]));
            await UpsertAllAsync(CrmKind.Lead, data.Leads, l => (l.Id, Body(CrmJson.Write(l)), [l.AccountId]));
            await UpsertAllAsync(CrmKind.Opportunity, data.Opportunities, o => (o.Id, Body(CrmJson.Write(o)), [o.AccountId]));
            await UpsertAllAsync(CrmKind.Activity, data.Activities, a => (a.Id, Body(CrmJson.Write(a)),
                [a.Lead, a.Opportunity, a.Contact, a.Ts?.UtcTicks, CrmData.DayOf(a)?.DayNumber, a.Scheduled ? 1 : 0]));

            using (var competitor = c.CreateCommand())
            {
                competitor.Transaction = tx;
                competitor.CommandText = "INSERT INTO crm_competitors(name) VALUES ($name) ON CONFLICT(name) DO NOTHING";
                var name = competitor.Parameters.Add("$name", SqliteType.Text);
                foreach (var n in data.Competitors.Where(n => !string.IsNullOrWhiteSpace(n)))
                {
                    name.Value = n.Trim();
                    await competitor.ExecuteNonQueryAsync(ct);
                }
            }

            // A process that keeps agents' inputs in memory learns from the stamp that they changed (StoreStamp).
            using (var stamp = c.CreateCommand())
            {
                stamp.Transaction = tx;
                stamp.CommandText = "UPDATE stamps SET crm = crm + 1";
                await stamp.ExecuteNonQueryAsync(ct);
            }

            tx.Commit();
            return new CrmImportResult(data.Counts, CrmCounts.Of(added), CrmCounts.Of(changed), []);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<AgentInput?> LeadInputAsync(string leadId, DateOnly asOf, CancellationToken ct = default)
    {
        using var c = _reads.Rent();
        return await ReadLeadInputAsync(c, leadId, asOf, ct);
    }

    private static async Task<AgentInput?> ReadLeadInputAsync(PreparedReads.Lease c, string leadId, DateOnly asOf, CancellationToken ct)
    {
        var leads = await ReadAsync(c, "SELECT body FROM crm_leads WHERE id = $id", CrmJson.ReadLead, ct, ("$id", leadId));
        if (leads is not [var lead])
        {
            return null;
        }

        var accounts = lead.AccountId is { } accountId
            ? await ReadAsync(c, "SELECT body FROM crm_accounts WHERE id = $id", CrmJson.ReadAccount, ct, ("$id", accountId))
            : string.IsNullOrEmpty(lead.Company) ? []
            : await ReadAsync(c, "SELECT body FROM crm_accounts WHERE name = $name ORDER BY seq LIMIT 1", CrmJson.ReadAccount, ct, ("$name", lead.Company));
        var account = accounts.FirstOrDefault();
        var contacts = account is null ? [] : await AccountContactsAsync(c, account.Id, ct);
        var activities = await ReadAsync(c, $"SELECT body FROM crm_activities WHERE lead = $id AND {Visible} {Chronological}", CrmJson.ReadActivity, ct,
            ("$id", leadId), ("$as_of", asOf.DayNumber));
        return new AgentInput(asOf, lead, account, contacts, null, activities, await CompetitorsAsync(c, ct));
    }

    public async Task<AgentInput?> OpportunityInputAsync(string opportunityId, DateOnly asOf, CancellationToken ct = default)
    {
        using var c = _reads.Rent();
        return await ReadOpportunityInputAsync(c, opportunityId, asOf, ct);
    }

    private static async Task<AgentInput?> ReadOpportunityInputAsync(PreparedReads.Lease c, string opportunityId, DateOnly asOf, CancellationToken ct)
    {
        var opportunities = await ReadAsync(c, "SELECT body FROM crm_opportunities WHERE id = $id", CrmJson.ReadOpportunity, ct, ("$id", opportunityId));
        if (opportunities is not [var opp])
        {
            return null;
        }

        var account = opp.AccountId is { } accountId
            ? (await ReadAsync(c, "SELECT body FROM crm_accounts WHERE id = $id", CrmJson.ReadAccount, ct, ("$id", accountId))).FirstOrDefault()
            : null;
        var contacts = new List<Contact>();
        if (opp.ContactIds.Count > 0)
        {
            foreach (var id in opp.ContactIds.Distinct())
            {
                contacts.AddRange(await ReadAsync(c, "SELECT body FROM crm_contacts WHERE id = $id", CrmJson.ReadContact, ct, ("$id", id)));
            }
        }
        else if (account is not null)
        {
            contacts = await AccountContactsAsync(c, account.Id, ct);
        }

        // An activity on another opportunity is not this one's, even with one of its contacts (CrmData.OnOpportunity).
        var parameters = new List<(string, object?)> { ("$id", opportunityId), ("$as_of", asOf.DayNumber) };
        parameters.AddRange(contacts.Select((x, i) => ($"$c{i}", (object?)x.Id)));
        var withContacts = contacts.Count == 0 ? ""
            : $" OR (opportunity IS NULL AND contact IN ({string.Join(", ", contacts.Select((_, i) => $"$c{i}"))}))";
        var activities = await ReadAsync(c, $"SELECT body FROM crm_activities WHERE (opportunity = $id{withContacts}) AND {Visible} {Chronological}",
            CrmJson.ReadActivity, ct, [.. parameters]);
        return new AgentInput(asOf, null, account, contacts, opp, activities, await CompetitorsAsync(c, ct));
    }

    public async Task<CrmCounts> CountAsync(CancellationToken ct = default)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT " + string.Join(", ", Tables.Select(t => $"(SELECT count(*) FROM {t})"));
        using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return CrmCounts.Of([.. Enumerable.Range(0, Tables.Length).Select(r.GetInt64)]);
    }

    private static Task<List<Contact>> AccountContactsAsync(PreparedReads.Lease c, string accountId, CancellationToken ct) =>
        ReadAsync(c, "SELECT body FROM crm_contacts WHERE account_id = $account ORDER BY seq", CrmJson.ReadContact, ct, ("$account", accountId));

    private static async Task<List<string>> CompetitorsAsync(PreparedReads.Lease c, CancellationToken ct)
    {
        var cmd = c.Command("SELECT name FROM crm_competitors ORDER BY seq");
        using var r = await cmd.ExecuteReaderAsync(ct);
        var names = new List<string>();
        while (await r.ReadAsync(ct))
        {
            names.Add(r.GetString(0));
        }

        return names;
    }

    private static async Task<HashSet<string>> IdsAsync(SqliteConnection c, SqliteTransaction tx, string table, CancellationToken ct)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT id FROM {table}";
        using var r = await cmd.ExecuteReaderAsync(ct);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct))
        {
            ids.Add(r.GetString(0));
        }

        return ids;
    }

    /// <summary>The records a query's <c>body</c> column holds, read back as CrmJson wrote them.</summary>
    private static async Task<List<T>> ReadAsync<T>(
        PreparedReads.Lease c, string sql, Func<JsonElement, List<string>, string, T> read, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        var cmd = c.Command(sql);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var result = new List<T>();
        using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            using var doc = JsonDocument.Parse(r.GetString(0));
            var errors = new List<string>();
            result.Add(read(doc.RootElement, errors, "stored record"));
            if (errors.Count > 0)
            {
                // The store wrote the body itself; one it cannot read back was changed behind its back.
                throw new StoreFormatException($"a stored CRM record is unreadable: {errors[0]}");
            }
        }

        return result;
    }

    private static string Body(System.Text.Json.Nodes.JsonObject record) => record.ToJsonString();

    private SqliteConnection Connect() => SqliteFile.Connect(_connectionString);

    /// <summary>
    /// Inserts a record, or replaces the stored one when its JSON differs: comparing first tells a re-import that
    /// changes nothing from one that does, and leaves unchanged rows (and their seq) alone.
    /// </summary>
    private sealed class Upsert : IDisposable
    {
        private readonly SqliteCommand _select;
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _update;

        public Upsert(SqliteConnection c, SqliteTransaction tx, string table, string[] columns)
        {
            _select = Command(c, tx, $"SELECT body FROM {table} WHERE id = $id", columns, withValues: false);
            _insert = Command(c, tx, $"INSERT INTO {table}(id, {string.Join(", ", columns)}, body) VALUES ($id, {string.Join(", ", columns.Select(x => "$" + x))}, $body)", columns, withValues: true);
            _update = Command(c, tx, $"UPDATE {table} SET {string.Join(", ", columns.Select(x => $"{x} = ${x}"))}, body = $body WHERE id = $id", columns, withValues: true);
        }

        public enum Outcome { Unchanged, Added, Changed }

        public async Task<Outcome> RunAsync(string id, string body, object?[] values, CancellationToken ct)
        {
            _select.Parameters["$id"].Value = id;
            var current = await _select.ExecuteScalarAsync(ct) as string;
            if (current == body)
            {
                return Outcome.Unchanged;
            }

            var cmd = current is null ? _insert : _update;
            cmd.Parameters["$id"].Value = id;
            cmd.Parameters["$body"].Value = body;
            for (var i = 0; i < values.Length; i++)
            {
                cmd.Parameters[i + 2].Value = values[i] ?? DBNull.Value;
            }

            await cmd.ExecuteNonQueryAsync(ct);
            return current is null ? Outcome.Added : Outcome.Changed;
        }

        public void Dispose()
        {
            _select.Dispose();
            _insert.Dispose();
            _update.Dispose();
        }

        private static SqliteCommand Command(SqliteConnection c, SqliteTransaction tx, string sql, string[] columns, bool withValues)
        {
            var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            cmd.Parameters.Add("$id", SqliteType.Text);
            if (withValues)
            {
                cmd.Parameters.Add("$body", SqliteType.Text);
                foreach (var column in columns)
                {
                    cmd.Parameters.AddWithValue("$" + column, DBNull.Value);
                }
            }

            return cmd;
        }
    }
}
