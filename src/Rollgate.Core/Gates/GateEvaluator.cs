using Rollgate.Core.Events;
using Rollgate.Core.Metrics;
using Rollgate.Core.Plans;

namespace Rollgate.Core.Gates;

public enum GateDecision { Go, NoGo, Hold, InsufficientData }

public static class GateDecisions
{
    public static string Of(GateDecision d) => d switch
    {
        GateDecision.Go => "go",
        GateDecision.NoGo => "no-go",
        GateDecision.Hold => "hold",
        _ => "insufficient-data",
    };
}

/// <summary>A row of the gate: the metric against its target. <c>Met</c> and <c>Shortfall</c> are null without data.</summary>
public sealed record GateRow(MetricValue Value, SuccessMetric Target, bool? Met, double? Shortfall)
{
    public string Direction => Target.Direction == Plans.Direction.Min ? "min" : "max";
}

/// <summary>Whether the gate said go at each weekly check of the sustain period, counting back from the latest.</summary>
public sealed record SustainedCheck(int WeeksMet, int WeeksRequired)
{
    public bool Met => WeeksMet >= WeeksRequired;
}

public sealed record GateReport(string Phase, DateTimeOffset? From, DateTimeOffset To, GateDecision Decision, GateAction Action, double NoGoMargin, IReadOnlyList<GateRow> Rows)
{
    public SustainedCheck? Sustained { get; init; }

    public string DecisionName => GateDecisions.Of(Decision);
}

/// <summary>The go/no-go decision of SPEC 3: no-go, then insufficient data, then go, else hold.</summary>
public static class GateEvaluator
{
    /// <summary>
    /// The gate at <paramref name="at"/>. With <paramref name="sustained"/>, a phase whose go/no-go names a
    /// <c>sustain_for</c> is also judged at the weekly checks before it (each a full gate, so it costs that many).
    /// </summary>
    public static async ValueTask<GateReport> EvaluateAsync(RolloutPlan plan, Phase phase, IEventHistory history, DateTimeOffset at, bool sustained = false, CancellationToken cancellationToken = default)
    {
        var calculator = new KpiCalculator(plan, history);
        var report = Decide(phase, await calculator.ForPhaseAsync(phase, at, cancellationToken));
        if (!sustained || phase.GoNoGo.SustainFor is not { } span || report.From is not { } start)
        {
            return report;
        }

        // Weekly checks back from T, while the phase was already running a week at the check.
        var required = (int)(span.Ticks / TimeSpan.FromDays(7).Ticks);
        var met = 0;
        for (var week = 0; week < required; week++)
        {
            var check = at - TimeSpan.FromDays(7 * week);
            if (check - start < TimeSpan.FromDays(7))
            {
                break;
            }

            var decision = week == 0 ? report.Decision : Decide(phase, await calculator.ForPhaseAsync(phase, check, cancellationToken)).Decision;
            if (decision != GateDecision.Go)
            {
                break;
            }

            met++;
        }

        return report with { Sustained = new SustainedCheck(met, required) };
    }

    public static GateReport Decide(Phase phase, KpiReport kpis)
    {
        var rows = new List<GateRow>(phase.Metrics.Count);
        for (var i = 0; i < phase.Metrics.Count; i++)
        {
            var target = phase.Metrics[i];
            var value = kpis.Metrics[i];
            if (value.HasData && value.Value is { } v)
            {
                rows.Add(new GateRow(value, target, target.IsMet(v), target.Shortfall(v)));
            }
            else
            {
                rows.Add(new GateRow(value, target, null, null));
            }
        }

        var margin = phase.GoNoGo.NoGoMargin;
        GateDecision decision;
        if (rows.Any(r => r.Shortfall > margin))
        {
            decision = GateDecision.NoGo;
        }
        else if (rows.Any(r => r.Met is null))
        {
            decision = GateDecision.InsufficientData;
        }
        else if (rows.All(r => r.Met == true))
        {
            decision = GateDecision.Go;
        }
        else
        {
            decision = GateDecision.Hold;
        }

        var action = decision switch
        {
            GateDecision.Go => phase.GoNoGo.OnGo,
            GateDecision.NoGo => phase.GoNoGo.OnNoGo,
            GateDecision.Hold => phase.GoNoGo.OnHold,
            _ => phase.GoNoGo.OnInsufficientData,
        };
        return new GateReport(phase.Id, kpis.From, kpis.To, decision, action, margin, rows);
    }
}
