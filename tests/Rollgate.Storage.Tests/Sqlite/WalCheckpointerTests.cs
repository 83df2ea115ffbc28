using System.Globalization;
using Rollgate.Core.Events;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Storage.Tests.Sqlite;

/// <summary>Small appends leave their checkpoints to a thread of their own, and the WAL stays as small as SQLite keeps it.</summary>
public sealed class WalCheckpointerTests
{
    private static readonly DateTimeOffset Ts = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(-8));
    private const int Appends = 2000;

    [Fact]
    public async Task ManySmallAppends_AreCheckpointedBesideTheWriter_AndTheWalStartsOver()
    {
        using var t = new TempStore();
        var pageSize = long.Parse(t.Strings("PRAGMA page_size")[0], CultureInfo.InvariantCulture);
        var wal = new FileInfo(t.Store.Path + "-wal");
        var body = new string('x', 3000);
        long largest = 0;

        // Each append writes several pages (the tails of the tables and indexes it touches, and a 3 KB answer): more
        // than twice the copy's threshold in all, which a WAL never checkpointed would hold.
        for (var i = 0; i < Appends; i++)
        {
            var id = $"run-{i:d5}";
            var run = new Run(Ts.AddSeconds(i), id, $"user-{i % 40}", "lead_summary", RunOutcome.Completed);
            var output = new RunOutput(id, run.Ts, run.User, run.Task, "completed", "L-1", new DateOnly(2026, 3, 2), body);
            Assert.True((await t.Store.AppendAsync([run], [output])).Succeeded);
            wal.Refresh();
            largest = Math.Max(largest, wal.Length);
        }

        Assert.True(t.Store.CheckpointsStarted >= 2, $"{t.Store.CheckpointsStarted} checkpoints were started; WAL at most {largest / pageSize} pages");
        Assert.True(largest < 4L * WalCheckpointer.Pages * pageSize, $"the WAL grew to {largest / pageSize} pages");
        Assert.Equal(Appends, await t.Store.CountAsync());
        Assert.Equal(Appends, t.Strings("SELECT count(*) FROM run_outputs").Select(int.Parse).Single());
    }
}
