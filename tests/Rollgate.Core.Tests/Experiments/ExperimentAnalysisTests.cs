using Rollgate.Core.Events;
using Rollgate.Core.Experiments;
using Rollgate.Core.Plans;
using Rollgate.Core.Tests.Support;

namespace Rollgate.Core.Tests.Experiments;

/// <summary>
/// SPEC 5: the statistics of a report (pooled two-proportion z-test with an unpooled interval, Welch's t-test,
/// chi-square for the sample ratio) and the guardrails. Expected figures were computed independently of this code
/// (the formulas written out, with arbitrary-precision special functions).
/// </summary>
public sealed class ExperimentAnalysisTests
{
    private static readonly ExperimentPolicy Policy = TestPlans.Gtm.Experiments;
    private static readonly DateTimeOffset Start = EventBuilder.Pt(2026, 4, 6, 9);

    [Fact]
    [Trait("spec", "5")]
    public void Proportions_PooledZTest_AndUnpooledInterval()
    {
        var c = ExperimentAnalysis.Proportions("error_rate", 6, 300, 13, 300);

        Assert.Equal(0.02, c.Control!.Value, 12);
        Assert.Equal(13 / 300.0, c.Treatment!.Value, 12);
        Assert.Equal(0.0233333333, c.Diff!.Value, 9);
        Assert.Equal(0.1026884760, c.PValue!.Value, 9);
        Assert.Equal(-0.0046274966, c.CiLow!.Value, 9);
        Assert.Equal(0.0512941632, c.CiHigh!.Value, 9);
    }

    [Fact]
    [Trait("spec", "5")]
    public void Means_WelchTest_AndWelchSatterthwaiteInterval()
    {
        var c = ExperimentAnalysis.Means("user_satisfaction", Ratings(4, 5, 3, 4, 4, 5, 2, 4), Ratings(5, 5, 4, 5, 3, 5, 4, 5, 5, 4));

        Assert.Equal(0.625, c.Diff!.Value, 12);
        Assert.Equal(0.1579485639, c.PValue!.Value, 8);
        Assert.Equal(-0.2783557330, c.CiLow!.Value, 8);
        Assert.Equal(1.5283557330, c.CiHigh!.Value, 8);
    }

    [Fact]
    [Trait("spec", "5")]
    public void WhatCannotBeComputed_IsNull()
    {
        var empty = ExperimentAnalysis.Proportions("task_accuracy", 0, 0, 3, 10);
        Assert.Null(empty.Control);
        Assert.Null(empty.Diff);
        Assert.Null(empty.PValue);

        var noVariance = ExperimentAnalysis.Proportions("error_rate", 0, 200, 0, 200);
        Assert.Equal(0, noVariance.Diff);
        Assert.Null(noVariance.PValue);

        var one = ExperimentAnalysis.Means("user_satisfaction", Ratings(4), Ratings(5, 4));
        Assert.Equal(0.5, one.Diff);
        Assert.Null(one.PValue);
        Assert.Null(one.CiLow);
    }

    [Fact]
    [Trait("spec", "5")]
    public void TwiceTheErrorRate_ThatChanceExplains_DoesNotDisableTheTreatment()
    {
        // SPEC 5's own example: 13 errors in 300 against 6 in 300, a ratio of 2.17, one-sided p = 0.051.
        var report = Analyze(Tally(Variant.Control, users: 40, runs: 300, errors: 6), Tally(Variant.Treatment, users: 40, runs: 300, errors: 13));

        Assert.False(report.TreatmentDisabled);
        var guardrail = Assert.Single(report.Guardrails, g => g.Id == "auto_disable");
        Assert.True(guardrail.Ok);
        Assert.Contains("2.17×", guardrail.Detail, StringComparison.Ordinal);
        Assert.Contains("0.0513", guardrail.Detail, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("spec", "5")]
    public void MoreThanTwiceTheErrorRate_Significantly_DisablesTheTreatment()
    {
        var report = Analyze(Tally(Variant.Control, users: 40, runs: 300, errors: 6), Tally(Variant.Treatment, users: 40, runs: 300, errors: 20));

        Assert.True(report.TreatmentDisabled);
        Assert.False(Assert.Single(report.Guardrails, g => g.Id == "auto_disable").Ok);
        Assert.Equal("disable_treatment", report.Recommendation.Code);
    }

    [Fact]
    [Trait("spec", "5")]
    public void AutoDisable_NeedsTheMinimumRunsInEachVariant()
    {
        var report = Analyze(Tally(Variant.Control, users: 10, runs: 99, errors: 0), Tally(Variant.Treatment, users: 10, runs: 300, errors: 150));

        Assert.False(report.TreatmentDisabled);
        Assert.Contains("needs 100 runs in each variant", Assert.Single(report.Guardrails, g => g.Id == "auto_disable").Detail, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("spec", "5")]
    [InlineData(520, 480, 0.2059032107, false)]
    [InlineData(60, 40, 0.0455002639, false)]
    [InlineData(600, 400, 2.539628589e-10, true)]
    public void SampleRatio_ChiSquareAgainstTheSplit_MismatchBelowTheThreshold(long control, long treatment, double p, bool mismatch)
    {
        var report = Analyze(Tally(Variant.Control, users: control, runs: 1000, errors: 10), Tally(Variant.Treatment, users: treatment, runs: 1000, errors: 10));

        Assert.Equal(p, report.SrmP!.Value, p * 1e-7);
        Assert.Equal(mismatch, report.SampleRatioMismatch);
        Assert.Equal(!mismatch, Assert.Single(report.Guardrails, g => g.Id == "sample_ratio").Ok);
        if (mismatch)
        {
            Assert.Equal("check_assignment", report.Recommendation.Code);
        }
    }

    [Theory]
    [Trait("spec", "5")]
    [InlineData(13, 600, false)]
    [InlineData(14, 499, false)]
    [InlineData(14, 500, true)]
    public void Status_IsRunningUntilTwoWeeksAnd500RunsPerVariant_ThenFinal(int days, long runs, bool final)
    {
        var report = Analyze(Tally(Variant.Control, 50, runs, runs / 20), Tally(Variant.Treatment, 50, runs, runs / 20), Start.AddDays(days));

        Assert.Equal(final ? "final" : "running", report.Status);
        Assert.Equal(!final, report.Interim);
        if (!final)
        {
            Assert.Equal("keep_running", report.Recommendation.Code);
        }
    }

    [Fact]
    [Trait("spec", "5")]
    public void FinalReport_RecommendsByTheSignificantDifferences()
    {
        var worse = Analyze(Tally(Variant.Control, 50, 2000, 40), Tally(Variant.Treatment, 50, 2000, 70), Start.AddDays(15));
        Assert.Equal("keep_control", worse.Recommendation.Code);

        var same = Analyze(Tally(Variant.Control, 50, 2000, 40), Tally(Variant.Treatment, 50, 2000, 42), Start.AddDays(15));
        Assert.Equal("no_difference", same.Recommendation.Code);

        var better = Analyze(
            Tally(Variant.Control, 50, 2000, 40) with { Reviews = new ReviewTally(400, 320) },
            Tally(Variant.Treatment, 50, 2000, 40) with { Reviews = new ReviewTally(400, 360) },
            Start.AddDays(15));
        Assert.Equal("adopt_treatment", better.Recommendation.Code);
        Assert.Contains("task_accuracy", better.Recommendation.Sentence, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("spec", "5")]
    public async Task Report_FromTheLog_CountsOnlyTheKeysRuns_BeforeAt_WithTheirLatestRatingsAndReviews()
    {
        var log = new InMemoryEventLog(
        [
            Run(Start, "r1", "sdr-01", Variant.Control, RunOutcome.Completed),
            Run(Start.AddMinutes(1), "r2", "sdr-01", Variant.Control, RunOutcome.Error),
            Run(Start.AddMinutes(2), "r3", "sdr-02", Variant.Treatment, RunOutcome.Completed),
            Run(Start.AddMinutes(3), "r4", "sdr-03", Variant.Treatment, RunOutcome.Abstained),
            new Run(Start.AddMinutes(4), "r5", "sdr-04", "lead_summary", RunOutcome.Error, Experiment: "other", Variant: Variant.Control),
            new Run(Start.AddMinutes(5), "r6", "sdr-04", "lead_summary", RunOutcome.Error, Experiment: "prompt-v2"),
            Run(Start.AddHours(3), "r7", "sdr-05", Variant.Control, RunOutcome.Error),
            new Feedback(Start.AddMinutes(10), "r1", "sdr-01", 2, null),
            new Feedback(Start.AddMinutes(20), "r1", "sdr-01", 5, null),
            new Feedback(Start.AddMinutes(10), "r3", "sdr-02", 4, null),
            new Feedback(Start.AddHours(4), "r3", "sdr-02", 1, null),
            new Review(Start.AddMinutes(30), "r3", "rev-01", true),
            new Review(Start.AddMinutes(30), "r4", "rev-01", false),
        ]);

        var report = await new ExperimentAnalysis(Policy, log).ReportAsync("prompt-v2", Start.AddHours(2));

        var control = report.Variants.Single(v => v.Variant == Variant.Control);
        var treatment = report.Variants.Single(v => v.Variant == Variant.Treatment);
        Assert.Equal((1L, 2L, 0.5, 5.0), (control.Users, control.Runs, control.ErrorRate!.Value, control.UserSatisfaction!.Value));
        Assert.Equal((2L, 2L, 0.0, 4.0, 0.5), (treatment.Users, treatment.Runs, treatment.ErrorRate!.Value, treatment.UserSatisfaction!.Value, treatment.TaskAccuracy!.Value));
        Assert.Null(control.TaskAccuracy);
        Assert.Equal(Start, report.Started);
        Assert.Equal("running", report.Status);
    }

    [Fact]
    [Trait("spec", "5")]
    public async Task Report_OfAKeyNoRunCarries_IsRunningWithNothingComputed()
    {
        var report = await new ExperimentAnalysis(Policy, new InMemoryEventLog()).ReportAsync("nothing", Start);

        Assert.Null(report.Started);
        Assert.Null(report.SrmP);
        Assert.All(report.Variants, v => Assert.Equal(0, v.Runs));
        Assert.All(report.Comparisons, c => Assert.Null(c.PValue));
        Assert.Equal(("running", "keep_running"), (report.Status, report.Recommendation.Code));
    }

    private static Run Run(DateTimeOffset ts, string id, string user, Variant variant, RunOutcome outcome) =>
        new(ts, id, user, "lead_summary", outcome, Experiment: "prompt-v2", Variant: variant);

    private static RatingTally Ratings(params int[] ratings) => new(ratings.Length, ratings.Sum(), ratings.Sum(r => r * r));

    private static VariantTally Tally(Variant variant, long users, long runs, long errors) =>
        new(variant, users, runs, errors, Start, default, default);

    private static ExperimentReport Analyze(VariantTally control, VariantTally treatment, DateTimeOffset? at = null) =>
        new ExperimentAnalysis(Policy, new InMemoryEventLog()).Analyze("prompt-v2", at ?? Start.AddDays(1), control, treatment);
}
