using System.ComponentModel.DataAnnotations;
using Rollgate.Agents.Engines;

namespace Rollgate.Server;

/// <summary>
/// The server's settings, from ASP.NET Core configuration under <c>Rollgate</c> (appsettings, or environment
/// variables such as <c>Rollgate__Slack__WebhookUrl</c>). <c>rollgate serve --plan --db</c> sets the first two.
/// </summary>
public sealed class RollgateOptions
{
    public const string Section = "Rollgate";

    /// <summary>The rollout plan's YAML file.</summary>
    [Required(ErrorMessage = "Rollgate:Plan (--plan) is required")]
    public string Plan { get; set; } = "";

    /// <summary>The SQLite store: events, CRM records, tokens, audit trail.</summary>
    [Required(ErrorMessage = "Rollgate:Db (--db) is required")]
    public string Db { get; set; } = "";

    /// <summary><c>builtin</c> (deterministic, offline) or <c>chat</c> (an OpenAI-compatible endpoint, see <see cref="Chat"/>).</summary>
    [RegularExpression("^(builtin|chat)$", ErrorMessage = "Rollgate:Engine must be builtin or chat")]
    public string Engine { get; set; } = "builtin";

    public ChatSettings Chat { get; set; } = new();

    public SlackOptions Slack { get; set; } = new();

    public SmtpOptions Smtp { get; set; } = new();

    public GuardianOptions Guardian { get; set; } = new();

    public NotificationOptions Notifications { get; set; } = new();

    /// <summary>Where rollback snapshots of the store go (default: a <c>snapshots</c> folder beside the store).</summary>
    public string? SnapshotFolder { get; set; }

    /// <summary>How many runs <c>GET /v1/reviews/queue</c> offers by default.</summary>
    [Range(1, 500)]
    public int ReviewQueueSize { get; set; } = 20;
}

public sealed class ChatSettings
{
    public Uri? Endpoint { get; set; }

    public string? Model { get; set; }

    public string ApiKeyVariable { get; set; } = "ROLLGATE_CHAT_API_KEY";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public ChatEngineOptions ToEngineOptions() => new() { Endpoint = Endpoint, Model = Model, ApiKeyVariable = ApiKeyVariable, Timeout = Timeout };
}

/// <summary>The operations channel and cohort notices on Slack, through an incoming webhook.</summary>
public sealed class SlackOptions
{
    public Uri? WebhookUrl { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Email to the cohort and the escalation list, through an SMTP relay.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    public string? From { get; set; }

    /// <summary>The SMTP user, when the relay asks for one; its password comes from <see cref="PasswordVariable"/>.</summary>
    public string? User { get; set; }

    public string PasswordVariable { get; set; } = "ROLLGATE_SMTP_PASSWORD";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>How notifications are retried: attempt n+1 waits <c>RetryBase × 2^(n-1)</c>, up to <c>MaxAttempts</c>.</summary>
public sealed class NotificationOptions
{
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;
}

public sealed class GuardianOptions
{
    /// <summary>How often every trigger is evaluated.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether the server runs the guardian itself (off when a scheduler runs <c>rollgate guard --once</c>).</summary>
    public bool Enabled { get; set; } = true;
}
