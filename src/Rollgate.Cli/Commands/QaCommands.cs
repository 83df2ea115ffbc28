using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rollgate.Agents.Agents;
using Rollgate.Agents.Qa;
using Rollgate.Cli.Output;
using Spectre.Console;

namespace Rollgate.Cli.Commands;

/// <summary><c>rollgate qa run|sample|review</c>: the QA suite that gates launch, and its manual review.</summary>
public static class QaCommands
{
    /// <summary>Exit status of <c>qa run</c> when the pass rate is below <c>--fail-under</c> (SPEC 6).</summary>
    public const int BelowGate = 3;

    public static Command Create(CliContext ctx)
    {
        var qa = new Command("qa", "Run the agents' QA suite (the launch gate), sample scenarios for manual review, record the review");
        qa.Subcommands.Add(Run(ctx));
        qa.Subcommands.Add(Sample(ctx));
        qa.Subcommands.Add(Review(ctx));
        return qa;
    }

    private static Option<string> Suite() => RollgateApp.Text("--suite", "The QA suite YAML file", required: true);

    private static Command Run(CliContext ctx)
    {
        var suite = Suite();
        var engine = EngineOptions.Create();
        var failUnder = new Option<double?>("--fail-under") { Description = "Exit 3 when the pass rate is below this (e.g. 0.95, the launch gate)" };
        var db = RollgateApp.Text("--db", "Record the run in this store, as evidence for the pre-launch checklist");
        var json = RollgateApp.Json();
        var cmd = new Command("run", "Run every scenario of a suite and report pass rate, coverage and abstention precision and recall")
        {
            suite, failUnder, db, json,
        };
        engine.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            var gate = parse.GetValue(failUnder);
            if (gate is < 0 or > 1)
            {
                throw new UsageException($"--fail-under: {gate} must be between 0 and 1");
            }

            var s = LoadSuite(parse.GetValue(suite)!);
            var agentEngine = engine.Build(parse);
            using var owned = agentEngine as IDisposable;
            var runner = new QaRunner(new AgentRunner(agentEngine));
            var report = await runner.RunAsync(s, cancellationToken: ct);
            if (parse.GetValue(db) is { } path)
            {
                using var store = ctx.OpenQaStore(path);
                await store.RecordRunAsync(new QaRunRecord(ctx.Clock.GetUtcNow(), s.Path, report.Engine, report.Total, report.Passed, report.PassRate, report.Coverage), ct);
            }

            if (parse.GetValue(json))
            {
                ctx.WriteJson(ToJson(report));
            }
            else
            {
                Render(ctx.Console, report, gate);
            }

            return gate is { } g && (report.PassRate ?? 0) < g ? BelowGate : RollgateApp.Ok;
        });
        return cmd;
    }

    private static Command Sample(CliContext ctx)
    {
        var suite = Suite();
        var n = new Option<int>("--n") { Description = "How many scenarios to draw", DefaultValueFactory = _ => 50 };
        var seed = new Option<ulong>("--seed") { Description = "The draw's seed (the same seed draws the same sample)", DefaultValueFactory = _ => 1 };
        var output = RollgateApp.Text("--out", "Write the review sheet (CSV) to this file instead of stdout");
        var engine = EngineOptions.Create();
        var cmd = new Command("sample", "Draw representative scenarios (stratified by task and expected behaviour) into a review sheet with the agents' outputs")
        {
            suite, n, seed, output,
        };
        engine.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            var count = parse.GetValue(n);
            if (count < 1)
            {
                throw new UsageException($"--n: {count} must be at least 1");
            }

            var s = LoadSuite(parse.GetValue(suite)!);
            var sample = QaSampler.Sample(s, count, parse.GetValue(seed));
            var agentEngine = engine.Build(parse);
            using var owned = agentEngine as IDisposable;
            var runner = new QaRunner(new AgentRunner(agentEngine));
            var results = new List<QaResult>();
            foreach (var scenario in sample)
            {
                results.Add(await runner.RunAsync(scenario, ct));
            }

            var sheet = ReviewSheet.Write(results);
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, sheet, ct);
                var strata = sample.GroupBy(x => $"{x.Task}/{(x.Expect.Abstain ? "abstain" : "answer")}").Select(g => $"{g.Key} {g.Count()}");
                await ctx.Error.WriteLineAsync($"sampled {sample.Count} of {s.Scenarios.Count} scenarios into {path} ({string.Join(", ", strata)}); fill the verdict column with correct or incorrect, then run 'rollgate qa review'");
            }
            else
            {
                await ctx.Out.WriteAsync(sheet);
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    private static Command Review(CliContext ctx)
    {
        var sheet = RollgateApp.Text("--sheet", "The review sheet with verdicts filled in", required: true);
        var db = RollgateApp.DbOption();
        var reviewer = RollgateApp.Text("--reviewer", "Who reviewed (a user id)", required: true);
        var json = RollgateApp.Json();
        var cmd = new Command("review", "Record a reviewer's verdicts from a filled review sheet (all or nothing)") { sheet, db, reviewer, json };
        cmd.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(sheet)!;
            if (!File.Exists(path))
            {
                throw new UsageException($"{path}: no such file");
            }

            var errors = new List<string>();
            var rows = ReviewSheet.Read(await File.ReadAllTextAsync(path, ct), path, errors);
            if (errors.Count > 0)
            {
                foreach (var e in errors)
                {
                    await ctx.Error.WriteLineAsync(e);
                }

                throw new UsageException($"{path}: {errors.Count} problem{(errors.Count == 1 ? "" : "s")}; no verdict was recorded");
            }

            if (rows.Count == 0)
            {
                throw new UsageException($"{path}: no verdicts in the sheet");
            }

            using var store = ctx.OpenQaStore(parse.GetValue(db));
            var now = ctx.Clock.GetUtcNow();
            var who = parse.GetValue(reviewer)!;
            await store.RecordReviewsAsync([.. rows.Select(r => new QaReviewRecord(now, r.Id, who, r.Verdict, r.Notes.Length == 0 ? null : r.Notes))], ct);
            var total = await store.ReviewedScenarioCountAsync(ct);
            var correct = rows.Count(r => r.Verdict == "correct");
            if (parse.GetValue(json))
            {
                ctx.WriteJson(new JsonObject { ["recorded"] = rows.Count, ["correct"] = correct, ["incorrect"] = rows.Count - correct, ["reviewed_scenarios"] = total });
            }
            else
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"recorded {rows.Count} verdicts by {who} ({correct} correct, {rows.Count - correct} incorrect); {total} distinct scenarios reviewed in all"));
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    private static QaSuite LoadSuite(string path)
    {
        try
        {
            return QaSuite.Load(path);
        }
        catch (QaSuiteException ex)
        {
            throw new UsageException(string.Join(Environment.NewLine, ex.Errors));
        }
    }

    internal static JsonObject ToJson(QaReport report) => new()
    {
        ["engine"] = report.Engine,
        ["total"] = report.Total,
        ["passed"] = report.Passed,
        ["pass_rate"] = CliContext.Number(report.PassRate),
        ["coverage"] = CliContext.Number(report.Coverage),
        ["abstention_precision"] = CliContext.Number(report.AbstentionPrecision),
        ["abstention_recall"] = CliContext.Number(report.AbstentionRecall),
        ["failures"] = new JsonArray([.. report.Results.Where(r => !r.Passed).Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["why"] = string.Join("; ", r.Why) })]),
        ["results"] = new JsonArray([.. report.Results.Select(r => (JsonNode)new JsonObject
        {
            ["id"] = r.Id,
            ["task"] = r.Task,
            ["passed"] = r.Passed,
            ["abstained"] = r.Abstained,
            ["outcome"] = r.Outcome,
            ["text"] = r.Text,
            ["risk_level"] = r.RiskLevel,
            ["risk_factors"] = r.RiskFactors is { } f ? new JsonArray([.. f.Select(x => (JsonNode)x)]) : null,
        })]),
    };

    private static void Render(IAnsiConsole console, QaReport report, double? gate)
    {
        static string Pct(double? v) => v is { } x ? x.ToString("0.0%", CultureInfo.InvariantCulture) : "—";
        var verdict = gate is { } bar ? ((report.PassRate ?? 0) >= bar ? $" — [green]passes the {Pct(bar)} gate[/]" : $" — [red]below the {Pct(bar)} gate[/]") : "";
        console.MarkupLine($"QA ({report.Engine} engine): [bold]{report.Passed}/{report.Total}[/] passed, pass rate [bold]{Pct(report.PassRate)}[/]{verdict}");
        console.MarkupLine($"Coverage (answered) {Pct(report.Coverage)}; abstention precision {Pct(report.AbstentionPrecision)}, recall {Pct(report.AbstentionRecall)}");
        var byTask = new Table().AddColumn("Task").AddColumn("Scenarios").AddColumn("Passed").AddColumn("Abstained");
        foreach (var g in report.Results.GroupBy(r => r.Task))
        {
            byTask.AddRow(g.Key, g.Count().ToString(CultureInfo.InvariantCulture), g.Count(r => r.Passed).ToString(CultureInfo.InvariantCulture),
                g.Count(r => r.Abstained).ToString(CultureInfo.InvariantCulture));
        }

        console.Write(byTask);
        var failures = report.Results.Where(r => !r.Passed).ToList();
        if (failures.Count > 0)
        {
            var t = new Table().Title("Failures").AddColumn("Scenario").AddColumn("Why");
            foreach (var f in failures)
            {
                t.AddRow(Markup.Escape(f.Id), Markup.Escape(string.Join("; ", f.Why)));
            }

            console.Write(t);
        }
    }
}
