using System.CommandLine;
using System.Text.Json.Nodes;
using Rollgate.Cli.Output;
using Rollgate.Core.Reports;
using Rollgate.Core.Triggers;
using Spectre.Console;

namespace Rollgate.Cli.Commands;

/// <summary><c>rollgate triggers</c>: which rollback triggers fire at a moment, and why.</summary>
public static class TriggersCommand
{
    public static Command Create(CliContext ctx)
    {
        var plan = RollgateApp.PlanOption();
        var db = RollgateApp.DbOption();
        var at = RollgateApp.At();
        var json = RollgateApp.Json();
        var cmd = new Command("triggers", "Judge the plan's full and partial rollback triggers at a moment") { plan, db, at, json };
        cmd.SetAction(async (parse, ct) =>
        {
            var p = ctx.LoadPlan(parse.GetValue(plan));
            var when = ctx.At(parse.GetValue(at));
            using var store = ctx.OpenStore(parse.GetValue(db));
            var report = await new TriggerEvaluator(p, store).EvaluateAsync(when, ct);
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

    internal static JsonObject ToJson(TriggerReport report, Core.Plans.RolloutPlan plan) => ReportJson.Triggers(report, plan);

    internal static void Render(IAnsiConsole console, TriggerReport report, Core.Plans.RolloutPlan plan)
    {
        var fired = report.Fired.Count();
        console.MarkupLine($"Triggers at {Markup.Escape(CliContext.Local(report.At, plan))}, phase [bold]{Markup.Escape(report.Phase ?? "none")}[/]: " +
            (fired == 0 ? "[green]none fired[/]" : $"[bold red]{fired} fired[/]"));
        var table = new Table().AddColumn("Trigger").AddColumn("Kind").AddColumn("State").AddColumn("Why");
        foreach (var c in report.Checked)
        {
            table.AddRow(c.Id, c.Kind, c.Fired ? "[bold red]FIRED[/]" : "[green]ok[/]", Markup.Escape(c.Reason));
        }

        console.Write(table);
    }
}
