using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rollgate.Agents.Agents;
using Rollgate.Agents.Crm;
using Rollgate.Agents.Engines;
using Rollgate.Agents.Qa;
using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Server.Audit;
using Rollgate.Server.Dashboard;
using Rollgate.Server.Events;
using Rollgate.Server.Guardian;
using Rollgate.Server.Http;
using Rollgate.Server.Identity;
using Rollgate.Server.Notifications;
using Rollgate.Server.Operations;
using Rollgate.Server.Phases;
using Rollgate.Server.Runs;
using Rollgate.Server.Tasks;
using Rollgate.Server.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTelemetry.Metrics;
using Rollgate.Storage;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server;

/// <summary>The Rollgate server: its services and its routes, as a table of contents.</summary>
public static class RollgateServer
{
    /// <summary>Builds the server from configuration (<c>Rollgate:Plan</c>, <c>Rollgate:Db</c>, ...) on the given clock.</summary>
    public static WebApplication Build(string[] args, TimeProvider? clock = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        builder.AddRollgate(clock ?? TimeProvider.System);
        var app = builder.Build();

        // Open the plan, the store and the engine now, so that a bad plan, store or engine setting stops the start
        // with its message rather than failing the first request.
        _ = app.Services.GetRequiredService<RolloutPlan>();
        _ = app.Services.GetRequiredService<IEventStore>();
        _ = app.Services.GetRequiredService<AgentRunner>();
        app.MapRollgate();
        return app;
    }

    public static WebApplicationBuilder AddRollgate(this WebApplicationBuilder builder, TimeProvider clock)
    {
        var services = builder.Services;
        services.AddRollgateServices(clock);
        services.AddHostedService<GuardianService>();

        services.AddAuthentication(BearerAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, BearerAuthentication>(BearerAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Anyone, p => p.RequireAuthenticatedUser())
            .AddPolicy(Roles.Person, p => p.RequireAssertion(c => c.User.Role() is not null))
            .AddPolicy(Roles.Operations, p => p.RequireRole(Roles.SalesOps))
            .AddPolicy(Roles.Reviewing, p => p.RequireRole(Roles.Reviewer))
            .AddPolicy(Roles.Oversight, p => p.RequireRole(Roles.SalesOps, Roles.Reviewer))
            .AddPolicy(Roles.Stakeholders, p => p.RequireRole(Roles.SalesOps, Roles.Reviewer, Roles.Exec))
            .AddPolicy(Roles.Executive, p => p.RequireRole(Roles.Exec))
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RolloutMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());

        // Bearer tokens need no data protection keys; its start-up chatter says nothing an operator acts on.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.EnableRedaction();
        services.AddRedaction(r => r.SetRedactor<ContactDetailsRedactor>(DataClasses.Personal));
        return builder;
    }

    /// <summary>
    /// Everything but HTTP: the plan, the store, the agents, the rollout's operations and the guardian. The command
    /// line builds the same services to act on a store with the server's rules.
    /// </summary>
    public static IServiceCollection AddRollgateServices(this IServiceCollection services, TimeProvider clock)
    {
        services.AddOptions<RollgateOptions>().BindConfiguration(RollgateOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(clock);

        services.AddSingleton(sp => PlanLoader.LoadFile(Settings(sp).Plan));
        services.AddSingleton<IEventStore>(sp => SqliteEventStore.Open(Settings(sp).Db));
        services.AddSingleton<IEventHistory>(sp => sp.GetRequiredService<IEventStore>());
        services.AddSingleton(sp => SqliteCrmStore.Open(Settings(sp).Db));
        services.AddSingleton<ICrmStore>(sp => sp.GetRequiredService<SqliteCrmStore>());
        services.AddSingleton(sp => SqliteQaStore.Open(Settings(sp).Db));
        services.AddSingleton<IQaStore>(sp => sp.GetRequiredService<SqliteQaStore>());
        services.AddSingleton(sp => SqliteTokenStore.Open(Settings(sp).Db));
        services.AddSingleton(sp => SqliteStamps.Open(Settings(sp).Db));
        services.AddSingleton(sp => SqliteAuditLog.Open(Settings(sp).Db));
        services.AddSingleton(sp => SqliteRunOutputs.Open(Settings(sp).Db));
        services.AddSingleton(sp => SqliteDeliveries.Open(Settings(sp).Db));
        services.AddSingleton(sp => SqliteLegalHolds.Open(Settings(sp).Db));
        services.AddSingleton(sp => SqliteIncidentReviews.Open(Settings(sp).Db));

        services.AddSingleton(sp => Engine(Settings(sp), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new AgentRunner(sp.GetRequiredService<IAgentEngine>()));
        services.AddSingleton(sp => new EventRecorder(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<IEventStore>() as IRunJournal));
        services.AddSingleton(sp => new HourlyRateLimiter(sp.GetRequiredService<IEventHistory>(), sp.GetRequiredService<RolloutPlan>().TimeZone));
        services.AddSingleton<PhaseStates>();
        services.AddSingleton<AgentGateway>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<Checklist>();
        services.AddSingleton<RolloutControl>();
        services.AddSingleton<StatusReport>();
        services.AddHttpClient<SlackWebhook>();
        services.AddSingleton<EmailSender>();
        services.AddSingleton<Notifier>();
        services.AddSingleton<DeliveryWorker>();
        services.AddSingleton<RollbackPlaybook>();
        services.AddSingleton<Guardian.Guardian>();
        services.AddMetrics();
        services.AddSingleton<RolloutMetrics>();
        return services;
    }

    public static WebApplication MapRollgate(this WebApplication app)
    {
        app.UseProblemsForErrors();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).AllowAnonymous().WithTags("Health");

        // The API's shape holds no data, so that clients and tools can read it before they hold a token.
        app.MapOpenApi().AllowAnonymous();
        // Counts only, no personal data: Prometheus scrapes it without a secret, as it does /healthz.
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        app.MapTasks();
        app.MapRuns();
        app.MapOperations();
        app.MapPhases();
        app.MapAudit();
        app.MapDashboard();
        return app;
    }

    private static RollgateOptions Settings(IServiceProvider sp) => sp.GetRequiredService<IOptions<RollgateOptions>>().Value;

    private static IAgentEngine Engine(RollgateOptions settings, TimeProvider clock) => settings.Engine switch
    {
        "chat" => new ChatEngine(settings.Chat.ToEngineOptions(), timeProvider: clock),
        _ => new BuiltinEngine(),
    };
}
