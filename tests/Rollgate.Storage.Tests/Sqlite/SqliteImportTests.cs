using Rollgate.Storage.Sqlite;

namespace Rollgate.Storage.Tests.Sqlite;

public sealed class SqliteImportTests
{
    private const string Good = """
        {"type":"phase_started","ts":"2026-02-02T09:00:00-08:00","phase":"pilot","by":"so-01"}
        {"type":"run","ts":"2026-02-02T09:05:00-08:00","id":"r1","user":"so-02","task":"lead_summary","outcome":"completed","latency_ms":812,"model":"builtin"}
        {"type":"feedback","ts":"2026-02-02T09:07:00-08:00","run":"r1","user":"so-02","rating":5,"minutes_saved":12,"comment":"great"}
        {"type":"review","ts":"2026-02-02T10:00:00-08:00","run":"r1","reviewer":"rev-01","correct":true}
        {"type":"incident","ts":"2026-02-02T11:00:00-08:00","id":"INC-1","severity":"low","category":"quality","title":"typo"}
        {"type":"incident_resolved","ts":"2026-02-02T12:00:00-08:00","id":"INC-1"}
        {"type":"bug","ts":"2026-02-02T12:30:00-08:00","id":"BUG-1","priority":"p2"}
        {"type":"bug_resolved","ts":"2026-02-03T12:30:00-08:00","id":"BUG-1"}
        {"type":"lead_response","ts":"2026-02-02T13:00:00-08:00","lead":"L-1","user":"so-02","created":"2026-02-02T10:00:00-08:00","responded":"2026-02-02T12:00:00-08:00"}
        {"type":"directive","ts":"2026-02-04T08:00:00-08:00","by":"exec-01","action":"rollback","reason":"board request"}
        {"type":"rollback","ts":"2026-02-04T08:01:00-08:00","trigger":"executive-directive"}
        """;

    [Fact]
    [Trait("spec", "2.import")]
    public async Task Import_ThenExport_RoundTripsEveryLineWithUnknownFields()
    {
        using var t = new TempStore();
        var result = await t.ImportTextAsync(Good);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(11, result.Imported);

        var exported = await t.ExportTextAsync();
        Assert.Equal(Lines(Good), Lines(exported));
        Assert.Contains("\"model\":\"builtin\"", exported);

        using var again = new TempStore();
        var reimport = await again.ImportTextAsync(exported);
        Assert.Equal(11, reimport.Imported);
        Assert.Equal(exported, await again.ExportTextAsync());
    }

    [Fact]
    [Trait("spec", "2.import.idempotent")]
    public async Task Import_SameFileTwice_StoresEachEventOnce()
    {
        using var t = new TempStore();
        await t.ImportTextAsync(Good);
        var second = await t.ImportTextAsync(Good);
        Assert.True(second.Succeeded);
        Assert.Equal(0, second.Imported);
        Assert.Equal(11, second.Duplicates);
        Assert.Equal(11, await t.Store.CountAsync());
    }

    [Fact]
    [Trait("spec", "2.import.all-or-nothing")]
    public async Task Import_OneBadLineInTheMiddle_LeavesTheStoreUnchanged()
    {
        using var t = new TempStore();
        await t.ImportTextAsync(Good);
        var before = await t.ExportTextAsync();

        var lines = Lines(Good).ToList();
        var extra = new List<string>
        {
            """{"type":"run","ts":"2026-02-05T09:05:00-08:00","id":"r2","user":"so-03","task":"follow_up","outcome":"completed"}""",
            """{"type":"feedback","ts":"2026-02-05T09:06:00-08:00","run":"r2","user":"so-03","rating":6}""",
            """{"type":"run","ts":"2026-02-05T09:07:00-08:00","id":"r3","user":"so-03","task":"follow_up","outcome":"completed"}""",
        };
        var result = await t.ImportTextAsync(string.Join("\n", extra));

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains("rating", error.Message);
        Assert.StartsWith("events.jsonl:2: ", error.ToString());
        Assert.Equal(before, await t.ExportTextAsync());
        Assert.Equal(lines.Count, await t.Store.CountAsync());
    }

    [Theory]
    [Trait("spec", "2.import.errors")]
    [InlineData("""{"type":"run","ts":"2026-02-05T09:05:00-08:00","id":"r9","user":"u","task":"t"}""", "missing field 'outcome'")]
    [InlineData("""{"type":"run","ts":"2026-02-05 09:05","id":"r9","user":"u","task":"t","outcome":"completed"}""", "RFC 3339")]
    [InlineData("""{"type":"run","ts":"2026-02-05T09:05:00","id":"r9","user":"u","task":"t","outcome":"completed"}""", "RFC 3339")]
    [InlineData("""{"type":"launch","ts":"2026-02-05T09:05:00Z"}""", "unknown event type 'launch'")]
    [InlineData("""{"type":"run","ts":"2026-02-05T09:05:00Z",""", "bad JSON")]
    [InlineData("""{"type":"feedback","ts":"2026-02-05T09:05:00Z","run":"nope","user":"u","rating":3}""", "neither in the store nor in the file")]
    [InlineData("""{"type":"feedback","ts":"2026-02-05T09:05:00Z","run":"r1","user":"u","rating":2.5}""", "'rating' must be an integer")]
    [InlineData("""{"type":"feedback","ts":"2026-02-05T09:05:00Z","run":"r1","user":"u","rating":4,"minutes_saved":-1}""", "minutes_saved")]
    [InlineData("""{"type":"review","ts":"2026-02-05T09:05:00Z","run":"r1","reviewer":"rev-01","correct":"yes"}""", "'correct' must be true or false")]
    [InlineData("""{"type":"incident","ts":"2026-02-05T09:05:00Z","id":"I","severity":"urgent","category":"security"}""", "'severity' must be")]
    [InlineData("""{"type":"run","ts":"2026-02-05T09:05:00Z","id":"r9","user":"u","task":"t","outcome":"completed","variant":"b"}""", "'variant' must be")]
    [InlineData("""{"type":"directive","ts":"2026-02-05T09:05:00Z","by":"exec-01","action":"advance"}""", "'action' must be 'rollback'")]
    [InlineData("""[1,2]""", "JSON object")]
    public async Task Import_BadLine_IsRefusedWithItsReason(string line, string expected)
    {
        using var t = new TempStore();
        var seed = """{"type":"run","ts":"2026-02-05T09:00:00Z","id":"r1","user":"so-01","task":"lead_summary","outcome":"completed"}""";
        var result = await t.ImportTextAsync(seed + "\n" + line);
        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains(expected, error.Message);
        Assert.Equal(0, await t.Store.CountAsync());
    }

    [Fact]
    [Trait("spec", "2.import.errors")]
    public async Task Import_ReportsEveryBadLine()
    {
        using var t = new TempStore();
        var text = string.Join("\n",
            """{"type":"run","ts":"2026-02-05T09:00:00Z","id":"r1","user":"so-01","task":"lead_summary","outcome":"completed"}""",
            "not json",
            """{"type":"run","ts":"2026-02-05T09:00:00Z","id":"r2","user":"so-01","task":"lead_summary","outcome":"done"}""",
            """{"type":"feedback","ts":"2026-02-05T09:00:00Z","run":"r1","user":"so-01","rating":0}""");
        var result = await t.ImportTextAsync(text);
        Assert.Equal([2L, 3L, 4L], result.Errors.Select(e => e.Line));
    }

    [Fact]
    [Trait("spec", "2.import")]
    public async Task Import_FeedbackBeforeItsRunInTheSameFile_IsAccepted()
    {
        using var t = new TempStore();
        var text = string.Join("\n",
            """{"type":"feedback","ts":"2026-02-05T09:10:00Z","run":"r1","user":"so-01","rating":4}""",
            """{"type":"run","ts":"2026-02-05T09:00:00Z","id":"r1","user":"so-01","task":"lead_summary","outcome":"completed"}""");
        var result = await t.ImportTextAsync(text);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var tally = await t.Store.RatingTallyAsync(new(DateTimeOffset.Parse("2026-02-05T00:00:00Z"), DateTimeOffset.Parse("2026-02-06T00:00:00Z")), DateTimeOffset.Parse("2026-02-06T00:00:00Z"), null);
        Assert.Equal(1, tally.N);
    }

    [Fact]
    [Trait("spec", "2.import")]
    public async Task Import_FeedbackForARunAlreadyInTheStore_IsAccepted()
    {
        using var t = new TempStore();
        await t.ImportTextAsync("""{"type":"run","ts":"2026-02-05T09:00:00Z","id":"r1","user":"so-01","task":"lead_summary","outcome":"completed"}""", "a.jsonl");
        var result = await t.ImportTextAsync("""{"type":"feedback","ts":"2026-02-05T09:10:00Z","run":"r1","user":"so-01","rating":4}""", "b.jsonl");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
    }

    [Fact]
    public async Task Import_ARunIdReusedWithOtherFields_IsRefused()
    {
        using var t = new TempStore();
        await t.ImportTextAsync("""{"type":"run","ts":"2026-02-05T09:00:00Z","id":"r1","user":"so-01","task":"lead_summary","outcome":"completed"}""", "a.jsonl");
        var result = await t.ImportTextAsync("""{"type":"run","ts":"2026-02-05T09:00:00Z","id":"r1","user":"so-01","task":"lead_summary","outcome":"error"}""", "b.jsonl");
        Assert.Contains("already stored", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public async Task Import_IntoAnEmptyStore_LeavesEveryIndexInPlace()
    {
        using var t = new TempStore();
        var before = Indexes(t);
        var result = await t.ImportTextAsync(Good);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(before, Indexes(t));
        Assert.Contains(before, i => i.StartsWith("feedback_window:", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("spec", "2.import.all-or-nothing")]
    public async Task Import_RefusedIntoAnEmptyStore_LeavesEveryIndexInPlace()
    {
        using var t = new TempStore();
        var before = Indexes(t);
        var result = await t.ImportTextAsync(Good + "\n" + """{"type":"feedback","ts":"2026-02-05T09:00:00Z","run":"r1","user":"so-01","rating":9}""");
        Assert.False(result.Succeeded);
        Assert.Equal(before, Indexes(t));
        Assert.Equal(0, await t.Store.CountAsync());
    }

    [Fact]
    [Trait("spec", "2.import")]
    public async Task Import_IntoAStoreWithoutEvents_WritesPastTheWal_AndLeavesTheStoreInWalMode()
    {
        using var t = new TempStore();
        var result = await t.ImportTextAsync(Good);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal("wal", Pragma(t, "journal_mode"));
        Assert.True(WalBytes(t) < 16_384, $"the WAL holds {WalBytes(t)} bytes: the import's pages went through it");
        Assert.Equal(Lines(Good), Lines(await t.ExportTextAsync()));

        // A second import (the store has events now) stays in WAL mode, as every other write does.
        var more = await t.ImportTextAsync("""{"type":"bug","ts":"2026-02-06T12:30:00-08:00","id":"BUG-2","priority":"p1"}""");
        Assert.Equal(1, more.Imported);
        Assert.Equal("wal", Pragma(t, "journal_mode"));
    }

    [Fact]
    [Trait("spec", "2.import.all-or-nothing")]
    public async Task Import_RefusedIntoAStoreWithoutEvents_LeavesItEmpty_AndInWalMode()
    {
        using var t = new TempStore();
        var result = await t.ImportTextAsync(Good + "\n" + "{\"type\":\"run\",\"ts\":\"bad\"}");

        Assert.False(result.Succeeded);
        Assert.Equal(0, await t.Store.CountAsync());
        Assert.Equal("wal", Pragma(t, "journal_mode"));
    }

    [Fact]
    [Trait("spec", "2.import")]
    public async Task Import_IntoAnEmptyStoreSomeoneElseHasOpen_StaysInWalMode_AndImportsAll()
    {
        using var t = new TempStore();
        using var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={t.PathOf("events.db")};Pooling=False");
        other.Open();
        using (var read = other.CreateCommand())
        {
            read.CommandText = "SELECT count(*) FROM events";
            Assert.Equal(0L, read.ExecuteScalar());
        }

        var result = await t.ImportTextAsync(Good);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(11, await t.Store.CountAsync());
        Assert.Equal("wal", Pragma(t, "journal_mode"));
        Assert.True(WalBytes(t) > 16_384, "with another connection open the import cannot leave WAL mode");
    }

    [Fact]
    public void Open_AStoreLeftWithARollbackJournal_SwitchesItBackToWal()
    {
        using var t = new TempStore();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={t.PathOf("events.db")};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode = DELETE";
            Assert.Equal("delete", cmd.ExecuteScalar());
        }

        Assert.Equal("delete", Pragma(t, "journal_mode"));
        using var again = SqliteEventStore.Open(t.PathOf("events.db"));
        Assert.Equal("wal", Pragma(t, "journal_mode"));
    }

    [Fact]
    public async Task Import_ARatingRepeatedInAFileIntoAnEmptyStore_CountsTheLatestOnly()
    {
        using var t = new TempStore();
        var text = string.Join("\n",
            """{"type":"run","ts":"2026-02-05T09:00:00Z","id":"r1","user":"so-01","task":"lead_summary","outcome":"completed"}""",
            """{"type":"feedback","ts":"2026-02-05T09:10:00Z","run":"r1","user":"so-01","rating":2}""",
            """{"type":"feedback","ts":"2026-02-05T09:20:00Z","run":"r1","user":"so-01","rating":5}""");
        Assert.True((await t.ImportTextAsync(text)).Succeeded);
        var day = new Core.Time.TimeWindow(DateTimeOffset.Parse("2026-02-05T00:00:00Z"), DateTimeOffset.Parse("2026-02-06T00:00:00Z"));
        var tally = await t.Store.RatingTallyAsync(day, day.To, null);
        Assert.Equal((1L, 5.0), (tally.N, tally.Sum));
    }

    [Fact]
    public void Open_AFileThatIsNotAStore_IsRefused()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "hello, not a database at all........................................................................................");
            Assert.Throws<StoreFormatException>(() => Storage.Sqlite.SqliteEventStore.Open(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<string> Indexes(TempStore t) =>
        t.Strings("SELECT name || ': ' || coalesce(sql, '') FROM sqlite_schema WHERE type = 'index' ORDER BY name");

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim());

    private static string Pragma(TempStore t, string name) => t.Strings($"PRAGMA {name}").Single();

    private static long WalBytes(TempStore t) => new FileInfo(t.PathOf("events.db") + "-wal") is { Exists: true } f ? f.Length : 0;
}
