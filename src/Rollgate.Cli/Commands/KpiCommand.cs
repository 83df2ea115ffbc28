using System.CommandLine;
using System.Text.Json.Nodes;
using Rollgate.Cli.Output;
using Rollgate.Core.Metrics;
using Rollgate.Core.Reports;
using Spectre.Console;

namespace Rollgate.Cli.Commands;

/// <summary><c>rollgate kpi</c>: a phase's success metrics with n and 95% intervals.</summary>
public static class KpiCommand
{
    public static Command Create(CliContext ctx)
    {
        var plan = RollgateApp.PlanOption();
        var db = RollgateApp.DbOption();
        var phase = RollgateApp.Text("--phase", "The phase whose metrics to compute", required: true);
        var at = RollgateApp.At();
        var json = RollgateApp.Json();
        var cmd = new Command("kpi", "Compute a phase's success metrics over its window [latest start, --at)") { plan, db, phase, at, json };
        cmd.SetAction(async (parse, ct) =>
        {
            var p = ctx.LoadPlan(parse.GetValue(plan));
            var ph = CliContext.Phase(p, parse.GetValue(phase));
            var when = ctx.At(parse.GetValue(at));
            using var store = ctx.OpenStore(parse.GetValue(db));
            var report = await new KpiCalculator(p, store).ForPhaseAsync(ph, when, ct);
            if (parse.GetValue(json))
            {
                ctx.WriteJson(new JsonObject
                {
                    ["phase"] = report.Phase,
                    ["from"] = report.From is { } f ? CliContext.Time(f, p) : null,
                    ["to"] = CliContext.Time(report.To),
                    ["metrics"] = new JsonArray([.. report.Metrics.Select(m => (JsonNode)MetricJson(m))]),
                });
                return RollgateApp.Ok;
            }

            ctx.Console.MarkupLine(report.From is { } from
                ? $"Phase [bold]{report.Phase}[/] from {Markup.Escape(CliContext.Local(from, p))} to {Markup.Escape(CliContext.Local(report.To, p))}"
                : $"Phase [bold]{report.Phase}[/] has not started before {Markup.Escape(CliContext.Local(report.To, p))}: no data");
            var table = new Table().AddColumn("Metric").AddColumn("Value").AddColumn("95% interval").AddColumn(new TableColumn("n").RightAligned());
            foreach (var m in report.Metrics)
            {
                table.AddRow(m.Name, Markup.Escape(MetricCatalog.FormatValue(m.Metric, m.Value) + (m.HasData ? "" : " (no data)")),
                    Markup.Escape(IntervalText(m)), m.N.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            ctx.Console.Write(table);
            return RollgateApp.Ok;
        });
        return cmd;
    }

    internal static JsonObject MetricJson(MetricValue m) => ReportJson.Metric(m);

    internal static string IntervalText(MetricValue m) => m.Ci.Low is { } lo && m.Ci.High is { } hi
        ? $"{MetricCatalog.FormatValue(m.Metric, lo)} – {MetricCatalog.FormatValue(m.Metric, hi)}"
        : "—";
}
