using System.Diagnostics.Metrics;

namespace Rollgate.Server.Telemetry;

/// <summary>
/// The server's own instruments, exported at <c>GET /metrics</c> (Prometheus text) beside ASP.NET Core's: agent runs
/// by task and outcome, refusals by SPEC 4 reason, rollbacks by trigger, and notifications by channel and result.
/// </summary>
public sealed class RolloutMetrics : IDisposable
{
    public const string MeterName = "Rollgate.Server";

    private readonly Meter _meter;
    private readonly Counter<long> _runs;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _rollbacks;
    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _agentLatency;

    public RolloutMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _runs = _meter.CreateCounter<long>("rollgate.runs", "{run}", "Agent runs, by task and outcome");
        _refused = _meter.CreateCounter<long>("rollgate.access.refused", "{request}", "Agent requests refused, by SPEC 4 reason");
        _rollbacks = _meter.CreateCounter<long>("rollgate.rollbacks", "{rollback}", "Rollbacks, full or partial, by trigger");
        _deliveries = _meter.CreateCounter<long>("rollgate.notifications.attempts", "{attempt}", "Notification delivery attempts, by channel and result");
        _agentLatency = _meter.CreateHistogram<double>("rollgate.agent.duration", "ms", "Time an agent took to answer");
    }

    public void Run(string task, string outcome, double latencyMs)
    {
        _runs.Add(1, new KeyValuePair<string, object?>("task", task), new KeyValuePair<string, object?>("outcome", outcome));
        _agentLatency.Record(latencyMs, new KeyValuePair<string, object?>("task", task));
    }

    public void Refused(string task, string reason) =>
        _refused.Add(1, new KeyValuePair<string, object?>("task", task), new KeyValuePair<string, object?>("reason", reason));

    public void RolledBack(string trigger, bool partial) =>
        _rollbacks.Add(1, new KeyValuePair<string, object?>("trigger", trigger), new KeyValuePair<string, object?>("kind", partial ? "partial-rollback" : "rollback"));

    public void Delivery(string channel, bool ok) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("result", ok ? "answered" : "failed"));

    public void Dispose() => _meter.Dispose();
}
