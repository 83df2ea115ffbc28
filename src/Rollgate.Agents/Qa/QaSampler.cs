using Rollgate.Core.Statistics;

namespace Rollgate.Agents.Qa;

/// <summary>
/// Draws scenarios for manual review, stratified by task and expected behaviour (answer or abstain) so that the
/// sample looks like the suite: each stratum gets its proportional share (largest remainder), at least one.
/// </summary>
public static class QaSampler
{
    public static IReadOnlyList<QaScenario> Sample(QaSuite suite, int n, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var rng = new SeededRandom(seed);
        var strata = suite.Scenarios
            .GroupBy(s => (s.Task, s.Expect.Abstain))
            .OrderBy(g => g.Key.Task, StringComparer.Ordinal).ThenBy(g => g.Key.Abstain)
            .Select(g => g.OrderBy(_ => rng.NextUInt64()).ToList())
            .ToList();
        var total = suite.Scenarios.Count;
        if (n >= total)
        {
            return [.. strata.SelectMany(s => s)];
        }

        var quotas = strata.Select(s => (double)s.Count * n / total).ToList();
        var take = quotas.Select(q => Math.Max(1, (int)Math.Floor(q))).ToList();
        var order = Enumerable.Range(0, strata.Count).OrderByDescending(i => quotas[i] - Math.Floor(quotas[i])).ThenBy(i => i).ToList();
        for (var k = 0; take.Sum() < n && k < order.Count * 4; k++)
        {
            var i = order[k % order.Count];
            if (take[i] < strata[i].Count)
            {
                take[i]++;
            }
        }

        while (take.Sum() > n)
        {
            var i = Enumerable.Range(0, strata.Count).Where(j => take[j] > 1).OrderByDescending(j => take[j] - quotas[j]).First();
            take[i]--;
        }

        return [.. strata.SelectMany((s, i) => s.Take(Math.Min(take[i], s.Count)))];
    }
}
