using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rollgate.Core.Plans;
using Rollgate.Server;
using Rollgate.Server.Notifications;
using Rollgate.Server.Operations;
using Rollgate.Server.Phases;

namespace Rollgate.Cli.Output;

/// <summary>
/// The server's services without HTTP, on a store: the same rules, events, audit records, guardian and
/// notifications as the API, with <c>--by</c> naming the person who acts. Settings beyond the plan and the store
/// (Slack, SMTP, ...) come from the same environment variables as the server's (<c>Rollgate__Slack__WebhookUrl</c>).
/// </summary>
internal sealed class ControlSession : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ControlSession(ServiceProvider services) => _services = services;

    public RolloutPlan Plan => _services.GetRequiredService<RolloutPlan>();

    public Checklist Checklist => _services.GetRequiredService<Checklist>();

    public RolloutControl Control => _services.GetRequiredService<RolloutControl>();

    public Server.Guardian.Guardian Guardian => _services.GetRequiredService<Server.Guardian.Guardian>();

    public DeliveryWorker Deliveries => _services.GetRequiredService<DeliveryWorker>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public static ControlSession Open(CliContext ctx, string? planPath, string dbPath)
    {
        ctx.LoadPlan(planPath);
        // The server's configuration sources, in its order: appsettings.json beside the command, then the environment.
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{RollgateOptions.Section}:Plan"] = Path.GetFullPath(planPath!),
                [$"{RollgateOptions.Section}:Db"] = Path.GetFullPath(dbPath),
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Error));
        services.AddRollgateServices(ctx.Clock);
        return new ControlSession(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false }));
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
