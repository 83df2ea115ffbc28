namespace Rollgate.Storage.Tests;

public sealed class StampedCacheTests
{
    [Fact]
    public void Value_ServesTheSameCounterOnly()
    {
        var cache = new StampedCache<string, string>(capacity: 10);
        cache.Keep(3, "k", "v");

        Assert.True(cache.TryGet(3, "k", out var value));
        Assert.Equal("v", value);
        Assert.False(cache.TryGet(4, "k", out _));
        Assert.False(cache.TryGet(2, "k", out _));
        Assert.False(cache.TryGet(3, "other", out _));
    }

    [Fact]
    public void ValueKeptUnderAnotherCounter_StartsOver()
    {
        var cache = new StampedCache<string, string>(capacity: 10);
        cache.Keep(3, "a", "old");
        cache.Keep(3, "b", "old");
        cache.Keep(4, "a", "new");

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet(4, "a", out var value));
        Assert.Equal("new", value);
        Assert.False(cache.TryGet(4, "b", out _));
        Assert.False(cache.TryGet(3, "a", out _));
    }

    [Fact]
    public void PastTheCapacity_EverythingKeptIsDropped()
    {
        var cache = new StampedCache<int, int>(capacity: 3);
        foreach (var i in Enumerable.Range(1, 3))
        {
            cache.Keep(1, i, i);
        }

        cache.Keep(1, 4, 4);

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet(1, 4, out _));
        Assert.False(cache.TryGet(1, 1, out _));
    }
}
