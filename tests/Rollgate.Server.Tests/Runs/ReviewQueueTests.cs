using Rollgate.Server.Runs;
using Rollgate.Storage;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Tests.Runs;

public sealed class ReviewQueueTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 2, 18, 0, 0, TimeSpan.Zero);

    private static RunOutput Run(int i, string user, string task = "lead_summary", string outcome = "completed") =>
        new($"r{i:D3}", T0.AddMinutes(i), user, task, outcome, "L-1", new DateOnly(2026, 2, 2), "{}");

    [Fact]
    public void Sample_TakesTurnsAcrossTasksAndOutcomes_NotTheBusiestStratum()
    {
        // 90 lead summaries by one heavy user, 5 risk analyses, 3 abstentions, 2 errors.
        var runs = Enumerable.Range(0, 90).Select(i => Run(i, "heavy"))
            .Concat(Enumerable.Range(100, 5).Select(i => Run(i, "ae-1", "risk_analysis")))
            .Concat(Enumerable.Range(200, 3).Select(i => Run(i, "sdr-1", "lead_summary", "abstained")))
            .Concat(Enumerable.Range(300, 2).Select(i => Run(i, "sdr-2", "follow_up", "error")))
            .ToList();

        var picked = ReviewQueue.Sample(runs, 8);

        Assert.Equal(8, picked.Count);
        Assert.Equal(2, picked.Count(r => r.Task == "lead_summary" && r.Outcome == "completed"));
        Assert.Equal(2, picked.Count(r => r.Task == "risk_analysis"));
        Assert.Equal(2, picked.Count(r => r.Outcome == "abstained"));
        Assert.Equal(2, picked.Count(r => r.Outcome == "error"));
    }

    [Fact]
    public void Sample_TakesTurnsAcrossPeopleInsideAStratum_NewestFirst()
    {
        var runs = Enumerable.Range(0, 10).Select(i => Run(i, "a")).Concat(Enumerable.Range(10, 2).Select(i => Run(i, "b"))).ToList();

        var picked = ReviewQueue.Sample(runs, 4);

        Assert.Equal(["a", "b", "a", "b"], picked.Select(r => r.User));
        Assert.Equal(["r009", "r011", "r008", "r010"], picked.Select(r => r.Run));
    }

    [Fact]
    public void Sample_ReturnsEverythingWhenThereIsLess_AndNothingTwice()
    {
        var runs = Enumerable.Range(0, 7).Select(i => Run(i, $"u{i % 3}", i % 2 == 0 ? "lead_summary" : "follow_up")).ToList();

        var picked = ReviewQueue.Sample(runs, 50);

        Assert.Equal(7, picked.Count);
        Assert.Equal(7, picked.Select(r => r.Run).Distinct().Count());
        Assert.Empty(ReviewQueue.Sample([], 5));
    }
}
