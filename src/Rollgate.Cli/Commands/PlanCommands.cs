using System.CommandLine;
using System.Text.Json.Nodes;
using Rollgate.Cli.Output;
using Rollgate.Core.Metrics;
using Rollgate.Core.Plans;
using Rollgate.Core.Time;
using Spectre.Console;

namespace Rollgate.Cli.Commands;

/// <summary><c>rollgate plan validate|show PLAN</c>.</summary>
public static class PlanCommands
{
    public static Command Create(CliContext ctx)
    {
        var plan = new Command("plan", "Check a rollout plan, or show it as a person reads it");
        plan.Subcommands.Add(Validate(ctx));
        plan.Subcommands.Add(Show(ctx));
        return plan;
    }

    private static Command Validate(CliContext ctx)
    {
        var file = new Argument<string>("PLAN") { Description = "The rollout plan YAML file" };
        var json = RollgateApp.Json();
        var cmd = new Command("validate", "Check a plan and its users file; every error is printed as FILE:LINE:COLUMN: message") { file, json };
        cmd.SetAction(parse =>
        {
            try
            {
                var p = PlanLoader.LoadFile(parse.GetValue(file)!);
                if (parse.GetValue(json))
                {
                    ctx.WriteJson(new JsonObject { ["valid"] = true, ["phases"] = new JsonArray([.. p.Phases.Select(x => (JsonNode)x.Id)]) });
                }
                else
                {
                    ctx.Out.WriteLine($"{parse.GetValue(file)}: valid — {p.Phases.Count} phases ({string.Join(", ", p.Phases.Select(x => x.Id))}), " +
                        $"{p.Users.Count} users, {p.Rollback.Triggers.Count} rollback triggers");
                }

                return RollgateApp.Ok;
            }
            catch (InvalidPlanException ex) when (parse.GetValue(json))
            {
                var errors = new JsonArray([.. ex.Errors.Select(e => (JsonNode)new JsonObject
                {
                    ["file"] = e.File, ["line"] = e.Line, ["column"] = e.Column, ["message"] = e.Message,
                })]);
                ctx.WriteJson(new JsonObject { ["valid"] = false, ["errors"] = errors });
                throw;
            }
        });
        return cmd;
    }

    private static Command Show(CliContext ctx)
    {
        var file = new Argument<string>("PLAN") { Description = "The rollout plan YAML file" };
        var json = RollgateApp.Json();
        var cmd = new Command("show", "Show the plan: phases, who, when, what, targets, gates, triggers and the rollback playbook") { file, json };
        cmd.SetAction(parse =>
        {
            var p = PlanLoader.LoadFile(parse.GetValue(file)!);
            if (parse.GetValue(json))
            {
                ctx.WriteJson(ToJson(p));
            }
            else
            {
                Render(ctx.Console, p);
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    private static JsonObject ToJson(RolloutPlan p) => new()
    {
        ["plan"] = p.Name,
        ["timezone"] = p.TimeZone.Id,
        ["users"] = p.Users.Count,
        ["phases"] = new JsonArray([.. p.Phases.Select(ph => (JsonNode)new JsonObject
        {
            ["id"] = ph.Id,
            ["name"] = ph.Name,
            ["cohort"] = new JsonArray([.. ph.Cohort.Roles.Select(r => (JsonNode)r)]),
            ["people"] = p.Users.WithRoles(ph.Cohort.Roles).Count,
            ["duration"] = ph.Duration is { } d ? Durations.Format(d) : null,
            ["tasks"] = new JsonArray([.. ph.Tasks.Select(t => (JsonNode)t)]),
            ["availability"] = ph.Availability.Describe(),
            ["rate_limit_per_hour"] = ph.RateLimits.PerUserPerHour,
            ["off_hours_rate_limit_per_hour"] = ph.RateLimits.OffHoursPerUserPerHour,
            ["no_go_margin"] = ph.GoNoGo.NoGoMargin,
            ["metrics"] = new JsonArray([.. ph.Metrics.Select(m => (JsonNode)new JsonObject
            {
                ["metric"] = MetricCatalog.Name(m.Metric),
                ["target"] = m.Target,
                ["direction"] = m.Direction == Direction.Min ? "min" : "max",
                ["population"] = new JsonArray([.. (m.Population ?? ph.Cohort.Roles).Select(r => (JsonNode)r)]),
            })]),
        })]),
        ["triggers"] = new JsonArray([.. p.Rollback.Triggers.Select(t => (JsonNode)new JsonObject
        {
            ["id"] = t.Id,
            ["kind"] = TriggerKinds.Of(t.Kind),
            ["description"] = t.Description,
        })]),
    };

    private static void Render(IAnsiConsole console, RolloutPlan p)
    {
        console.Write(new Rule($"[bold]{Markup.Escape(p.Name)}[/]").LeftJustified());
        var roles = p.Users.All.GroupBy(u => u.Role).Select(g => $"{g.Count()} {g.Key}");
        console.MarkupLine($"Time zone [bold]{p.TimeZone.Id}[/]; {p.Users.Count} people ({Markup.Escape(string.Join(", ", roles))}).");
        console.MarkupLine($"Lead-response baseline: {p.Baseline.From:yyyy-MM-dd} to {p.Baseline.To:yyyy-MM-dd} (local, end excluded).");
        console.WriteLine();

        if (p.PreLaunch.Checklist.Count > 0)
        {
            var pre = new Table().Title($"Pre-launch checklist{(p.PreLaunch.Duration is { } d ? $" ({Durations.Format(d)} before the first phase)" : "")}")
                .AddColumn("Item").AddColumn("Proven by");
            foreach (var item in p.PreLaunch.Checklist)
            {
                var proof = item.Evidence is not null
                    ? $"evidence: {item.Evidence}{(item.Threshold is { } t ? $" ≥ {t:0.##}" : "")}"
                    : $"sign-off by {item.SignOffRole ?? "someone"}";
                pre.AddRow(Markup.Escape(item.Text), Markup.Escape(proof));
            }

            console.Write(pre);
            console.MarkupLine($"Exit criteria: {Markup.Escape(p.PreLaunch.ExitCriteria)}");
            console.WriteLine();
        }

        var phases = new Table().Title("Phases").AddColumn("Phase").AddColumn("Who").AddColumn("When").AddColumn("For").AddColumn("Tasks").AddColumn("Rate limit");
        foreach (var ph in p.Phases)
        {
            var people = p.Users.WithRoles(ph.Cohort.Roles).Count;
            var limit = ph.RateLimits.PerUserPerHour is { } l ? $"{l}/user/hour" : "none";
            if (ph.RateLimits.OffHoursPerUserPerHour is { } off)
            {
                limit += $"; {off}/user/hour outside {ph.RateLimits.PeakHours?.Describe()}";
            }

            phases.AddRow(
                $"[bold]{ph.Id}[/]\n{Markup.Escape(ph.Name)}",
                Markup.Escape($"{string.Join(", ", ph.Cohort.Roles)} ({people} people)" + (ph.Cohort.Description is { } cd ? $"\n{cd}" : "")),
                Markup.Escape(ph.Availability.Describe() + " " + ShortZone(p)),
                ph.Duration is { } dur ? Durations.Format(dur) : "ongoing",
                Markup.Escape(string.Join("\n", ph.Tasks)),
                Markup.Escape(limit));
        }

        console.Write(phases);
        console.WriteLine();

        foreach (var ph in p.Phases)
        {
            var t = new Table().Title($"Success metrics: {ph.Id}").AddColumn("Metric").AddColumn("Target").AddColumn("Counts");
            foreach (var m in ph.Metrics)
            {
                var bound = m.Direction == Direction.Min ? "≥" : "≤";
                var counts = m.Population is null ? "the cohort" : string.Join(", ", m.Population) + " only";
                if (m.Window is { } w)
                {
                    counts += $", last {Durations.Format(w)}";
                }

                t.AddRow(MetricCatalog.Name(m.Metric), Markup.Escape($"{bound} {MetricCatalog.FormatValue(m.Metric, m.Target)}"), Markup.Escape(counts));
            }

            console.Write(t);
            var g = ph.GoNoGo;
            console.MarkupLine(Markup.Escape($"Go/no-go{(g.After is { } a ? $" after {Durations.Format(a)}" : "")}: go → {g.OnGo.Describe()}; no-go (any metric missed by more than {g.NoGoMargin:0%}) → {g.OnNoGo.Describe()}"));
            console.WriteLine();
        }

        var triggers = new Table().Title("Rollback triggers").AddColumn("Trigger").AddColumn("Kind").AddColumn("When");
        foreach (var t in p.Rollback.Triggers)
        {
            var kind = TriggerKinds.Of(t.Kind) + (t.Mode == TriggerMode.Propose ? " (proposed)" : "");
            triggers.AddRow(t.Id, kind, Markup.Escape(t.Description ?? ""));
        }

        console.Write(triggers);
        var steps = p.Rollback.Playbook.Select((s, i) => $"{i + 1}. {s.Text}{(s.Due is { } due ? $" (due {Durations.Format(due)} after the rollback)" : "")}");
        console.MarkupLine("Rollback playbook:\n  " + Markup.Escape(string.Join("\n  ", steps)));
    }

    private static string ShortZone(RolloutPlan p) => p.TimeZone.Id == "America/Los_Angeles" ? "PT" : p.TimeZone.Id;
}
