using Rollgate.Agents.Crm;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Cli.Tests;

public sealed class CrmCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    [Trait("spec", "7")]
    public async Task Generate_ThenImport_PrintsTheCountsOfEveryKind_AndAgainChangesNothing()
    {
        var dir = _cli.PathOf("crm");
        var generated = await _cli.RunAsync("crm", "generate", "--out", dir);
        Assert.Equal(0, generated.Code);
        Assert.Contains("300 accounts", generated.Out);
        Assert.Equal(CrmFiles.Render(DemoCrm.Generate(DemoCrm.DefaultSeed)).Select(f => f.Text), CrmFiles.Render(CrmFiles.Read(dir)).Select(f => f.Text));

        var db = _cli.PathOf("rollgate.db");
        var n = DemoCrm.Generate(DemoCrm.DefaultSeed).Counts;
        var expected = $$"""{"accounts":{{n.Accounts}},"contacts":{{n.Contacts}},"leads":{{n.Leads}},"opportunities":{{n.Opportunities}},"activities":{{n.Activities}}}""";
        var first = await _cli.RunAsync("crm", "import", "--db", db, dir, "--json");
        Assert.Equal(0, first.Code);
        Assert.Equal(expected, first.Out.Trim());
        Assert.Equal("", first.Err);

        var again = await _cli.RunAsync("crm", "import", "--db", db, dir);
        Assert.Equal(0, again.Code);
        Assert.Contains("(0 new, 0 changed,", again.Out);

        using var store = SqliteCrmStore.Open(db);
        Assert.Equal(n, await store.CountAsync());
    }

    [Fact]
    public async Task Generate_Seed_ChangesTheRecords()
    {
        Assert.Equal(0, (await _cli.RunAsync("crm", "generate", "--out", _cli.PathOf("a"), "--seed", "1")).Code);
        Assert.Equal(0, (await _cli.RunAsync("crm", "generate", "--out", _cli.PathOf("b"), "--seed", "2")).Code);
        Assert.NotEqual(File.ReadAllText(_cli.PathOf("a/leads.json")), File.ReadAllText(_cli.PathOf("b/leads.json")));
    }

    [Fact]
    [Trait("spec", "7")]
    public async Task Import_BadFiles_Exits2WithEveryProblem_AndImportsNothing()
    {
        var dir = _cli.PathOf("bad");
        Directory.CreateDirectory(dir);
        _cli.Write("bad/accounts.json", """[{"id": "A-1", "name": "Acme"}]""");
        _cli.Write("bad/leads.csv", "id,name,created,account_id\nL-1,Sam,2026-01-20,A-1\nL-2,Ria,yesterday,A-2\n");
        _cli.Write("bad/activities.json", "[\n  {\"id\": \"X-1\", \"type\": \"call\", \"lead\": \"L-1\"},\n  {\"id\": \"X-2\", \"type\": \"call\", \"lead\": \"L-3\"}\n]\n");
        var db = _cli.PathOf("rollgate.db");

        var r = await _cli.RunAsync("crm", "import", "--db", db, dir, "--json");

        Assert.Equal(2, r.Code);
        Assert.Equal("", r.Out);
        Assert.Contains($"{Path.Combine(dir, "leads.csv")}:3: created: 'yesterday' is not a date (YYYY-MM-DD)", r.Err);
        Assert.Contains($"{Path.Combine(dir, "leads.csv")}:3: account_id 'A-2' names no account", r.Err);
        Assert.Contains($"{Path.Combine(dir, "activities.json")}:3: record 2 (id X-2): lead 'L-3' names no lead", r.Err);
        Assert.Contains("3 problems; nothing was imported", r.Err);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public async Task Import_MissingFolder_Exits2()
    {
        var r = await _cli.RunAsync("crm", "import", "--db", _cli.PathOf("x.db"), _cli.PathOf("nope"));
        Assert.Equal(2, r.Code);
        Assert.Contains("no such folder", r.Err);
    }

    [Fact]
    public async Task Help_ListsTheSubcommandsAndTheirOptions()
    {
        var crm = await _cli.RunAsync("crm", "--help");
        Assert.Equal(0, crm.Code);
        Assert.Contains("generate", crm.Out);
        Assert.Contains("import", crm.Out);

        var import = await _cli.RunAsync("crm", "import", "--help");
        Assert.Equal(0, import.Code);
        Assert.Contains("--db", import.Out);
        Assert.Contains("DIR", import.Out);
        Assert.Contains("all or nothing", import.Out);

        var generate = await _cli.RunAsync("crm", "generate", "--help");
        Assert.Contains("--seed", generate.Out);
        Assert.Contains("--out", generate.Out);
    }
}
