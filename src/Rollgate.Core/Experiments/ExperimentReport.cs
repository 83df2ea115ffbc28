using Rollgate.Core.Events;

namespace Rollgate.Core.Experiments;

/// <summary>One variant's numbers: its people, runs, and the three metrics an experiment compares.</summary>
public sealed record VariantResult(
    Variant Variant, long Users, long Runs, long Errors, double? ErrorRate, long Reviews, double? TaskAccuracy, long Ratings, double? UserSatisfaction);

/// <summary>Treatment against control on one metric: the difference (treatment − control), its p-value and 95% interval.</summary>
public sealed record Comparison(string Metric, double? Control, double? Treatment, double? Diff, double? PValue, double? CiLow, double? CiHigh)
{
    public bool Significant => PValue is < ExperimentAnalysis.Alpha;
}

/// <summary>A guardrail of the plan and whether it holds, in words a person reads.</summary>
public sealed record GuardrailCheck(string Id, bool Ok, string Detail);

/// <summary>What to do next, as a stable code and a sentence.</summary>
public sealed record Recommendation(string Code, string Sentence);

/// <summary>An experiment's report at a moment (SPEC 5).</summary>
public sealed record ExperimentReport(
    string Experiment,
    DateTimeOffset At,
    DateTimeOffset? Started,
    bool Final,
    double? SrmP,
    bool SampleRatioMismatch,
    bool TreatmentDisabled,
    IReadOnlyList<VariantResult> Variants,
    IReadOnlyList<Comparison> Comparisons,
    IReadOnlyList<GuardrailCheck> Guardrails,
    Recommendation Recommendation)
{
    /// <summary><c>running</c> until the plan's minimum duration and runs per variant are reached, then <c>final</c>.</summary>
    public string Status => Final ? "final" : "running";

    /// <summary>Intervals and p-values of a running experiment are interim: looked at early, they overstate certainty.</summary>
    public bool Interim => !Final;
}
