using Microsoft.Data.Sqlite;
using Rollgate.Core.Events;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Storage.Tests.Sqlite;

/// <summary>The server's runs are written with their answers in one transaction: both or neither.</summary>
public sealed class SqliteRunJournalTests
{
    private static readonly DateTimeOffset Ts = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(-8));

    private static Run RunOf(string id) => new(Ts, id, "so-01", "lead_summary", RunOutcome.Completed, 12.5);

    private static RunOutput OutputOf(string id) => new(id, Ts, "so-01", "lead_summary", "completed", "L-1", new DateOnly(2026, 3, 2), $"{{\"run_id\":\"{id}\"}}");

    [Fact]
    public async Task Append_RunsWithTheirAnswers_StoresBoth()
    {
        using var t = new TempStore();

        var result = await t.Store.AppendAsync([RunOf("run-a"), RunOf("run-b")], [OutputOf("run-a"), OutputOf("run-b")]);

        Assert.True(result.Succeeded);
        Assert.Equal(2, result.Imported);
        Assert.Equal(["run-a", "run-b"], t.Strings("SELECT id FROM runs ORDER BY id"));
        Assert.Equal(["{\"run_id\":\"run-a\"}", "{\"run_id\":\"run-b\"}"], t.Strings("SELECT o.body FROM run_outputs o JOIN runs r ON r.seq = o.seq ORDER BY r.id"));
    }

    [Fact]
    public async Task Append_AnAnswerAlreadyKept_WritesNeitherTheRunsNorTheAnswers()
    {
        using var t = new TempStore();
        Assert.True((await t.Store.AppendAsync([RunOf("run-a")], [OutputOf("run-a")])).Succeeded);

        await Assert.ThrowsAsync<SqliteException>(() => t.Store.AppendAsync([RunOf("run-b"), RunOf("run-c")], [OutputOf("run-b"), OutputOf("run-a")]));

        Assert.Equal(["run-a"], t.Strings("SELECT id FROM runs"));
        Assert.Equal(["run-a"], t.Strings("SELECT r.id FROM run_outputs o JOIN runs r ON r.seq = o.seq"));
        Assert.Equal(1, await t.Store.CountAsync());
    }

    [Fact]
    public async Task Append_ALongAnswerOfAnyCharacters_IsKeptAsGiven()
    {
        using var t = new TempStore();
        var body = string.Concat(Enumerable.Repeat("Sévérine — 日本語 🚀 \"quoted\"\n", 300));

        Assert.True((await t.Store.AppendAsync([RunOf("run-a")], [OutputOf("run-a") with { Body = body }])).Succeeded);

        using var outputs = SqliteRunOutputs.Open(t.Store.Path);
        Assert.Equal(body, outputs.Find("run-a")!.Body);
    }

    [Fact]
    public async Task Append_AnAnswerWithoutItsRun_WritesNothing()
    {
        using var t = new TempStore();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => t.Store.AppendAsync([RunOf("run-a")], [OutputOf("run-a"), OutputOf("run-b")]));

        Assert.Contains("run-b", ex.Message);
        Assert.Empty(t.Strings("SELECT id FROM runs"));
        Assert.Empty(t.Strings("SELECT seq FROM run_outputs"));
    }

    [Fact]
    public async Task Append_ARefusedEvent_KeepsNoAnswer_AndTheNextAppendStillWrites()
    {
        using var t = new TempStore();
        var orphan = new Feedback(Ts.AddMinutes(1), "run-nowhere", "so-01", 4, null);

        var refused = await t.Store.AppendAsync([RunOf("run-a"), orphan], [OutputOf("run-a")]);

        Assert.False(refused.Succeeded);
        Assert.Contains("run-nowhere", Assert.Single(refused.Errors).Message);
        Assert.Empty(t.Strings("SELECT r.id FROM run_outputs o JOIN runs r ON r.seq = o.seq"));
        Assert.Equal(0, await t.Store.CountAsync());

        // The held connection and its statements are usable after the rollback.
        Assert.True((await t.Store.AppendAsync([RunOf("run-a"), orphan with { Run = "run-a" }], [OutputOf("run-a")])).Succeeded);
        Assert.Equal(["run-a"], t.Strings("SELECT r.id FROM run_outputs o JOIN runs r ON r.seq = o.seq"));
        Assert.Equal(["4"], t.Strings("SELECT rating FROM feedback"));
    }

    [Fact]
    public async Task Append_ManySmallTransactions_ReplacesRatingsAcrossThem()
    {
        using var t = new TempStore();
        for (var i = 0; i < 50; i++)
        {
            var id = $"run-{i:d3}";
            Assert.True((await t.Store.AppendAsync([RunOf(id)], [OutputOf(id)])).Succeeded);
        }

        // Each person rates run-000 again in a later transaction; only the latest of each counts.
        for (var rating = 1; rating <= 5; rating++)
        {
            Assert.True((await t.Store.AppendAsync([new Feedback(Ts.AddMinutes(rating), "run-000", "so-01", rating, null)])).Succeeded);
        }

        var tally = await t.Store.RatingTallyAsync(new Core.Time.TimeWindow(Ts, Ts.AddHours(1)), Ts.AddHours(2), null);
        Assert.Equal(1, tally.N);
        Assert.Equal(5, tally.Sum);
        Assert.Equal(50, t.Strings("SELECT r.id FROM run_outputs o JOIN runs r ON r.seq = o.seq").Count);
    }
}
