using System.Globalization;
using Rollgate.Agents.Qa;
using Rollgate.Core.Plans;
using Rollgate.Server.Audit;

namespace Rollgate.Server.Phases;

/// <summary>An item of the pre-launch checklist and whether it is done, with what proves it (or what is missing).</summary>
public sealed record ChecklistStatus(string Id, string Text, bool Done, string How, string Proof);

/// <summary>The whole checklist: every item, then the executive sponsor's sign-off of the exit criteria.</summary>
public sealed record ChecklistReport(IReadOnlyList<ChecklistStatus> Items, string ExitCriteria)
{
    public bool Complete => Items.All(i => i.Done);

    public IEnumerable<ChecklistStatus> Open => Items.Where(i => !i.Done);
}

/// <summary>
/// Judges the plan's pre-launch checklist from what the system holds: the last QA run's pass rate, the manual
/// reviews recorded, a notification channel that answered a test message; and, where no system can know, a named
/// sign-off by a person of the role the plan names, taken from the audit trail.
/// </summary>
public sealed class Checklist(RolloutPlan plan, IQaStore qa, AuditTrail audit)
{
    /// <summary>The id of the final sign-off of the exit criteria (the seed's "executive sponsor sign-off").</summary>
    public const string SponsorItem = "sponsor-sign-off";

    public const string QaPassRate = "qa_pass_rate";
    public const string ManualReviews = "manual_reviews";
    public const string NotificationTest = "notification_test";

    public static readonly IReadOnlyList<string> EvidenceKinds = [QaPassRate, ManualReviews, NotificationTest];

    public async Task<ChecklistReport> JudgeAsync(CancellationToken ct = default)
    {
        var records = audit.List(AuditActions.SignOff, AuditActions.NotificationTest);
        var items = new List<ChecklistStatus>();
        foreach (var item in plan.PreLaunch.Checklist)
        {
            items.Add(item.Evidence is { } evidence
                ? await EvidenceAsync(item, evidence, records, ct)
                : SignOff(item.Id, item.Text, item.SignOffRole, records));
        }

        if (plan.PreLaunch.SignOffRole is { } sponsor)
        {
            items.Add(SignOff(SponsorItem, "Executive sponsor sign-off of the exit criteria", sponsor, records));
        }

        return new ChecklistReport(items, plan.PreLaunch.ExitCriteria);
    }

    /// <summary>The role that signs an item off, or null when the item is proven by evidence (or unknown).</summary>
    public string? SignOffRole(string itemId) => itemId == SponsorItem
        ? plan.PreLaunch.SignOffRole
        : plan.PreLaunch.Checklist.FirstOrDefault(i => i.Id == itemId) is { Evidence: null } item ? item.SignOffRole : null;

    public bool Knows(string itemId) => (itemId == SponsorItem && plan.PreLaunch.SignOffRole is not null) || plan.PreLaunch.Checklist.Any(i => i.Id == itemId);

    private ChecklistStatus SignOff(string id, string text, string? role, IReadOnlyList<Storage.Sqlite.AuditRecord> records)
    {
        var signed = records.LastOrDefault(r => r.Entry.Action == AuditActions.SignOff && r.Entry.Subject == id
            && role is not null && plan.Users.Find(r.Entry.Actor)?.Role == role);
        var how = $"sign-off by {role ?? "(no role named)"}";
        return signed is null
            ? new ChecklistStatus(id, text, false, how, "not signed off yet")
            : new ChecklistStatus(id, text, true, how, $"signed off by {signed.Entry.Actor} at {Core.Time.Rfc3339.Format(signed.Entry.At)}{(signed.Entry.Reason is { } why ? ": " + why : "")}");
    }

    private async Task<ChecklistStatus> EvidenceAsync(ChecklistItem item, string evidence, IReadOnlyList<Storage.Sqlite.AuditRecord> records, CancellationToken ct)
    {
        switch (evidence)
        {
            case QaPassRate:
            {
                var threshold = item.Threshold ?? 0.95;
                var how = $"the last QA run passes at least {threshold:P0}";
                var run = await qa.LatestRunAsync(ct);
                if (run is null)
                {
                    return new ChecklistStatus(item.Id, item.Text, false, how, "no QA run recorded ('rollgate qa run --db DB')");
                }

                var done = run.PassRate is { } rate && rate >= threshold;
                return new ChecklistStatus(item.Id, item.Text, done, how,
                    $"{run.Passed}/{run.Total} passed ({(run.PassRate ?? 0).ToString("P1", CultureInfo.InvariantCulture)}) on {Core.Time.Rfc3339.Format(run.At)}, suite {run.Suite}");
            }

            case ManualReviews:
            {
                var needed = (int)(item.Threshold ?? 50);
                var count = await qa.ReviewedScenarioCountAsync(ct);
                return new ChecklistStatus(item.Id, item.Text, count >= needed, $"at least {needed} scenarios reviewed by hand", $"{count} reviewed ('rollgate qa review')");
            }

            case NotificationTest:
            {
                var answered = records.LastOrDefault(r => r.Entry.Action == AuditActions.NotificationTest && r.Entry.Reason?.StartsWith("answered", StringComparison.Ordinal) == true);
                return answered is null
                    ? new ChecklistStatus(item.Id, item.Text, false, "a notification channel answered a test message", "no channel has answered a test yet (POST /v1/notifications/test)")
                    : new ChecklistStatus(item.Id, item.Text, true, "a notification channel answered a test message", $"{answered.Entry.Subject} {answered.Entry.Reason} at {Core.Time.Rfc3339.Format(answered.Entry.At)}");
            }

            default:
                return new ChecklistStatus(item.Id, item.Text, false, $"evidence '{evidence}'", $"Rollgate holds no evidence of kind '{evidence}' (known: {string.Join(", ", EvidenceKinds)})");
        }
    }
}
