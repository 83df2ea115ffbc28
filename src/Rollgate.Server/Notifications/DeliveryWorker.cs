using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Notifications;

/// <summary>
/// Delivers the queued notifications: each due message is tried once per pass, every attempt is recorded, and a
/// failure is retried with exponential backoff until the attempts run out. Channels are tried side by side, so a
/// Slack webhook that never answers does not hold up email (and nothing here ever holds up a rollback).
/// </summary>
public sealed partial class DeliveryWorker(
    SqliteDeliveries queue, SlackWebhook slack, EmailSender email, IOptions<RollgateOptions> options, Telemetry.RolloutMetrics metrics, TimeProvider clock, ILogger<DeliveryWorker> logger)
{
    public const string Slack = "slack";
    public const string Email = "email";

    /// <summary>Longer than any send may take (an SMTP batch waits at most its timeout per step).</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    private readonly SemaphoreSlim _pass = new(1, 1);

    /// <summary>Tries every message due now; returns how many were delivered.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct = default)
    {
        await _pass.WaitAsync(ct);
        try
        {
            // Claimed, not just read: a scheduler's 'rollgate guard --once' and the server never send the same message.
            var now = clock.GetUtcNow();
            var due = queue.Claim(now, now + Lease, limit: 500);
            var delivered = await Task.WhenAll(due.GroupBy(d => d.Channel).Select(channel => DeliverAllAsync(channel, ct)));
            return delivered.Sum();
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task<int> DeliverAllAsync(IGrouping<string, DeliveryRecord> channel, CancellationToken ct)
    {
        var messages = channel.ToList();
        var delivered = 0;
        if (channel.Key == Email)
        {
            // One SMTP session for the whole batch; each message's outcome is recorded as it comes.
            await email.SendManyAsync([.. messages.Select(m => new Email(m.Recipient, m.Subject, m.Body))], (i, result) => delivered += Record(messages[i], result), ct);
            return delivered;
        }

        foreach (var m in messages)
        {
            var result = m.Channel == Slack
                ? await slack.SendAsync($"*{m.Subject}*\n{m.Body}", ct)
                : new Delivery(false, $"failed: unknown channel '{m.Channel}'");
            delivered += Record(m, result);
        }

        return delivered;
    }

    /// <summary>Records an attempt and schedules the retry of a failure; 1 when the message went through.</summary>
    private int Record(DeliveryRecord m, Delivery result)
    {
        var now = clock.GetUtcNow();
        var attempts = m.Attempts + 1;
        var settings = options.Value.Notifications;
        DateTimeOffset? retryAt = result.Answered || attempts >= settings.MaxAttempts ? null : now + settings.RetryBase * Math.Pow(2, attempts - 1);
        queue.RecordAttempt(m.Id, now, result.Answered, result.Detail, retryAt);
        metrics.Delivery(m.Channel, result.Answered);
        if (!result.Answered)
        {
            LogFailed(logger, m.Channel, m.Id, attempts, result.Detail, retryAt is null ? "giving up" : "will retry");
        }

        return result.Answered ? 1 : 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id} on {Channel}, attempt {Attempt}: {Detail}; {Next}")]
    private static partial void LogFailed(ILogger logger, string channel, long id, int attempt, string detail, string next);
}
