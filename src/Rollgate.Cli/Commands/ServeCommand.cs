using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Rollgate.Cli.Output;
using Rollgate.Server;
using Spectre.Console;

namespace Rollgate.Cli.Commands;

/// <summary>
/// <c>rollgate serve --plan P --db D [--urls URL]</c>: the server, until Ctrl+C. Its other settings come from ASP.NET
/// Core configuration (appsettings.json, environment variables such as <c>Rollgate__Slack__WebhookUrl</c>).
/// </summary>
public static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    public static Command Create(CliContext ctx)
    {
        var plan = RollgateApp.PlanOption();
        var db = RollgateApp.Text("--db", "The store (an SQLite file; created when missing)", required: true);
        var urls = UrlsOption();
        var cmd = new Command("serve", "Run the server: agents behind the access rules, feedback and reviews, operations, audit trail") { plan, db, urls };
        cmd.SetAction(async (parse, ct) =>
        {
            var planPath = parse.GetValue(plan)!;
            ctx.LoadPlan(planPath);
            var dbPath = CliContext.StorePath(parse.GetValue(db), null);
            return await RunAsync(ctx, planPath, dbPath, parse.GetValue(urls)!, _ => { }, ct);
        });
        return cmd;
    }

    internal static Option<string> UrlsOption() => new("--urls")
    {
        Description = $"Where to listen (default {DefaultUrls}; port 0 takes a free one)",
        DefaultValueFactory = _ => DefaultUrls,
    };

    /// <summary>Serves until <paramref name="ct"/> is cancelled (Ctrl+C), after <paramref name="started"/> has told people where.</summary>
    internal static async Task<int> RunAsync(CliContext ctx, string planPath, string dbPath, string urls, Action<string> started, CancellationToken ct)
    {
        string[] args = [$"--{RollgateOptions.Section}:Plan={Path.GetFullPath(planPath)}", $"--{RollgateOptions.Section}:Db={Path.GetFullPath(dbPath)}", $"--urls={urls}"];
        await using var app = RollgateServer.Build(args, ctx.Clock);
        await app.StartAsync(ct);
        var url = app.Urls.FirstOrDefault() ?? urls;
        ctx.Console.WriteLine($"Rollgate is serving {planPath} on {url} (store {dbPath}). Ctrl+C stops it.");
        started(url);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ctx.Clock, ct);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: a normal stop.
        }

        await app.StopAsync(CancellationToken.None);
        ctx.Console.WriteLine("Rollgate stopped.");
        return RollgateApp.Ok;
    }
}
