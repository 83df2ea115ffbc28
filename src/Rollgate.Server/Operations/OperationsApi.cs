using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Rollgate.Core.Events;
using Rollgate.Core.Reports;
using Rollgate.Server.Http;
using Rollgate.Server.Identity;

namespace Rollgate.Server.Operations;

public sealed record IncidentRequest(string? Id, string? Severity, string? Category, string? Title);

public sealed record BugRequest(string? Id, string? Priority, string? Title);

public sealed record DirectiveRequest(string? Action, string? Reason);

public sealed record RollbackRequest(string? Reason);

/// <summary>The kill switch's new position: <c>"state": "off"</c> or <c>"on"</c> (or <c>"enabled": false|true</c>), and why.</summary>
public sealed record KillSwitchRequest(string? State, bool? Enabled, string? Reason);

/// <summary>Operations: the status, incidents and bugs, executive directives and the kill switch.</summary>
public static class OperationsApi
{
    public static RouteGroupBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Operations");
        group.MapGet("/status", async (StatusReport status, CancellationToken ct) => TypedResults.Ok(await status.BuildAsync(ct)))
            .RequireAuthorization(Roles.Stakeholders)
            .WithSummary("Current phase and its days left, KPIs with targets, gate decision, fired triggers");
        group.MapPost("/incidents", OpenIncident).RequireAuthorization(Roles.Person).WithSummary("Report an incident");
        group.MapPost("/incidents/{id}/resolve", (string id, ClaimsPrincipal who, RolloutControl control, CancellationToken ct) =>
                Refusals.Handle(async () => Json(await control.ResolveIncidentAsync(who.User(), id, ct))))
            .RequireAuthorization(Roles.Operations).WithSummary("Resolve an open incident (sales ops)");
        group.MapPost("/bugs", FileBug).RequireAuthorization(Roles.Person).WithSummary("File a bug");
        group.MapPost("/bugs/{id}/resolve", (string id, ClaimsPrincipal who, RolloutControl control, CancellationToken ct) =>
                Refusals.Handle(async () => Json(await control.ResolveBugAsync(who.User(), id, ct))))
            .RequireAuthorization(Roles.Operations).WithSummary("Resolve an open bug (sales ops)");
        group.MapPost("/directives", Direct).RequireAuthorization(Roles.Executive).WithSummary("An executive directive to roll back (exec)");
        group.MapPost("/rollback", (RollbackRequest? request, ClaimsPrincipal who, RolloutControl control, CancellationToken ct) =>
                Refusals.Handle(async () => (await control.RollbackAsync(who.User(), request?.Reason, ct)).ToJson()))
            .RequireAuthorization(Roles.Operations)
            .WithSummary("Roll back by hand: agents off, everyone told, data preserved, an incident opened (sales ops)");
        group.MapPost("/kill-switch", KillSwitch).RequireAuthorization(Roles.Operations)
            .WithSummary("off stops every agent at once; on restores the phase (sales ops)");
        return group;
    }

    private static Task<Results<Ok<JsonObject>, ProblemHttpResult>> OpenIncident(IncidentRequest? request, ClaimsPrincipal who, RolloutControl control, CancellationToken ct)
    {
        if (request is null)
        {
            return Bad("the body must be a JSON object with \"severity\" and \"category\", and optionally \"id\" and \"title\"");
        }

        if (!WireNames.TryParse(request.Severity ?? "", out Severity severity))
        {
            return Bad($"\"severity\" must be critical, high, medium or low (got {Show(request.Severity)})");
        }

        if (!WireNames.TryParse(request.Category ?? "", out IncidentCategory category))
        {
            return Bad($"\"category\" must be security, privacy, quality, availability or other (got {Show(request.Category)})");
        }

        return Refusals.Handle(async () => Json(await control.OpenIncidentAsync(who.User(), request.Id, severity, category, request.Title, ct)));
    }

    private static Task<Results<Ok<JsonObject>, ProblemHttpResult>> FileBug(BugRequest? request, ClaimsPrincipal who, RolloutControl control, CancellationToken ct)
    {
        if (request is null || !WireNames.TryParse(request.Priority ?? "", out BugPriority priority))
        {
            return Bad($"\"priority\" must be p0, p1, p2 or p3 (got {Show(request?.Priority)})");
        }

        return Refusals.Handle(async () => Json(await control.FileBugAsync(who.User(), request.Id, priority, request.Title, ct)));
    }

    private static Task<Results<Ok<JsonObject>, ProblemHttpResult>> Direct(DirectiveRequest? request, ClaimsPrincipal who, RolloutControl control, CancellationToken ct) =>
        Refusals.Handle(async () => Json(await control.DirectiveAsync(who.User(), request?.Action ?? "rollback", request?.Reason, ct)));

    private static Task<Results<Ok<JsonObject>, ProblemHttpResult>> KillSwitch(KillSwitchRequest? request, ClaimsPrincipal who, RolloutControl control, CancellationToken ct)
    {
        bool? on = request?.State switch
        {
            "on" => true,
            "off" => false,
            null => request?.Enabled,
            _ => null,
        };
        if (on is not { } position)
        {
            return Bad($"give \"state\": \"off\" (stop every agent) or \"on\" (restore the phase){(request?.State is { } s ? $" (got \"{s}\")" : "")}");
        }

        return Refusals.Handle(async () =>
        {
            var evt = await control.KillSwitchAsync(who.User(), position, request!.Reason, ct);
            var body = Json(evt);
            body["agents"] = position ? "on" : "off";
            return body;
        });
    }

    private static JsonObject Json(RolloutEvent evt) => JsonNode.Parse(EventJson.Serialize(evt))!.AsObject();

    private static string Show(string? value) => value is null ? "nothing" : $"\"{value}\"";

    private static Task<Results<Ok<JsonObject>, ProblemHttpResult>> Bad(string detail) =>
        Task.FromResult<Results<Ok<JsonObject>, ProblemHttpResult>>(Problems.BadRequest(detail));
}

/// <summary>Turns a <see cref="RefusedException"/> into the problem it describes.</summary>
public static class Refusals
{
    public static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> Handle(Func<Task<JsonObject>> action)
    {
        try
        {
            return TypedResults.Ok(await action());
        }
        catch (RefusedException ex)
        {
            return Problem(ex);
        }
    }

    public static ProblemHttpResult Problem(RefusedException ex) => TypedResults.Problem(ex.Message, statusCode: ex.Status, title: ex.Status switch
    {
        400 => "Bad request",
        403 => "Not allowed",
        404 => "Not found",
        _ => "Refused",
    });
}
