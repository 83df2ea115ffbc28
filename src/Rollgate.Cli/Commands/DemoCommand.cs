using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Rollgate.Cli.Output;
using Rollgate.Core.Gates;
using Rollgate.Core.Plans;
using Rollgate.Core.Simulation;
using Rollgate.Core.Time;
using Rollgate.Core.Triggers;
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
        var cmd = new Command("demo", "Rehearse the example plan's pilot and print its gate and triggers (uses the built-in example plan)") { scenario, db, seed };
        cmd.SetAction(async (parse, ct) =>
        {
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
