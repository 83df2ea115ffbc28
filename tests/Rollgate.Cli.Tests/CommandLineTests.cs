using System.Text.Json.Nodes;

namespace Rollgate.Cli.Tests;

public sealed class CommandLineTests : IDisposable
{
    private const string Pilot = """
        {"type":"phase_started","ts":"2026-02-02T09:00:00-08:00","phase":"pilot","by":"so-01"}
        {"type":"run","ts":"2026-02-02T09:05:00-08:00","id":"r1","user":"so-02","task":"lead_summary","outcome":"completed"}
        {"type":"run","ts":"2026-02-02T09:06:00-08:00","id":"r2","user":"so-02","task":"follow_up","outcome":"error"}
        {"type":"feedback","ts":"2026-02-02T09:07:00-08:00","run":"r1","user":"so-02","rating":4,"minutes_saved":10}
        {"type":"review","ts":"2026-02-02T10:00:00-08:00","run":"r1","reviewer":"rev-01","correct":true}
        """;

    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private async Task<string> PilotDbAsync()
    {
        var db = _cli.PathOf("pilot.db");
        var r = await _cli.RunAsync("events", "import", "--db", db, _cli.Write("pilot.jsonl", Pilot), "--json");
        Assert.Equal(0, r.Code);
        return db;
    }

    [Fact]
    [Trait("spec", "6.plan-validate")]
    public async Task PlanValidate_Json_ListsThePhases()
    {
        var r = await _cli.RunAsync("plan", "validate", CliRunner.ExamplePlan, "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal("""{"valid":true,"phases":["pilot","sdr","full"]}""", r.Out.Trim());
    }

    [Fact]
    [Trait("spec", "1.errors")]
    public async Task PlanValidate_InvalidPlan_Exits2WithFileLineColumn()
    {
        var users = _cli.Write("users.csv", "id,name,email,role,team\nso-01,A,a@example.com,sales_ops,Ops\n");
        var plan = _cli.Write("bad.yaml", File.ReadAllText(CliRunner.ExamplePlan).Replace("metric: task_accuracy, min: 0.80", "metric: task_acuracy, min: 0.80", StringComparison.Ordinal));
        _ = users;
        var r = await _cli.RunAsync("plan", "validate", plan);
        Assert.Equal(2, r.Code);
        Assert.Matches(@"bad\.yaml:\d+:\d+: unknown metric 'task_acuracy'", r.Err);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public async Task PlanValidate_MissingFile_Exits2()
    {
        var r = await _cli.RunAsync("plan", "validate", _cli.PathOf("nope.yaml"));
        Assert.Equal(2, r.Code);
        Assert.Contains("plan file not found", r.Err);
    }

    [Fact]
    public async Task PlanShow_PrintsPhasesWhoWhenWhatAndTargets()
    {
        var r = await _cli.RunAsync("plan", "show", CliRunner.ExamplePlan);
        Assert.Equal(0, r.Code);
        foreach (var text in new[] { "pilot", "sdr", "full", "Mon–Fri 09:00–17:00", "24/7", "task_accuracy", "≥ 80.0%", "≤ 3.0%", "error-rate-sustained", "within 24 hours" })
        {
            Assert.Contains(text, r.Out);
        }
    }

    [Fact]
    [Trait("spec", "6.events-import")]
    public async Task EventsImport_Json_PrintsImportedCount_AndIsIdempotent()
    {
        var file = _cli.Write("e.jsonl", Pilot);
        var db = _cli.PathOf("e.db");
        var first = await _cli.RunAsync("events", "import", "--db", db, file, "--json");
        Assert.Equal(0, first.Code);
        Assert.Equal(5, (int)first.Json["imported"]!);
        var second = await _cli.RunAsync("events", "import", "--db", db, file, "--json");
        Assert.Equal(0, (int)second.Json["imported"]!);
    }

    [Fact]
    [Trait("spec", "2.import.all-or-nothing")]
    public async Task EventsImport_BadLine_Exits2_ReportsFileAndLine_WritesNothing()
    {
        var file = _cli.Write("bad.jsonl", Pilot.Replace("\"rating\":4", "\"rating\":6", StringComparison.Ordinal));
        var db = _cli.PathOf("bad.db");
        var r = await _cli.RunAsync("events", "import", "--db", db, file, "--json");
        Assert.Equal(2, r.Code);
        Assert.Contains("bad.jsonl:4: 'rating' must be an integer from 1 to 5, not 6", r.Err);
        Assert.Equal("", r.Out);
        var export = await _cli.RunAsync("events", "export", "--db", db);
        Assert.Equal("", export.Out);
    }

    [Fact]
    [Trait("spec", "6.events-export")]
    public async Task EventsExport_ToFile_RoundTrips()
    {
        var db = await PilotDbAsync();
        var outFile = _cli.PathOf("out.jsonl");
        var r = await _cli.RunAsync("events", "export", "--db", db, "--out", outFile);
        Assert.Equal(0, r.Code);
        Assert.Equal(Pilot.Split('\n').Select(l => l.Trim()), File.ReadAllLines(outFile));

        var db2 = _cli.PathOf("copy.db");
        var again = await _cli.RunAsync("events", "import", "--db", db2, outFile, "--json");
        Assert.Equal(5, (int)again.Json["imported"]!);
    }

    [Fact]
    [Trait("spec", "6.kpi")]
    public async Task Kpi_Json_HasThePinnedFields()
    {
        var db = await PilotDbAsync();
        var r = await _cli.RunAsync("kpi", "--plan", CliRunner.ExamplePlan, "--db", db, "--phase", "pilot", "--at", "2026-02-02T12:00:00-08:00", "--json");
        Assert.Equal(0, r.Code);
        var json = r.Json;
        Assert.Equal("pilot", (string)json["phase"]!);
        Assert.Equal("2026-02-02T09:00:00-08:00", (string)json["from"]!);
        Assert.Equal("2026-02-02T12:00:00-08:00", (string)json["to"]!);
        var metrics = json["metrics"]!.AsArray();
        Assert.Equal(["task_accuracy", "user_satisfaction", "error_rate", "critical_incidents"], metrics.Select(m => (string)m!["metric"]!));
        var errorRate = metrics.Single(m => (string)m!["metric"]! == "error_rate")!;
        Assert.Equal(0.5, (double)errorRate["value"]!);
        Assert.Equal(2, (int)errorRate["n"]!);
        Assert.True((double)errorRate["ci_low"]! < 0.5 && (double)errorRate["ci_high"]! > 0.5);
        var satisfaction = metrics.Single(m => (string)m!["metric"]! == "user_satisfaction")!;
        Assert.Null(satisfaction["ci_low"]);
        Assert.DoesNotContain("NaN", r.Out);
    }

    [Fact]
    [Trait("spec", "6.gate")]
    public async Task Gate_Json_HasDecisionActionAndRows()
    {
        var db = await PilotDbAsync();
        var r = await _cli.RunAsync("gate", "--plan", CliRunner.ExamplePlan, "--db", db, "--phase", "pilot", "--at", "2026-02-02T12:00:00-08:00", "--json");
        Assert.Equal(0, r.Code);
        var json = r.Json;
        Assert.Equal("insufficient-data", (string)json["decision"]!);
        Assert.Equal("keep-collecting", (string)json["action"]!);
        var row = json["metrics"]!.AsArray().Single(m => (string)m!["metric"]! == "critical_incidents")!;
        Assert.Equal("max", (string)row["direction"]!);
        Assert.True((bool)row["met"]!);
        Assert.Equal(0.0, (double)row["shortfall"]!);
        var accuracy = json["metrics"]!.AsArray().Single(m => (string)m!["metric"]! == "task_accuracy")!;
        Assert.Null(accuracy["met"]);
        Assert.Equal("min", (string)accuracy["direction"]!);
        Assert.Equal(1, (int)accuracy["n"]!);
    }

    [Fact]
    [Trait("spec", "6.triggers")]
    public async Task Triggers_Json_HasAtPhaseAndFired()
    {
        var db = await PilotDbAsync();
        var r = await _cli.RunAsync("triggers", "--plan", CliRunner.ExamplePlan, "--db", db, "--at", "2026-02-02T12:00:00-08:00", "--json");
        Assert.Equal(0, r.Code);
        var json = r.Json;
        Assert.Equal("2026-02-02T12:00:00-08:00", (string)json["at"]!);
        Assert.Equal("pilot", (string)json["phase"]!);
        Assert.Empty(json["fired"]!.AsArray());
    }

    [Fact]
    [Trait("spec", "6.triggers")]
    public async Task Triggers_ExecutiveDirective_Fires_WithAReason()
    {
        var db = await PilotDbAsync();
        var directive = _cli.Write("d.jsonl", """{"type":"directive","ts":"2026-02-03T10:00:00-08:00","by":"exec-01","action":"rollback","reason":"legal review"}""");
        Assert.Equal(0, (await _cli.RunAsync("events", "import", "--db", db, directive)).Code);
        var r = await _cli.RunAsync("triggers", "--plan", CliRunner.ExamplePlan, "--db", db, "--at", "2026-02-03T10:00:01-08:00", "--json");
        var fired = Assert.Single(r.Json["fired"]!.AsArray())!;
        Assert.Equal("executive-directive", (string)fired["id"]!);
        Assert.Equal("rollback", (string)fired["kind"]!);
        Assert.Contains("exec-01", (string)fired["reason"]!);
    }

    [Theory]
    [Trait("spec", "6.access")]
    [InlineData("so-02", "lead_summary", "2026-02-03T10:00:00-08:00", true, "ok")]
    [InlineData("so-02", "lead_summary", "2026-02-03T17:00:00-08:00", false, "outside_availability")]
    [InlineData("ae-01", "lead_summary", "2026-02-03T10:00:00-08:00", false, "not_in_cohort")]
    [InlineData("nobody", "lead_summary", "2026-02-03T10:00:00-08:00", false, "unknown_user")]
    [InlineData("so-02", "lead_summary", "2026-02-01T10:00:00-08:00", false, "no_active_phase")]
    public async Task Access_Json_GivesTheDecision(string user, string task, string at, bool allowed, string reason)
    {
        var db = await PilotDbAsync();
        var r = await _cli.RunAsync("access", "--plan", CliRunner.ExamplePlan, "--db", db, "--user", user, "--task", task, "--at", at, "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal(allowed, (bool)r.Json["allowed"]!);
        Assert.Equal(reason, (string)r.Json["reason"]!);
    }

    [Fact]
    public async Task At_DefaultsToTheClock()
    {
        var db = await PilotDbAsync();
        _cli.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 3, 18, 0, 0, TimeSpan.Zero));
        var r = await _cli.RunAsync("access", "--plan", CliRunner.ExamplePlan, "--db", db, "--user", "so-02", "--task", "follow_up", "--json");
        Assert.Equal("ok", (string)r.Json["reason"]!);
    }

    [Theory]
    [InlineData("kpi --phase pilot --at yesterday", "--at: 'yesterday' is not an RFC 3339 timestamp")]
    [InlineData("kpi --phase pilot --at 2026-02-02T09:00:00", "--at: '2026-02-02T09:00:00' is not an RFC 3339 timestamp")]
    [InlineData("gate --phase beta", "--phase: unknown phase 'beta'")]
    [InlineData("access --user so-01 --task write_poem", "--task: unknown task 'write_poem'")]
    [InlineData("kpi", "--phase")]
    public async Task BadInput_Exits2_WithAMessageThatSaysWhat(string args, string expected)
    {
        var db = await PilotDbAsync();
        var argv = new[] { "--plan", CliRunner.ExamplePlan, "--db", db };
        var words = args.Split(' ');
        var r = await _cli.RunAsync([words[0], .. argv, .. words[1..]]);
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Err);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public async Task MissingStore_Exits2()
    {
        var r = await _cli.RunAsync("gate", "--plan", CliRunner.ExamplePlan, "--db", _cli.PathOf("missing.db"), "--phase", "pilot");
        Assert.Equal(2, r.Code);
        Assert.Contains("no event store there", r.Err);
        Assert.False(File.Exists(_cli.PathOf("missing.db")));
    }

    [Fact]
    public async Task UnknownCommand_Exits2()
    {
        var r = await _cli.RunAsync("launch");
        Assert.Equal(2, r.Code);
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("plan validate")]
    [InlineData("plan show")]
    [InlineData("events import")]
    [InlineData("events export")]
    [InlineData("kpi")]
    [InlineData("gate")]
    [InlineData("triggers")]
    [InlineData("access")]
    [InlineData("simulate")]
    [InlineData("demo")]
    public async Task EveryCommand_HasHelp(string command)
    {
        var r = await _cli.RunAsync([.. command.Split(' '), "--help"]);
        Assert.Equal(0, r.Code);
        Assert.Contains("Usage:", r.Out);
        Assert.Contains("Description:", r.Out);
    }

    [Fact]
    public async Task Json_OutputIsOneObjectAndNothingElse()
    {
        var db = await PilotDbAsync();
        var r = await _cli.RunAsync("gate", "--plan", CliRunner.ExamplePlan, "--db", db, "--phase", "pilot", "--at", "2026-02-02T12:00:00-08:00", "--json");
        Assert.Single(r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.IsType<JsonObject>(JsonNode.Parse(r.Out));
    }
}
