using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Rollgate.Core.Access;

namespace Rollgate.Server.Http;

/// <summary>
/// RFC 7807 problems that say what is wrong. An access refusal carries the SPEC 4 reason in a <c>reason</c> member.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Forbidden(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");

    public static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Refused");

    /// <summary>An agent request refused by SPEC 4: 429 for <c>rate_limited</c>, 403 otherwise.</summary>
    public static ProblemHttpResult Denied(AccessDecision decision, string? detail = null) => TypedResults.Problem(
        detail ?? AccessReasons.Explain(decision.Reason),
        statusCode: decision.Reason == AccessReason.RateLimited ? StatusCodes.Status429TooManyRequests : StatusCodes.Status403Forbidden,
        title: decision.Reason == AccessReason.RateLimited ? "Rate limited" : "Not allowed now",
        extensions: new Dictionary<string, object?> { ["reason"] = decision.ReasonName, ["phase"] = decision.Phase });
}
