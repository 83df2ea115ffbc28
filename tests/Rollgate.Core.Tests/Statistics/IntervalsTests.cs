using Rollgate.Core.Statistics;

namespace Rollgate.Core.Tests.Statistics;

/// <summary>SPEC 3: proportions carry a 95% Wilson score interval, means a 95% t interval.</summary>
public sealed class IntervalsTests
{
    [Theory]
    [Trait("spec", "3.intervals")]
    [InlineData(8, 10, 0.4902, 0.9433)]
    [InlineData(0, 10, 0.0, 0.2775)]
    [InlineData(10, 10, 0.7225, 1.0)]
    [InlineData(24, 30, 0.6269, 0.9049)]
    [InlineData(1, 2, 0.0945, 0.9055)]
    [InlineData(45, 50, 0.7864, 0.9565)]
    public void Wilson_MatchesKnownValues(long successes, long n, double low, double high)
    {
        var ci = Intervals.Wilson(successes, n);

        Assert.Equal(low, ci.Low!.Value, 4);
        Assert.Equal(high, ci.High!.Value, 4);
    }

    [Fact]
    [Trait("spec", "3.intervals")]
    public void Wilson_WithoutObservations_HasNoInterval()
    {
        var ci = Intervals.Wilson(0, 0);

        Assert.Null(ci.Low);
        Assert.Null(ci.High);
    }

    [Fact]
    [Trait("spec", "3.intervals")]
    public void TMean_OfOneToFive_MatchesKnownValues()
    {
        // mean 3, s = 1.5811, t(0.975, 4) = 2.776445: 3 ± 1.963243.
        var ci = Intervals.TMean([1.0, 2, 3, 4, 5]);

        Assert.Equal(1.036757, ci.Low!.Value, 5);
        Assert.Equal(4.963243, ci.High!.Value, 5);
    }

    [Fact]
    [Trait("spec", "3.intervals")]
    public void TMean_FromCountSumAndSquares_EqualsTheIntervalOfTheValues()
    {
        // Thirty ratings, fifteen of 4 and fifteen of 5: 4.5 ± 2.045230 × 0.508548 / √30 = 4.5 ± 0.1898948.
        var ci = Intervals.TMean(30, (15 * 4) + (15 * 5), (15 * 16) + (15 * 25));

        Assert.Equal(4.5 - 0.1898948, ci.Low!.Value, 6);
        Assert.Equal(4.5 + 0.1898948, ci.High!.Value, 6);
    }

    [Fact]
    [Trait("spec", "3.intervals")]
    public void TMean_OfTenValues_MatchesKnownValues()
    {
        // mean 5.5, s = 3.02765, t(0.975, 9) = 2.262157: 5.5 ± 2.165852.
        var ci = Intervals.TMean([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

        Assert.Equal(3.334148, ci.Low!.Value, 5);
        Assert.Equal(7.665852, ci.High!.Value, 5);
    }

    [Fact]
    [Trait("spec", "3.intervals")]
    public void TMean_OfOneValue_HasNoInterval()
    {
        var ci = Intervals.TMean([4.0]);

        Assert.Null(ci.Low);
        Assert.Null(ci.High);
    }
}
