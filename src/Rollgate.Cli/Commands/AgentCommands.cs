using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rollgate.Agents.Agents;
using Rollgate.Agents.Agents.RiskAnalysis;
using Rollgate.Agents.Crm;
using Rollgate.Cli.Output;
using Rollgate.Core.Access;
using Rollgate.Core.Events;
using Rollgate.Core.Time;
using Rollgate.Storage.Sqlite;
using Spectre.Console;

namespace Rollgate.Cli.Commands;

/// <summary><c>rollgate agent run</c>: one agent task on a lead or an opportunity from the store's CRM, recorded as a run.</summary>
public static class AgentCommands
{
    public static Command Create(CliContext ctx)
    {
        var agent = new Command("agent", "Run the GTM agents on CRM records");
        agent.Subcommands.Add(Run(ctx));
        return agent;
    }

    private static Command Run(CliContext ctx)
    {
        var task = RollgateApp.Text("--task", $"The task: {string.Join(", ", AgentTasks.All)}", required: true);
        var lead = RollgateApp.Text("--lead", "The lead's id (lead_summary, follow_up)");
        var opportunity = RollgateApp.Text("--opportunity", "The opportunity's id (risk_analysis, follow_up)");
        var db = RollgateApp.DbOption();
        var user = RollgateApp.Text("--user", "Who asks (a user id); the run is recorded under it", required: true);
        var asOf = RollgateApp.Text("--as-of", "The date the agent takes as today, YYYY-MM-DD (default: today in the plan's time zone, else UTC)");
        var plan = RollgateApp.Text("--plan", "Check the access rules of this plan first (who may use which task when)");
        var json = RollgateApp.Json();
        var engine = EngineOptions.Create();
        var cmd = new Command("run", "Run an agent on a lead or an opportunity, print the answer (or why it declined) and record the run")
        {
            task, lead, opportunity, db, user, asOf, plan, json,
        };
        engine.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            var taskId = parse.GetValue(task)!;
            if (!AgentRunner.IsTask(taskId))
            {
                throw new UsageException($"--task: unknown task '{taskId}' (one of {string.Join(", ", AgentTasks.All)})");
            }

            var (leadId, opportunityId) = (parse.GetValue(lead), parse.GetValue(opportunity));
            if ((leadId is null) == (opportunityId is null))
            {
                throw new UsageException("give exactly one of --lead ID or --opportunity ID");
            }

            var p = parse.GetValue(plan) is { } planPath ? ctx.LoadPlan(planPath) : null;
            var now = ctx.Clock.GetUtcNow();
            var day = AsOf(parse.GetValue(asOf), now, p?.TimeZone);
            var who = parse.GetValue(user)!;
            var path = parse.GetValue(db);
            using var events = ctx.OpenStore(path);
            using var crm = SqliteCrmStore.Open(path!);

            if (p is not null)
            {
                var decision = AccessPolicy.Decide(p, await PhaseState.AtAsync(p, events, now, ct), who, taskId, now);
                if (!decision.Allowed)
                {
                    Denied(ctx, parse.GetValue(json), decision);
                    return RollgateApp.Ok;
                }
            }

            var input = leadId is not null ? await crm.LeadInputAsync(leadId, day, ct) : await crm.OpportunityInputAsync(opportunityId!, day, ct);
            if (input is null)
            {
                throw new UsageException(leadId is not null ? $"--lead: no lead '{leadId}' in the store's CRM" : $"--opportunity: no opportunity '{opportunityId}' in the store's CRM");
            }

            var agentEngine = engine.Build(parse);
            using var owned = agentEngine as IDisposable;
            var outcome = await new AgentRunner(agentEngine).RunAsync(taskId, input, ct);
            var runId = "run-" + Guid.NewGuid().ToString("N")[..16];
            var outcomeKind = outcome.Kind switch
            {
                OutcomeKind.Answered => RunOutcome.Completed,
                OutcomeKind.Abstained => RunOutcome.Abstained,
                _ => RunOutcome.Error,
            };
            var usage = outcome.Usage;
            var run = new Run(now, runId, who, taskId, outcomeKind, usage?.LatencyMs, Engine: usage?.Engine ?? agentEngine.Name, Model: usage?.Model,
                InputTokens: usage?.InputTokens, OutputTokens: usage?.OutputTokens);
            var recorded = await events.AppendAsync([run], cancellationToken: ct);
            if (!recorded.Succeeded)
            {
                throw new InvalidOperationException("the run could not be recorded: " + string.Join("; ", recorded.Errors));
            }

            if (parse.GetValue(json))
            {
                ctx.WriteJson(ToJson(runId, outcome, day));
            }
            else
            {
                Render(ctx.Console, runId, outcome);
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    private static DateOnly AsOf(string? text, DateTimeOffset now, TimeZoneInfo? zone)
    {
        if (text is null)
        {
            return zone is null ? DateOnly.FromDateTime(now.UtcDateTime) : LocalCalendar.DateOf(now, zone);
        }

        return CliContext.Date("--as-of", text);
    }

    private static void Denied(CliContext ctx, bool json, AccessDecision decision)
    {
        if (json)
        {
            ctx.WriteJson(new JsonObject { ["allowed"] = false, ["reason"] = decision.ReasonName, ["phase"] = decision.Phase });
        }
        else
        {
            ctx.Console.MarkupLine($"[red]Not allowed[/] ({decision.ReasonName}): {Markup.Escape(AccessReasons.Explain(decision.Reason))}. Nothing was run.");
        }
    }

    internal static JsonObject ToJson(string runId, AgentOutcome outcome, DateOnly asOf) => AgentOutcomeJson.Of(runId, outcome, asOf);

    private static void Render(IAnsiConsole console, string runId, AgentOutcome outcome)
    {
        switch (outcome.Kind)
        {
            case OutcomeKind.Answered:
                console.WriteLine(outcome.Answer!.Render());
                break;
            case OutcomeKind.Abstained:
                console.MarkupLine($"[yellow]The agent declined[/] ({Markup.Escape(outcome.Abstention!.Code)}): {Markup.Escape(outcome.Abstention.Sentence)}");
                break;
            default:
                console.MarkupLine($"[red]The run failed[/] and nothing is shown: {Markup.Escape(outcome.Error ?? "unknown error")}");
                break;
        }

        console.MarkupLine($"[grey]Recorded as run {runId} ({outcome.RunOutcome}).[/]");
    }
}
