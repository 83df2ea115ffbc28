using Rollgate.Core.Access;
using Rollgate.Core.Plans;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Notifications;

/// <summary>A notice for people: a subject and a text, the same on every channel.</summary>
public sealed record Notice(string Subject, string Body);

/// <summary>
/// Puts notices in the delivery queue for the people they concern: each person by email, and the operations
/// channel on Slack, for the channels that are configured. Queuing is quick and local; delivery happens later,
/// in <see cref="DeliveryWorker"/>.
/// </summary>
public sealed class Notifier(RolloutPlan plan, SqliteDeliveries queue, SlackWebhook slack, EmailSender email, TimeProvider clock)
{
    /// <summary>Raised after messages are queued, so that a worker can deliver them at once.</summary>
    public event Action? Queued;

    public IReadOnlyList<string> Channels => [.. new[] { (slack.IsConfigured, DeliveryWorker.Slack), (email.IsConfigured, DeliveryWorker.Email) }.Where(c => c.Item1).Select(c => c.Item2)];

    /// <summary>Every person whose role is one of <paramref name="roles"/>.</summary>
    public IReadOnlyList<User> PeopleOf(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        return [.. plan.Users.All.Where(u => set.Contains(u.Role))];
    }

    /// <summary>Queues <paramref name="notice"/> to each person by email and once to the Slack channel; returns how many messages.</summary>
    public int Send(string about, Notice notice, IEnumerable<User> people)
    {
        var messages = new List<NewDelivery>();
        if (slack.IsConfigured)
        {
            messages.Add(new NewDelivery(about, DeliveryWorker.Slack, "channel", notice.Subject, notice.Body));
        }

        if (email.IsConfigured)
        {
            messages.AddRange(people.Where(p => !string.IsNullOrWhiteSpace(p.Email)).DistinctBy(p => p.Email, StringComparer.OrdinalIgnoreCase)
                .Select(p => new NewDelivery(about, DeliveryWorker.Email, p.Email, notice.Subject, notice.Body)));
        }

        if (messages.Count > 0)
        {
            queue.Enqueue(messages, clock.GetUtcNow());
            Queued?.Invoke();
        }

        return messages.Count;
    }
}
