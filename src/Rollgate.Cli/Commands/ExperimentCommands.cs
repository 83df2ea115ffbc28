using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rollgate.Cli.Output;
using Rollgate.Core.Events;
using Rollgate.Core.Experiments;
using Rollgate.Core.Reports;
using Spectre.Console;

namespace Rollgate.Cli.Commands;

/// <summary><c>rollgate experiment assign|report</c>: A/B tests between agent variants (SPEC 5).</summary>
public static class ExperimentCommands
{
    public static Command Create(CliContext ctx) => new("experiment", "A/B tests between agent variants: who gets which variant, and what the runs show")
    {
        Assign(ctx),
        Report(ctx),
    };

    private static Option<string> Key() => RollgateApp.Text("--experiment", "The experiment's key (also the seed of its split)", required: true);

    private static Command Assign(CliContext ctx)
    {
        var key = Key();
        var user = RollgateApp.Text("--user", "The user id", required: true);
        var json = RollgateApp.Json();
        var cmd = new Command("assign", "Say which variant a person gets: GrowthBook's version-2 hash of the key and the user id") { key, user, json };
        cmd.SetAction(parse =>
        {
            var (experiment, person) = (NotBlank(parse.GetValue(key), "--experiment"), NotBlank(parse.GetValue(user), "--user"));
            var bucket = ExperimentAssignment.Bucket(experiment, person);
            var variant = WireNames.Of(ExperimentAssignment.Assign(experiment, person));
            if (parse.GetValue(json))
            {
                ctx.WriteJson(new JsonObject { ["variant"] = variant, ["bucket"] = bucket });
            }
            else
            {
                ctx.Console.MarkupLine($"{Markup.Escape(person)} in {Markup.Escape(experiment)}: [bold]{variant}[/] (bucket {bucket.ToString("0.0000", CultureInfo.InvariantCulture)}; below {ExperimentAssignment.Split.ToString(CultureInfo.InvariantCulture)} is control)");
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    private static Command Report(CliContext ctx)
    {
        var plan = RollgateApp.PlanOption();
        var db = RollgateApp.DbOption();
        var key = Key();
        var at = RollgateApp.At();
        var json = RollgateApp.Json();
        var cmd = new Command("report", "Compare an experiment's variants from the runs that carry its key, with the plan's guardrails") { plan, db, key, at, json };
        cmd.SetAction(async (parse, ct) =>
        {
            var p = ctx.LoadPlan(parse.GetValue(plan));
            var experiment = NotBlank(parse.GetValue(key), "--experiment");
            var when = ctx.At(parse.GetValue(at));
            using var store = ctx.OpenStore(parse.GetValue(db));
            var report = await new ExperimentAnalysis(p.Experiments, store).ReportAsync(experiment, when, ct);
            if (parse.GetValue(json))
            {
                ctx.WriteJson(ReportJson.Experiment(report, p));
            }
            else
            {
                Render(ctx.Console, report, p);
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    private static string NotBlank(string? value, string option) =>
        string.IsNullOrWhiteSpace(value) ? throw new UsageException($"{option}: give a non-empty value") : value;

    private static void Render(IAnsiConsole console, ExperimentReport report, Core.Plans.RolloutPlan plan)
    {
        var status = report.Final ? "[green]final[/]" : "[yellow]running[/] (interim: intervals and p-values are not decisions yet)";
        console.MarkupLine($"Experiment [bold]{Markup.Escape(report.Experiment)}[/] at {Markup.Escape(CliContext.Local(report.At, plan))}: {status}");
        if (report.Started is null)
        {
            console.MarkupLine($"No run before this moment carries the key '{Markup.Escape(report.Experiment)}'.");
        }
        else
        {
            console.MarkupLine($"Started with its first run at {Markup.Escape(CliContext.Local(report.Started.Value, plan))}.");
        }

        var variants = new Table().AddColumn("Variant").AddColumn("Users", c => c.RightAligned()).AddColumn("Runs", c => c.RightAligned())
            .AddColumn("Error rate", c => c.RightAligned()).AddColumn("Task accuracy", c => c.RightAligned()).AddColumn("Satisfaction", c => c.RightAligned());
        foreach (var v in report.Variants)
        {
            variants.AddRow(WireNames.Of(v.Variant), v.Users.ToString("N0", CultureInfo.InvariantCulture), v.Runs.ToString("N0", CultureInfo.InvariantCulture), Percent(v.ErrorRate, v.Runs), Percent(v.TaskAccuracy, v.Reviews), Mean(v.UserSatisfaction, v.Ratings));
        }

        console.Write(variants);
        var comparisons = new Table().AddColumn("Metric").AddColumn("Treatment − control", c => c.RightAligned())
            .AddColumn("95% interval", c => c.RightAligned()).AddColumn("p", c => c.RightAligned());
        foreach (var c in report.Comparisons)
        {
            comparisons.AddRow(c.Metric, Number(c.Diff), c.CiLow is { } lo && c.CiHigh is { } hi ? $"[[{Number(lo)}, {Number(hi)}]]" : "-",
                c.PValue is { } pv ? (c.Significant ? $"[bold]{Number(pv)}[/]" : Number(pv)) : "-");
        }

        console.Write(comparisons);
        var guardrails = new Table().AddColumn("Guardrail").AddColumn("State").AddColumn("Detail");
        foreach (var g in report.Guardrails)
        {
            guardrails.AddRow(g.Id, g.Ok ? "[green]ok[/]" : "[red]not met[/]", Markup.Escape(g.Detail));
        }

        console.Write(guardrails);
        console.MarkupLine($"Recommendation: [bold]{report.Recommendation.Code}[/]: {Markup.Escape(report.Recommendation.Sentence)}");
    }

    private static string Percent(double? value, long n) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v * 100:0.0}% (n={n:N0})") : "-";

    private static string Mean(double? value, long n) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0.00} (n={n:N0})") : "-";

    private static string Number(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "-";
}
