using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Core.Statistics;
using Rollgate.Core.Time;

namespace Rollgate.Core.Metrics;

/// <summary>A metric's value at a moment: <c>null</c> where it cannot be computed, with its sample size and 95% interval.</summary>
public sealed record MetricValue(MetricKind Metric, double? Value, long N, Interval Ci, bool HasData, TimeWindow Window)
{
    public string Name => MetricCatalog.Name(Metric);
}

public sealed record KpiReport(string Phase, DateTimeOffset? From, DateTimeOffset To, IReadOnlyList<MetricValue> Metrics);

/// <summary>Computes the success metrics of SPEC 3 from the event history.</summary>
public sealed class KpiCalculator(RolloutPlan plan, IEventHistory history)
{
    private readonly Dictionary<string, IReadOnlySet<string>> _populations = new(StringComparer.Ordinal);

    // Satisfaction and time saved read the same feedback: one query per window and moment serves both.
    private (TimeWindow Window, DateTimeOffset At, IReadOnlyDictionary<string, FeedbackTally> Tallies)? _feedback;

    /// <summary>The phase's metrics over its window at <paramref name="at"/>: from its latest start before <paramref name="at"/>.</summary>
    public async ValueTask<KpiReport> ForPhaseAsync(Phase phase, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var start = await history.LatestPhaseStartAsync(phase.Id, at, cancellationToken);
        if (start is null)
        {
            var empty = new TimeWindow(at, at);
            return new KpiReport(phase.Id, null, at, [.. phase.Metrics.Select(m => new MetricValue(m.Metric, null, 0, Interval.None, false, empty))]);
        }

        var window = new TimeWindow(start.Ts, at);
        var values = new List<MetricValue>(phase.Metrics.Count);
        foreach (var metric in phase.Metrics)
        {
            values.Add(await ComputeAsync(phase, metric, window, at, ownWindow: true, cancellationToken));
        }

        return new KpiReport(phase.Id, start.Ts, at, values);
    }

    /// <summary>
    /// One success metric over <paramref name="window"/>. With <paramref name="ownWindow"/>, a metric that
    /// names its own trailing window (the full phase's 14 days of critical incidents) uses it instead.
    /// </summary>
    public async ValueTask<MetricValue> ComputeAsync(Phase phase, SuccessMetric metric, TimeWindow window, DateTimeOffset at, bool ownWindow, CancellationToken cancellationToken = default)
    {
        if (ownWindow && metric.Window is { } trailing)
        {
            window = new TimeWindow(at - trailing, window.To);
        }

        var users = Population(phase, metric);
        var min = plan.MinimumSample(metric.Metric);
        switch (metric.Metric)
        {
            case MetricKind.TaskAccuracy:
            {
                var t = await history.ReviewTallyAsync(window, at, users, cancellationToken);
                return Proportion(metric.Metric, t.Correct, t.Reviews, min, window);
            }

            case MetricKind.UserSatisfaction:
            {
                var feedback = await FeedbackAsync(window, at, cancellationToken);
                var t = users.Aggregate(default(FeedbackTally), (sum, u) => sum.Add(feedback.GetValueOrDefault(u)));
                double? mean = t.N == 0 ? null : t.Sum / t.N;
                return new MetricValue(metric.Metric, mean, t.N, Intervals.TMean(t.N, t.Sum, t.SumOfSquares), t.N > 0 && t.N >= min, window);
            }

            case MetricKind.ErrorRate:
            {
                var t = await history.RunTallyAsync(window, users, cancellationToken);
                return Proportion(metric.Metric, t.Errors, t.Runs, min, window);
            }

            case MetricKind.WeeklyActiveUsers:
            {
                var active = await history.ActiveUsersAsync(new TimeWindow(window.To - TimeSpan.FromDays(7), window.To), cancellationToken);
                var count = users.Count(active.Contains);
                return Proportion(metric.Metric, count, users.Count, min, window);
            }

            case MetricKind.LeadResponseTimeImprovement:
                return await LeadResponseAsync(metric, window, at, users, min, cancellationToken);

            case MetricKind.TimeSaved:
                return await TimeSavedAsync(metric, window, at, users, cancellationToken);

            default:
            {
                var count = await history.IncidentsOpenedAsync(window, [Severity.Critical], cancellationToken);
                return new MetricValue(metric.Metric, count, count, Interval.None, true, window);
            }
        }
    }

    private async ValueTask<IReadOnlyDictionary<string, FeedbackTally>> FeedbackAsync(TimeWindow window, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (_feedback is { } cached && cached.Window == window && cached.At == at)
        {
            return cached.Tallies;
        }

        var tallies = await history.FeedbackByUserAsync(window, at, cancellationToken);
        _feedback = (window, at, tallies);
        return tallies;
    }

    /// <summary>The people a metric counts: the roles its plan entry names, else the phase's cohort.</summary>
    public IReadOnlySet<string> Population(Phase phase, SuccessMetric metric)
    {
        var roles = metric.Population ?? phase.Cohort.Roles;
        var key = string.Join(',', roles.Order(StringComparer.Ordinal));
        if (!_populations.TryGetValue(key, out var set))
        {
            set = plan.Users.WithRoles(roles).ToHashSet(StringComparer.Ordinal);
            _populations[key] = set;
        }

        return set;
    }

    private static MetricValue Proportion(MetricKind metric, long hits, long n, int min, TimeWindow window) =>
        new(metric, n == 0 ? null : (double)hits / n, n, Intervals.Wilson(hits, n), n > 0 && n >= min, window);

    private async ValueTask<MetricValue> LeadResponseAsync(SuccessMetric metric, TimeWindow window, DateTimeOffset at, IReadOnlySet<string> users, int min, CancellationToken cancellationToken)
    {
        var baselineWindow = LocalCalendar.Dates(plan.Baseline.From, plan.Baseline.To, plan.TimeZone);
        var current = await history.LeadResponseMinutesAsync(window, at, users, cancellationToken);
        var baseline = await history.LeadResponseMinutesAsync(baselineWindow, at, users, cancellationToken);
        var currentMedian = Medians.Of(current);
        var baselineMedian = Medians.Of(baseline);
        double? value = currentMedian is { } c && baselineMedian is { } b && b > 0 ? 1 - (c / b) : null;
        var hasData = value is not null && current.Count >= Math.Max(1, min) && baseline.Count >= Math.Max(1, min);
        var ci = value is null ? Interval.None : Medians.BootstrapImprovement(current, baseline);
        return new MetricValue(metric.Metric, value, current.Count, ci, hasData, window);
    }

    private async ValueTask<MetricValue> TimeSavedAsync(SuccessMetric metric, TimeWindow window, DateTimeOffset at, IReadOnlySet<string> users, CancellationToken cancellationToken)
    {
        var weeks = window.Length.TotalDays / 7;
        if (users.Count == 0 || weeks <= 0)
        {
            return new MetricValue(metric.Metric, null, users.Count, Interval.None, true, window);
        }

        var feedback = await FeedbackAsync(window, at, cancellationToken);

        // Hours saved per person per week, one value per member of the population (0 for those without feedback):
        // their mean is the metric, and their spread gives its t interval.
        var perUser = users.Select(u => feedback.GetValueOrDefault(u).MinutesSaved / 60 / weeks).ToList();
        return new MetricValue(metric.Metric, perUser.Average(), users.Count, Intervals.TMean(perUser), true, window);
    }
}
