using Microsoft.Data.Sqlite;
using Rollgate.Agents.Crm;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Storage.Tests.Sqlite;

public sealed class SqliteCrmStoreTests
{
    private static readonly DateOnly AsOf = new(2026, 2, 2);

    private static readonly Lazy<CrmData> Demo = new(() => DemoCrm.Generate(DemoCrm.DefaultSeed));

    private static DateTimeOffset At(int month, int day, int hour = 10) => new(2026, month, day, hour, 0, 0, TimeSpan.FromHours(-8));

    private static readonly CrmData Small = new(
        [new Account("A-1", "Acme Analytics", "Software"), new Account("A-2", "Globex")],
        [
            new Contact("C-1", "Dana Reyes", Role: "economic_buyer", AccountId: "A-1"),
            new Contact("C-2", "Lee Park", Role: "champion", AccountId: "A-1"),
            new Contact("C-3", "Kim Ito", Role: "user", AccountId: "A-1"),
        ],
        [new Lead("L-1", "Sam Ito", Company: "Acme Analytics", Source: "webinar"), new Lead("L-2", Company: "Initech")],
        [
            new Opportunity("O-1", "Acme - Platform", "Proposal", 120_000m, "USD", CloseDate: new DateOnly(2026, 3, 31),
                CloseDateHistory: [new DateOnly(2026, 1, 31)], Contacts: ["C-2", "C-1"], AccountId: "A-1"),
            new Opportunity("O-2", "Acme - Renewal", "Discovery", AccountId: "A-1"),
        ],
        [
            new Activity("X-1", "event", At(1, 20), "inbound", Subject: "Attended webinar", Lead: "L-1"),
            new Activity("X-2", "email", At(2, 3), "outbound", Lead: "L-1"),
            new Activity("X-3", "call", At(2, 9), "outbound", Lead: "L-1", Scheduled: true),
            new Activity("X-4", "meeting", At(1, 28), Contact: "C-1", Opportunity: "O-1", Notes: "Also evaluating Snowflake."),
            new Activity("X-5", "email", At(1, 29), "inbound", Contact: "C-2", Opportunity: "O-2"),
            new Activity("X-6", "event", At(1, 10), "inbound", Contact: "C-3"),
        ],
        ["Snowflake", "BigQuery"]);

    private static string Json(AgentInput? input) => input is null ? "null" : CrmJson.Write(input).ToJsonString();

    [Fact]
    [Trait("spec", "7")]
    public async Task Import_StoresEveryRecord_InTheEventStoresFile()
    {
        using var t = new TempStore();
        using var crm = SqliteCrmStore.Open(t.PathOf("events.db"));
        var result = await crm.ImportAsync(Demo.Value);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(Demo.Value.Counts, result.Imported);
        Assert.Equal(Demo.Value.Counts, result.Added);
        Assert.Equal(default, result.Changed);
        Assert.Equal(Demo.Value.Counts, await crm.CountAsync());
        Assert.Equal(0, await t.Store.CountAsync());
    }

    [Fact]
    [Trait("spec", "7")]
    public async Task Input_AfterAnImportThroughAnotherStoreOnTheFile_HasTheNewRecords()
    {
        using var t = new TempStore();
        var path = t.PathOf("crm.db");
        using var server = SqliteCrmStore.Open(path);
        using var cli = SqliteCrmStore.Open(path);
        await cli.ImportAsync(Small);
        Assert.Equal("Sam Ito", (await server.LeadInputAsync("L-1", AsOf))!.Lead!.Name);

        // The other store stands for another process (rollgate crm import while the server runs): nothing tells the
        // server's store but the file.
        var changed = Small with
        {
            Accounts = [Small.Accounts[0] with { Industry = "Healthcare" }, Small.Accounts[1]],
            Leads = [Small.Leads[0] with { Name = "Sam Ito-Park" }, Small.Leads[1]],
            Activities = [.. Small.Activities, new Activity("X-7", "email", At(1, 30), "inbound", Lead: "L-1")],
        };
        Assert.True((await cli.ImportAsync(changed)).Succeeded);

        var leadAfter = (await server.LeadInputAsync("L-1", AsOf))!;
        Assert.Equal("Sam Ito-Park", leadAfter.Lead!.Name);
        Assert.Equal("Healthcare", leadAfter.Account!.Industry);
        Assert.Contains(leadAfter.ActivityList, a => a.Id == "X-7");
        Assert.Equal("Healthcare", (await server.OpportunityInputAsync("O-1", AsOf))!.Account!.Industry);
        using var fresh = SqliteCrmStore.Open(path);
        Assert.Equal(Json(await fresh.LeadInputAsync("L-1", AsOf)), Json(leadAfter));
    }

    [Fact]
    [Trait("spec", "7")]
    public async Task Import_SameRecordsAgain_ChangesNothing_AndAChangedRecordReplacesItsVersion()
    {
        using var t = new TempStore();
        using var crm = SqliteCrmStore.Open(t.PathOf("crm.db"));
        await crm.ImportAsync(Small);
        var before = Json(await crm.OpportunityInputAsync("O-1", AsOf));

        var again = await crm.ImportAsync(Small);
        Assert.True(again.Succeeded);
        Assert.Equal(default, again.Added);
        Assert.Equal(default, again.Changed);
        Assert.Equal(Small.Counts, await crm.CountAsync());
        Assert.Equal(before, Json(await crm.OpportunityInputAsync("O-1", AsOf)));

        var moved = Small with { Opportunities = [Small.Opportunities[0] with { Stage = "Negotiation" }, Small.Opportunities[1]] };
        var update = await crm.ImportAsync(moved);
        Assert.Equal(new CrmCounts(0, 0, 0, 1, 0), update.Changed);
        Assert.Equal("Negotiation", (await crm.OpportunityInputAsync("O-1", AsOf))!.Opportunity!.Stage);
        Assert.Equal(Small.Counts, await crm.CountAsync());
    }

    [Fact]
    [Trait("spec", "7")]
    public async Task LeadInput_ComposesTheLeadItsAccountContactsAndActivitiesToAsOf()
    {
        using var t = new TempStore();
        using var crm = SqliteCrmStore.Open(t.PathOf("crm.db"));
        await crm.ImportAsync(Small);

        var input = (await crm.LeadInputAsync("L-1", AsOf))!;
        Assert.Equal(AsOf, input.AsOf);
        Assert.Equal("Sam Ito", input.Lead!.Name);
        Assert.Equal("A-1", input.Account!.Id);
        Assert.Equal(["C-1", "C-2", "C-3"], input.ContactList.Select(c => c.Id));
        Assert.Equal(["X-1", "X-3"], input.ActivityList.Select(a => a.Id));
        Assert.True(input.ActivityList[1].Scheduled);
        Assert.Equal(["Snowflake", "BigQuery"], input.CompetitorList);

        var unknownCompany = (await crm.LeadInputAsync("L-2", AsOf))!;
        Assert.Null(unknownCompany.Account);
        Assert.Empty(unknownCompany.ActivityList);
        Assert.Null(await crm.LeadInputAsync("L-404", AsOf));
    }

    [Fact]
    [Trait("spec", "7")]
    public async Task OpportunityInput_ComposesTheDealItsContactsAndTheirActivities()
    {
        using var t = new TempStore();
        using var crm = SqliteCrmStore.Open(t.PathOf("crm.db"));
        await crm.ImportAsync(Small);

        var input = (await crm.OpportunityInputAsync("O-1", AsOf))!;
        Assert.Equal(120_000m, input.Opportunity!.Amount);
        Assert.Equal([new DateOnly(2026, 1, 31)], input.Opportunity.History);
        Assert.Equal("A-1", input.Account!.Id);
        Assert.Equal(["C-2", "C-1"], input.ContactList.Select(c => c.Id));
        Assert.Equal(["X-4"], input.ActivityList.Select(a => a.Id));

        // No contacts listed: the account's, with their activities off other deals.
        var renewal = (await crm.OpportunityInputAsync("O-2", AsOf))!;
        Assert.Equal(["C-1", "C-2", "C-3"], renewal.ContactList.Select(c => c.Id));
        Assert.Equal(["X-6", "X-5"], renewal.ActivityList.Select(a => a.Id));
        Assert.Null(await crm.OpportunityInputAsync("O-404", AsOf));
    }

    [Fact]
    [Trait("spec", "7")]
    public async Task Inputs_AreThoseOfTheRecordsInMemory_ForEveryLeadAndDealOfTheDemo()
    {
        using var t = new TempStore();
        using var crm = SqliteCrmStore.Open(t.PathOf("crm.db"));
        await crm.ImportAsync(Demo.Value);
        foreach (var lead in Demo.Value.Leads)
        {
            Assert.Equal(Json(Demo.Value.LeadInput(lead.Id, AsOf)), Json(await crm.LeadInputAsync(lead.Id, AsOf)));
        }

        foreach (var opp in Demo.Value.Opportunities)
        {
            Assert.Equal(Json(Demo.Value.OpportunityInput(opp.Id, AsOf)), Json(await crm.OpportunityInputAsync(opp.Id, AsOf)));
        }
    }

    [Fact]
    [Trait("spec", "7")]
    public async Task Import_OneBadRecord_WritesNothing_AndListsEveryProblem()
    {
        using var t = new TempStore();
        using var crm = SqliteCrmStore.Open(t.PathOf("crm.db"));
        await crm.ImportAsync(Small);
        var before = Json(await crm.LeadInputAsync("L-1", AsOf));

        var bad = Small with
        {
            Leads = [Small.Leads[0] with { Title = "VP Data" }, Small.Leads[1], new Lead("L-3", "New Person")],
            Activities = [.. Small.Activities, new Activity("X-7", "call", At(1, 30), Lead: "L-9"), new Activity("X-8", "call", Opportunity: "O-9")],
        };
        var result = await crm.ImportAsync(bad);

        Assert.False(result.Succeeded);
        Assert.Equal(
        [
            "activities: record 7 (id X-7): lead 'L-9' names no lead",
            "activities: record 8 (id X-8): opportunity 'O-9' names no opportunity",
        ], result.Errors);
        Assert.Equal(Small.Counts, await crm.CountAsync());
        Assert.Null(await crm.LeadInputAsync("L-3", AsOf));
        Assert.Equal(before, Json(await crm.LeadInputAsync("L-1", AsOf)));
    }

    [Fact]
    public async Task Import_LinksToRecordsImportedBefore_AreAccepted()
    {
        using var t = new TempStore();
        using var crm = SqliteCrmStore.Open(t.PathOf("crm.db"));
        await crm.ImportAsync(Small with { Activities = [] });
        var activities = await crm.ImportAsync(CrmData.Empty with { Activities = Small.Activities });
        Assert.True(activities.Succeeded, string.Join("\n", activities.Errors));
        Assert.Equal(Small.Counts, await crm.CountAsync());
        Assert.Equal(["Snowflake", "BigQuery"], (await crm.LeadInputAsync("L-1", AsOf))!.CompetitorList);
    }

    [Fact]
    public async Task Import_Competitors_AreAddedOnceWhateverTheirCase()
    {
        using var t = new TempStore();
        using var crm = SqliteCrmStore.Open(t.PathOf("crm.db"));
        await crm.ImportAsync(Small);
        await crm.ImportAsync(CrmData.Empty with { Competitors = ["snowflake", "Redshift"] });
        Assert.Equal(["Snowflake", "BigQuery", "Redshift"], (await crm.LeadInputAsync("L-1", AsOf))!.CompetitorList);
    }

    [Fact]
    [Trait("spec", "2")]
    public async Task Open_AVersion1EventStore_UpgradesItToTheCurrentVersion_KeepingItsEvents()
    {
        using var t = new TempStore();
        var path = t.PathOf("v1.db");

        // The file a Rollgate of schema 1 wrote: migration 1's tables with one phase start and one run in them.
        const string phase = """{"type":"phase_started","ts":"2026-02-02T09:00:00-08:00","phase":"pilot","by":"so-01"}""";
        const string run = """{"type":"run","ts":"2026-02-02T09:05:00-08:00","id":"r1","user":"so-02","task":"lead_summary","outcome":"completed"}""";
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            SqliteSchema.Apply(c, 1);
        }

        var runTicks = DateTimeOffset.Parse("2026-02-02T09:05:00-08:00", System.Globalization.CultureInfo.InvariantCulture).UtcTicks;
        var phaseTicks = DateTimeOffset.Parse("2026-02-02T09:00:00-08:00", System.Globalization.CultureInfo.InvariantCulture).UtcTicks;
        Execute(path, $"""
            INSERT INTO events(seq, type, ts, digest, body) VALUES (1, 'phase_started', {phaseTicks}, 11, '{phase}');
            INSERT INTO events(seq, type, ts, digest, body) VALUES (2, 'run', {runTicks}, 22, '{run}');
            INSERT INTO control(seq, type, ts, phase, by) VALUES (1, 'phase_started', {phaseTicks}, 'pilot', 'so-01');
            INSERT INTO names(id, name) VALUES (1, 'so-02');
            INSERT INTO runs(seq, id, ts, user, task, outcome) VALUES (2, 'r1', {runTicks}, 1, 'lead_summary', 0);
            """);
        Assert.Equal(1L, Scalar(path, "PRAGMA user_version"));

        using (var crm = SqliteCrmStore.Open(path))
        {
            Assert.Equal((long)SqliteSchema.Version, Scalar(path, "PRAGMA user_version"));
            Assert.True((await crm.ImportAsync(Small)).Succeeded);
            Assert.Equal(Small.Counts, await crm.CountAsync());
        }

        using var reopened = SqliteEventStore.Open(path);
        Assert.Equal(2, await reopened.CountAsync());
        using var writer = new StringWriter();
        await reopened.ExportAsync(writer);
        Assert.Equal(phase + "\n" + run + "\n", writer.ToString());

        // The upgrade recomputes each line's digest, so importing the same lines again stores nothing twice.
        var again = await reopened.ImportAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(phase + "\n" + run + "\n")), "again.jsonl");
        Assert.Equal((0L, 2L), (again.Imported, again.Duplicates));

        // The upgrade marks the run's owner, so that a population of everybody needs no filter.
        var window = new Rollgate.Core.Time.TimeWindow(new DateTimeOffset(runTicks, TimeSpan.Zero), new DateTimeOffset(runTicks + 1, TimeSpan.Zero));
        Assert.Equal(1, (await reopened.RunTallyAsync(window, new HashSet<string> { "so-02" })).Runs);
        Assert.Equal(0, (await reopened.RunTallyAsync(window, new HashSet<string> { "so-01" })).Runs);
    }

    [Fact]
    public void Open_AnotherSqliteDatabase_IsRefused()
    {
        using var t = new TempStore();
        var path = t.PathOf("other.db");
        Execute(path, "CREATE TABLE things (id INTEGER);");
        Assert.Throws<StoreFormatException>(() => SqliteCrmStore.Open(path));
    }

    private static List<string> Tables(string path)
    {
        using var c = new SqliteConnection($"Data Source={path}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
        using var r = cmd.ExecuteReader();
        var names = new List<string>();
        while (r.Read())
        {
            names.Add(r.GetString(0));
        }

        return names;
    }

    private static void Execute(string path, string sql)
    {
        using var c = new SqliteConnection($"Data Source={path}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(string path, string sql)
    {
        using var c = new SqliteConnection($"Data Source={path}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
