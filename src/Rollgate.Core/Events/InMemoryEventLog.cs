using Rollgate.Core.Time;

namespace Rollgate.Core.Events;

/// <summary>
/// The event log as a list, answering by scanning it: the reference meaning of every query of
/// <see cref="IEventHistory"/>, used by tests, by the simulator and for small logs.
/// </summary>
public sealed class InMemoryEventLog : IEventHistory
{
    private readonly List<RolloutEvent> _events = [];
    private readonly Dictionary<string, Run> _runs = new(StringComparer.Ordinal);

    public InMemoryEventLog(IEnumerable<RolloutEvent>? events = null)
    {
        foreach (var e in events ?? [])
        {
            Add(e);
        }
    }

    public IReadOnlyList<RolloutEvent> Events => _events;

    public void Add(RolloutEvent evt)
    {
        _events.Add(evt);
        if (evt is Run run)
        {
            _runs[run.Id] = run;
        }
    }

    public ValueTask<PhaseStarted?> LatestPhaseStartAsync(string? phase, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Latest<PhaseStarted>(at, p => phase is null || p.Phase == phase));

    public ValueTask<Rollback?> LatestRollbackAsync(DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Latest<Rollback>(at, _ => true));

    public ValueTask<DateTimeOffset?> NextPhaseChangeAsync(DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_events.Where(e => e is PhaseStarted or Rollback && e.Ts >= at).Select(e => (DateTimeOffset?)e.Ts).Min());

    public ValueTask<RunTally> RunTallyAsync(TimeWindow window, IReadOnlySet<string>? users, CancellationToken cancellationToken = default)
    {
        long runs = 0, errors = 0;
        foreach (var r in _events.OfType<Run>())
        {
            if (window.Contains(r.Ts) && (users is null || users.Contains(r.User)))
            {
                runs++;
                errors += r.Outcome == RunOutcome.Error ? 1 : 0;
            }
        }

        return ValueTask.FromResult(new RunTally(runs, errors));
    }

    public ValueTask<IReadOnlyList<MinuteTally>> RunsByMinuteAsync(TimeWindow window, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<MinuteTally> result = [.. _events.OfType<Run>()
            .Where(r => window.Contains(r.Ts))
            .GroupBy(r => TimeWindow.FloorToMinute(r.Ts))
            .OrderBy(g => g.Key)
            .Select(g => new MinuteTally(g.Key, g.Count(), g.Count(r => r.Outcome == RunOutcome.Error)))];
        return ValueTask.FromResult(result);
    }

    public ValueTask<IReadOnlySet<string>> ActiveUsersAsync(TimeWindow window, CancellationToken cancellationToken = default)
    {
        IReadOnlySet<string> result = _events.OfType<Run>().Where(r => window.Contains(r.Ts)).Select(r => r.User).ToHashSet(StringComparer.Ordinal);
        return ValueTask.FromResult(result);
    }

    public ValueTask<RatingTally> RatingTallyAsync(TimeWindow runs, DateTimeOffset at, IReadOnlySet<string>? users, CancellationToken cancellationToken = default)
    {
        long n = 0;
        double sum = 0, squares = 0;
        foreach (var (f, _) in CurrentFeedback(runs, at, users))
        {
            n++;
            sum += f.Rating;
            squares += f.Rating * f.Rating;
        }

        return ValueTask.FromResult(new RatingTally(n, sum, squares));
    }

    public ValueTask<IReadOnlyDictionary<string, FeedbackTally>> FeedbackByUserAsync(TimeWindow runs, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, FeedbackTally>(StringComparer.Ordinal);
        foreach (var (f, run) in CurrentFeedback(runs, at, null))
        {
            result[run.User] = result.GetValueOrDefault(run.User).Add(new FeedbackTally(1, f.Rating, f.Rating * f.Rating, f.MinutesSaved ?? 0));
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, FeedbackTally>>(result);
    }

    public ValueTask<ReviewTally> ReviewTallyAsync(TimeWindow runs, DateTimeOffset at, IReadOnlySet<string>? users, CancellationToken cancellationToken = default)
    {
        long n = 0, correct = 0;
        foreach (var review in LatestPer(_events.OfType<Review>(), at, r => (r.Run, r.Reviewer)))
        {
            if (_runs.TryGetValue(review.Run, out var run) && runs.Contains(run.Ts) && (users is null || users.Contains(run.User)))
            {
                n++;
                correct += review.Correct ? 1 : 0;
            }
        }

        return ValueTask.FromResult(new ReviewTally(n, correct));
    }

    public ValueTask<IReadOnlyList<double>> LeadResponseMinutesAsync(TimeWindow created, DateTimeOffset at, IReadOnlySet<string>? users, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<double> result = [.. _events.OfType<LeadResponse>()
            .Where(l => l.Ts < at && created.Contains(l.Created) && (users is null || users.Contains(l.User)))
            .Select(l => (l.Responded - l.Created).TotalMinutes)];
        return ValueTask.FromResult(result);
    }

    public ValueTask<int> IncidentsOpenedAsync(TimeWindow window, IReadOnlyCollection<Severity>? severities, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_events.OfType<Incident>().Count(i => window.Contains(i.Ts) && (severities is null || severities.Contains(i.Severity))));

    public ValueTask<IReadOnlyList<Incident>> OpenIncidentsAsync(DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var resolved = _events.OfType<IncidentResolved>().Where(r => r.Ts < at).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<Incident> result = [.. _events.OfType<Incident>().Where(i => i.Ts < at && !resolved.Contains(i.Id))];
        return ValueTask.FromResult(result);
    }

    public ValueTask<IReadOnlyList<Bug>> OpenBugsAsync(DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var resolved = _events.OfType<BugResolved>().Where(r => r.Ts < at).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<Bug> result = [.. _events.OfType<Bug>().Where(b => b.Ts < at && !resolved.Contains(b.Id))];
        return ValueTask.FromResult(result);
    }

    public ValueTask<Directive?> FirstDirectiveAsync(TimeWindow window, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_events.OfType<Directive>().Where(d => d.Action == "rollback" && window.Contains(d.Ts)).OrderBy(d => d.Ts).FirstOrDefault());

    public ValueTask<IReadOnlyList<VariantTally>> ExperimentTallyAsync(string experiment, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var runs = _runs.Values.Where(r => r.Ts < at && r.Experiment == experiment && r.Variant is not null).ToDictionary(r => r.Id, StringComparer.Ordinal);
        var ratings = LatestPer(_events.OfType<Feedback>(), at, f => (f.Run, f.User))
            .Where(f => runs.ContainsKey(f.Run)).ToLookup(f => runs[f.Run].Variant);
        var reviews = LatestPer(_events.OfType<Review>(), at, r => (r.Run, r.Reviewer))
            .Where(r => runs.ContainsKey(r.Run)).ToLookup(r => runs[r.Run].Variant);
        IReadOnlyList<VariantTally> result = [.. runs.Values.GroupBy(r => r.Variant!.Value).OrderBy(g => g.Key).Select(g => new VariantTally(
            g.Key,
            g.Select(r => r.User).Distinct(StringComparer.Ordinal).Count(),
            g.Count(),
            g.Count(r => r.Outcome == RunOutcome.Error),
            g.Min(r => r.Ts),
            new RatingTally(ratings[g.Key].Count(), ratings[g.Key].Sum(f => (double)f.Rating), ratings[g.Key].Sum(f => (double)f.Rating * f.Rating)),
            new ReviewTally(reviews[g.Key].Count(), reviews[g.Key].Count(r => r.Correct))))];
        return ValueTask.FromResult(result);
    }

    private IEnumerable<(Feedback Feedback, Run Run)> CurrentFeedback(TimeWindow runs, DateTimeOffset at, IReadOnlySet<string>? users)
    {
        foreach (var f in LatestPer(_events.OfType<Feedback>(), at, f => (f.Run, f.User)))
        {
            if (_runs.TryGetValue(f.Run, out var run) && runs.Contains(run.Ts) && (users is null || users.Contains(run.User)))
            {
                yield return (f, run);
            }
        }
    }

    private T? Latest<T>(DateTimeOffset at, Func<T, bool> match) where T : RolloutEvent
    {
        T? best = null;
        foreach (var e in _events.OfType<T>())
        {
            if (e.Ts < at && match(e) && (best is null || e.Ts >= best.Ts))
            {
                best = e;
            }
        }

        return best;
    }

    /// <summary>The latest event before <paramref name="at"/> for each key; of two at the same instant, the later in the log.</summary>
    private static IEnumerable<T> LatestPer<T>(IEnumerable<T> events, DateTimeOffset at, Func<T, (string, string)> key) where T : RolloutEvent
    {
        var latest = new Dictionary<(string, string), T>();
        foreach (var e in events)
        {
            if (e.Ts < at && (!latest.TryGetValue(key(e), out var seen) || e.Ts >= seen.Ts))
            {
                latest[key(e)] = e;
            }
        }

        return latest.Values;
    }
}
