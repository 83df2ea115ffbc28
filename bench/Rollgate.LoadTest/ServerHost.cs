using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Rollgate.Server;

namespace Rollgate.LoadTest;

/// <summary>
/// The server under load: in this process, or in a child process running this program as <c>serve</c>. Either way it
/// is <see cref="RollgateServer.Build"/> on the system clock and the builtin engine, listening on a free loopback port,
/// with no log providers (a console line per run would measure the terminal).
/// </summary>
public sealed class ServerHost : IAsyncDisposable
{
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

    private static WebApplication Build(string plan, string db) => RollgateServer.Build(
        [$"--Rollgate:Plan={plan}", $"--Rollgate:Db={db}", "--Rollgate:Engine=builtin", "--urls=http://127.0.0.1:0"],
        TimeProvider.System,
        builder => builder.Logging.ClearProviders());
}
