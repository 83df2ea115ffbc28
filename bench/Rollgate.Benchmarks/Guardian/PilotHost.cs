using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Rollgate.Benchmarks.Traffic;
using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Core.Statistics;
using Rollgate.Server;
using Rollgate.Server.Notifications;
using Rollgate.Storage;

namespace Rollgate.Benchmarks.Guardian;

/// <summary>
/// The server's services without HTTP (<c>AddRollgateServices</c>) on the GTM example plan and a new SQLite file,
/// on the system clock: the guardian, its playbook and the delivery worker as the server builds them.
/// </summary>
public sealed class PilotHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private PilotHost(string folder, ServiceProvider services) => (Folder, _services) = (folder, services);

    public string Folder { get; }

    public Rollgate.Server.Guardian.Guardian Guardian => Get<Rollgate.Server.Guardian.Guardian>();

    public DeliveryWorker Deliveries => Get<DeliveryWorker>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>A new store in a new folder; <paramref name="smtpPort"/> and <paramref name="webhook"/> turn on email and Slack.</summary>
    public static PilotHost Start(int? smtpPort = null, Uri? webhook = null)
    {
        var folder = Directory.CreateTempSubdirectory("rollgate-guardian-bench-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Rollgate:Plan"] = Path.Combine(Repo.Root, "examples", "gtm", "plan.yaml"),
            ["Rollgate:Db"] = Path.Combine(folder, "rollgate.db"),
        };
        if (smtpPort is { } port)
        {
            settings["Rollgate:Smtp:Host"] = "127.0.0.1";
            settings["Rollgate:Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture);
            settings["Rollgate:Smtp:From"] = "rollgate@example.com";
        }

        if (webhook is not null)
        {
            settings["Rollgate:Slack:WebhookUrl"] = webhook.ToString();
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddRollgateServices(TimeProvider.System);
        return new PilotHost(folder, services.BuildServiceProvider());
    }

    public async Task AppendAsync(IReadOnlyList<RolloutEvent> events)
    {
        var result = await Get<IEventStore>().AppendAsync(events);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Take(5)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>
    /// Two days of a quiet pilot that ends one minute before <paramref name="now"/>: the phase started, 3,000 runs by
    /// the eight Sales Ops evenly spread (every 80th an error, so no 15-minute window reaches 10%), a third of them
    /// rated 4 or 5, a tenth reviewed (19 in 20 correct), one low incident resolved and one P2 bug: about 4,300
    /// events, and no trigger close to firing. The same events, relative to <paramref name="now"/>, every time.
    /// </summary>
    public static IReadOnlyList<RolloutEvent> QuietPilot(RolloutPlan plan, DateTimeOffset now)
    {
        const int Runs = 3_000;
        var span = TimeSpan.FromDays(2);
        var start = now - span - TimeSpan.FromMinutes(1);
        var salesOps = plan.Users.WithRoles(["sales_ops"]);
        var reviewers = plan.Users.WithRoles(["reviewer"]);
        var rng = new SeededRandom(20260202);
        var events = new List<RolloutEvent>(Runs * 3 / 2) { new PhaseStarted(start, "pilot", salesOps[0], "pilot") };
        for (var i = 0; i < Runs; i++)
        {
            var ts = start + (span * ((i + 0.5) / Runs));
            var id = $"run-{i:D5}";
            var owner = salesOps[i % salesOps.Count];
            var outcome = i % 80 == 79 ? RunOutcome.Error : i % 33 == 0 ? RunOutcome.Abstained : RunOutcome.Completed;
            events.Add(new Run(ts, id, owner, plan.Tasks[i % plan.Tasks.Count], outcome, 700 + rng.Next(600)));
            if (i % 3 == 0)
            {
                events.Add(new Feedback(ts.AddSeconds(30), id, owner, rng.Chance(0.6) ? 5 : 4, Math.Round(0.5 + (3 * rng.NextDouble()), 1)));
            }

            if (i % 10 == 0)
            {
                events.Add(new Review(ts.AddSeconds(45), id, rng.Pick(reviewers), i % 200 != 0));
            }
        }

        events.Add(new Incident(start.AddHours(3), "inc-0001", Severity.Low, IncidentCategory.Quality, "summary too long"));
        events.Add(new IncidentResolved(start.AddHours(5), "inc-0001"));
        events.Add(new Bug(start.AddHours(4), "bug-0001", BugPriority.P2, "time zone shown as UTC"));
        return events;
    }
}
