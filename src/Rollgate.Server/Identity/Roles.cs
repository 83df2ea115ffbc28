using System.Security.Claims;

namespace Rollgate.Server.Identity;

/// <summary>The roles of users.csv that the API distinguishes, and the policies built on them.</summary>
public static class Roles
{
    public const string SalesOps = "sales_ops";
    public const string Reviewer = "reviewer";
    public const string Exec = "exec";

    /// <summary>Anyone with a valid token: agent requests are then judged by SPEC 4 (which names unknown users).</summary>
    public const string Anyone = "anyone";

    /// <summary>A person of the plan's users file, whatever their role.</summary>
    public const string Person = "person";

    /// <summary>Runs the rollout: sales ops.</summary>
    public const string Operations = "operations";

    /// <summary>Labels runs: reviewers.</summary>
    public const string Reviewing = "reviewing";

    /// <summary>Reads everybody's runs and the review queue: operations and reviewers.</summary>
    public const string Oversight = "oversight";

    /// <summary>Reads the rollout's status: operations, reviewers and executives.</summary>
    public const string Stakeholders = "stakeholders";

    /// <summary>Issues directives: the executive sponsor.</summary>
    public const string Executive = "executive";

    public static string User(this ClaimsPrincipal principal) => principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";

    public static string? Role(this ClaimsPrincipal principal) => principal.FindFirstValue(ClaimTypes.Role);
}
