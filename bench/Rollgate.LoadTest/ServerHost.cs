using System.Diagnostics;
using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Rollgate.Server;
using Rollgate.Server.Identity;
using Rollgate.Server.Tasks;

namespace Rollgate.LoadTest;

/// <summary>
/// The server under load: in this process, or in a child process running this program as <c>serve</c>. Either way it
/// is <see cref="RollgateServer.Build"/> on the system clock and the builtin engine, listening on a free loopback port,
/// with no log providers (a console line per run would measure the terminal). The load test adds one route of its
/// own, <see cref="BarePath"/>, which the product does not have.
/// </summary>
public sealed class ServerHost : IAsyncDisposable
{
    /// <summary>
    /// The bare endpoint the task endpoint is judged against: a POST with the same route shape, the same Bearer
    /// authentication and authorization policy and the same JSON body bound to <see cref="TaskRequest"/>, answering a
    /// small JSON object. Everything a task request costs before the gateway runs, and nothing the gateway does.
    /// </summary>
    public const string BarePath = "/bench/bare";

    private const string Listening = "listening on ";

    private readonly WebApplication? _app;
    private readonly Process? _child;

    private ServerHost(Uri url, WebApplication? app, Process? child) => (Url, _app, _child) = (url, app, child);

    public Uri Url { get; }

    /// <summary>Where the server's CPU time is spent: this process, or the child.</summary>
    public Process Process => _child ?? Process.GetCurrentProcess();

    public bool IsSeparate => _child is not null;

    public static async Task<ServerHost> StartInProcessAsync(LoadStore store, CancellationToken ct)
    {
        var app = Build(store.PlanPath, store.DbPath);
        await app.StartAsync(ct);
        return new ServerHost(new Uri(app.Urls.First()), app, null);
    }

    public static async Task<ServerHost> StartProcessAsync(LoadStore store, CancellationToken ct)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program this is");
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        foreach (var arg in new[] { "serve", store.PlanPath, store.DbPath })
        {
            start.ArgumentList.Add(arg);
        }

        var child = Process.Start(start) ?? throw new InvalidOperationException("the server process did not start");
        while (await child.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith(Listening, StringComparison.Ordinal))
            {
                return new ServerHost(new Uri(line[Listening.Length..]), null, child);
            }
        }

        throw new InvalidOperationException($"the server process ended before it listened (exit code {child.ExitCode})");
    }

    /// <summary>The child's side of <see cref="StartProcessAsync"/>: serves until its standard input closes.</summary>
    public static async Task<int> ServeAsync(string plan, string db)
    {
        await using var app = Build(plan, db);
        await app.StartAsync();
        Console.WriteLine(Listening + app.Urls.First());
        while (await Console.In.ReadLineAsync() is not null)
        {
        }

        await app.StopAsync();
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_child is not null)
        {
            _child.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _child.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _child.Kill();
            }

            _child.Dispose();
        }
    }

    private static WebApplication Build(string plan, string db)
    {
        var app = RollgateServer.Build(
            [$"--Rollgate:Plan={plan}", $"--Rollgate:Db={db}", "--Rollgate:Engine=builtin", "--urls=http://127.0.0.1:0"],
            TimeProvider.System,
            builder => builder.Logging.ClearProviders());
        app.MapPost(BarePath + "/{task}", (string task, TaskRequest? request, ClaimsPrincipal who) =>
                TypedResults.Ok(new BareAnswer(task, who.User(), request?.LeadId ?? request?.OpportunityId)))
            .RequireAuthorization(Roles.Anyone);
        return app;
    }

    /// <summary>What the bare endpoint answers: what it read from the route, the token and the body.</summary>
    private sealed record BareAnswer(string Task, string User, string? Record);
}
