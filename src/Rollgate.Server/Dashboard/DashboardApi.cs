using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Rollgate.Server.Dashboard;

/// <summary>
/// The dashboard at <c>/</c>: a page and its script, served to anyone because they hold no data. The page asks for
/// the person's token and reads <c>GET /v1/status</c> with it, so the dashboard shows exactly what the API lets that
/// person see.
/// </summary>
public static class DashboardApi
{
    // No inline script, no other origin: the page's data is written as text, and the policy forbids the rest.
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; "
        + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly byte[] Page = Resource("dashboard.html");
    private static readonly byte[] Script = Resource("dashboard.js");

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext http) => Serve(http, Page, "text/html; charset=utf-8"))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/dashboard.js", (HttpContext http) => Serve(http, Script, "text/javascript; charset=utf-8"))
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(HttpContext http, byte[] content, string type)
    {
        http.Response.Headers.ContentSecurityPolicy = Policy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Bytes(content, type);
    }

    private static byte[] Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Rollgate.Server.Dashboard.{name}")
            ?? throw new InvalidOperationException($"the dashboard's {name} is missing from the assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
