using System.CommandLine;
using System.Text.Json.Nodes;
using Rollgate.Cli.Output;
using Rollgate.Core.Events;
using Rollgate.Server.Operations;
using Rollgate.Server.Phases;
using Rollgate.Storage.Sqlite;
using Spectre.Console;

namespace Rollgate.Cli.Commands;

/// <summary>
/// The rollout's operations from the command line, with the server's rules: <c>phase start</c>, <c>checklist</c>,
/// <c>kill-switch</c>, <c>directive</c>, <c>incident</c> and <c>bug</c>. A refusal exits 3 with its reason.
/// </summary>
public static class RolloutCommands
{
    public static IEnumerable<Command> Create(CliContext ctx) => [Phase(ctx), Checklist(ctx), KillSwitch(ctx), Directive(ctx), Rollback(ctx), Guard(ctx), Notify(ctx), Incident(ctx), Bug(ctx), Hold(ctx)];

    private static Command Phase(CliContext ctx)
    {
        var phase = RollgateApp.Text("--phase", "The phase to start", required: true);
        var reason = RollgateApp.Text("--reason", "Why (required with --override)");
        var force = RollgateApp.Flag("--override", "Start even though the rules say not yet (an exec only, with --reason)");
        var start = Operation(ctx, "start", "Start a phase: the pilot once the checklist is complete, a later phase once the previous gate says go (approved by a sales ops --by)",
            [phase, reason, force],
            async (session, by, parse, ct) =>
            {
                var started = await session.Control.StartPhaseAsync(by, parse.GetValue(phase)!, parse.GetValue(reason), parse.GetValue(force), ct);
                return (Event(started), $"Started '{started.Phase}' at {CliContext.Time(started.Ts, session.Plan)}, approved by {by}.");
            });
        return new Command("phase", "Phases with approvals") { start };
    }

    private static Command Checklist(CliContext ctx)
    {
        var plan = RollgateApp.PlanOption();
        var db = RollgateApp.DbOption();
        var json = RollgateApp.Json();
        var show = new Command("show", "The pre-launch checklist: each item done or not, with its proof") { plan, db, json };
        show.SetAction(async (parse, ct) =>
        {
            await using var session = ControlSession.Open(ctx, parse.GetValue(plan), ctx.ExistingStorePath(parse.GetValue(db)));
            Report(ctx, parse.GetValue(json), await session.Checklist.JudgeAsync(ct));
            return RollgateApp.Ok;
        });

        var item = RollgateApp.Text("--item", "The checklist item's id", required: true);
        var note = RollgateApp.Text("--note", "What was reviewed, or where the proof is");
        var signOff = Operation(ctx, "sign-off", "Sign off a checklist item left to a named role (as --by)", [item, note],
            async (session, by, parse, ct) =>
            {
                await session.Control.SignOffAsync(by, parse.GetValue(item)!, parse.GetValue(note), ct);
                var report = await session.Checklist.JudgeAsync(ct);
                var done = report.Items.Count(i => i.Done);
                return (PhaseApi.Json(report), $"'{parse.GetValue(item)}' signed off by {by}; the checklist has {done} of {report.Items.Count} items done.");
            });
        return new Command("checklist", "The pre-launch checklist") { show, signOff };
    }

    private static Command KillSwitch(CliContext ctx)
    {
        var cmd = new Command("kill-switch", "Stop every agent at once (off), or restore the phase (on); sales ops");
        foreach (var on in new[] { false, true })
        {
            var reason = RollgateApp.Text("--reason", "Why (told to everyone, kept on the audit trail)");
            cmd.Subcommands.Add(Operation(ctx, on ? "on" : "off", on ? "Restore the phase the kill switch stopped" : "Stop every agent at once", [reason],
                async (session, by, parse, ct) =>
                {
                    var evt = await session.Control.KillSwitchAsync(by, on, parse.GetValue(reason), ct);
                    var body = Event(evt);
                    body["agents"] = on ? "on" : "off";
                    return (body, on ? $"Agents on: '{((PhaseStarted)evt).Phase}' restored by {by}." : $"Agents off, by {by}: every agent request is now refused (no_active_phase).");
                }));
        }

        return cmd;
    }

    private static Command Directive(CliContext ctx)
    {
        var reason = RollgateApp.Text("--reason", "Why");
        return Operation(ctx, "directive", "An executive directive to roll back (as an exec --by)", [reason], async (session, by, parse, ct) =>
        {
            var d = await session.Control.DirectiveAsync(by, "rollback", parse.GetValue(reason), ct);
            return (Event(d), $"Directive to roll back recorded, by {by}.");
        });
    }

    private static Command Incident(CliContext ctx)
    {
        var id = RollgateApp.Text("--id", "The incident's id (default: a new one)");
        var severity = RollgateApp.Text("--severity", "critical, high, medium or low", required: true);
        var category = RollgateApp.Text("--category", "security, privacy, quality, availability or other", required: true);
        var title = RollgateApp.Text("--title", "What happened");
        var open = Operation(ctx, "open", "Report an incident", [id, severity, category, title], async (session, by, parse, ct) =>
        {
            if (!WireNames.TryParse(parse.GetValue(severity)!, out Severity s))
            {
                throw new UsageException($"--severity: '{parse.GetValue(severity)}' is not critical, high, medium or low");
            }

            if (!WireNames.TryParse(parse.GetValue(category)!, out IncidentCategory c))
            {
                throw new UsageException($"--category: '{parse.GetValue(category)}' is not security, privacy, quality, availability or other");
            }

            var incident = await session.Control.OpenIncidentAsync(by, parse.GetValue(id), s, c, parse.GetValue(title), ct);
            return (Event(incident), $"Incident {incident.Id} open ({WireNames.Of(s)}, {WireNames.Of(c)}).");
        });
        var which = RollgateApp.Text("--id", "The incident's id", required: true);
        var resolve = Operation(ctx, "resolve", "Resolve an open incident (sales ops)", [which], async (session, by, parse, ct) =>
        {
            var resolved = await session.Control.ResolveIncidentAsync(by, parse.GetValue(which)!, ct);
            return (Event(resolved), $"Incident {resolved.Id} resolved by {by}.");
        });
        var documents = new List<Command>();
        foreach (var document in new[] { ReviewDocument.Review, ReviewDocument.Findings })
        {
            var name = document == ReviewDocument.Review ? "review" : "findings";
            var incident = new Argument<string>("ID") { Description = "The incident a rollback opened (rb-...)" };
            var file = RollgateApp.Text("--file", $"The {name} document (text or Markdown)", required: true);
            var cmd = Operation(ctx, name, document == ReviewDocument.Review ? "Record the incident review (due within 24 h of the rollback)" : "Record the findings and remediation plan (due within 48 h)", [file],
                async (session, by, parse, ct) =>
                {
                    var path = parse.GetValue(file)!;
                    if (!File.Exists(path))
                    {
                        throw new UsageException($"--file: no file '{path}'");
                    }

                    var record = await session.Control.RecordReviewAsync(by, parse.GetValue(incident)!, document, await File.ReadAllTextAsync(path, ct), ct);
                    var sha = document == ReviewDocument.Review ? record.ReviewSha256 : record.FindingsSha256;
                    return (new JsonObject { ["incident"] = record.Id, ["document"] = name, ["by"] = by, ["sha256"] = sha }, $"The {name} of {record.Id} is recorded (sha256 {sha}).");
                });
            cmd.Arguments.Add(incident);
            documents.Add(cmd);
        }

        var incidents = new Command("incident", "Incidents: open and resolve; the review and findings of a rollback's incident") { open, resolve };
        documents.ForEach(incidents.Subcommands.Add);
        return incidents;
    }

    private static Command Bug(CliContext ctx)
    {
        var id = RollgateApp.Text("--id", "The bug's id (default: a new one)");
        var priority = RollgateApp.Text("--priority", "p0, p1, p2 or p3", required: true);
        var title = RollgateApp.Text("--title", "What is wrong");
        var file = Operation(ctx, "file", "File a bug", [id, priority, title], async (session, by, parse, ct) =>
        {
            if (!WireNames.TryParse(parse.GetValue(priority)!, out BugPriority p))
            {
                throw new UsageException($"--priority: '{parse.GetValue(priority)}' is not p0, p1, p2 or p3");
            }

            var bug = await session.Control.FileBugAsync(by, parse.GetValue(id), p, parse.GetValue(title), ct);
            return (Event(bug), $"Bug {bug.Id} filed ({WireNames.Of(p)}).");
        });
        var which = RollgateApp.Text("--id", "The bug's id", required: true);
        var resolve = Operation(ctx, "resolve", "Resolve an open bug (sales ops)", [which], async (session, by, parse, ct) =>
        {
            var resolved = await session.Control.ResolveBugAsync(by, parse.GetValue(which)!, ct);
            return (Event(resolved), $"Bug {resolved.Id} resolved by {by}.");
        });
        return new Command("bug", "Bugs: file and resolve") { file, resolve };
    }

    private static Command Rollback(CliContext ctx)
    {
        var reason = RollgateApp.Text("--reason", "Why (told to everyone in the cohort)", required: true);
        return Operation(ctx, "rollback", "Roll back by hand (sales ops): agents off, everyone told, data preserved, an incident opened", [reason], async (session, by, parse, ct) =>
        {
            var outcome = await session.Control.RollbackAsync(by, parse.GetValue(reason), ct);
            await session.Deliveries.RunDueAsync(ct);
            return (outcome.ToJson(), $"Agents off at {CliContext.Time(outcome.Event.Ts, session.Plan)}; incident {outcome.Incident} (review due {CliContext.Time(outcome.ReviewDue, session.Plan)}); {outcome.Notifications} notification(s) queued.");
        });
    }

    private static Command Notify(CliContext ctx)
    {
        var test = Operation(ctx, "test", "Send a test message on every configured channel (Slack; email to --by); an answer is the checklist's monitoring evidence", [],
            async (session, by, parse, ct) =>
            {
                var tested = await session.Control.TestNotificationsAsync(by, ct);
                if (!tested.Any(t => t.Delivery.Answered))
                {
                    throw new RefusedException(409, "no channel answered: " + string.Join("; ", tested.Select(t => $"{t.Channel}: {t.Delivery.Detail}")));
                }

                return (PhaseApi.Json(tested), string.Join("; ", tested.Select(t => $"{t.Channel}: {t.Delivery.Detail}")));
            });
        return new Command("notify", "Notification channels (configured as for the server: Rollgate__Slack__WebhookUrl, Rollgate__Smtp__*)") { test };
    }

    private static Command Guard(CliContext ctx)
    {
        var plan = RollgateApp.PlanOption();
        var db = RollgateApp.DbOption();
        var once = RollgateApp.Flag("--once", "Evaluate once and deliver what is due, then exit (for a scheduler such as cron)");
        var json = RollgateApp.Json();
        var cmd = new Command("guard", "The guardian: evaluate every rollback trigger and act on it (the server runs it every minute by itself)") { plan, db, once, json };
        cmd.SetAction(async (parse, ct) =>
        {
            if (!parse.GetValue(once))
            {
                throw new UsageException("give --once (the server runs the guardian continuously; 'rollgate serve')");
            }

            await using var session = ControlSession.Open(ctx, parse.GetValue(plan), ctx.ExistingStorePath(parse.GetValue(db)));
            var report = await session.Guardian.EvaluateAsync(ct);
            var delivered = await session.Deliveries.RunDueAsync(ct);
            if (parse.GetValue(json))
            {
                var body = TriggersCommand.ToJson(report.Triggers, session.Plan);
                body["actions"] = new JsonArray([.. report.Actions.Select(a => (JsonNode)a)]);
                body["delivered"] = delivered;
                ctx.WriteJson(body);
            }
            else
            {
                TriggersCommand.Render(ctx.Console, report.Triggers, session.Plan);
                ctx.Console.MarkupLine(report.Actions.Count == 0 ? "The guardian had nothing to do." : Markup.Escape("The guardian: " + string.Join("; ", report.Actions) + "."));
                if (delivered > 0)
                {
                    ctx.Console.MarkupLine(Markup.Escape($"{delivered} notification(s) delivered."));
                }
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    private static Command Hold(CliContext ctx)
    {
        var plan = RollgateApp.PlanOption();
        var db = RollgateApp.DbOption();
        var json = RollgateApp.Json();
        var list = new Command("list", "The legal holds: while one stands, no retention purge runs") { plan, db, json };
        list.SetAction(async (parse, ct) =>
        {
            await using var session = ControlSession.Open(ctx, parse.GetValue(plan), ctx.ExistingStorePath(parse.GetValue(db)));
            var holds = session.Get<Storage.Sqlite.SqliteLegalHolds>().All();
            if (parse.GetValue(json))
            {
                ctx.WriteJson(new JsonObject { ["holds"] = new JsonArray([.. holds.Select(h => (JsonNode)new JsonObject
                {
                    ["id"] = h.Id, ["placed"] = CliContext.Time(h.Placed), ["reason"] = h.Reason, ["released"] = h.Released is { } r ? CliContext.Time(r) : null,
                })]) });
            }
            else
            {
                var table = new Table().AddColumn("Id").AddColumn("Placed").AddColumn("Reason").AddColumn("Released");
                foreach (var h in holds)
                {
                    table.AddRow(h.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), CliContext.Time(h.Placed, session.Plan), Markup.Escape(h.Reason), h.Released is { } r ? CliContext.Time(r, session.Plan) : "[bold]standing[/]");
                }

                ctx.Console.Write(table);
            }

            return RollgateApp.Ok;
        });
        var id = new Option<long>("--id") { Description = "The hold's id", Required = true };
        var reason = RollgateApp.Text("--reason", "Why it may go");
        var release = Operation(ctx, "release", "Release a legal hold (an exec)", [id, reason], async (session, by, parse, ct) =>
        {
            var hold = await session.Control.ReleaseHoldAsync(by, parse.GetValue(id), parse.GetValue(reason), ct);
            return (new JsonObject { ["id"] = hold.Id, ["released"] = hold.Released is { } r ? CliContext.Time(r) : null }, $"Legal hold {hold.Id} released by {by}.");
        });
        return new Command("hold", "Legal holds placed by rollbacks") { list, release };
    }

    private delegate Task<(JsonObject Json, string Text)> Act(ControlSession session, string by, ParseResult parse, CancellationToken ct);

    /// <summary>A command that acts on the rollout as <c>--by</c>, with <c>--plan</c>, <c>--db</c> and <c>--json</c>.</summary>
    private static Command Operation(CliContext ctx, string name, string description, IEnumerable<Option> options, Act act)
    {
        var plan = RollgateApp.PlanOption();
        var db = RollgateApp.DbOption();
        var by = RollgateApp.Text("--by", "Who acts (a user id of the plan's users file)", required: true);
        var json = RollgateApp.Json();
        var cmd = new Command(name, description) { plan, db, by, json };
        foreach (var option in options)
        {
            cmd.Options.Add(option);
        }

        cmd.SetAction(async (parse, ct) =>
        {
            await using var session = ControlSession.Open(ctx, parse.GetValue(plan), ctx.ExistingStorePath(parse.GetValue(db)));
            var (body, text) = await act(session, parse.GetValue(by)!, parse, ct);
            if (parse.GetValue(json))
            {
                ctx.WriteJson(body);
            }
            else
            {
                ctx.Console.MarkupLine(Markup.Escape(text));
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    private static void Report(CliContext ctx, bool json, ChecklistReport report)
    {
        if (json)
        {
            ctx.WriteJson(PhaseApi.Json(report));
            return;
        }

        var table = new Table().AddColumn("Item").AddColumn("Done").AddColumn("How").AddColumn("Proof");
        foreach (var i in report.Items)
        {
            table.AddRow(Markup.Escape($"{i.Id}: {i.Text}"), i.Done ? "[green]yes[/]" : "[red]no[/]", Markup.Escape(i.How), Markup.Escape(i.Proof));
        }

        ctx.Console.Write(table);
        ctx.Console.MarkupLine(report.Complete ? "[green]The checklist is complete.[/]" : $"[yellow]{report.Open.Count()} item(s) open.[/] Exit criteria: {Markup.Escape(report.ExitCriteria)}");
    }

    private static JsonObject Event(RolloutEvent evt) => JsonNode.Parse(EventJson.Serialize(evt))!.AsObject();
}
