using Rollgate.Core.Events;
using Rollgate.Server.Events;
using Rollgate.Storage;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Tests.Events;

public sealed class EventRecorderTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 4, 15, 17, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("rollgate-recorder-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Run RunOf(int n) => new(At.AddMilliseconds(n), $"run-{n:D6}", $"sdr-{n % 7:D2}", "lead_summary", RunOutcome.Completed, 12.5, Engine: "builtin");

    private static RunOutput OutputOf(Run run) =>
        new(run.Id, run.Ts, run.User, run.Task, "completed", "L-0001", DateOnly.FromDateTime(run.Ts.UtcDateTime), $$"""{"run":"{{run.Id}}"}""");

    [Fact]
    public async Task EachRecord_ReturnsOnlyOnceStored_WhenManyRecordAtOnce()
    {
        using var store = SqliteEventStore.Open(Path.Combine(_folder, "store.db"));
        await using var recorder = new EventRecorder(store, store);

        var stored = await Task.WhenAll(Enumerable.Range(0, 200).Select(n => Task.Run(async () =>
        {
            var run = RunOf(n);
            await recorder.RecordRunAsync(OutputOf(run), run);
            return await store.FindRunAsync(run.Id) is not null;
        })));

        Assert.All(stored, Assert.True);
        Assert.Equal(200, await store.CountAsync());
    }

    [Fact]
    public async Task Dispose_WaitsForTheRecordsAlreadyQueued()
    {
        using var store = SqliteEventStore.Open(Path.Combine(_folder, "store.db"));
        var recorder = new EventRecorder(store, store);
        var pending = Enumerable.Range(0, 50).Select(n => recorder.RecordRunAsync(OutputOf(RunOf(n)), RunOf(n))).ToList();

        await recorder.DisposeAsync();

        Assert.All(pending, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(50, await store.CountAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => recorder.RecordAsync(RunOf(99)));
    }
}
