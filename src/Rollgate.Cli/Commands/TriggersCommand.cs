using System.CommandLine;
using System.Text.Json.Nodes;
using Rollgate.Cli.Output;
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

    internal static JsonObject ToJson(TriggerReport report, Core.Plans.RolloutPlan plan) => new()
    {
        ["at"] = CliContext.Time(report.At),
        ["phase"] = report.Phase,
        ["fired"] = new JsonArray([.. report.Fired.Select(f => (JsonNode)new JsonObject { ["id"] = f.Id, ["kind"] = f.Kind, ["reason"] = f.Reason })]),
        ["checked"] = new JsonArray([.. report.Checked.Select(c => (JsonNode)new JsonObject
        {
            ["id"] = c.Id,
            ["kind"] = c.Kind,
            ["fired"] = c.Fired,
            ["reason"] = c.Reason,
            ["held_since"] = c.HeldSince is { } h ? CliContext.Time(h, plan) : null,
        })]),
    };

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
