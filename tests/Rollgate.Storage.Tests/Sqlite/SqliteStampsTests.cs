using Microsoft.Data.Sqlite;
using Rollgate.Agents.Crm;
using Rollgate.Core.Events;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Storage.Tests.Sqlite;

public sealed class SqliteStampsTests
{
    private static readonly DateTimeOffset Ts = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(-8));

    private static readonly CrmData Crm = new([new Account("A-1", "Acme Analytics", "Software")], [], [new Lead("L-1", "Sam Ito", AccountId: "A-1")], [], [], []);

    [Fact]
    public void NewStore_StartsAtZero()
    {
        using var t = new TempStore();
        using var stamps = SqliteStamps.Open(t.Store.Path);
        Assert.Equal(new StoreStamp(0, 0, 0), stamps.Read());
    }

    [Fact]
    public void Tokens_CreatedOrRevokedByAnyStoreOnTheFile_MoveTheirCounterOnly()
    {
        using var t = new TempStore();
        using var stamps = SqliteStamps.Open(t.Store.Path);
        using (var other = SqliteTokenStore.Open(t.Store.Path))
        {
            other.Create("so-01", Ts);
            other.Create("so-02", Ts);
        }

        Assert.Equal(new StoreStamp(2, 0, 0), stamps.Read());
        using (var other = SqliteTokenStore.Open(t.Store.Path))
        {
            Assert.Single(other.Revoke(null, "so-01", Ts));
            Assert.Empty(other.Revoke(null, "so-01", Ts));
        }

        Assert.Equal(new StoreStamp(3, 0, 0), stamps.Read());
    }

    [Fact]
    public async Task PhaseStartsAndRollbacks_MoveTheControlCounter_RunsAndFeedbackDoNot()
    {
        using var t = new TempStore();
        using var stamps = SqliteStamps.Open(t.Store.Path);
        await Append(t, new Run(Ts, "run-1", "so-01", "lead_summary", RunOutcome.Completed), new Feedback(Ts.AddMinutes(1), "run-1", "so-01", 5));
        Assert.Equal(new StoreStamp(0, 0, 0), stamps.Read());

        await Append(t, new PhaseStarted(Ts, "pilot", "so-01"));
        await Append(t, new Rollback(Ts.AddHours(1), "kill_switch", "so-02", "off"), new Run(Ts.AddHours(2), "run-2", "so-01", "lead_summary", RunOutcome.Completed));
        Assert.Equal(new StoreStamp(0, 2, 0), stamps.Read());

        // A line imported again is not stored again, and counts nothing.
        await Append(t, new PhaseStarted(Ts, "pilot", "so-01"));
        Assert.Equal(new StoreStamp(0, 2, 0), stamps.Read());
    }

    [Fact]
    public async Task CrmImport_MovesTheCrmCounter_OncePerImport()
    {
        using var t = new TempStore();
        using var stamps = SqliteStamps.Open(t.Store.Path);
        using (var crm = SqliteCrmStore.Open(t.Store.Path))
        {
            Assert.True((await crm.ImportAsync(Crm)).Succeeded);
            Assert.True((await crm.ImportAsync(Crm with { Leads = [Crm.Leads[0] with { Name = "Sam Ito-Park" }] })).Succeeded);
        }

        Assert.Equal(new StoreStamp(0, 0, 2), stamps.Read());
    }

    [Fact]
    public void Schema11Store_KeepsItsCrmVersion_AsTheCrmCounter()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rollgate-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "v11.db");
        try
        {
            using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                c.Open();
                SqliteSchema.Apply(c, 11);
                using var update = c.CreateCommand();
                update.CommandText = "UPDATE crm_version SET version = 7";
                update.ExecuteNonQuery();
            }

            using var stamps = SqliteStamps.Open(path);

            Assert.Equal(new StoreStamp(0, 0, 7), stamps.Read());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task Append(TempStore t, params RolloutEvent[] events)
    {
        // Another store on the file, as another process would write.
        using var other = SqliteEventStore.Open(t.Store.Path);
        var result = await other.AppendAsync(events);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
    }
}
