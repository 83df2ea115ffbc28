using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Server.Notifications;
using Rollgate.Storage;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Tests.Guardian;

/// <summary>
/// The guardian and its services on the example plan and a real SQLite file, without HTTP, on a fake clock.
/// <see cref="Restart"/> throws the services away and builds new ones on the same store, as a process restart does.
/// </summary>
public sealed class GuardianHost : IAsyncDisposable
{
    private readonly string _folder;
    private readonly Dictionary<string, string?> _settings;
    private ServiceProvider _services;

    public GuardianHost(DateTimeOffset now, IDictionary<string, string?>? settings = null)
    {
        _folder = Directory.CreateTempSubdirectory("rollgate-guardian-").FullName;
        File.Copy(Path.Combine(ServerFixture.RepoRoot, "examples", "gtm", "plan.yaml"), Path.Combine(_folder, "plan.yaml"));
        File.Copy(Path.Combine(ServerFixture.RepoRoot, "examples", "gtm", "users.csv"), Path.Combine(_folder, "users.csv"));
        Clock = new FakeTimeProvider(now);
        _settings = new Dictionary<string, string?>
        {
            ["Rollgate:Plan"] = Path.Combine(_folder, "plan.yaml"),
            ["Rollgate:Db"] = DbPath,
            ["Rollgate:Notifications:RetryBase"] = "00:00:10",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            _settings[k] = v;
        }

        _services = Build();
    }

    public FakeTimeProvider Clock { get; }

    public string DbPath => Path.Combine(_folder, "rollgate.db");

    public string Folder => _folder;

    public RolloutPlan Plan => Get<RolloutPlan>();

    public Server.Guardian.Guardian Guardian => Get<Server.Guardian.Guardian>();

    public DeliveryWorker Deliveries => Get<DeliveryWorker>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>Moves the clock to <paramref name="at"/> and evaluates once.</summary>
    public Task<Server.Guardian.GuardianReport> EvaluateAt(DateTimeOffset at)
    {
        Clock.SetUtcNow(at);
        return Guardian.EvaluateAsync();
    }

    public async Task Restart()
    {
        await _services.DisposeAsync();
        _services = Build();
    }

    public async Task AppendAsync(IEnumerable<RolloutEvent> events)
    {
        var result = await Get<IEventStore>().AppendAsync(events.ToList());
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
    }

    public async Task<IReadOnlyList<RolloutEvent>> EventsAsync()
    {
        var writer = new StringWriter();
        await Get<IEventStore>().ExportAsync(writer);
        return [.. writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => EventJson.TryParse(l, out var e, out _) ? e! : throw new InvalidOperationException(l))];
    }

    public IReadOnlyList<AuditRecord> Audit() => Get<SqliteAuditLog>().List();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private ServiceProvider Build()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(_settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddRollgateServices(Clock);
        return services.BuildServiceProvider();
    }
}
