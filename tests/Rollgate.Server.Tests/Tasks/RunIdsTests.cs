using System.Text.RegularExpressions;
using Rollgate.Server.Tasks;

namespace Rollgate.Server.Tests.Tasks;

public sealed partial class RunIdsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 17, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Next_IsRunThen20HexDigits_StartingWithTheUnixMilliseconds()
    {
        var id = RunIds.Next(Now);

        Assert.Matches(Shape(), id);
        Assert.Equal(Now.ToUnixTimeMilliseconds(), Convert.ToInt64(id[4..16], 16));
    }

    [Fact]
    public void Next_InTheSameMillisecond_IsUniqueAndInTheOrderMade()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => RunIds.Next(Now)).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());

        // The counter starts at a random value, so it may wrap once inside these ten thousand; order holds on either side.
        var wraps = ids.Zip(ids.Skip(1)).Count(p => string.CompareOrdinal(p.First, p.Second) > 0);
        Assert.True(wraps <= 1, $"{wraps} ids sorted before the one made just before them");
    }

    [Fact]
    public void Next_ALaterMillisecond_SortsLater()
    {
        var earlier = RunIds.Next(Now);
        var later = RunIds.Next(Now.AddMilliseconds(1));

        Assert.True(string.CompareOrdinal(earlier, later) < 0);
    }

    [Fact]
    public void Next_FromManyThreads_NeverRepeats()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                ids.Add(RunIds.Next(Now));
            }
        });

        Assert.Equal(40_000, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [GeneratedRegex("^run-[0-9a-f]{20}$")]
    private static partial Regex Shape();
}
