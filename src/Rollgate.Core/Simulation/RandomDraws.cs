using Rollgate.Core.Statistics;

namespace Rollgate.Core.Simulation;

/// <summary>The distributions the simulator draws from, over the project's deterministic generator.</summary>
internal static class RandomDraws
{
    /// <summary>A Poisson count: Knuth's product of uniforms for small means, a rounded normal for large ones.</summary>
    public static int Poisson(this SeededRandom rng, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean >= 30)
        {
            return (int)Math.Max(0, Math.Round(mean + (Math.Sqrt(mean) * rng.NextGaussian())));
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var p = rng.NextDouble();
        while (p > limit)
        {
            k++;
            p *= rng.NextDouble();
        }

        return k;
    }

    /// <summary>A log-normal draw given its median and the standard deviation of its logarithm.</summary>
    public static double LogNormal(this SeededRandom rng, double median, double sigma) =>
        median * Math.Exp(sigma * rng.NextGaussian());

    /// <summary>Uniform whole seconds in <c>[min, max)</c>.</summary>
    public static TimeSpan Seconds(this SeededRandom rng, TimeSpan min, TimeSpan max) =>
        TimeSpan.FromSeconds(rng.Next((int)min.TotalSeconds, (int)max.TotalSeconds));

    /// <summary>An index drawn with probability proportional to <paramref name="cumulative"/>'s steps.</summary>
    public static int PickCumulative(this SeededRandom rng, IReadOnlyList<double> cumulative)
    {
        var u = rng.NextDouble() * cumulative[^1];
        int lo = 0, hi = cumulative.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (cumulative[mid] > u)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    /// <summary>
    /// SplitMix64's finalizer: turns related seeds (a seed and a day number) into unrelated ones, so that each
    /// day and each kind of draw gets its own stream and a scenario that changes one day leaves the others alone.
    /// </summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static SeededRandom Stream(ulong seed, ulong stream, long index = 0) =>
        new(Mix(Mix(seed ^ Mix(stream)) + (ulong)index));
}
