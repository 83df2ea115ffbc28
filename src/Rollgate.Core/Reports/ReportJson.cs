using System.Text.Json.Nodes;
using Rollgate.Core.Events;
using Rollgate.Core.Experiments;
using Rollgate.Core.Gates;
using Rollgate.Core.Metrics;
using Rollgate.Core.Plans;
using Rollgate.Core.Time;
using Rollgate.Core.Triggers;

namespace Rollgate.Core.Reports;

/// <summary>
/// The JSON forms of KPIs, gates and triggers (SPEC 6), shared by the command line and the server so that both
/// say the same thing in the same words. A number that cannot be computed is null, never NaN.
/// </summary>
public static class ReportJson
{
    /// <summary>A number for JSON: null where it cannot be computed, never NaN or infinity.</summary>
    public static JsonNode? Number(double? value) => value is { } v && double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 10)) : null;

    public static string Time(DateTimeOffset t) => Rfc3339.Format(t);

    /// <summary>An instant from the store, shown in the plan's time zone.</summary>
    public static string Time(DateTimeOffset t, RolloutPlan plan) => Rfc3339.Format(TimeZoneInfo.ConvertTime(t, plan.TimeZone));

    public static JsonObject Metric(MetricValue m) => new()
    {
        ["metric"] = m.Name,
        ["value"] = Number(m.Value),
        ["n"] = m.N,
        ["ci_low"] = Number(m.Ci.Low),
        ["ci_high"] = Number(m.Ci.High),
        ["has_data"] = m.HasData,
    };

    public static JsonObject Gate(GateReport report, RolloutPlan plan) => new()
    {
        ["phase"] = report.Phase,
        ["decision"] = report.DecisionName,
        ["action"] = report.Action.Action,
        ["action_detail"] = report.Action.Describe(),
        ["from"] = report.From is { } f ? Time(f, plan) : null,
        ["to"] = Time(report.To),
        ["metrics"] = new JsonArray([.. report.Rows.Select(r => (JsonNode)new JsonObject
        {
            ["metric"] = r.Value.Name,
            ["value"] = Number(r.Value.Value),
            ["target"] = r.Target.Target,
            ["direction"] = r.Direction,
            ["met"] = r.Met,
            ["shortfall"] = Number(r.Shortfall),
            ["n"] = r.Value.N,
            ["ci_low"] = Number(r.Value.Ci.Low),
            ["ci_high"] = Number(r.Value.Ci.High),
        })]),
        ["sustained"] = report.Sustained is { } s
            ? new JsonObject { ["weeks_met"] = s.WeeksMet, ["weeks_required"] = s.WeeksRequired, ["met"] = s.Met }
            : null,
    };

    public static JsonObject Triggers(TriggerReport report, RolloutPlan plan) => new()
    {
        ["at"] = Time(report.At),
        ["phase"] = report.Phase,
        ["fired"] = new JsonArray([.. report.Fired.Select(f => (JsonNode)new JsonObject { ["id"] = f.Id, ["kind"] = f.Kind, ["reason"] = f.Reason })]),
        ["checked"] = new JsonArray([.. report.Checked.Select(c => (JsonNode)new JsonObject
        {
            ["id"] = c.Id,
            ["kind"] = c.Kind,
            ["fired"] = c.Fired,
            ["reason"] = c.Reason,
            ["held_since"] = c.HeldSince is { } h ? Time(h, plan) : null,
        })]),
    };

    public static JsonObject Experiment(ExperimentReport report, RolloutPlan plan) => new()
    {
        ["experiment"] = report.Experiment,
        ["at"] = Time(report.At),
        ["status"] = report.Status,
        ["started"] = report.Started is { } s ? Time(s, plan) : null,
        ["srm_p"] = Number(report.SrmP),
        ["sample_ratio_mismatch"] = report.SampleRatioMismatch,
        ["treatment_disabled"] = report.TreatmentDisabled,
        ["variants"] = new JsonArray([.. report.Variants.Select(v => (JsonNode)new JsonObject
        {
            ["variant"] = WireNames.Of(v.Variant),
            ["users"] = v.Users,
            ["runs"] = v.Runs,
            ["error_rate"] = Number(v.ErrorRate),
            ["task_accuracy"] = Number(v.TaskAccuracy),
            ["user_satisfaction"] = Number(v.UserSatisfaction),
            ["errors"] = v.Errors,
            ["reviews"] = v.Reviews,
            ["ratings"] = v.Ratings,
            ["disabled"] = v.Variant == Variant.Treatment && report.TreatmentDisabled,
        })]),
        ["comparisons"] = new JsonArray([.. report.Comparisons.Select(c => (JsonNode)new JsonObject
        {
            ["metric"] = c.Metric,
            ["control"] = Number(c.Control),
            ["treatment"] = Number(c.Treatment),
            ["diff"] = Number(c.Diff),
            ["p_value"] = Number(c.PValue),
            ["ci_low"] = Number(c.CiLow),
            ["ci_high"] = Number(c.CiHigh),
            ["interim"] = report.Interim,
        })]),
        ["guardrails"] = new JsonArray([.. report.Guardrails.Select(g => (JsonNode)new JsonObject
        {
            ["guardrail"] = g.Id,
            ["ok"] = g.Ok,
            ["detail"] = g.Detail,
        })]),
        ["recommendation"] = report.Recommendation.Code,
        ["recommendation_detail"] = report.Recommendation.Sentence,
    };
}
