namespace Rollgate.Core.Statistics;

/// <summary>A 95% confidence interval; either end is null when it cannot be computed.</summary>
public readonly record struct Interval(double? Low, double? High)
{
    public static readonly Interval None = new(null, null);
}

public static class Intervals
{
    /// <summary>The Wilson score interval of a proportion at 95%: honest near 0 and 1 and for small n.</summary>
    public static Interval Wilson(long successes, long n)
    {
        if (n <= 0)
        {
            return Interval.None;
        }

        const double z = Distributions.Z95;
        var p = (double)successes / n;
        var z2 = z * z;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2 * n))) / denominator;
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n))) / denominator;
        return new Interval(Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>The t interval of a mean at 95% from count, sum and sum of squares; needs n ≥ 2.</summary>
    public static Interval TMean(long n, double sum, double sumOfSquares)
    {
        if (n < 2)
        {
            return Interval.None;
        }

        var mean = sum / n;
        var variance = Math.Max(0, (sumOfSquares - (n * mean * mean)) / (n - 1));
        var half = Distributions.StudentTQuantile(0.975, n - 1) * Math.Sqrt(variance / n);
        return new Interval(mean - half, mean + half);
    }

    /// <summary>The t interval of the mean of <paramref name="values"/>.</summary>
    public static Interval TMean(IReadOnlyCollection<double> values)
    {
        double sum = 0, squares = 0;
        foreach (var v in values)
        {
            sum += v;
            squares += v * v;
        }

        return TMean(values.Count, sum, squares);
    }
}
