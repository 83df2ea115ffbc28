using System.Globalization;
using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Core.Statistics;
using Rollgate.Core.Time;

namespace Rollgate.Core.Experiments;

/// <summary>
/// Computes an experiment's report from the runs that carry its key (SPEC 5): error rate and task accuracy compared
/// by the pooled two-proportion z-test with an unpooled interval of the difference, satisfaction by Welch's t-test,
/// the sample ratio checked by chi-square against the plan's split, and the plan's guardrails judged.
/// </summary>
public sealed class ExperimentAnalysis(ExperimentPolicy policy, IEventHistory history)
{
    /// <summary>Two-sided significance level of the comparisons.</summary>
    public const double Alpha = 0.05;

    public const string ErrorRate = "error_rate", TaskAccuracy = "task_accuracy", UserSatisfaction = "user_satisfaction";

    public async Task<ExperimentReport> ReportAsync(string experiment, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var tallies = await history.ExperimentTallyAsync(experiment, at, cancellationToken);
        var control = tallies.FirstOrDefault(t => t.Variant == Variant.Control) ?? VariantTally.Empty(Variant.Control);
        var treatment = tallies.FirstOrDefault(t => t.Variant == Variant.Treatment) ?? VariantTally.Empty(Variant.Treatment);
        return Analyze(experiment, at, control, treatment);
    }

    public ExperimentReport Analyze(string experiment, DateTimeOffset at, VariantTally control, VariantTally treatment)
    {
        var started = new[] { control.FirstRun, treatment.FirstRun }.Where(t => t is not null).Min();
        var comparisons = new[]
        {
            Proportions(ErrorRate, control.Errors, control.Runs, treatment.Errors, treatment.Runs),
            Proportions(TaskAccuracy, control.Reviews.Correct, control.Reviews.Reviews, treatment.Reviews.Correct, treatment.Reviews.Reviews),
            Means(UserSatisfaction, control.Ratings, treatment.Ratings),
        };

        var (srmP, srmDetail) = SampleRatio(control.Users, treatment.Users);
        var mismatch = srmP < policy.SrmP;
        var (disabled, disableDetail) = AutoDisable(control, treatment);
        var ran = started is { } s ? at - s : TimeSpan.Zero;
        var longEnough = started is not null && ran >= policy.MinDuration;
        var fewest = Math.Min(control.Runs, treatment.Runs);
        var enoughRuns = fewest >= policy.MinRunsPerVariant;
        var guardrails = new[]
        {
            new GuardrailCheck("min_duration", longEnough, started is null
                ? $"no run yet; a result needs {Durations.Format(policy.MinDuration)}"
                : $"running for {Durations.Format(TimeSpan.FromMinutes(Math.Floor(ran.TotalMinutes)))} of at least {Durations.Format(policy.MinDuration)}"),
            new GuardrailCheck("min_runs_per_variant", enoughRuns, Say($"{fewest:N0} runs in the smaller variant of at least {policy.MinRunsPerVariant:N0}")),
            new GuardrailCheck("sample_ratio", !mismatch, srmDetail),
            new GuardrailCheck("auto_disable", !disabled, disableDetail),
        };

        var final = longEnough && enoughRuns;
        return new ExperimentReport(
            experiment, at, started, final, srmP, mismatch, disabled,
            [Result(control), Result(treatment)], comparisons, guardrails, Recommend(final, mismatch, disabled, comparisons));
    }

    /// <summary>Text for people, the same whatever the machine's culture.</summary>
    private static string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static VariantResult Result(VariantTally t) => new(
        t.Variant, t.Users, t.Runs, t.Errors, Ratio(t.Errors, t.Runs), t.Reviews.Reviews, Ratio(t.Reviews.Correct, t.Reviews.Reviews), t.Ratings.N, t.Ratings.Mean);

    private static double? Ratio(long part, long whole) => whole == 0 ? null : (double)part / whole;

    /// <summary>Pooled two-proportion z-test (two-sided) and the unpooled 95% interval of treatment − control.</summary>
    public static Comparison Proportions(string metric, long controlHits, long controlN, long treatmentHits, long treatmentN)
    {
        var c = Ratio(controlHits, controlN);
        var t = Ratio(treatmentHits, treatmentN);
        if (c is not { } pc || t is not { } pt)
        {
            return new Comparison(metric, c, t, null, null, null, null);
        }

        var diff = pt - pc;
        var unpooled = Math.Sqrt((pc * (1 - pc) / controlN) + (pt * (1 - pt) / treatmentN));
        return new Comparison(metric, pc, pt, diff, PooledZ(controlHits, controlN, treatmentHits, treatmentN) is { } z ? TwoSided(z) : null,
            diff - (Distributions.Z95 * unpooled), diff + (Distributions.Z95 * unpooled));
    }

    /// <summary>The pooled z statistic of treatment − control; null when the pooled variance is zero.</summary>
    private static double? PooledZ(long controlHits, long controlN, long treatmentHits, long treatmentN)
    {
        var pooled = (double)(controlHits + treatmentHits) / (controlN + treatmentN);
        var se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / controlN) + (1.0 / treatmentN)));
        return se > 0 ? (((double)treatmentHits / treatmentN) - ((double)controlHits / controlN)) / se : null;
    }

    private static double TwoSided(double z) => Distributions.Erfc(Math.Abs(z) / Math.Sqrt(2));

    /// <summary>Welch's t-test (two-sided) and its Welch–Satterthwaite 95% interval of treatment − control.</summary>
    public static Comparison Means(string metric, RatingTally control, RatingTally treatment)
    {
        var (mc, mt) = (control.Mean, treatment.Mean);
        if (mc is not { } c || mt is not { } t)
        {
            return new Comparison(metric, mc, mt, null, null, null, null);
        }

        var diff = t - c;
        if (control.N < 2 || treatment.N < 2)
        {
            return new Comparison(metric, c, t, diff, null, null, null);
        }

        var vc = Variance(control) / control.N;
        var vt = Variance(treatment) / treatment.N;
        var se = Math.Sqrt(vc + vt);
        if (!(se > 0))
        {
            return new Comparison(metric, c, t, diff, null, null, null);
        }

        var df = (vc + vt) * (vc + vt) / ((vc * vc / (control.N - 1)) + (vt * vt / (treatment.N - 1)));
        var statistic = diff / se;
        var p = Distributions.RegularizedIncompleteBeta(df / 2, 0.5, df / (df + (statistic * statistic)));
        var half = Distributions.StudentTQuantile(0.975, df) * se;
        return new Comparison(metric, c, t, diff, p, diff - half, diff + half);
    }

    private static double Variance(RatingTally r) => Math.Max(0, (r.SumOfSquares - (r.Sum * r.Sum / r.N)) / (r.N - 1));

    /// <summary>Chi-square goodness of fit (1 degree of freedom) of users per variant against the 50/50 split of assignment.</summary>
    private (double? P, string Detail) SampleRatio(long control, long treatment)
    {
        var total = control + treatment;
        if (total == 0)
        {
            return (null, "no users yet");
        }

        var expectedControl = total * ExperimentAssignment.Split;
        var expectedTreatment = total * (1 - ExperimentAssignment.Split);
        var chi2 = (Math.Pow(control - expectedControl, 2) / expectedControl) + (Math.Pow(treatment - expectedTreatment, 2) / expectedTreatment);
        var p = Distributions.Erfc(Math.Sqrt(chi2 / 2));
        var verdict = p < policy.SrmP ? "a mismatch: the split is not working as planned" : "no mismatch";
        return (p, Say($"{control:N0} users in control, {treatment:N0} in treatment; chi-square p = {p:G3}: {verdict} (threshold {policy.SrmP:G3})"));
    }

    /// <summary>
    /// The treatment is disabled when, with enough runs in each variant, its error rate exceeds the plan's multiple of
    /// the control's and the one-sided pooled z-test that it is higher has p below the plan's threshold.
    /// </summary>
    private (bool Disabled, string Detail) AutoDisable(VariantTally control, VariantTally treatment)
    {
        var min = policy.AutoDisableMinRuns;
        if (control.Runs < min || treatment.Runs < min)
        {
            return (false, Say($"needs {min:N0} runs in each variant to judge (control {control.Runs:N0}, treatment {treatment.Runs:N0})"));
        }

        var c = (double)control.Errors / control.Runs;
        var t = (double)treatment.Errors / treatment.Runs;
        var higher = t > policy.AutoDisableErrorRatio * c;
        var z = PooledZ(control.Errors, control.Runs, treatment.Errors, treatment.Runs);
        var p = z is { } value ? 0.5 * Distributions.Erfc(value / Math.Sqrt(2)) : 1.0;
        var fired = higher && p < policy.AutoDisableP;
        var ratio = c > 0 ? Say($"{t / c:0.##}×") : t > 0 ? "more than any multiple of" : "equal to";
        var detail = Say($"treatment error rate {t * 100:0.0}% is {ratio} control's {c * 100:0.0}% (disabled above {policy.AutoDisableErrorRatio:0.##}×); ")
            + Say($"one-sided p = {p:G3} (disabled below {policy.AutoDisableP:G3})");
        return (fired, (fired ? "fired: " : "clear: ") + detail);
    }

    private static Recommendation Recommend(bool final, bool mismatch, bool disabled, IReadOnlyList<Comparison> comparisons)
    {
        if (disabled)
        {
            return new Recommendation("disable_treatment", "Switch the treatment off: its error rate is significantly more than the guardrail allows.");
        }

        if (mismatch)
        {
            return new Recommendation("check_assignment", "Check how people are assigned: the users per variant do not match the planned split, so the comparison cannot be trusted.");
        }

        if (!final)
        {
            return new Recommendation("keep_running", "Keep running: the minimum duration or runs per variant are not reached, and interim results are not decisions.");
        }

        var worse = comparisons.Where(c => c.Significant && Worse(c)).Select(c => c.Metric).ToList();
        var better = comparisons.Where(c => c.Significant && !Worse(c)).Select(c => c.Metric).ToList();
        if (worse.Count > 0)
        {
            return new Recommendation("keep_control", $"Keep the control: the treatment is significantly worse on {string.Join(", ", worse)}.");
        }

        return better.Count > 0
            ? new Recommendation("adopt_treatment", $"Adopt the treatment: it is significantly better on {string.Join(", ", better)} and worse on none.")
            : new Recommendation("no_difference", "Keep the control: no metric differs significantly between the variants.");
    }

    /// <summary>Whether the difference favours the control: a higher error rate, a lower accuracy or satisfaction.</summary>
    private static bool Worse(Comparison c) => c.Metric == ErrorRate ? c.Diff > 0 : c.Diff < 0;
}
