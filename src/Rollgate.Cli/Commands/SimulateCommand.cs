using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rollgate.Cli.Output;
using Rollgate.Core.Plans;
using Rollgate.Core.Simulation;
using Rollgate.Storage;

namespace Rollgate.Cli.Commands;

/// <summary><c>rollgate simulate</c>: a deterministic rehearsal of the plan written into a store.</summary>
public static class SimulateCommand
{
    public static Command Create(CliContext ctx)
    {
        var plan = RollgateApp.PlanOption();
        var db = RollgateApp.DbOption();
        var from = RollgateApp.Text("--from", "The local date the first phase starts (YYYY-MM-DD)", required: true);
        var days = new Option<int>("--days") { Description = "How many days to simulate", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "The seed: the same seed gives the same history", DefaultValueFactory = _ => 1 };
        var scenario = RollgateApp.Text("--scenario", $"What goes wrong: {string.Join(", ", Scenarios.All)} (default healthy)");
        var json = RollgateApp.Json();
        var cmd = new Command("simulate", "Write a realistic, deterministic event history of the plan: people working their hours, runs, feedback, reviews, incidents")
        {
            plan, db, from, days, seed, scenario, json,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var p = ctx.LoadPlan(parse.GetValue(plan));
            var options = Options(parse.GetValue(from), parse.GetValue(days), parse.GetValue(seed), parse.GetValue(scenario));
            using var store = ctx.OpenStore(parse.GetValue(db), create: true);
            var result = await RunAsync(ctx, p, store, options, ct);
            Report(ctx, options, result, parse.GetValue(json));
            return RollgateApp.Ok;
        });
        return cmd;
    }

    internal static SimulationOptions Options(string? from, int days, ulong seed, string? scenario)
    {
        var start = CliContext.Date("--from", from);

        if (days is < 1 or > 3660)
        {
            throw new UsageException($"--days: {days} is out of range (1 to 3660)");
        }

        var name = scenario ?? "healthy";
        if (!Scenarios.All.Contains(name))
        {
            throw new UsageException($"--scenario: unknown scenario '{name}' (one of {string.Join(", ", Scenarios.All)})");
        }

        return new SimulationOptions(start, days, seed, name);
    }

    internal static async Task<ImportResult> RunAsync(CliContext ctx, RolloutPlan plan, IEventStore store, SimulationOptions options, CancellationToken ct)
    {
        var progress = ctx.Interactive
            ? new Progress<ImportProgress>(p => ctx.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\rsimulating: {p.Lines:N0} events")))
            : null;
        var result = await store.AppendAsync(new RolloutSimulator(plan).Generate(options), progress, ct);
        if (progress is not null)
        {
            await ctx.Error.WriteLineAsync();
        }

        if (!result.Succeeded)
        {
            throw new InvalidOperationException("the simulator wrote events the store refused: " + string.Join("; ", result.Errors.Take(5)));
        }

        return result;
    }

    private static void Report(CliContext ctx, SimulationOptions options, ImportResult result, bool json)
    {
        var end = options.From.AddDays(options.Days);
        if (json)
        {
            ctx.WriteJson(new JsonObject
            {
                ["scenario"] = options.Scenario,
                ["from"] = options.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["to"] = end.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["seed"] = options.Seed,
                ["events"] = result.Imported,
                ["duplicates"] = result.Duplicates,
            });
            return;
        }

        var already = result.Duplicates > 0 ? string.Create(CultureInfo.InvariantCulture, $", {result.Duplicates:N0} already there") : "";
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"simulated {options.Scenario} from {options.From:yyyy-MM-dd} to {end:yyyy-MM-dd} (seed {options.Seed}): {result.Imported:N0} events stored{already}"));
        ctx.Out.WriteLine(Scenarios.Describe(options.Scenario));
    }
}
