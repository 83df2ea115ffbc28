using System.CommandLine;
using System.Text.Json.Nodes;
using Rollgate.Cli.Output;
using Rollgate.Core.Gates;
using Rollgate.Core.Metrics;
using Rollgate.Core.Reports;
using Spectre.Console;

namespace Rollgate.Cli.Commands;

/// <summary><c>rollgate gate</c>: the go/no-go decision of a phase and the action the plan names.</summary>
public static class GateCommand
{
    public static Command Create(CliContext ctx)
    {
        var plan = RollgateApp.PlanOption();
        var db = RollgateApp.DbOption();
        var phase = RollgateApp.Text("--phase", "The phase to judge", required: true);
        var at = RollgateApp.At();
        var sustained = RollgateApp.Flag("--sustained", "Also judge the weekly checks of the phase's sustain period (the full phase: go at four weekly checks in a row)");
        var json = RollgateApp.Json();
        var cmd = new Command("gate", "Judge a phase's go/no-go: go, no-go, hold or insufficient-data, with the plan's action") { plan, db, phase, at, sustained, json };
        cmd.SetAction(async (parse, ct) =>
        {
            var p = ctx.LoadPlan(parse.GetValue(plan));
            var ph = CliContext.Phase(p, parse.GetValue(phase));
            var when = ctx.At(parse.GetValue(at));
            using var store = ctx.OpenStore(parse.GetValue(db));
            var report = await GateEvaluator.EvaluateAsync(p, ph, store, when, parse.GetValue(sustained), ct);
            if (parse.GetValue(json))
            {
                ctx.WriteJson(ToJson(report, p));
            }
            else
            {
                Render(ctx.Console, report, p);
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    internal static JsonObject ToJson(GateReport report, Core.Plans.RolloutPlan plan) => ReportJson.Gate(report, plan);

    internal static void Render(IAnsiConsole console, GateReport report, Core.Plans.RolloutPlan plan)
    {
        var colour = report.Decision switch
        {
            GateDecision.Go => "green",
            GateDecision.NoGo => "red",
            GateDecision.Hold => "yellow",
            _ => "grey",
        };
        var window = report.From is { } from ? $"{CliContext.Local(from, plan)} to {CliContext.Local(report.To, plan)}" : "not started";
        console.MarkupLine($"Gate of [bold]{report.Phase}[/] ({Markup.Escape(window)}): [bold {colour}]{report.DecisionName}[/] → {Markup.Escape(report.Action.Describe())}");
        var table = new Table().AddColumn("Metric").AddColumn("Value").AddColumn("Target").AddColumn("Met").AddColumn("Shortfall").AddColumn(new TableColumn("n").RightAligned());
        foreach (var r in report.Rows)
        {
            var bound = r.Direction == "min" ? "≥" : "≤";
            var met = r.Met switch { true => "[green]yes[/]", false => "[red]no[/]", null => "[grey]no data[/]" };
            table.AddRow(
                r.Value.Name,
                Markup.Escape(MetricCatalog.FormatValue(r.Value.Metric, r.Value.Value)),
                Markup.Escape($"{bound} {MetricCatalog.FormatValue(r.Target.Metric, r.Target.Target)}"),
                met,
                r.Shortfall is { } s ? CliContext.Fixed(s, "0.0%") : "—",
                r.Value.N.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        console.Write(table);
        if (report.Sustained is { } sustained)
        {
            console.MarkupLine(Markup.Escape($"Sustained: go at {sustained.WeeksMet} of the last {sustained.WeeksRequired} weekly checks in a row" +
                (sustained.Met ? " — the phase's success is sustained." : " — not yet sustained.")));
        }

        console.MarkupLine(Markup.Escape($"No-go when a metric with data misses by more than {report.NoGoMargin:0%}; metrics without enough data hold the decision at insufficient-data."));
    }
}
