using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Audit;

/// <summary>The names of audited changes of state.</summary>
public static class AuditActions
{
    public const string PhaseStarted = "phase_started";
    public const string PhaseOverride = "phase_override";
    public const string KillSwitchOff = "kill_switch_off";
    public const string KillSwitchOn = "kill_switch_on";
    public const string Directive = "directive";
    public const string SignOff = "sign_off";
    public const string NotificationTest = "notification_test";
    public const string RunReviewed = "run_reviewed";
    public const string IncidentOpened = "incident_opened";
    public const string IncidentResolved = "incident_resolved";
    public const string BugFiled = "bug_filed";
    public const string BugResolved = "bug_resolved";
    public const string Rollback = "rollback";
    public const string PartialRollback = "partial_rollback";

    /// <summary>A full-rollback trigger that fired with another that acted first: it counts as acted on too.</summary>
    public const string RollbackJoined = "rollback_joined";
    public const string RollbackProposed = "rollback_proposed";
    public const string TriggerPending = "trigger_pending";
    public const string TriggerCleared = "trigger_cleared";
    public const string Notified = "notified";
    public const string LegalHold = "legal_hold";
    public const string LegalHoldReleased = "legal_hold_released";
    public const string Snapshot = "snapshot";
    public const string RollbackStepFailed = "rollback_step_failed";
    public const string IncidentReviewOpened = "incident_review_opened";
    public const string IncidentReviewRecorded = "incident_review_recorded";
    public const string IncidentFindingsRecorded = "incident_findings_recorded";
    public const string Escalated = "escalated";
    public const string RetentionPurge = "retention_purge";
    public const string TokenCreated = "token_created";
    public const string TokenRevoked = "token_revoked";
}

/// <summary>Records who changed what, when and why, on the chained audit log, at the injected clock's time.</summary>
public sealed class AuditTrail(SqliteAuditLog log, TimeProvider clock)
{
    public AuditRecord Record(string actor, string action, string? subject, string? reason) =>
        log.Append(new AuditEntry(clock.GetUtcNow(), actor, action, subject, reason));

    public IReadOnlyList<AuditRecord> List() => log.List();

    public IReadOnlyList<AuditRecord> List(params string[] actions) => log.List(actions);

    public AuditVerification Verify() => log.Verify();
}
