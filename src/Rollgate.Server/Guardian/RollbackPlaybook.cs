using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Rollgate.Core.Access;
using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Core.Time;
using Rollgate.Server.Audit;
using Rollgate.Server.Events;
using Rollgate.Server.Notifications;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Guardian;

/// <summary>What a rollback did, step by step, for the record and for whoever asked.</summary>
public sealed record RollbackOutcome(Rollback Event, string Incident, int Notifications, Snapshot? Snapshot, string? Problems, DateTimeOffset ReviewDue, DateTimeOffset FindingsDue)
{
    public JsonObject ToJson() => new()
    {
        ["rollback"] = JsonNode.Parse(EventJson.Serialize(Event)),
        ["incident"] = Incident,
        ["notifications"] = Notifications,
        ["snapshot"] = Snapshot is { } s ? new JsonObject { ["path"] = s.Path, ["sha256"] = s.Sha256, ["bytes"] = s.Bytes } : null,
        ["problems"] = Problems,
        ["review_due"] = Rfc3339.Format(ReviewDue),
        ["findings_due"] = Rfc3339.Format(FindingsDue),
    };
}

/// <summary>
/// The seed's rollback playbook, in its order: (1) agents off at once, before anything that can be slow; (2) everyone
/// in the cohort told, by Slack and email, through the delivery queue; (3) all data preserved: a legal hold and a
/// snapshot of the store with its SHA-256; (4) an incident opened whose review is due within a day and (5) whose
/// findings are due within two. Every step is on the audit trail.
/// </summary>
public sealed class RollbackPlaybook(
    RolloutPlan plan,
    EventRecorder recorder,
    AuditTrail audit,
    Notifier notifier,
    SqliteLegalHolds holds,
    SqliteIncidentReviews reviews,
    IOptions<RollgateOptions> options,
    Telemetry.RolloutMetrics metrics,
    TimeProvider clock)
{
    public const string Guardian = "guardian";

    /// <summary>The whole playbook. Once begun it runs to its end: nothing that follows agents off is abandoned halfway.</summary>
    public async Task<RollbackOutcome> FullAsync(string trigger, string reason, string by, DateTimeOffset? since, Phase phase)
    {
        // 1. Agents off: the next agent request is refused with no_active_phase.
        var now = clock.GetUtcNow();
        var rollback = new Rollback(now, trigger, by, reason);
        await recorder.RecordAsync(rollback);
        audit.Record(by, AuditActions.Rollback, trigger, $"agents off in phase {phase.Id}: {reason}");
        metrics.RolledBack(trigger, partial: false);

        // 4-5 are known now, and the notice names them.
        var incident = IncidentId(now, trigger);
        var (reviewDue, findingsDue) = (now + Due("incident_review", TimeSpan.FromHours(24)), now + Due("publish_findings", TimeSpan.FromHours(48)));

        // Each later step stands alone: one that fails is on the record, and the others still happen.
        var problems = new List<string>();

        // 2. Everyone in the cohort is told (queued; delivery never holds up the steps that follow).
        var queued = Step("notify", problems, by, incident, () =>
        {
            var notice = Notices.RolledBack(plan, phase, trigger, reason, since ?? now, now, incident, reviewDue, findingsDue);
            var cohort = notifier.PeopleOf(phase.Cohort.Roles.Concat([Identity.Roles.SalesOps, Identity.Roles.Exec]));
            var n = notifier.Send(incident, notice, cohort);
            audit.Record(by, AuditActions.Notified, incident, $"{n} message(s) queued to {cohort.Count} people on {Describe(notifier.Channels)}");
            return n;
        });

        // 3. Preserve: a hold first (it stops any purge at once), then the incident, then the snapshot.
        Step("legal hold", problems, by, incident, () =>
        {
            var hold = holds.Place($"rollback {incident}: {trigger}", now);
            audit.Record(by, AuditActions.LegalHold, incident, $"legal hold {hold.Id} placed");
            return 0;
        });
        Step("incident review", problems, by, incident, () =>
        {
            reviews.Open(incident, now, trigger, phase.Id, reason, reviewDue, findingsDue);
            audit.Record(by, AuditActions.IncidentReviewOpened, incident, $"review due {Rfc3339.Format(reviewDue)}, findings due {Rfc3339.Format(findingsDue)}");
            return 0;
        });

        Snapshot? snapshot = null;
        Step("snapshot", problems, by, incident, () =>
        {
            snapshot = SqliteSnapshot.Create(options.Value.Db, Path.Combine(SnapshotFolder(), $"rollgate-{incident}.db"));
            reviews.AttachSnapshot(incident, snapshot);
            audit.Record(by, AuditActions.Snapshot, incident, $"{snapshot.Path} sha256 {snapshot.Sha256}");
            return 0;
        });
        var problem = problems.Count == 0 ? null : string.Join("; ", problems);
        return new RollbackOutcome(rollback, incident, queued, snapshot, problem, reviewDue, findingsDue);
    }

    /// <summary>Back to the previous phase: a <c>phase_started</c> of it, with the trigger as its reason; the cohort is told.</summary>
    public async Task<PhaseStarted> PartialAsync(string trigger, string reason, Phase from, Phase to)
    {
        var now = clock.GetUtcNow();
        var started = new PhaseStarted(now, to.Id, Guardian, $"partial rollback ({trigger}): {reason}");
        await recorder.RecordAsync(started);
        audit.Record(Guardian, AuditActions.PartialRollback, trigger, $"back from {from.Id} to {to.Id}: {reason}");
        metrics.RolledBack(trigger, partial: true);
        var about = $"partial-{now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{trigger}";
        var people = notifier.PeopleOf(from.Cohort.Roles.Concat([Identity.Roles.SalesOps, Identity.Roles.Exec]));
        var queued = notifier.Send(about, Notices.PartiallyRolledBack(plan, from, to, trigger, reason, now), people);
        audit.Record(Guardian, AuditActions.Notified, about, $"{queued} message(s) queued to {people.Count} people on {Describe(notifier.Channels)}");
        return started;
    }

    private int Step(string name, List<string> problems, string by, string incident, Func<int> step)
    {
        try
        {
            return step();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            problems.Add($"{name}: {ex.Message}");
            audit.Record(by, AuditActions.RollbackStepFailed, incident, $"{name} failed: {ex.Message}");
            return 0;
        }
    }

    private string SnapshotFolder() => options.Value.SnapshotFolder is { Length: > 0 } folder
        ? folder
        : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.Value.Db)) ?? ".", "snapshots");

    private TimeSpan Due(string step, TimeSpan fallback) => plan.Rollback.Playbook.FirstOrDefault(s => s.Step == step)?.Due ?? fallback;

    private static string IncidentId(DateTimeOffset now, string trigger) =>
        $"rb-{now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{trigger}";

    private static string Describe(IReadOnlyList<string> channels) => channels.Count == 0 ? "no configured channel" : string.Join(" and ", channels);
}
