using System.Text.Json.Nodes;
using Rollgate.Core.Access;
using Rollgate.Core.Events;
using Rollgate.Core.Gates;
using Rollgate.Core.Plans;
using Rollgate.Core.Reports;
using Rollgate.Core.Triggers;
using Rollgate.Storage;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Operations;

/// <summary>
/// The rollout at a glance: the current phase and its days left, whether the agents are on, the phase's KPIs
/// against their targets with the gate's decision, the triggers that fire, and what is open.
/// </summary>
public sealed class StatusReport(
    RolloutPlan plan,
    IEventStore store,
    Notifications.Notifier notifier,
    SqliteDeliveries deliveries,
    SqliteLegalHolds holds,
    SqliteIncidentReviews reviews,
    TimeProvider clock)
{
    public async Task<JsonObject> BuildAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var state = await PhaseState.AtAsync(plan, store, Events.EventRecorder.Through(now), ct);
        var phase = state.Current ?? (state.Start is { } s ? plan.FindPhase(s.Phase) : null);
        var gate = phase is null ? null : await GateEvaluator.EvaluateAsync(plan, phase, store, now, cancellationToken: ct);
        var triggers = await new TriggerEvaluator(plan, store).EvaluateAsync(now, ct);
        var incidents = await store.OpenIncidentsAsync(now, ct);
        var bugs = await store.OpenBugsAsync(now, ct);
        return new JsonObject
        {
            ["at"] = ReportJson.Time(now, plan),
            ["agents"] = state.IsActive ? "on" : "off",
            ["phase"] = phase is null ? null : PhaseJson(phase, state.Start!, now),
            ["rolled_back"] = state.RolledBack is { } r
                ? new JsonObject { ["ts"] = ReportJson.Time(r.Ts, plan), ["trigger"] = r.Trigger, ["by"] = r.By, ["reason"] = r.Reason }
                : null,
            ["gate"] = gate is null ? null : ReportJson.Gate(gate, plan),
            ["triggers"] = ReportJson.Triggers(triggers, plan),
            ["open_incidents"] = new JsonArray([.. incidents.Select(i => (JsonNode)new JsonObject
            {
                ["id"] = i.Id, ["severity"] = WireNames.Of(i.Severity), ["category"] = WireNames.Of(i.Category), ["title"] = i.Title, ["ts"] = ReportJson.Time(i.Ts, plan),
            })]),
            ["open_bugs"] = new JsonArray([.. bugs.Select(b => (JsonNode)new JsonObject
            {
                ["id"] = b.Id, ["priority"] = WireNames.Of(b.Priority), ["title"] = b.Title, ["ts"] = ReportJson.Time(b.Ts, plan),
            })]),
            ["pending"] = new JsonArray([.. triggers.Checked.Where(c => !c.Fired && c.HeldSince is not null).Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id, ["held_since"] = ReportJson.Time(c.HeldSince!.Value, plan), ["reason"] = c.Reason,
            })]),
            ["incidents_under_review"] = new JsonArray([.. reviews.Open().Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r.Id,
                ["trigger"] = r.Trigger,
                ["opened"] = ReportJson.Time(r.Opened, plan),
                ["review_due"] = ReportJson.Time(r.ReviewDue, plan),
                ["review_done"] = r.ReviewAt is not null,
                ["review_overdue"] = r.ReviewOverdue(now),
                ["findings_due"] = ReportJson.Time(r.FindingsDue, plan),
                ["findings_done"] = r.FindingsAt is not null,
                ["findings_overdue"] = r.FindingsOverdue(now),
                ["snapshot_sha256"] = r.SnapshotSha256,
            })]),
            ["legal_holds"] = new JsonArray([.. holds.Active().Select(h => (JsonNode)new JsonObject
            {
                ["id"] = h.Id, ["placed"] = ReportJson.Time(h.Placed, plan), ["reason"] = h.Reason,
            })]),
            ["notifications"] = Notifications(),
        };
    }

    /// <summary>The configured channels and how each is doing; a channel whose latest attempts all failed is <c>failing</c>.</summary>
    private JsonObject Notifications()
    {
        var health = deliveries.Health();
        var pending = deliveries.PendingByChannel();
        var channels = new JsonObject();
        foreach (var channel in notifier.Channels.Union(health.Select(h => h.Channel)))
        {
            var h = health.FirstOrDefault(x => x.Channel == channel);
            channels[channel] = new JsonObject
            {
                ["configured"] = notifier.Channels.Contains(channel),
                ["state"] = h is null ? "unused" : h.LastOk ? "ok" : "failing",
                ["failures_in_a_row"] = h?.FailuresInARow ?? 0,
                ["last_attempt"] = h is null ? null : ReportJson.Time(h.LastAttempt, plan),
                ["last_detail"] = h?.LastDetail,
                ["pending"] = pending.GetValueOrDefault(channel),
            };
        }

        return channels;
    }

    private JsonObject PhaseJson(Phase phase, PhaseStarted start, DateTimeOffset now)
    {
        var elapsed = now - start.Ts;
        DateTimeOffset? ends = phase.Duration is { } d ? start.Ts + d : null;
        return new JsonObject
        {
            ["id"] = phase.Id,
            ["name"] = phase.Name,
            ["started"] = ReportJson.Time(start.Ts, plan),
            ["started_by"] = start.By,
            ["reason"] = start.Reason,
            ["days_elapsed"] = Math.Round(elapsed.TotalDays, 1),
            ["ends"] = ends is { } e ? ReportJson.Time(e, plan) : null,
            ["days_left"] = ends is { } end ? Math.Round(Math.Max(0, (end - now).TotalDays), 1) : null,
            ["cohort"] = new JsonArray([.. phase.Cohort.Roles.Select(r => (JsonNode)r)]),
            ["tasks"] = new JsonArray([.. phase.Tasks.Select(t => (JsonNode)t)]),
            ["availability"] = phase.Availability.Describe(),
        };
    }
}
