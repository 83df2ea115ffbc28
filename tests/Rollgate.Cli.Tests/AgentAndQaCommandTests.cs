using System.Text.Json.Nodes;

namespace Rollgate.Cli.Tests;

public sealed class AgentAndQaCommandTests : IDisposable
{
    private static string Suite => Path.Combine(CliRunner.RepoRoot, "examples", "gtm", "qa", "suite.yaml");

    private static string Crm => Path.Combine(CliRunner.RepoRoot, "examples", "gtm", "crm");

    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private async Task<string> CrmDbAsync()
    {
        var db = _cli.PathOf("crm.db");
        Assert.Equal(0, (await _cli.RunAsync("crm", "import", "--db", db, Crm)).Code);
        return db;
    }

    [Fact]
    [Trait("spec", "6.qa-run")]
    public async Task QaRun_ExampleSuite_PassesTheLaunchGate_WithThePinnedJson()
    {
        var r = await _cli.RunAsync("qa", "run", "--suite", Suite, "--engine", "builtin", "--fail-under", "0.95", "--json");
        Assert.Equal(0, r.Code);
        var json = r.Json;
        Assert.True((int)json["total"]! >= 60);
        Assert.Equal((int)json["total"]!, (int)json["passed"]!);
        Assert.Equal(1.0, (double)json["pass_rate"]!);
        Assert.InRange((double)json["coverage"]!, 0.5, 0.99);
        Assert.Empty(json["failures"]!.AsArray());
        var results = json["results"]!.AsArray();
        Assert.Equal((int)json["total"]!, results.Count);
        var risk = results.First(x => (string)x!["task"]! == "risk_analysis" && !(bool)x["abstained"]!)!;
        Assert.NotNull((string?)risk["risk_level"]);
        Assert.NotNull(risk["risk_factors"]);
        Assert.Contains(results, x => (bool)x!["abstained"]! && ((string)x["text"]!).Length > 10);
    }

    [Fact]
    [Trait("spec", "6.qa-run")]
    public async Task QaRun_BelowTheGate_Exits3_AndListsWhy()
    {
        var suite = _cli.Write("bad-suite.yaml", """
            - id: wrong-expectation
              task: risk_analysis
              input:
                as_of: 2026-03-16
                opportunity: { id: O-1, name: Acme Lakehouse, stage: Proposal, close_date: 2026-04-30, next_step: Demo, stage_entered: 2026-03-10 }
              expect:
                abstain: false
                risk_level: low
            - id: fine
              task: lead_summary
              input:
                as_of: 2026-03-16
                lead: { id: L-1, name: Ada Park, company: Acme }
              expect:
                abstain: false
                mentions: [Acme]
            """);
        var r = await _cli.RunAsync("qa", "run", "--suite", suite, "--fail-under", "0.95", "--json");
        Assert.Equal(3, r.Code);
        Assert.Equal(0.5, (double)r.Json["pass_rate"]!);
        var failure = Assert.Single(r.Json["failures"]!.AsArray())!;
        Assert.Equal("wrong-expectation", (string)failure["id"]!);
        Assert.Contains("risk level is", (string)failure["why"]!);
    }

    [Fact]
    public async Task QaRun_InvalidSuite_Exits2_WithFileLineColumn()
    {
        var suite = _cli.Write("broken.yaml", "- id: x\n  task: write_poem\n  input: { as_of: 2026-03-16 }\n  expect: { abstain: false }\n");
        var r = await _cli.RunAsync("qa", "run", "--suite", suite);
        Assert.Equal(2, r.Code);
        Assert.Matches(@"broken\.yaml:1:\d+: scenario 'x': 'task' must be one of", r.Err);
    }

    [Fact]
    public async Task QaSample_ThenReview_RecordsFiftyVerdicts_AndTheRunIsEvidence()
    {
        var db = _cli.PathOf("qa.db");
        Assert.Equal(0, (await _cli.RunAsync("qa", "run", "--suite", Suite, "--db", db, "--json")).Code);

        var sheet = _cli.PathOf("sheet.csv");
        var sample = await _cli.RunAsync("qa", "sample", "--suite", Suite, "--n", "50", "--seed", "3", "--out", sheet);
        Assert.Equal(0, sample.Code);
        Assert.Contains("sampled 50", sample.Err);

        // A reviewer fills the verdict column: every row correct.
        var text = File.ReadAllText(sheet);
        var filled = FillVerdicts(text, "correct");
        File.WriteAllText(sheet, filled);
        var review = await _cli.RunAsync("qa", "review", "--sheet", sheet, "--db", db, "--reviewer", "rev-01", "--json");
        Assert.Equal(0, review.Code);
        Assert.Equal(50, (int)review.Json["recorded"]!);
        Assert.Equal(50, (int)review.Json["reviewed_scenarios"]!);

        using var store = Storage.Sqlite.SqliteQaStore.Open(db);
        var latest = await store.LatestRunAsync();
        Assert.Equal(1.0, latest!.PassRate);
    }

    [Fact]
    public async Task QaReview_ABadVerdict_Exits2_AndRecordsNothing()
    {
        var sheet = _cli.Write("sheet.csv", "id,task,expected,outcome,output,verdict,notes\nx,lead_summary,answer,completed,\"text, with comma\",maybe,\n");
        var db = _cli.PathOf("qa.db");
        var r = await _cli.RunAsync("qa", "review", "--sheet", sheet, "--db", db, "--reviewer", "rev-01");
        Assert.Equal(2, r.Code);
        Assert.Contains("sheet.csv:2: scenario 'x': verdict must be 'correct' or 'incorrect'", r.Err);
    }

    [Fact]
    [Trait("spec", "7")]
    public async Task AgentRun_RiskAnalysis_PrintsTheAnswer_AndRecordsACompletedRun()
    {
        var db = await CrmDbAsync();
        var r = await _cli.RunAsync("agent", "run", "--task", "risk_analysis", "--opportunity", "O-0004", "--db", db, "--user", "ae-01", "--as-of", "2026-02-02", "--json");
        Assert.Equal(0, r.Code);
        var json = r.Json;
        Assert.Equal("completed", (string)json["outcome"]!);
        Assert.Contains((string)json["risk_level"]!, new[] { "low", "medium", "high" });
        Assert.Contains("Data as of 2026-02-02", (string)json["text"]!);
        Assert.Equal("builtin", (string)json["usage"]!["engine"]!);

        var export = await _cli.RunAsync("events", "export", "--db", db);
        var run = JsonNode.Parse(export.Out.Trim().Split('\n').Single())!;
        Assert.Equal("run", (string)run["type"]!);
        Assert.Equal((string)json["run"]!, (string)run["id"]!);
        Assert.Equal("ae-01", (string)run["user"]!);
        Assert.Equal("completed", (string)run["outcome"]!);
        Assert.Equal("builtin", (string)run["engine"]!);
        Assert.True((double)run["latency_ms"]! >= 0);
    }

    [Fact]
    [Trait("spec", "7")]
    public async Task AgentRun_ALeadWithoutNameCompanyOrActivity_Abstains_AndSaysWhy()
    {
        var db = await CrmDbAsync();
        var r = await _cli.RunAsync("agent", "run", "--task", "lead_summary", "--lead", "L-0015", "--db", db, "--user", "sdr-01", "--as-of", "2026-02-02");
        Assert.Equal(0, r.Code);
        Assert.Contains("declined (insufficient_lead_data)", r.Out);
        Assert.Contains("(abstained)", r.Out);
    }

    [Fact]
    public async Task AgentRun_WithAPlanBeforeAnyPhase_IsDenied_AndRunsNothing()
    {
        var db = await CrmDbAsync();
        _cli.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 3, 18, 0, 0, TimeSpan.Zero));
        var r = await _cli.RunAsync("agent", "run", "--task", "lead_summary", "--lead", "L-0001", "--db", db, "--user", "so-01", "--plan", CliRunner.ExamplePlan, "--json");
        Assert.Equal(0, r.Code);
        Assert.False((bool)r.Json["allowed"]!);
        Assert.Equal("no_active_phase", (string)r.Json["reason"]!);
        Assert.Equal("", (await _cli.RunAsync("events", "export", "--db", db)).Out);
    }

    [Theory]
    [InlineData("--task lead_summary --lead NOPE", "--lead: no lead 'NOPE'")]
    [InlineData("--task lead_summary --lead L-0001 --opportunity O-0004", "exactly one of --lead ID or --opportunity ID")]
    [InlineData("--task write_poem --lead L-0001", "--task: unknown task 'write_poem'")]
    [InlineData("--task lead_summary --lead L-0001 --as-of tomorrow", "--as-of: 'tomorrow' is not a date")]
    [InlineData("--task lead_summary --lead L-0001 --engine chat", "--endpoint is required with --engine chat")]
    public async Task AgentRun_BadInput_Exits2(string args, string expected)
    {
        var db = await CrmDbAsync();
        var r = await _cli.RunAsync(["agent", "run", "--db", db, "--user", "sdr-01", .. args.Split(' ')]);
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Err);
    }

    [Theory]
    [InlineData("agent run")]
    [InlineData("qa run")]
    [InlineData("qa sample")]
    [InlineData("qa review")]
    [InlineData("crm import")]
    public async Task NewCommands_HaveHelp(string command)
    {
        var r = await _cli.RunAsync([.. command.Split(' '), "--help"]);
        Assert.Equal(0, r.Code);
        Assert.Contains("Usage:", r.Out);
    }

    /// <summary>Sets the verdict (sixth) field of every data row, respecting quoted fields that span lines.</summary>
    private static string FillVerdicts(string csv, string verdict)
    {
        var sb = new System.Text.StringBuilder();
        var field = 0;
        var quoted = false;
        var header = true;
        foreach (var c in csv)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }

            if (!quoted && c == ',')
            {
                field++;
                sb.Append(c);
                if (field == 5 && !header)
                {
                    sb.Append(verdict);
                }

                continue;
            }

            if (!quoted && c == '\n')
            {
                field = 0;
                header = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
