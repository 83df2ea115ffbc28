using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Rollgate.Agents.Crm;
using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Server;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Tests;

/// <summary>
/// A real server on a loopback port, on the example plan and a real SQLite file in a temporary folder, driven by a
/// fake clock. Events are put in the store directly; requests go over HTTP.
/// </summary>
public sealed class ServerFixture : IAsyncDisposable
{
    /// <summary>Monday 2 February 2026, 10:00 in Los Angeles: inside the pilot's hours.</summary>
    public static readonly DateTimeOffset PilotMorning = new(2026, 2, 2, 10, 0, 0, TimeSpan.FromHours(-8));

    private readonly string _folder;
    private readonly WebApplication _app;

    private ServerFixture(string folder, WebApplication app, FakeTimeProvider clock, RolloutPlan plan, LogSink logs)
    {
        (_folder, _app, Clock, Plan, Logs) = (folder, app, clock, plan, logs);
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public FakeTimeProvider Clock { get; }

    public RolloutPlan Plan { get; }

    public HttpClient Http { get; }

    public LogSink Logs { get; }

    public string DbPath => Path.Combine(_folder, "rollgate.db");

    public string Folder => _folder;

    public IServiceProvider Services => _app.Services;

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public static string RepoRoot { get; } = FindRoot();

    public static async Task<ServerFixture> StartAsync(DateTimeOffset? now = null, IDictionary<string, string?>? settings = null)
    {
        var folder = Directory.CreateTempSubdirectory("rollgate-server-").FullName;
        File.Copy(Path.Combine(RepoRoot, "examples", "gtm", "plan.yaml"), Path.Combine(folder, "plan.yaml"));
        File.Copy(Path.Combine(RepoRoot, "examples", "gtm", "users.csv"), Path.Combine(folder, "users.csv"));
        var db = Path.Combine(folder, "rollgate.db");
        using (var crm = SqliteCrmStore.Open(db))
        {
            var imported = await crm.ImportAsync(DemoCrm.Generate(7));
            Assert.True(imported.Succeeded);
        }

        var clock = new FakeTimeProvider(now ?? PilotMorning);
        var logs = new LogSink();
        // The guardian's own timer is off unless a test turns it on: tests drive evaluations themselves.
        var all = new Dictionary<string, string?> { ["Rollgate:Guardian:Enabled"] = "false" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var args = new List<string> { $"--Rollgate:Plan={Path.Combine(folder, "plan.yaml")}", $"--Rollgate:Db={db}", "--urls=http://127.0.0.1:0" };
        args.AddRange(all.Select(kv => $"--{kv.Key}={kv.Value}"));
        var app = RollgateServer.Build([.. args], clock, builder => builder.Logging.AddProvider(logs));
        await app.StartAsync();
        return new ServerFixture(folder, app, clock, app.Services.GetRequiredService<RolloutPlan>(), logs);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A client that sends a new token of <paramref name="user"/>.</summary>
    public HttpClient As(string user) => WithToken(TokenFor(user));

    /// <summary>A new token of <paramref name="user"/>, as <c>rollgate token create</c> makes one.</summary>
    public string TokenFor(string user)
    {
        using var tokens = SqliteTokenStore.Open(DbPath);
        return tokens.Create(user, Clock.GetUtcNow()).Token;
    }

    public HttpClient WithToken(string token)
    {
        var client = new HttpClient { BaseAddress = Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task AppendAsync(params RolloutEvent[] events)
    {
        using var store = SqliteEventStore.Open(DbPath);
        var result = await store.AppendAsync(events);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
    }

    public async Task<IReadOnlyList<RolloutEvent>> EventsAsync()
    {
        using var store = SqliteEventStore.Open(DbPath);
        var writer = new StringWriter();
        await store.ExportAsync(writer);
        return [.. writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => EventJson.TryParse(line, out var e, out _) ? e! : throw new InvalidOperationException(line))];
    }

    /// <summary>Starts a phase directly in the store, a minute before now.</summary>
    public Task StartPhaseAsync(string phase) => AppendAsync(new PhaseStarted(Clock.GetUtcNow().AddMinutes(-1), phase, "so-01"));

    /// <summary>The first lead and opportunity ids of the demo CRM.</summary>
    public static string Lead => DemoCrm.Generate(7).Leads[0].Id;

    public static string Opportunity => DemoCrm.Generate(7).Opportunities.First(o => o.IsOpen && o.Stage is not null && o.CloseDate is not null).Id;

    public static JsonContent Body(object value) => JsonContent.Create(value);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Rollgate.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Rollgate.slnx)");
    }
}

/// <summary>Keeps every log line the server writes, as formatted text.</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Sink(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Sink(LogSink owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            owner._lines.Enqueue($"{category}: {formatter(state, exception)} | {properties}");
        }
    }
}
