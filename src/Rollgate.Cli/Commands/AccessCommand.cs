using System.CommandLine;
using System.Text.Json.Nodes;
using Rollgate.Cli.Output;
using Rollgate.Core.Access;
using Spectre.Console;

namespace Rollgate.Cli.Commands;

/// <summary><c>rollgate access</c>: may this person use this agent at this moment?</summary>
public static class AccessCommand
{
    public static Command Create(CliContext ctx)
    {
        var plan = RollgateApp.PlanOption();
        var db = RollgateApp.DbOption();
        var user = RollgateApp.Text("--user", "The user id (from the plan's users file)", required: true);
        var task = RollgateApp.Text("--task", "The agent task, e.g. lead_summary", required: true);
        var at = RollgateApp.At();
        var json = RollgateApp.Json();
        var cmd = new Command("access", "Decide whether a user may run a task at a moment (SPEC 4; rate limits are the server's)") { plan, db, user, task, at, json };
        cmd.SetAction(async (parse, ct) =>
        {
            var p = ctx.LoadPlan(parse.GetValue(plan));
            var taskId = parse.GetValue(task)!;
            if (!p.Tasks.Contains(taskId))
            {
                throw new UsageException($"--task: unknown task '{taskId}' (the plan's tasks are {string.Join(", ", p.Tasks)})");
            }

            var when = ctx.At(parse.GetValue(at));
            using var store = ctx.OpenStore(parse.GetValue(db));
            var state = await PhaseState.AtAsync(p, store, when, ct);
            var decision = AccessPolicy.Decide(p, state, parse.GetValue(user)!, taskId, when);
            if (parse.GetValue(json))
            {
                ctx.WriteJson(new JsonObject { ["allowed"] = decision.Allowed, ["reason"] = decision.ReasonName, ["phase"] = decision.Phase });
            }
            else
            {
                var verdict = decision.Allowed ? "[green]allowed[/]" : $"[red]denied[/] ({decision.ReasonName}: {Markup.Escape(AccessReasons.Explain(decision.Reason))})";
                ctx.Console.MarkupLine($"{Markup.Escape(parse.GetValue(user)!)} → {taskId} at {Markup.Escape(CliContext.Local(when, p))}: {verdict}; phase {Markup.Escape(decision.Phase ?? "none")}");
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }
}
