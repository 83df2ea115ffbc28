using Rollgate.Core.Events;
using Rollgate.Server.Tasks;

namespace Rollgate.Server.Tests.Tasks;

public sealed class HourlyRateLimiterTests
{
    private static readonly TimeZoneInfo Pacific = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

    private static HourlyRateLimiter Limiter(params RolloutEvent[] events) => new(new InMemoryEventLog(events), Pacific);

    [Fact]
    [Trait("spec", "4")]
    public async Task Limit_IsPerClockHour_AndPerPerson()
    {
        var limiter = Limiter();
        var t = new DateTimeOffset(2026, 3, 2, 10, 59, 0, TimeSpan.FromHours(-8));
        Assert.True(await limiter.TryAcquireAsync("a", t, 2));
        Assert.True(await limiter.TryAcquireAsync("a", t, 2));
        Assert.False(await limiter.TryAcquireAsync("a", t.AddSeconds(59), 2));
        Assert.True(await limiter.TryAcquireAsync("b", t, 2));
        Assert.True(await limiter.TryAcquireAsync("a", t.AddMinutes(1), 2));
    }

    [Fact]
    [Trait("spec", "4")]
    public async Task Seed_CountsTheHoursRunsInTheStore_NotEarlierOnes()
    {
        var hour = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(-8));
        var limiter = Limiter(
            new Run(hour.AddMinutes(-1), "old", "a", "lead_summary", RunOutcome.Completed),
            new Run(hour, "r1", "a", "lead_summary", RunOutcome.Completed),
            new Run(hour.AddMinutes(5), "r2", "a", "lead_summary", RunOutcome.Error));
        Assert.True(await limiter.TryAcquireAsync("a", hour.AddMinutes(10), 3));
        Assert.False(await limiter.TryAcquireAsync("a", hour.AddMinutes(11), 3));
    }

    [Fact]
    public async Task Release_GivesASlotBack()
    {
        var limiter = Limiter();
        var t = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(-8));
        Assert.True(await limiter.TryAcquireAsync("a", t, 1));
        limiter.Release("a", t);
        Assert.True(await limiter.TryAcquireAsync("a", t, 1));
        Assert.False(await limiter.TryAcquireAsync("a", t, 1));
    }

    [Fact]
    [Trait("spec", "4")]
    public void Hours_AcrossTheFallBackDayOf2026_AreRealHours()
    {
        // 1 November 2026: 01:00-02:00 happens twice in Los Angeles (PDT, then PST); each is its own hour.
        var limiter = Limiter();
        var firstOne = new DateTimeOffset(2026, 11, 1, 1, 30, 0, TimeSpan.FromHours(-7));
        var secondOne = new DateTimeOffset(2026, 11, 1, 1, 30, 0, TimeSpan.FromHours(-8));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero), limiter.HourOf(firstOne));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero), limiter.HourOf(secondOne));
        Assert.Equal(TimeSpan.FromHours(1), limiter.NextHour(firstOne) - limiter.HourOf(firstOne));
    }

    [Fact]
    public async Task ConcurrentRequests_NeverOverrunTheLimit()
    {
        var limiter = Limiter();
        var t = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(-8));
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(async () => await limiter.TryAcquireAsync("a", t, 30))));
        Assert.Equal(30, results.Count(ok => ok));
    }
}
