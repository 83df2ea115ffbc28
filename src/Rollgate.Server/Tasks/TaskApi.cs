using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Rollgate.Server.Identity;
using Rollgate.Server.Telemetry;

namespace Rollgate.Server.Tasks;

/// <summary>The agents behind the gate: <c>POST /v1/tasks/{task}</c> with <c>{"lead_id"}</c> or <c>{"opportunity_id"}</c>.</summary>
public static class TaskApi
{
    public static RouteGroupBuilder MapTasks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/tasks").WithTags("Agents");
        group.MapPost("/{task}", RunAsync)
            .RequireAuthorization(Roles.Anyone)
            .WithSummary("Run an agent on a lead or an opportunity, when the plan allows it (403/429 with the SPEC 4 reason otherwise)");
        return group;
    }

    /// <summary>Runs the task through the gate, and counts the run by outcome, or the refusal by its SPEC 4 reason.</summary>
    private static async Task<Results<RunAnswer, ProblemHttpResult>> RunAsync(
        string task, TaskRequest? request, ClaimsPrincipal who, AgentGateway gateway, RolloutMetrics metrics, HttpResponse response, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await gateway.RunAsync(who.User(), task, request, response, ct);
        switch (result.Result)
        {
            case RunAnswer run:
                metrics.Run(task, run.Outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                break;
            case ProblemHttpResult problem when problem.ProblemDetails.Extensions.TryGetValue("reason", out var reason) && reason is string why:
                metrics.Refused(task, why);
                break;
        }

        return result;
    }
}
