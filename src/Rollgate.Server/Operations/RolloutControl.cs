using Rollgate.Core.Access;
using Rollgate.Core.Events;
using Rollgate.Core.Gates;
using Rollgate.Core.Plans;
using Rollgate.Server.Audit;
using Rollgate.Server.Events;
using Rollgate.Server.Identity;
using Rollgate.Server.Phases;
using Rollgate.Storage;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Operations;

/// <summary>Why an operation was refused, with the HTTP status that says so (403 who, 404 what, 409 not now).</summary>
public sealed class RefusedException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static RefusedException Forbidden(string message) => new(403, message);

    public static RefusedException NotFound(string message) => new(404, message);

    public static RefusedException Conflict(string message) => new(409, message);

    public static RefusedException Invalid(string message) => new(400, message);
}

/// <summary>
/// The operations that change the rollout's state, the same from the API and from the command line: start a
/// phase (with its approval rules), the kill switch, directives, sign-offs, incidents and bugs. Each is recorded
/// as events (the state the decision engine reads) and, where it is a decision by a person, on the audit trail.
/// </summary>
public sealed class RolloutControl(
    RolloutPlan plan,
    IEventStore store,
    EventRecorder recorder,
    AuditTrail audit,
    Checklist checklist,
    Guardian.Guardian guardian,
    SqliteIncidentReviews reviews,
    SqliteLegalHolds holds,
    Notifications.SlackWebhook slack,
    Notifications.EmailSender email,
    Notifications.Notifier notifier,
    TimeProvider clock)
{
    /// <summary>
    /// Sends a test message on every configured channel (the Slack channel; an email to the person asking) and
    /// records each answer: a channel that answered is the checklist's monitoring evidence.
    /// </summary>
    public async Task<IReadOnlyList<(string Channel, Notifications.Delivery Delivery)>> TestNotificationsAsync(string by, CancellationToken ct = default)
    {
        var person = Person(by);
        if (person.Role != Roles.SalesOps)
        {
            throw RefusedException.Forbidden($"sales ops test the notification channels; {by} has the role {person.Role}");
        }

        if (!slack.IsConfigured && !email.IsConfigured)
        {
            throw RefusedException.Conflict("no notification channel is configured (set Rollgate__Slack__WebhookUrl, or Rollgate__Smtp__Host and Rollgate__Smtp__From)");
        }

        var text = $"Rollgate test message from {by}: this channel will carry rollback notices.";
        var results = new List<(string, Notifications.Delivery)>();
        if (slack.IsConfigured)
        {
            results.Add((Notifications.DeliveryWorker.Slack, await slack.SendAsync(text, ct)));
        }

        if (email.IsConfigured)
        {
            results.Add((Notifications.DeliveryWorker.Email, await email.SendAsync(person.Email, "Rollgate test message", text, ct)));
        }

        foreach (var (channel, delivery) in results)
        {
            audit.Record(by, AuditActions.NotificationTest, channel, delivery.Detail);
        }

        return results;
    }

    /// <summary>
    /// Starts a phase. A sales ops person approves a start that the rules allow: the pilot once the pre-launch
    /// checklist is complete, a later phase once the previous phase's gate says <c>go</c>. An exec may override
    /// the rules, with a reason, on the record.
    /// </summary>
    public async Task<PhaseStarted> StartPhaseAsync(string by, string phaseId, string? reason, bool overrideRules, CancellationToken ct = default)
    {
        var person = Person(by);
        var phase = plan.FindPhase(phaseId) ?? throw RefusedException.NotFound($"no phase '{phaseId}' (the plan's phases are {string.Join(", ", plan.Phases.Select(p => p.Id))})");
        var now = clock.GetUtcNow();
        var state = await PhaseState.AtAsync(plan, store, EventRecorder.Through(now), ct);
        if (state.Current?.Id == phase.Id)
        {
            throw RefusedException.Conflict($"'{phase.Id}' is already the current phase (since {Core.Time.Rfc3339.Format(state.Start!.Ts)})");
        }

        if (overrideRules)
        {
            if (person.Role != Roles.Exec)
            {
                throw RefusedException.Forbidden($"an override needs an exec; {by} has the role {person.Role}");
            }

            if (string.IsNullOrWhiteSpace(reason))
            {
                throw RefusedException.Invalid("an override needs a reason");
            }
        }
        else
        {
            if (person.Role != Roles.SalesOps)
            {
                throw RefusedException.Forbidden($"a phase is started (approved) by sales ops; {by} has the role {person.Role}" + (person.Role == Roles.Exec ? " (an exec may override, with a reason)" : ""));
            }

            await CheckReadyAsync(phase, now, ct);
        }

        var started = new PhaseStarted(now, phase.Id, by, string.IsNullOrWhiteSpace(reason) ? null : (overrideRules ? "override: " : "") + reason);
        await recorder.RecordAsync(started);
        audit.Record(by, overrideRules ? AuditActions.PhaseOverride : AuditActions.PhaseStarted, phase.Id, started.Reason ?? "approved");
        TellCohort(phase, by, now);
        return started;
    }

    /// <summary>Refuses unless the phase may start: the checklist for the first, the previous phase's gate for the rest.</summary>
    private async Task CheckReadyAsync(Phase phase, DateTimeOffset now, CancellationToken ct)
    {
        // Going back to an earlier phase narrows who may use the agents: it needs no gate (the seed's partial rollback).
        if (await store.LatestPhaseStartAsync(null, EventRecorder.Through(now), ct) is { } latest && IndexOf(latest.Phase) > IndexOf(phase.Id))
        {
            return;
        }

        if (plan.PreviousPhase(phase) is not { } previous)
        {
            var report = await checklist.JudgeAsync(ct);
            if (!report.Complete)
            {
                throw RefusedException.Conflict($"the pre-launch checklist is not complete: {string.Join("; ", report.Open.Select(i => $"{i.Id} ({i.Proof})"))}");
            }

            return;
        }

        if (await store.LatestPhaseStartAsync(previous.Id, EventRecorder.Through(now), ct) is null)
        {
            throw RefusedException.Conflict($"'{phase.Id}' follows '{previous.Id}', which has not run yet");
        }

        var gate = await GateEvaluator.EvaluateAsync(plan, previous, store, now, previous.GoNoGo.SustainFor is not null, ct);
        if (gate.Decision != GateDecision.Go)
        {
            var missed = gate.Rows.Where(r => r.Met != true).Select(r => $"{r.Value.Name} {(r.Met is null ? "has no data" : "missed")}");
            throw RefusedException.Conflict($"the gate of '{previous.Id}' says {gate.DecisionName}, not go ({string.Join(", ", missed)}); it advises: {gate.Action.Describe()}");
        }
    }

    /// <summary>Off stops every agent at once (a manual rollback); on restores the phase that was stopped.</summary>
    public async Task<RolloutEvent> KillSwitchAsync(string by, bool on, string? reason, CancellationToken ct = default)
    {
        var person = Person(by);
        if (person.Role != Roles.SalesOps)
        {
            throw RefusedException.Forbidden($"the kill switch is for sales ops; {by} has the role {person.Role}");
        }

        var now = clock.GetUtcNow();
        var state = await PhaseState.AtAsync(plan, store, EventRecorder.Through(now), ct);
        if (!on)
        {
            if (!state.IsActive)
            {
                throw RefusedException.Conflict("the agents are already off" + (state.RolledBack is { } r ? $" (rolled back at {Core.Time.Rfc3339.Format(r.Ts)}, {r.Trigger})" : " (no phase has started)"));
            }

            var rollback = new Rollback(now, "manual", by, string.IsNullOrWhiteSpace(reason) ? "kill switch" : reason);
            await recorder.RecordAsync(rollback);
            audit.Record(by, AuditActions.KillSwitchOff, state.Current!.Id, rollback.Reason);
            return rollback;
        }

        if (state.IsActive)
        {
            throw RefusedException.Conflict($"the agents are already on (phase '{state.Current!.Id}')");
        }

        if (state.Start is null)
        {
            throw RefusedException.Conflict("no phase has started yet: there is nothing to restore (start the first phase instead)");
        }

        var restored = new PhaseStarted(now, state.Start.Phase, by, string.IsNullOrWhiteSpace(reason) ? "kill switch on" : reason);
        await recorder.RecordAsync(restored);
        audit.Record(by, AuditActions.KillSwitchOn, restored.Phase, restored.Reason);
        if (plan.FindPhase(restored.Phase) is { } phase)
        {
            TellCohort(phase, by, now);
        }

        return restored;
    }

    /// <summary>An executive directive to roll back: recorded, and the <c>executive-directive</c> trigger fires on it.</summary>
    public async Task<Directive> DirectiveAsync(string by, string action, string? reason, CancellationToken ct = default)
    {
        var person = Person(by);
        if (person.Role != Roles.Exec)
        {
            throw RefusedException.Forbidden($"a directive is issued by an exec; {by} has the role {person.Role}");
        }

        if (action != "rollback")
        {
            throw RefusedException.Invalid($"unknown action '{action}' (a directive's action is 'rollback')");
        }

        var directive = new Directive(clock.GetUtcNow(), by, action, string.IsNullOrWhiteSpace(reason) ? null : reason);
        await recorder.RecordAsync(directive);
        audit.Record(by, AuditActions.Directive, action, directive.Reason);

        // Acted on at once, through the same playbook as every rollback, rather than at the next evaluation.
        await guardian.EvaluateAsync(ct);
        return directive;
    }

    /// <summary>A rollback by sales ops: the full playbook, with trigger <c>manual</c>.</summary>
    public Task<Guardian.RollbackOutcome> RollbackAsync(string by, string? reason, CancellationToken ct = default)
    {
        OperationsOnly(by, "roll back");
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw RefusedException.Invalid("a rollback needs a reason: it is told to everyone in the cohort");
        }

        return guardian.RollBackAsync("manual", reason, by, ct);
    }

    /// <summary>Records the review or the findings of the incident a rollback opened (sales ops or an exec).</summary>
    public Task<IncidentReview> RecordReviewAsync(string by, string incident, ReviewDocument document, string text, CancellationToken ct = default)
    {
        var person = Person(by);
        if (person.Role is not (Roles.SalesOps or Roles.Exec))
        {
            throw RefusedException.Forbidden($"incident reviews are recorded by sales ops or an exec; {by} has the role {person.Role}");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw RefusedException.Invalid("the document is empty");
        }

        ct.ThrowIfCancellationRequested();
        if (!reviews.Record(incident, document, by, text, clock.GetUtcNow()))
        {
            throw RefusedException.NotFound($"no incident '{incident}' (incidents of rollbacks: {string.Join(", ", reviews.All().Select(r => r.Id).DefaultIfEmpty("none"))})");
        }

        var record = reviews.Find(incident)!;
        audit.Record(by, document == ReviewDocument.Review ? AuditActions.IncidentReviewRecorded : AuditActions.IncidentFindingsRecorded, incident,
            "sha256 " + (document == ReviewDocument.Review ? record.ReviewSha256 : record.FindingsSha256));
        return Task.FromResult(record);
    }

    /// <summary>Releases a legal hold (an exec: the data may be purged again by its retention).</summary>
    public Task<LegalHold> ReleaseHoldAsync(string by, long id, string? reason, CancellationToken ct = default)
    {
        var person = Person(by);
        if (person.Role != Roles.Exec)
        {
            throw RefusedException.Forbidden($"a legal hold is released by an exec; {by} has the role {person.Role}");
        }

        ct.ThrowIfCancellationRequested();
        if (!holds.Release(id, clock.GetUtcNow()))
        {
            throw RefusedException.NotFound($"no standing legal hold {id}");
        }

        audit.Record(by, AuditActions.LegalHoldReleased, id.ToString(System.Globalization.CultureInfo.InvariantCulture), reason);
        return Task.FromResult(holds.All().Single(h => h.Id == id));
    }

    /// <summary>Signs off a checklist item that the plan leaves to a person of a named role.</summary>
    public Task SignOffAsync(string by, string itemId, string? note, CancellationToken ct = default)
    {
        var person = Person(by);
        if (!checklist.Knows(itemId))
        {
            throw RefusedException.NotFound($"no checklist item '{itemId}' (the items are {string.Join(", ", plan.PreLaunch.Checklist.Select(i => i.Id).Append(Checklist.SponsorItem))})");
        }

        var role = checklist.SignOffRole(itemId) ?? throw RefusedException.Conflict($"'{itemId}' is proven by evidence the system holds, not by a sign-off");
        if (person.Role != role)
        {
            throw RefusedException.Forbidden($"'{itemId}' is signed off by the role {role}; {by} has the role {person.Role}");
        }

        ct.ThrowIfCancellationRequested();
        audit.Record(by, AuditActions.SignOff, itemId, string.IsNullOrWhiteSpace(note) ? null : note);
        return Task.CompletedTask;
    }

    public async Task<Incident> OpenIncidentAsync(string by, string? id, Severity severity, IncidentCategory category, string? title, CancellationToken ct = default)
    {
        Person(by);
        var now = clock.GetUtcNow();
        id = string.IsNullOrWhiteSpace(id) ? "inc-" + Guid.NewGuid().ToString("N")[..12] : id;
        if ((await store.OpenIncidentsAsync(EventRecorder.Through(now), ct)).Any(i => i.Id == id))
        {
            throw RefusedException.Conflict($"incident '{id}' is already open");
        }

        var incident = new Incident(now, id, severity, category, string.IsNullOrWhiteSpace(title) ? null : title);
        await recorder.RecordAsync(incident);
        audit.Record(by, AuditActions.IncidentOpened, id, $"{WireNames.Of(severity)} {WireNames.Of(category)}{(incident.Title is { } t ? ": " + t : "")}");
        return incident;
    }

    public async Task<IncidentResolved> ResolveIncidentAsync(string by, string id, CancellationToken ct = default)
    {
        OperationsOnly(by, "resolves incidents");
        var now = clock.GetUtcNow();
        if (!(await store.OpenIncidentsAsync(EventRecorder.Through(now), ct)).Any(i => i.Id == id))
        {
            throw RefusedException.NotFound($"no open incident '{id}'");
        }

        var resolved = new IncidentResolved(now, id);
        await recorder.RecordAsync(resolved);
        audit.Record(by, AuditActions.IncidentResolved, id, null);
        return resolved;
    }

    public async Task<Bug> FileBugAsync(string by, string? id, BugPriority priority, string? title, CancellationToken ct = default)
    {
        Person(by);
        var now = clock.GetUtcNow();
        id = string.IsNullOrWhiteSpace(id) ? "bug-" + Guid.NewGuid().ToString("N")[..12] : id;
        if ((await store.OpenBugsAsync(EventRecorder.Through(now), ct)).Any(b => b.Id == id))
        {
            throw RefusedException.Conflict($"bug '{id}' is already open");
        }

        var bug = new Bug(now, id, priority, string.IsNullOrWhiteSpace(title) ? null : title);
        await recorder.RecordAsync(bug);
        audit.Record(by, AuditActions.BugFiled, id, $"{WireNames.Of(priority)}{(bug.Title is { } t ? ": " + t : "")}");
        return bug;
    }

    public async Task<BugResolved> ResolveBugAsync(string by, string id, CancellationToken ct = default)
    {
        OperationsOnly(by, "resolves bugs");
        var now = clock.GetUtcNow();
        if (!(await store.OpenBugsAsync(EventRecorder.Through(now), ct)).Any(b => b.Id == id))
        {
            throw RefusedException.NotFound($"no open bug '{id}'");
        }

        var resolved = new BugResolved(now, id);
        await recorder.RecordAsync(resolved);
        audit.Record(by, AuditActions.BugResolved, id, null);
        return resolved;
    }

    /// <summary>The people the agents are (again) available to are told so, on the configured channels.</summary>
    private void TellCohort(Phase phase, string by, DateTimeOffset now)
    {
        var about = $"available-{phase.Id}-{now.UtcTicks}";
        var people = notifier.PeopleOf(phase.Cohort.Roles);
        var queued = notifier.Send(about, Notifications.Notices.Restored(plan, phase, by, now), people);
        audit.Record(by, AuditActions.Notified, about, $"{queued} message(s) queued to {people.Count} people on {(notifier.Channels.Count == 0 ? "no configured channel" : string.Join(" and ", notifier.Channels))}");
    }

    private int IndexOf(string phaseId)
    {
        for (var i = 0; i < plan.Phases.Count; i++)
        {
            if (plan.Phases[i].Id == phaseId)
            {
                return i;
            }
        }

        return -1;
    }

    private void OperationsOnly(string by, string what)
    {
        var person = Person(by);
        if (person.Role != Roles.SalesOps)
        {
            throw RefusedException.Forbidden($"sales ops {what}; {by} has the role {person.Role}");
        }
    }

    private User Person(string by) => plan.Users.Find(by) ?? throw RefusedException.Forbidden($"'{by}' is not in the plan's users file");
}
