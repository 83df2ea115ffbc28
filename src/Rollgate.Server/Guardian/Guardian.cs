using Microsoft.Extensions.Logging;
using Rollgate.Core.Access;
using Rollgate.Core.Plans;
using Rollgate.Core.Time;
using Rollgate.Core.Triggers;
using Rollgate.Server.Audit;
using Rollgate.Server.Events;
using Rollgate.Server.Notifications;
using Rollgate.Storage;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Guardian;

/// <summary>One evaluation: the triggers as judged, and what the guardian did about them.</summary>
public sealed record GuardianReport(DateTimeOffset At, TriggerReport Triggers, IReadOnlyList<string> Actions);

/// <summary>
/// Watches the plan's rollback triggers and acts on them, with nobody at the console: a full-rollback trigger runs
/// the playbook, a partial one goes back a phase (or is proposed to sales ops), a sustained condition that has held
/// for a quarter of its duration warns operations once, overdue incident reviews are escalated, and run payloads
/// past their retention are purged unless a legal hold stands.
/// </summary>
/// <remarks>
/// Everything it knows comes from the store (events and the audit trail), so a restart neither forgets a pending
/// condition nor repeats an action: a trigger acts once, and again only after an evaluation has seen it clear.
/// </remarks>
public sealed partial class Guardian(
    RolloutPlan plan,
    IEventStore store,
    AuditTrail audit,
    RollbackPlaybook playbook,
    Notifier notifier,
    SqliteIncidentReviews reviews,
    SqliteLegalHolds holds,
    SqliteRunOutputs outputs,
    TimeProvider clock,
    ILogger<Guardian> logger)
{
    private readonly SemaphoreSlim _one = new(1, 1);

    public async Task<GuardianReport> EvaluateAsync(CancellationToken ct = default)
    {
        await _one.WaitAsync(ct);
        try
        {
            return await EvaluateOnceAsync(ct);
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>A rollback by a person (sales ops, or an exec's directive acted on at once): the same playbook.</summary>
    public async Task<RollbackOutcome> RollBackAsync(string trigger, string reason, string by, CancellationToken ct = default)
    {
        await _one.WaitAsync(ct);
        try
        {
            var state = await PhaseState.AtAsync(plan, store, EventRecorder.Through(clock.GetUtcNow()), ct);
            if (state.Current is not { } phase)
            {
                throw new Operations.RefusedException(409, "the agents are already off" + (state.RolledBack is { } r ? $" (rolled back at {Rfc3339.Format(r.Ts)}, {r.Trigger})" : " (no phase has started)"));
            }

            return await playbook.FullAsync(trigger, reason, by, null, phase);
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task<GuardianReport> EvaluateOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var at = EventRecorder.Through(now);
        var actions = new List<string>();
        var report = await new TriggerEvaluator(plan, store).EvaluateAsync(at, ct);
        var state = await PhaseState.AtAsync(plan, store, at, ct);
        var trail = audit.List(AuditActions.Rollback, AuditActions.RollbackJoined, AuditActions.PartialRollback, AuditActions.RollbackProposed, AuditActions.TriggerCleared, AuditActions.TriggerPending);

        if (state.Current is { } phase)
        {
            await ActOnTriggersAsync(report, phase, trail, now, actions, ct);
        }

        Escalate(now, actions);
        Purge(now, actions);
        foreach (var action in actions)
        {
            LogAction(logger, action);
        }

        return new GuardianReport(now, report, actions);
    }

    private async Task ActOnTriggersAsync(TriggerReport report, Phase phase, IReadOnlyList<AuditRecord> trail, DateTimeOffset now, List<string> actions, CancellationToken ct)
    {
        // A trigger that acted and has not been seen clear since does not act again on the same condition.
        foreach (var status in report.Checked.Where(s => !s.Fired && HasActed(trail, s)))
        {
            audit.Record(RollbackPlaybook.Guardian, AuditActions.TriggerCleared, status.Id, status.Reason);
        }

        var fired = report.Fired.Where(s => !HasActed(trail, s)).ToList();
        if (fired.FirstOrDefault(s => s.Rule.Kind == TriggerKind.Rollback) is { } full)
        {
            var outcome = await playbook.FullAsync(full.Id, full.Reason, RollbackPlaybook.Guardian, full.HeldSince, phase);
            foreach (var other in fired.Where(s => s.Rule.Kind == TriggerKind.Rollback && s != full))
            {
                audit.Record(RollbackPlaybook.Guardian, AuditActions.RollbackJoined, other.Id, $"fired with {full.Id}, which rolled back: {other.Reason}");
            }

            actions.Add($"rolled back ({full.Id}): agents off at {Rfc3339.Format(outcome.Event.Ts)}; incident {outcome.Incident}; {outcome.Notifications} notification(s) queued");
            return;
        }

        if (fired.FirstOrDefault(s => s.Rule.Kind == TriggerKind.PartialRollback) is { } partial)
        {
            var previous = plan.PreviousPhase(phase);
            if (partial.Rule.Mode == TriggerMode.Automatic && previous is not null)
            {
                await playbook.PartialAsync(partial.Id, partial.Reason, phase, previous);
                actions.Add($"partial rollback ({partial.Id}): back from {phase.Id} to {previous.Id}");
            }
            else
            {
                audit.Record(RollbackPlaybook.Guardian, AuditActions.RollbackProposed, partial.Id, partial.Reason);
                notifier.Send($"proposal-{partial.Id}-{now.UtcTicks}", Notices.Proposed(plan, phase, previous, partial, now), notifier.PeopleOf([Identity.Roles.SalesOps]));
                actions.Add($"partial rollback proposed to sales ops ({partial.Id})");
            }

            return;
        }

        Warn(report, trail, now, actions);
    }

    /// <summary>Pending warnings: a sustained condition that has held a quarter of its duration, once per episode.</summary>
    private void Warn(TriggerReport report, IReadOnlyList<AuditRecord> trail, DateTimeOffset now, List<string> actions)
    {
        foreach (var status in report.Checked)
        {
            if (status.Fired || status.HeldSince is not { } since || Sustain(status.Rule) is not { } sustain || now - since < sustain / 4)
            {
                continue;
            }

            var episode = $"{status.Id} since {Rfc3339.Format(since)}";
            if (trail.Any(r => r.Entry.Action == AuditActions.TriggerPending && r.Entry.Subject == episode))
            {
                continue;
            }

            audit.Record(RollbackPlaybook.Guardian, AuditActions.TriggerPending, episode, status.Reason);
            var firesWhen = status.Rule is SatisfactionLowRule low
                ? $"If the daily mean stays below the threshold on {low.Days} service days in a row"
                : $"If it holds until {LocalCalendar.Describe(since + sustain, plan.TimeZone)}";
            notifier.Send($"pending-{status.Id}-{since.UtcTicks}", Notices.Pending(plan, status, since, firesWhen), notifier.PeopleOf([Identity.Roles.SalesOps]));
            actions.Add($"warned operations: {episode} is pending");
        }
    }

    private static TimeSpan? Sustain(TriggerRule rule) => rule switch
    {
        ErrorRateSustainedRule r => r.For,
        SatisfactionLowRule r => TimeSpan.FromDays(r.Days),
        _ => null,
    };

    /// <summary>
    /// Whether the guardian already acted on this condition: an action on the trigger, not followed by an evaluation
    /// that saw it clear, and not older than the condition itself (a directive issued after the last rollback, or an
    /// error streak that began after it, is a new condition).
    /// </summary>
    private static bool HasActed(IReadOnlyList<AuditRecord> trail, TriggerStatus status)
    {
        for (var i = trail.Count - 1; i >= 0; i--)
        {
            var e = trail[i].Entry;
            if (e.Subject != status.Id)
            {
                continue;
            }

            if (e.Action is AuditActions.Rollback or AuditActions.RollbackJoined or AuditActions.PartialRollback or AuditActions.RollbackProposed)
            {
                return status.HeldSince is not { } since || e.At >= since;
            }

            if (e.Action == AuditActions.TriggerCleared)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Reviews and findings past due are escalated to operations and the executive sponsor, once each.</summary>
    private void Escalate(DateTimeOffset now, List<string> actions)
    {
        foreach (var incident in reviews.Open())
        {
            foreach (var (document, due, overdue, escalated) in new[]
            {
                (ReviewDocument.Review, incident.ReviewDue, incident.ReviewOverdue(now), incident.ReviewEscalated),
                (ReviewDocument.Findings, incident.FindingsDue, incident.FindingsOverdue(now), incident.FindingsEscalated),
            })
            {
                if (!overdue || escalated is not null)
                {
                    continue;
                }

                var name = document == ReviewDocument.Review ? "review" : "findings";
                reviews.MarkEscalated(incident.Id, document, now);
                audit.Record(RollbackPlaybook.Guardian, AuditActions.Escalated, incident.Id, $"the {name} was due {Rfc3339.Format(due)}");
                notifier.Send($"overdue-{incident.Id}-{name}", Notices.Overdue(plan, incident.Id, name, due), notifier.PeopleOf([Identity.Roles.SalesOps, Identity.Roles.Exec]));
                actions.Add($"escalated: the {name} of {incident.Id} is overdue");
            }
        }
    }

    /// <summary>Run payloads past the plan's retention are emptied, never while a legal hold stands.</summary>
    private void Purge(DateTimeOffset now, List<string> actions)
    {
        if (plan.Retention.RunPayloads is not { } keep || holds.Active().Count > 0)
        {
            return;
        }

        var purged = outputs.Purge(now - keep, now);
        if (purged > 0)
        {
            audit.Record(RollbackPlaybook.Guardian, AuditActions.RetentionPurge, "run_outputs", $"{purged} run output(s) older than {Durations.Format(keep)} emptied");
            actions.Add($"purged {purged} run output(s) older than {Durations.Format(keep)}");
        }

        // A rollback's snapshot holds the run inputs and outputs of its day: it goes when they would have, once no
        // hold keeps it. Its path and SHA-256 stay on the incident's record.
        foreach (var review in reviews.All().Where(r => r.Snapshot is not null && r.Opened < now - keep && File.Exists(r.Snapshot)))
        {
            File.Delete(review.Snapshot!);
            audit.Record(RollbackPlaybook.Guardian, AuditActions.RetentionPurge, review.Snapshot, $"the snapshot of {review.Id} (SHA-256 {review.SnapshotSha256}) is older than {Durations.Format(keep)}: deleted");
            actions.Add($"deleted the snapshot of {review.Id}, older than {Durations.Format(keep)}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Guardian: {Action}")]
    private static partial void LogAction(ILogger logger, string action);
}
