namespace Rollgate.Core.Statistics;

/// <summary>The distribution functions Rollgate's intervals and tests need, to double precision.</summary>
public static class Distributions
{
    /// <summary>The two-sided 95% normal quantile, Φ⁻¹(0.975).</summary>
    public const double Z95 = 1.959963984540054;

    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>P(T ≤ t) for Student's t with <paramref name="df"/> degrees of freedom.</summary>
    public static double StudentTCdf(double t, double df)
    {
        if (double.IsInfinity(t))
        {
            return t > 0 ? 1 : 0;
        }

        var x = df / (df + (t * t));
        var tail = 0.5 * RegularizedIncompleteBeta(df / 2, 0.5, x);
        return t > 0 ? 1 - tail : tail;
    }

    /// <summary>The <paramref name="p"/> quantile of Student's t, by bisection on the CDF.</summary>
    public static double StudentTQuantile(double p, double df)
    {
        if (p is <= 0 or >= 1 || df <= 0)
        {
            return double.NaN;
        }

        double lo = -1e3, hi = 1e3;
        for (var i = 0; i < 200 && hi - lo > 1e-12; i++)
        {
            var mid = (lo + hi) / 2;
            if (StudentTCdf(mid, df) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return (lo + hi) / 2;
    }

    /// <summary>P(X ≤ x) for chi-square with <paramref name="df"/> degrees of freedom.</summary>
    public static double ChiSquareCdf(double x, double df) => x <= 0 ? 0 : RegularizedLowerGamma(df / 2, x / 2);

    /// <summary>The complementary error function (Numerical Recipes' erfc via Chebyshev fit, |error| &lt; 1.2e-7 relative, refined).</summary>
    public static double Erfc(double x)
    {
        // erfc through the regularized upper incomplete gamma: erfc(x) = Q(1/2, x²) for x ≥ 0.
        if (x < 0)
        {
            return 2 - Erfc(-x);
        }

        return x == 0 ? 1 : 1 - RegularizedLowerGamma(0.5, x * x);
    }

    /// <summary>I_x(a, b), by the continued fraction of Lentz's method.</summary>
    public static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        var lnFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + (a * Math.Log(x)) + (b * Math.Log(1 - x));
        if (x > (a + 1) / (a + b + 2))
        {
            return 1 - (Math.Exp(lnFront) * BetaContinuedFraction(b, a, 1 - x) / b);
        }

        return Math.Exp(lnFront) * BetaContinuedFraction(a, b, x) / a;
    }

    private static double BetaContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        double c = 1, d = 1 - ((a + b) * x / (a + 1));
        d = Math.Abs(d) < tiny ? tiny : d;
        d = 1 / d;
        var h = d;
        for (var m = 1; m <= 500; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < tiny ? tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + (aa * d);
            d = Math.Abs(d) < tiny ? tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15)
            {
                break;
            }
        }

        return h;
    }

    /// <summary>P(a, x), the regularized lower incomplete gamma function.</summary>
    public static double RegularizedLowerGamma(double a, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        var lnFront = (a * Math.Log(x)) - x - LogGamma(a);
        if (x < a + 1)
        {
            // Series.
            double sum = 1 / a, term = sum;
            for (var n = 1; n < 1000; n++)
            {
                term *= x / (a + n);
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-16)
                {
                    break;
                }
            }

            return sum * Math.Exp(lnFront);
        }

        // Continued fraction for Q(a, x).
        const double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (var i = 1; i < 1000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = b + (an / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return 1 - (Math.Exp(lnFront) * h);
    }

    /// <summary>ln Γ(x) by the Lanczos approximation (g = 7, n = 9).</summary>
    public static double LogGamma(double x)
    {
        ReadOnlySpan<double> g =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var a = g[0];
        var t = x + 7.5;
        for (var i = 1; i < 9; i++)
        {
            a += g[i] / (x + i);
        }

        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(a);
    }
}
