using Rollgate.Core.Time;

namespace Rollgate.Core.Events;

/// <summary>
/// The questions the decision engine asks of the event log. Each answer is computed from events with
/// <c>ts &lt; at</c> (or inside the given window) only, so a past answer is never rewritten by later events.
/// Feedback counts once per run and person and reviews once per run and reviewer: the latest before
/// <c>at</c> replaces earlier ones. A <c>null</c> user filter means everybody.
/// </summary>
/// <remarks>Stores answer with aggregates so that memory and time do not grow with the size of the log.</remarks>
public interface IEventHistory
{
    /// <summary>The latest <c>phase_started</c> (of <paramref name="phase"/>, or of any phase when null) before <paramref name="at"/>.</summary>
    ValueTask<PhaseStarted?> LatestPhaseStartAsync(string? phase, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The latest <c>rollback</c> before <paramref name="at"/>.</summary>
    ValueTask<Rollback?> LatestRollbackAsync(DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// The <c>ts</c> of the earliest <c>phase_started</c> or <c>rollback</c> at or after <paramref name="at"/>, or null:
    /// until then, which phase is current cannot change but by an event recorded later.
    /// </summary>
    ValueTask<DateTimeOffset?> NextPhaseChangeAsync(DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Runs (and errors among them) whose <c>ts</c> lies in <paramref name="window"/>.</summary>
    ValueTask<RunTally> RunTallyAsync(TimeWindow window, IReadOnlySet<string>? users, CancellationToken cancellationToken = default);

    /// <summary>Runs and errors per whole minute (UTC) in <paramref name="window"/>, minutes without runs left out.</summary>
    ValueTask<IReadOnlyList<MinuteTally>> RunsByMinuteAsync(TimeWindow window, CancellationToken cancellationToken = default);

    /// <summary>The distinct users with at least one run in <paramref name="window"/>.</summary>
    ValueTask<IReadOnlySet<string>> ActiveUsersAsync(TimeWindow window, CancellationToken cancellationToken = default);

    /// <summary>Ratings given before <paramref name="at"/> for runs in <paramref name="runs"/> by the filtered run owners.</summary>
    ValueTask<RatingTally> RatingTallyAsync(TimeWindow runs, DateTimeOffset at, IReadOnlySet<string>? users, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ratings and minutes saved per run owner, from feedback given before <paramref name="at"/> for runs in
    /// <paramref name="runs"/>: one pass serves both satisfaction and time saved, for any population.
    /// </summary>
    ValueTask<IReadOnlyDictionary<string, FeedbackTally>> FeedbackByUserAsync(TimeWindow runs, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Reviews made before <paramref name="at"/> of runs in <paramref name="runs"/> by the filtered run owners.</summary>
    ValueTask<ReviewTally> ReviewTallyAsync(TimeWindow runs, DateTimeOffset at, IReadOnlySet<string>? users, CancellationToken cancellationToken = default);

    /// <summary>Response times in minutes of lead responses recorded before <paramref name="at"/> whose lead was created in <paramref name="created"/>.</summary>
    ValueTask<IReadOnlyList<double>> LeadResponseMinutesAsync(TimeWindow created, DateTimeOffset at, IReadOnlySet<string>? users, CancellationToken cancellationToken = default);

    /// <summary>Incidents opened in <paramref name="window"/>, of the given severities (all when null).</summary>
    ValueTask<int> IncidentsOpenedAsync(TimeWindow window, IReadOnlyCollection<Severity>? severities, CancellationToken cancellationToken = default);

    /// <summary>Incidents opened before <paramref name="at"/> and not resolved before it.</summary>
    ValueTask<IReadOnlyList<Incident>> OpenIncidentsAsync(DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Bugs filed before <paramref name="at"/> and not resolved before it.</summary>
    ValueTask<IReadOnlyList<Bug>> OpenBugsAsync(DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Per variant, the runs before <paramref name="at"/> that carry <paramref name="experiment"/> as their key and a
    /// variant, their distinct users, and the ratings and reviews of those runs given before <paramref name="at"/>
    /// (latest per run and person). A variant without runs is left out.
    /// </summary>
    ValueTask<IReadOnlyList<VariantTally>> ExperimentTallyAsync(string experiment, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The first <c>directive</c> to roll back in <paramref name="window"/>.</summary>
    ValueTask<Directive?> FirstDirectiveAsync(TimeWindow window, CancellationToken cancellationToken = default);
}

public readonly record struct RunTally(long Runs, long Errors)
{
    public double? ErrorRate => Runs == 0 ? null : (double)Errors / Runs;
}

public readonly record struct MinuteTally(DateTimeOffset Minute, long Runs, long Errors);

/// <summary>Count, sum and sum of squares of ratings: enough for a mean and its t interval.</summary>
public readonly record struct RatingTally(long N, double Sum, double SumOfSquares)
{
    public double? Mean => N == 0 ? null : Sum / N;
}

public readonly record struct ReviewTally(long Reviews, long Correct);

/// <summary>One variant of an experiment: its distinct users, runs, errors, first run, ratings and reviews.</summary>
public sealed record VariantTally(Variant Variant, long Users, long Runs, long Errors, DateTimeOffset? FirstRun, RatingTally Ratings, ReviewTally Reviews)
{
    public static VariantTally Empty(Variant variant) => new(variant, 0, 0, 0, null, default, default);
}

/// <summary>One person's ratings (count, sum, sum of squares) and minutes saved.</summary>
public readonly record struct FeedbackTally(long N, double Sum, double SumOfSquares, double MinutesSaved)
{
    public FeedbackTally Add(FeedbackTally other) => new(N + other.N, Sum + other.Sum, SumOfSquares + other.SumOfSquares, MinutesSaved + other.MinutesSaved);
}
