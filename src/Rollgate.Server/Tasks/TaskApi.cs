using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Rollgate.Server.Identity;

namespace Rollgate.Server.Tasks;

/// <summary>The agents behind the gate: <c>POST /v1/tasks/{task}</c> with <c>{"lead_id"}</c> or <c>{"opportunity_id"}</c>.</summary>
public static class TaskApi
{
    public static RouteGroupBuilder MapTasks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/tasks").WithTags("Agents");
        group.MapPost("/{task}", (string task, TaskRequest? request, ClaimsPrincipal who, AgentGateway gateway, HttpResponse response, CancellationToken ct) =>
                gateway.RunAsync(who.User(), task, request, response, ct))
            .RequireAuthorization(Roles.Anyone)
            .WithSummary("Run an agent on a lead or an opportunity, when the plan allows it (403/429 with the SPEC 4 reason otherwise)");
        return group;
    }
}
