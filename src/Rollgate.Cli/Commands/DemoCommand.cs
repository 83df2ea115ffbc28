using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Rollgate.Agents.Crm;
using Rollgate.Cli.Output;
using Rollgate.Core.Gates;
using Rollgate.Core.Plans;
using Rollgate.Core.Simulation;
using Rollgate.Core.Time;
using Rollgate.Core.Triggers;
using Rollgate.Storage.Sqlite;
using Spectre.Console;

namespace Rollgate.Cli.Commands;

/// <summary>
/// <c>rollgate demo</c>: the example plan (built in) rehearsed for its two-week pilot, then the pilot's gate and
/// the triggers at its end: KPIs, gates and triggers on data in one command.
/// </summary>
public static class DemoCommand
{
    private static readonly DateOnly PilotStart = new(2026, 2, 2);

    public static Command Create(CliContext ctx)
    {
        var scenario = RollgateApp.Text("--scenario", $"What goes wrong in the pilot: {string.Join(", ", Scenarios.All)} (default healthy)");
        var db = RollgateApp.Text("--db", "Keep the simulated store in this file (default: a temporary file, deleted afterwards)");
        var seed = new Option<ulong>("--seed") { Description = "The simulation's seed", DefaultValueFactory = _ => 42 };
        var serve = RollgateApp.Flag("--serve", "Serve the example instead: six weeks of simulated history up to today, the demo CRM, tokens to try");
        var urls = ServeCommand.UrlsOption();
        var cmd = new Command("demo", "Rehearse the example plan's pilot and print its gate and triggers, or serve it (--serve); uses the built-in example plan")
        {
            scenario, db, seed, serve, urls,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(serve))
            {
                return await ServeAsync(ctx, parse.GetValue(db), parse.GetValue(seed), parse.GetValue(scenario), parse.GetValue(urls)!, ct);
            }

            var plan = ExamplePlan();
            var pilot = plan.Phases[0];
            var days = (int)(pilot.Duration ?? TimeSpan.FromDays(14)).TotalDays;
            var options = SimulateCommand.Options(PilotStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), days, parse.GetValue(seed), parse.GetValue(scenario));
            var path = parse.GetValue(db) ?? Path.Combine(Path.GetTempPath(), $"rollgate-demo-{Environment.ProcessId}.db");
            var keep = parse.GetValue(db) is not null;
            var end = LocalCalendar.StartOf(PilotStart.AddDays(days), plan.TimeZone);
            try
            {
                using (var store = ctx.OpenStore(path, create: true))
                {
                    var result = await SimulateCommand.RunAsync(ctx, plan, store, options, ct);

                    // The gate is judged at the end of the pilot, when the plan's go/no-go is due; the triggers when
                    // the scenario shows (an error spike is over by the end of its day).
                    var at = new RolloutSimulator(plan).MomentToJudge(options);
                    ctx.Console.MarkupLine($"Simulated the [bold]{pilot.Id}[/] ({options.Scenario}, seed {options.Seed}): {result.Imported:N0} events.");
                    ctx.Console.MarkupLine(Markup.Escape(Scenarios.Describe(options.Scenario)));
                    ctx.Console.WriteLine();
                    GateCommand.Render(ctx.Console, await GateEvaluator.EvaluateAsync(plan, pilot, store, end, cancellationToken: ct), plan);
                    ctx.Console.WriteLine();
                    TriggersCommand.Render(ctx.Console, await new TriggerEvaluator(plan, store).EvaluateAsync(at, ct), plan);
                }

                if (keep)
                {
                    ctx.Console.MarkupLine(Markup.Escape($"The store is {path}: try 'rollgate kpi --plan examples/gtm/plan.yaml --db {path} --phase pilot --at {Rfc3339.Format(TimeZoneInfo.ConvertTime(end, plan.TimeZone))}'."));
                }
            }
            finally
            {
                if (!keep)
                {
                    foreach (var f in new[] { path, path + "-wal", path + "-shm" })
                    {
                        File.Delete(f);
                    }
                }
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    /// <summary>
    /// The example served: its history simulated from the Monday six weeks or more before today up to today (the
    /// pilot, the SDR phase, and the full rollout since a few days), the demo CRM, and a token for one person of each
    /// role. The plan and a temporary store live in a temporary folder, deleted when the server stops.
    /// </summary>
    private static async Task<int> ServeAsync(CliContext ctx, string? keepDb, ulong seed, string? scenario, string urls, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("rollgate-demo-").FullName;
        try
        {
            var assembly = Assembly.GetExecutingAssembly();
            var planPath = Path.Combine(folder, "plan.yaml");
            await File.WriteAllTextAsync(planPath, Resource(assembly, "plan.yaml"), ct);
            await File.WriteAllTextAsync(Path.Combine(folder, "users.csv"), Resource(assembly, "users.csv"), ct);
            var plan = PlanLoader.LoadFile(planPath);
            var path = keepDb ?? Path.Combine(folder, "rollgate.db");

            var today = LocalCalendar.DateOf(ctx.Clock.GetUtcNow(), plan.TimeZone);
            var from = today.AddDays(-45);
            from = from.AddDays(-(((int)from.DayOfWeek + 6) % 7));
            var options = SimulateCommand.Options(from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), today.DayNumber - from.DayNumber, seed, scenario);
            CrmData crm;
            var tokens = new List<(string User, string Role, string Token)>();
            using (var store = ctx.OpenStore(path, create: true))
            {
                var result = await SimulateCommand.RunAsync(ctx, plan, store, options, ct);
                ctx.Console.MarkupLine(Markup.Escape($"Simulated {options.Days} days from {from:yyyy-MM-dd} ({options.Scenario}): {result.Imported:N0} events."));
            }

            using (var crmStore = SqliteCrmStore.Open(path))
            {
                // The demo CRM is written for its own "today"; moved to this one, its deals and leads read as current.
                crm = DemoCrm.Generate(DemoCrm.DefaultSeed).ShiftedBy(today.DayNumber - DemoCrm.AsOf.DayNumber);
                var imported = await crmStore.ImportAsync(crm, ct);
                if (!imported.Succeeded)
                {
                    throw new InvalidOperationException("the demo CRM was refused: " + string.Join("; ", imported.Errors.Take(3)));
                }
            }

            using (var tokenStore = SqliteTokenStore.Open(path))
            {
                foreach (var role in plan.Roles)
                {
                    if (plan.Users.All.FirstOrDefault(u => u.Role == role) is { } person)
                    {
                        tokens.Add((person.Id, role, tokenStore.Create(person.Id, ctx.Clock.GetUtcNow()).Token));
                    }
                }
            }

            return await ServeCommand.RunAsync(ctx, planPath, path, urls, url => Welcome(ctx, url, tokens, crm), ct);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Welcome(CliContext ctx, string url, IReadOnlyList<(string User, string Role, string Token)> tokens, CrmData crm)
    {
        var table = new Table().AddColumn("User").AddColumn("Role").AddColumn("Token");
        foreach (var (user, role, token) in tokens)
        {
            table.AddRow(user, role, token);
        }

        ctx.Console.Write(table);
        var person = tokens.FirstOrDefault(t => t.Role == "sdr");
        var ops = tokens.FirstOrDefault(t => t.Role == "sales_ops");
        ctx.Console.WriteLine("Try:");
        ctx.Console.WriteLine($"  curl -s -X POST {url}/v1/tasks/lead_summary -H 'Authorization: Bearer {person.Token}' -H 'Content-Type: application/json' -d '{{\"lead_id\": \"{crm.Leads[0].Id}\"}}'");
        ctx.Console.WriteLine($"  curl -s {url}/v1/status -H 'Authorization: Bearer {ops.Token}'");
        ctx.Console.WriteLine($"  the dashboard: {url}/ in a browser, with {ops.User}'s token");
        ctx.Console.WriteLine($"  the API: {url}/openapi/v1.json");
    }

    /// <summary>The example plan and users file compiled into the command.</summary>
    public static RolloutPlan ExamplePlan()
    {
        var assembly = Assembly.GetExecutingAssembly();
        return PlanLoader.Parse(Resource(assembly, "plan.yaml"), "plan.yaml (built in)", name => ($"{name} (built in)", Resource(assembly, name)));
    }

    private static string Resource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream("Rollgate.Examples." + name)
            ?? throw new InvalidOperationException($"the built-in example '{name}' is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
