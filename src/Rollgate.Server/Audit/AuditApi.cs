using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Rollgate.Core.Reports;
using Rollgate.Server.Identity;

namespace Rollgate.Server.Audit;

/// <summary>The audit trail, for operations: its records and a check of its chain.</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/audit").WithTags("Audit").RequireAuthorization(Roles.Operations);
        group.MapGet("/", (AuditTrail audit, int? limit) =>
        {
            var records = audit.List();
            return TypedResults.Ok(new JsonObject
            {
                ["records"] = new JsonArray([.. records.TakeLast(Math.Clamp(limit ?? 100, 1, 10_000)).Select(r => (JsonNode)new JsonObject
                {
                    ["seq"] = r.Seq,
                    ["at"] = ReportJson.Time(r.Entry.At),
                    ["actor"] = r.Entry.Actor,
                    ["action"] = r.Entry.Action,
                    ["subject"] = r.Entry.Subject,
                    ["reason"] = r.Entry.Reason,
                    ["hash"] = r.Hash,
                })]),
            });
        }).WithSummary("The latest audit records (sales ops)");
        group.MapGet("/verify", (AuditTrail audit) =>
        {
            var v = audit.Verify();
            return TypedResults.Ok(new JsonObject { ["valid"] = v.Valid, ["records"] = v.Records, ["problems"] = new JsonArray([.. v.Problems.Select(p => (JsonNode)p)]) });
        }).WithSummary("Walk the SHA-256 chain and report every record changed or removed (sales ops)");
        return group;
    }
}
