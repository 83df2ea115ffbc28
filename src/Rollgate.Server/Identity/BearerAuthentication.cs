using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rollgate.Core.Plans;
using Rollgate.Server.Http;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Identity;

/// <summary>
/// <c>Authorization: Bearer rg_...</c>: the token's SHA-256 is looked up in the store, or in memory while the store's
/// stamp says no token was created or revoked since (so a revoked token stops working on the next request); the
/// stamp read here serves the rest of the request (<see cref="RequestStamp"/>). The user's role comes from the plan's
/// users file. Refusals are problem details: 401 without a known token, 403 with one whose role the endpoint does not
/// admit.
/// </summary>
internal sealed class BearerAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SqliteTokenStore tokens,
    SqliteStamps stamps,
    RolloutPlan plan,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!header.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.Fail("the Authorization header is not 'Bearer <token>'"));
        }

        var stamp = stamps.Read();
        Context.Features.Set(new RequestStamp(stamp));
        var user = tokens.Authenticate(header[(SchemeName.Length + 1)..].Trim(), stamp);
        if (user is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("the token is unknown or revoked"));
        }

        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, user), new(ClaimTypes.Name, user) };
        if (plan.Users.Find(user) is { } person)
        {
            claims.Add(new Claim(ClaimTypes.Role, person.Role));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await Context.AuthenticateAsync(SchemeName);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = SchemeName;
        var detail = result.Failure?.Message ?? "send 'Authorization: Bearer <token>' (a token comes from 'rollgate token create --db DB --user ID')";
        await Write(StatusCodes.Status401Unauthorized, "Not authenticated", detail);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var role = Context.User.Role();
        var needed = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
        var who = role is null ? $"'{Context.User.User()}' is not in the plan's users file" : $"'{Context.User.User()}' has the role {role}";
        await Write(StatusCodes.Status403Forbidden, "Not allowed", $"{who}; this needs {Describe(needed)}");
    }

    private static string Describe(string? policy) => policy switch
    {
        Roles.Operations => "the role sales_ops",
        Roles.Reviewing => "the role reviewer",
        Roles.Oversight => "the role sales_ops or reviewer",
        Roles.Stakeholders => "the role sales_ops, reviewer or exec",
        Roles.Executive => "the role exec",
        Roles.Person => "a person of the plan's users file",
        _ => "another role",
    };

    private ValueTask Write(int status, string title, string detail) => problems.WriteAsync(new ProblemDetailsContext
    {
        HttpContext = Context,
        ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
    });
}
