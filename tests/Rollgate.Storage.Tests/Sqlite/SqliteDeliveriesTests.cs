using Microsoft.Data.Sqlite;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Storage.Tests.Sqlite;

public sealed class SqliteDeliveriesTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 2, 18, 0, 0, TimeSpan.Zero);
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"rollgate-deliveries-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(f);
        }
    }

    [Fact]
    public void Claim_TakesEachDueMessageOnce_UntilItsLeaseEnds()
    {
        using var queue = SqliteDeliveries.Open(_path);
        queue.Enqueue([new NewDelivery("rb-1", "email", "a@example.com", "s", "b"), new NewDelivery("rb-1", "slack", "channel", "s", "b")], T0);

        using var other = SqliteDeliveries.Open(_path);
        Assert.Equal(2, queue.Claim(T0, T0.AddMinutes(10)).Count);
        Assert.Empty(other.Claim(T0.AddMinutes(5), T0.AddMinutes(15)));

        // A sender that died holds nothing for ever: after the lease, the messages are due again.
        Assert.Equal(2, other.Claim(T0.AddMinutes(10), T0.AddMinutes(20)).Count);
    }

    [Fact]
    public void Attempts_AreRecorded_AndAFailureIsRetriedOrGivenUp()
    {
        using var queue = SqliteDeliveries.Open(_path);
        queue.Enqueue([new NewDelivery("rb-1", "slack", "channel", "s", "b")], T0);
        var id = Assert.Single(queue.Claim(T0, T0.AddMinutes(10))).Id;
        queue.RecordAttempt(id, T0, ok: false, "failed: HTTP 500", T0.AddSeconds(30));
        Assert.Empty(queue.Claim(T0.AddSeconds(29), T0.AddMinutes(10)));
        Assert.Single(queue.Claim(T0.AddSeconds(30), T0.AddMinutes(10)));
        queue.RecordAttempt(id, T0.AddSeconds(30), ok: false, "failed: HTTP 500", retryAt: null);

        var record = Assert.Single(queue.All());
        Assert.Equal((DeliveryStatus.Failed, 2), (record.Status, record.Attempts));
        Assert.Empty(queue.Claim(T0.AddDays(1), T0.AddDays(2)));
        var health = Assert.Single(queue.Health());
        Assert.Equal(("slack", false, 2), (health.Channel, health.LastOk, health.FailuresInARow));
    }
}
