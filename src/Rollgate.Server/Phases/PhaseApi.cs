using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Rollgate.Core.Events;
using Rollgate.Core.Reports;
using Rollgate.Server.Audit;
using Rollgate.Server.Http;
using Rollgate.Server.Identity;
using Rollgate.Server.Notifications;
using Rollgate.Server.Operations;

namespace Rollgate.Server.Phases;

/// <summary>Starting a phase: sales ops approve a start the rules allow; an exec may override them with a reason.</summary>
public sealed record StartPhaseRequest(string? Reason, bool? Override);

public sealed record SignOffRequest(string? Note);

/// <summary>Phases with approvals: the pre-launch checklist, sign-offs, a notification test, and phase starts.</summary>
public static class PhaseApi
{
    public static RouteGroupBuilder MapPhases(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Phases");
        group.MapGet("/checklist", async (Checklist checklist, CancellationToken ct) => TypedResults.Ok(Json(await checklist.JudgeAsync(ct))))
            .RequireAuthorization(Roles.Stakeholders)
            .WithSummary("The pre-launch checklist: each item done or not, with its proof");
        group.MapPost("/checklist/{item}/sign-off", (string item, SignOffRequest? request, ClaimsPrincipal who, RolloutControl control, Checklist checklist, CancellationToken ct) =>
                Refusals.Handle(async () =>
                {
                    await control.SignOffAsync(who.User(), item, request?.Note, ct);
                    return Json(await checklist.JudgeAsync(ct));
                }))
            .RequireAuthorization(Roles.Person)
            .WithSummary("Sign off a checklist item left to a named role");
        group.MapPost("/notifications/test", TestNotification).RequireAuthorization(Roles.Operations)
            .WithSummary("Send a test message to the operations channel; an answer is the checklist's monitoring evidence");
        group.MapPost("/phases/{id}/start", (string id, StartPhaseRequest? request, ClaimsPrincipal who, RolloutControl control, CancellationToken ct) =>
                Refusals.Handle(async () => JsonNode.Parse(EventJson.Serialize(await control.StartPhaseAsync(who.User(), id, request?.Reason, request?.Override ?? false, ct)))!.AsObject()))
            .RequireAuthorization(Roles.Person)
            .WithSummary("Start a phase: the pilot once the checklist is complete, later phases once the previous gate says go");
        return group;
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> TestNotification(ClaimsPrincipal who, RolloutControl control, CancellationToken ct)
    {
        try
        {
            var tested = await control.TestNotificationsAsync(who.User(), ct);
            return tested.Any(t => t.Delivery.Answered)
                ? TypedResults.Ok(Json(tested))
                : TypedResults.Problem(string.Join("; ", tested.Select(t => $"{t.Channel}: {t.Delivery.Detail}")), statusCode: StatusCodes.Status502BadGateway, title: "No channel answered");
        }
        catch (RefusedException ex)
        {
            return Refusals.Problem(ex);
        }
    }

    public static JsonObject Json(IReadOnlyList<(string Channel, Delivery Delivery)> tested) => new()
    {
        ["channels"] = new JsonArray([.. tested.Select(t => (JsonNode)new JsonObject { ["channel"] = t.Channel, ["answered"] = t.Delivery.Answered, ["detail"] = t.Delivery.Detail })]),
    };

    public static JsonObject Json(ChecklistReport report) => new()
    {
        ["complete"] = report.Complete,
        ["exit_criteria"] = report.ExitCriteria,
        ["items"] = new JsonArray([.. report.Items.Select(i => (JsonNode)new JsonObject
        {
            ["id"] = i.Id, ["item"] = i.Text, ["done"] = i.Done, ["how"] = i.How, ["proof"] = i.Proof,
        })]),
    };
}
