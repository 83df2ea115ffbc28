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

public sealed record GateReport(string Phase, DateTimeOffset? From, DateTimeOffset To, GateDecision Decision, GateAction Action, double NoGoMargin, IReadOnlyList<GateRow> Rows)
{
    public string DecisionName => GateDecisions.Of(Decision);
}

/// <summary>The go/no-go decision of SPEC 3: no-go, then insufficient data, then go, else hold.</summary>
public static class GateEvaluator
{
    public static async ValueTask<GateReport> EvaluateAsync(RolloutPlan plan, Phase phase, IEventHistory history, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var kpis = await new KpiCalculator(plan, history).ForPhaseAsync(phase, at, cancellationToken);
        return Decide(phase, kpis);
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
