using Rollgate.Core.Statistics;

namespace Rollgate.Core.Tests.Statistics;

/// <summary>The distributions behind SPEC 3's intervals and SPEC 5's tests, against published table values.</summary>
public sealed class DistributionsTests
{
    [Theory]
    [Trait("spec", "3.intervals")]
    [InlineData(0.0, 0.5)]
    [InlineData(1.959963984540054, 0.975)]
    [InlineData(-1.0, 0.158655253931457)]
    [InlineData(1.644853626951472, 0.95)]
    [InlineData(-3.090232306167813, 0.001)]
    public void NormalCdf_MatchesTables(double x, double p)
    {
        Assert.Equal(p, Distributions.NormalCdf(x), 9);
    }

    [Theory]
    [Trait("spec", "3.intervals")]
    [InlineData(1, 12.706204736)]
    [InlineData(4, 2.776445105)]
    [InlineData(9, 2.262157163)]
    [InlineData(29, 2.045229642)]
    [InlineData(1000, 1.962339081)]
    public void StudentTQuantile_At975_MatchesTables(double df, double t)
    {
        Assert.Equal(t, Distributions.StudentTQuantile(0.975, df), 6);
    }

    [Theory]
    [Trait("spec", "3.intervals")]
    [InlineData(2.228138852, 10, 0.975)]
    [InlineData(0.0, 5, 0.5)]
    [InlineData(-2.015048373, 5, 0.05)]
    public void StudentTCdf_MatchesTables(double t, double df, double p)
    {
        Assert.Equal(p, Distributions.StudentTCdf(t, df), 7);
    }

    [Theory]
    [Trait("spec", "5.srm")]
    [InlineData(3.841458821, 1, 0.95)]
    [InlineData(10.827566170, 1, 0.999)]
    [InlineData(5.991464547, 2, 0.95)]
    public void ChiSquareCdf_MatchesTables(double x, double df, double p)
    {
        Assert.Equal(p, Distributions.ChiSquareCdf(x, df), 7);
    }
}
