namespace Rollgate.Core.Statistics;

public static class Medians
{
    /// <summary>The median; the mean of the two middle values for an even count; null when empty.</summary>
    public static double? Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        return MedianOfSorted(sorted);
    }

    internal static double MedianOfSorted(double[] sorted)
    {
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>
    /// A 95% percentile-bootstrap interval of 1 − median(current) ÷ median(baseline), resampling both
    /// groups; seeded so that the same data always give the same interval.
    /// </summary>
    public static Interval BootstrapImprovement(IReadOnlyList<double> current, IReadOnlyList<double> baseline, int resamples = 2000, ulong seed = 20260202)
    {
        if (current.Count < 2 || baseline.Count < 2)
        {
            return Interval.None;
        }

        var rng = new SeededRandom(seed);
        var estimates = new List<double>(resamples);
        var a = new double[current.Count];
        var b = new double[baseline.Count];
        for (var i = 0; i < resamples; i++)
        {
            for (var j = 0; j < a.Length; j++)
            {
                a[j] = current[rng.Next(current.Count)];
            }

            for (var j = 0; j < b.Length; j++)
            {
                b[j] = baseline[rng.Next(baseline.Count)];
            }

            Array.Sort(a);
            Array.Sort(b);
            var mb = MedianOfSorted(b);
            if (mb > 0)
            {
                estimates.Add(1 - (MedianOfSorted(a) / mb));
            }
        }

        if (estimates.Count < resamples / 2)
        {
            return Interval.None;
        }

        estimates.Sort();
        return new Interval(estimates[(int)(0.025 * (estimates.Count - 1))], estimates[(int)Math.Ceiling(0.975 * (estimates.Count - 1))]);
    }
}
