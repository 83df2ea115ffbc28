namespace Rollgate.Benchmarks.Traffic;

/// <summary>
/// The shape of generated traffic: how many runs over how many days, and how many of the other events
/// come with each run. The same profile and seed always give the same events.
/// </summary>
public sealed record TrafficProfile(
    string Name,
    DateTimeOffset Start,
    int Days,
    int Runs,
    double FeedbackPerRun,
    double ReviewsPerRun,
    double LeadResponsesPerRun,
    double IncidentsPerWeek,
    double BugsPerWeek,
    ulong Seed)
{
    /// <summary>Midnight in Pacific time (winter offset) on the Monday the full rollout started.</summary>
    public static readonly DateTimeOffset FullRolloutStart = new(2026, 3, 2, 0, 0, 0, TimeSpan.FromHours(-8));

    /// <summary>A year of full rollout to the 94 SDRs, AEs and Sales Ops: about 2 million runs, 35% rated, 10% reviewed.</summary>
    public static readonly TrafficProfile Year = new("year", FullRolloutStart, 365, 2_000_000, 0.35, 0.10, 0.01, 1.0, 0.5, 20260302);

    /// <summary>The first quarter of the same rollout at the same daily rate: a store a quarter of the size.</summary>
    public static readonly TrafficProfile Quarter = Year with { Name = "quarter", Days = 91, Runs = 500_000 };

    /// <summary>
    /// What an import file of a year looks like: per 100 events about 60 runs, 25 ratings, 10 reviews and 5 others
    /// (lead responses, incidents, bugs). A few more runs than needed, so that the first million events fill the year.
    /// </summary>
    public static readonly TrafficProfile ImportMix = new("import", FullRolloutStart, 365, 610_000, 0.25 / 0.60, 0.10 / 0.60, 0.045 / 0.60, 2.0, 1.0, 42);

    public DateTimeOffset End => Start.AddDays(Days);

    public static TrafficProfile Named(string name) => name switch
    {
        "year" => Year,
        "quarter" => Quarter,
        _ => throw new ArgumentException($"unknown traffic profile '{name}' (expected year or quarter)", nameof(name)),
    };
}
