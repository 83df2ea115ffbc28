using System.CommandLine;
using Rollgate.Cli.Commands;
using Rollgate.Cli.Output;
using Rollgate.Core.Plans;
using Rollgate.Server.Operations;
using Rollgate.Storage;

namespace Rollgate.Cli;

/// <summary>The <c>rollgate</c> command: its table of contents and its exit statuses (0 done, 1 unexpected, 2 bad input).</summary>
public static class RollgateApp
{
    public const int Ok = 0;
    public const int Unexpected = 1;
    public const int BadInput = 2;

    /// <summary>The rules refused an operation (a phase start without go, a kill switch already off, ...).</summary>
    public const int Refused = 3;

    public static RootCommand Build(CliContext ctx)
    {
        var root = Commands(ctx);
        foreach (var command in RolloutCommands.Create(ctx))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    private static RootCommand Commands(CliContext ctx) => new("Rollgate: run AI agents for GTM teams and control their rollout by a written plan.")
    {
        PlanCommands.Create(ctx),
        EventCommands.Create(ctx),
        KpiCommand.Create(ctx),
        GateCommand.Create(ctx),
        TriggersCommand.Create(ctx),
        AccessCommand.Create(ctx),
        ExperimentCommands.Create(ctx),
        SimulateCommand.Create(ctx),
        DemoCommand.Create(ctx),
        CrmCommands.Create(ctx),
        AgentCommands.Create(ctx),
        QaCommands.Create(ctx),
        TokenCommands.Create(ctx),
        AuditCommands.Create(ctx),
        ServeCommand.Create(ctx),
    };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider clock, bool interactive = false, CancellationToken cancellationToken = default)
    {
        var ctx = new CliContext(stdout, stderr, clock, interactive);
        var root = Build(ctx);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"rollgate: {error.Message}");
            }

            await stderr.WriteLineAsync("Run 'rollgate --help' (or 'rollgate COMMAND --help') for usage.");
            return BadInput;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (RefusedException ex)
        {
            await stderr.WriteLineAsync($"rollgate: refused: {ex.Message}");
            return ex.Status is 400 or 404 ? BadInput : Refused;
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"rollgate: {ex.Message}");
            return BadInput;
        }
        catch (InvalidPlanException ex)
        {
            foreach (var error in ex.Errors)
            {
                await stderr.WriteLineAsync(error.ToString());
            }

            await stderr.WriteLineAsync($"rollgate: the plan is invalid ({ex.Errors.Count} error{(ex.Errors.Count == 1 ? "" : "s")})");
            return BadInput;
        }
        catch (Exception ex) when (ex is Agents.Engines.EngineConfigurationException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await stderr.WriteLineAsync($"rollgate: the server's settings are wrong: {ex.Message}");
            return BadInput;
        }
        catch (StoreFormatException ex)
        {
            await stderr.WriteLineAsync($"rollgate: {ex.Message}");
            return BadInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"rollgate: {ex.Message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("rollgate: cancelled");
            return Unexpected;
        }
        catch (Exception ex)
        {
            await stderr.WriteLineAsync($"rollgate: unexpected failure: {ex}");
            return Unexpected;
        }
    }

    /// <summary>An option that takes a value, with its help text.</summary>
    internal static Option<string> Text(string name, string description, bool required = false) =>
        new(name) { Description = description, Required = required };

    internal static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    internal static Option<bool> Json() => Flag("--json", "Print one JSON object on stdout and nothing else");

    internal static Option<string> At() => Text("--at", "The moment to judge, RFC 3339 with an offset (default: now); only events before it count");

    internal static Option<string> PlanOption() => Text("--plan", "The rollout plan YAML file", required: true);

    internal static Option<string> DbOption() => Text("--db", "The event store (SQLite file)", required: true);
}
