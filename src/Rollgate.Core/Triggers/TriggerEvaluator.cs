using System.Globalization;
using Rollgate.Core.Access;
using Rollgate.Core.Events;
using Rollgate.Core.Metrics;
using Rollgate.Core.Plans;
using Rollgate.Core.Time;

namespace Rollgate.Core.Triggers;

/// <summary>
/// How a trigger stands at a moment. <c>HeldSince</c> is when a sustained condition began to hold without a
/// break (within what the rule looks at), so that a watcher can warn before it fires.
/// </summary>
public sealed record TriggerStatus(TriggerRule Rule, bool Fired, string Reason, DateTimeOffset? HeldSince = null)
{
    public string Id => Rule.Id;

    public string Kind => TriggerKinds.Of(Rule.Kind);
}

public sealed record TriggerReport(DateTimeOffset At, string? Phase, IReadOnlyList<TriggerStatus> Checked)
{
    public IEnumerable<TriggerStatus> Fired => Checked.Where(c => c.Fired);
}

/// <summary>Judges the plan's rollback triggers at a moment (SPEC 3), each with a reason a person understands.</summary>
public sealed class TriggerEvaluator(RolloutPlan plan, IEventHistory history)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public async ValueTask<TriggerReport> EvaluateAsync(DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var state = await PhaseState.AtAsync(plan, history, at, cancellationToken);
        if (state is not { Current: { } phase, Start: { } start })
        {
            var why = state.RolledBack is { } rb
                ? $"not judged: the agents are off since the rollback at {Local(rb.Ts)}"
                : "not judged: no phase is current";
            return new TriggerReport(at, null, [.. plan.Rollback.Triggers.Select(t => new TriggerStatus(t, false, why))]);
        }

        var statuses = new List<TriggerStatus>(plan.Rollback.Triggers.Count);
        foreach (var rule in plan.Rollback.Triggers)
        {
            statuses.Add(rule switch
            {
                ErrorRateSustainedRule r => await ErrorRateAsync(r, start.Ts, at, cancellationToken),
                OpenIncidentRule r => await OpenIncidentAsync(r, at, cancellationToken),
                SatisfactionLowRule r => await SatisfactionAsync(r, phase, start.Ts, at, cancellationToken),
                DirectiveRule r => await DirectiveAsync(r, start.Ts, at, cancellationToken),
                MetricsMissedRule r => await MetricsMissedAsync(r, phase, start.Ts, at, cancellationToken),
                IncidentRateRule r => await IncidentRateAsync(r, at, cancellationToken),
                OpenBugsRule r => await OpenBugsAsync(r, at, cancellationToken),
                _ => new TriggerStatus(rule, false, "not judged: unknown rule"),
            });
        }

        return new TriggerReport(at, phase.Id, statuses);
    }

    /// <summary>
    /// C(t): the runs in <c>[max(t − window, start), t)</c> number at least the minimum and their error rate is
    /// above the threshold. Fires when C holds at every whole minute of <c>[floor(T) − for, floor(T)]</c>.
    /// </summary>
    private async ValueTask<TriggerStatus> ErrorRateAsync(ErrorRateSustainedRule rule, DateTimeOffset phaseStart, DateTimeOffset at, CancellationToken ct)
    {
        var last = TimeWindow.FloorToMinute(at);
        var first = last - rule.For;
        var from = Max(first - rule.Window, phaseStart);
        var buckets = await history.RunsByMinuteAsync(new TimeWindow(from, last), ct);

        // Walk back from the latest minute while C holds: the streak's start is when the condition began.
        var points = (int)(rule.For.Ticks / TimeSpan.TicksPerMinute);
        var held = 0;
        (long Runs, long Errors) latest = default;
        for (var i = 0; i <= points; i++)
        {
            var t = last - TimeSpan.FromMinutes(i);
            var (runs, errors) = Sum(buckets, Max(t - rule.Window, phaseStart), t);
            if (i == 0)
            {
                latest = (runs, errors);
            }

            if (runs < rule.MinRuns || (double)errors / runs <= rule.Threshold)
            {
                break;
            }

            held++;
        }

        var window = Durations.Format(rule.Window);
        var rate = latest.Runs == 0 ? "no runs" : Percent((double)latest.Errors / latest.Runs);
        var detail = $"error rate {rate} over {window} ({latest.Errors} of {latest.Runs} runs)";
        if (held == 0)
        {
            var why = latest.Runs < rule.MinRuns ? $"{latest.Runs} runs in the last {window}, fewer than {rule.MinRuns}" : detail;
            return new TriggerStatus(rule, false, $"{why}; fires above {Percent(rule.Threshold)} for {Durations.Format(rule.For)}");
        }

        var since = last - TimeSpan.FromMinutes(held - 1);
        var fired = held > points;
        var reason = fired
            ? $"{detail} at every minute since {LocalClock(since)}"
            : $"{detail}, above {Percent(rule.Threshold)} at every minute since {LocalClock(since)} ({held} of {points + 1} minutes needed)";
        return new TriggerStatus(rule, fired, reason, since);
    }

    private static (long Runs, long Errors) Sum(IReadOnlyList<MinuteTally> buckets, DateTimeOffset from, DateTimeOffset to)
    {
        long runs = 0, errors = 0;
        var first = TimeWindow.FloorToMinute(from);
        foreach (var b in buckets)
        {
            if (b.Minute >= first && b.Minute < to)
            {
                runs += b.Runs;
                errors += b.Errors;
            }
        }

        return (runs, errors);
    }

    private async ValueTask<TriggerStatus> OpenIncidentAsync(OpenIncidentRule rule, DateTimeOffset at, CancellationToken ct)
    {
        var open = (await history.OpenIncidentsAsync(at, ct))
            .Where(i => rule.Severities.Contains(i.Severity) && rule.Categories.Contains(i.Category))
            .OrderBy(i => i.Ts)
            .ToList();
        if (open.Count == 0)
        {
            var what = string.Join("/", rule.Severities.Select(WireNames.Of));
            var where = string.Join(" or ", rule.Categories.Select(WireNames.Of));
            return new TriggerStatus(rule, false, $"no open {what} {where} incident");
        }

        var list = string.Join(", ", open.Select(i => $"{i.Id} ({WireNames.Of(i.Severity)} {WireNames.Of(i.Category)}{(i.Title is null ? "" : ": " + i.Title)}) open since {Local(i.Ts)}"));
        return new TriggerStatus(rule, true, $"incident {list}", open[0].Ts);
    }

    /// <summary>The last N service days before T's local date each had a rating and a daily mean below the threshold.</summary>
    private async ValueTask<TriggerStatus> SatisfactionAsync(SatisfactionLowRule rule, Phase phase, DateTimeOffset phaseStart, DateTimeOffset at, CancellationToken ct)
    {
        var zone = plan.TimeZone;
        var day = LocalCalendar.DateOf(at, zone);
        var days = new List<(DateOnly Day, double? Mean, long N)>();
        for (var back = 1; days.Count < rule.Days && back <= 7 * (rule.Days + 1); back++)
        {
            var d = day.AddDays(-back);
            if (!phase.Availability.OpensOn(d))
            {
                continue;
            }

            var window = LocalCalendar.Day(d, zone);
            var tally = window.To <= phaseStart
                ? default
                : await history.RatingTallyAsync(new TimeWindow(Max(window.From, phaseStart), window.To), at, null, ct);
            days.Add((d, tally.Mean, tally.N));
        }

        var low = days.Count == rule.Days && days.All(d => d.N > 0 && d.Mean < rule.Threshold);
        var described = string.Join(", ", days.AsEnumerable().Reverse().Select(d =>
            $"{d.Day.ToString("ddd d MMM", Inv)}: {(d.Mean is { } m ? m.ToString("0.00", Inv) + $" ({d.N})" : "no ratings")}"));
        var reason = low
            ? $"daily mean rating below {rule.Threshold.ToString("0.0#", Inv)} on the last {rule.Days} service days ({described})"
            : $"last {rule.Days} service days: {described}; fires when each is below {rule.Threshold.ToString("0.0#", Inv)}";
        // The streak of low days, most recent first: its oldest day is when the condition began (also while it
        // has not yet lasted the rule's days, so that a warning can go out before it fires).
        var streak = days.TakeWhile(d => d.N > 0 && d.Mean < rule.Threshold).Count();
        var since = streak > 0 ? LocalCalendar.StartOf(days[streak - 1].Day, zone) : (DateTimeOffset?)null;
        return new TriggerStatus(rule, low, reason, since);
    }

    private async ValueTask<TriggerStatus> DirectiveAsync(DirectiveRule rule, DateTimeOffset phaseStart, DateTimeOffset at, CancellationToken ct)
    {
        var directive = await history.FirstDirectiveAsync(new TimeWindow(phaseStart.AddTicks(1), at), ct);
        if (directive is null)
        {
            return new TriggerStatus(rule, false, "no executive directive since the phase started");
        }

        var reason = $"executive directive by {directive.By} at {Local(directive.Ts)}{(directive.Reason is null ? "" : ": " + directive.Reason)}";
        return new TriggerStatus(rule, true, reason, directive.Ts);
    }

    private async ValueTask<TriggerStatus> MetricsMissedAsync(MetricsMissedRule rule, Phase phase, DateTimeOffset phaseStart, DateTimeOffset at, CancellationToken ct)
    {
        var calculator = new KpiCalculator(plan, history);
        var window = new TimeWindow(Max(at - rule.Window, phaseStart), at);
        var missed = new List<string>();
        foreach (var metric in phase.Metrics)
        {
            var value = await calculator.ComputeAsync(phase, metric, window, at, ownWindow: false, ct);
            if (value.HasData && value.Value is { } v && metric.Shortfall(v) > rule.Margin)
            {
                var bound = metric.Direction == Direction.Min ? "≥" : "≤";
                missed.Add($"{value.Name} {MetricCatalog.FormatValue(metric.Metric, v)} misses {bound} {MetricCatalog.FormatValue(metric.Metric, metric.Target)} by {Percent(metric.Shortfall(v))}");
            }
        }

        var span = Durations.Format(window.Length);
        return missed.Count == 0
            ? new TriggerStatus(rule, false, $"no success metric missed by more than {Percent(rule.Margin)} over the last {span}")
            : new TriggerStatus(rule, true, $"{string.Join("; ", missed)} (over the last {span}, margin {Percent(rule.Margin)})", window.From);
    }

    private async ValueTask<TriggerStatus> IncidentRateAsync(IncidentRateRule rule, DateTimeOffset at, CancellationToken ct)
    {
        var count = await history.IncidentsOpenedAsync(new TimeWindow(at - rule.Window, at), null, ct);
        var text = $"{count} incident{(count == 1 ? "" : "s")} opened in the last {Durations.Format(rule.Window)}";
        return count > rule.Max
            ? new TriggerStatus(rule, true, $"{text}, more than {rule.Max}")
            : new TriggerStatus(rule, false, $"{text}; fires above {rule.Max}");
    }

    private async ValueTask<TriggerStatus> OpenBugsAsync(OpenBugsRule rule, DateTimeOffset at, CancellationToken ct)
    {
        var open = (await history.OpenBugsAsync(at, ct)).Where(b => b.Priority == rule.Priority).OrderBy(b => b.Ts).ToList();
        var name = WireNames.Of(rule.Priority).ToUpperInvariant();
        var text = $"{open.Count} open {name} bug{(open.Count == 1 ? "" : "s")}{(open.Count == 0 ? "" : " (" + string.Join(", ", open.Select(b => b.Id)) + ")")}";
        return open.Count > rule.Max
            ? new TriggerStatus(rule, true, $"{text}, more than {rule.Max}", open[rule.Max].Ts)
            : new TriggerStatus(rule, false, $"{text}; fires above {rule.Max}");
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static string Percent(double v) => v.ToString("0.0%", Inv);

    private string Local(DateTimeOffset t) => LocalCalendar.Describe(t, plan.TimeZone);

    private string LocalClock(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, plan.TimeZone).ToString("HH:mm", Inv);
}
