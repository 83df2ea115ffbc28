using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Rollgate.Server.Http;

/// <summary>
/// Turns a request the framework could not read (bad JSON, a wrong type, a missing body) into a problem that says
/// what was wrong, and any other failure into a 500 problem that says nothing of the internals.
/// </summary>
public static class BadRequests
{
    public static IApplicationBuilder UseProblemsForErrors(this IApplicationBuilder app) => app.UseExceptionHandler(errors => errors.Run(async context =>
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var problems = context.RequestServices.GetService(typeof(IProblemDetailsService)) as IProblemDetailsService;
        var (status, title, detail) = error switch
        {
            BadHttpRequestException { InnerException: JsonException json } => (400, "Bad JSON", "the body is not valid JSON for this request: " + json.Message),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            _ => (500, "Unexpected failure", "the server failed; the failure is in its log"),
        };
        context.Response.StatusCode = status;
        await problems!.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }));
}
