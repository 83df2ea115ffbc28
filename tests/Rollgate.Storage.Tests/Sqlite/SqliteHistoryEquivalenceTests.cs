using Rollgate.Core.Events;
using Rollgate.Core.Statistics;
using Rollgate.Core.Time;

namespace Rollgate.Storage.Tests.Sqlite;

/// <summary>
/// The SQLite store must answer every question exactly as the in-memory log (the reference meaning) does,
/// on random histories with ties, replaced feedback, out-of-order arrivals and resolutions.
/// </summary>
public sealed class SqliteHistoryEquivalenceTests
{
    private static readonly DateTimeOffset Origin = new(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(-8));
    private static readonly string[] Users = ["so-01", "so-02", "sdr-01", "sdr-02", "ae-01"];

    [Theory]
    [InlineData(1UL, 1)]
    [InlineData(2UL, 1)]
    [InlineData(3UL, 3)]
    [InlineData(4UL, 7)]
    [InlineData(5UL, 120)]
    public async Task Sqlite_AnswersLikeTheInMemoryLog(ulong seed, int batches)
    {
        var rng = new SeededRandom(seed);
        var events = RandomHistory(rng);

        // In several batches the log arrives in time order, so that no feedback comes in a batch before its run's
        // (a run before the feedback and reviews of the same instant, which a batch may end between).
        if (batches > 1)
        {
            events = [.. events.OrderBy(e => e.Ts).ThenBy(e => e is Run ? 0 : 1)];
        }

        var reference = new InMemoryEventLog(events);
        using var t = new TempStore();

        // Several batches: later ones link feedback to runs already stored and replace ratings stored earlier. Many
        // small batches are the server's appends, written on one held connection with its statements kept.
        var size = (events.Count + batches - 1) / batches;
        foreach (var batch in events.Chunk(size))
        {
            var result = await t.Store.AppendAsync(batch);
            Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        }

        var store = t.Store;

        for (var i = 0; i < 60; i++)
        {
            var from = Origin + TimeSpan.FromMinutes(rng.Next(0, 60 * 24 * 6));
            var to = from + TimeSpan.FromMinutes(rng.Next(0, 60 * 24 * 5));
            var at = to + TimeSpan.FromMinutes(rng.Next(0, 60 * 24));
            var window = new TimeWindow(from, to);
            IReadOnlySet<string>? users = rng.Chance(0.4) ? null : Users.Where(_ => rng.Chance(0.5)).ToHashSet();

            Assert.Equal(await reference.RunTallyAsync(window, users), await store.RunTallyAsync(window, users));
            Assert.Equal(await reference.RatingTallyAsync(window, at, users), await store.RatingTallyAsync(window, at, users));
            Assert.Equal(await reference.ReviewTallyAsync(window, at, users), await store.ReviewTallyAsync(window, at, users));
            Assert.Equal(
                (await reference.FeedbackByUserAsync(window, at)).OrderBy(p => p.Key).Select(p => (p.Key, p.Value.N, p.Value.Sum, p.Value.SumOfSquares, Math.Round(p.Value.MinutesSaved, 6))),
                (await store.FeedbackByUserAsync(window, at)).OrderBy(p => p.Key).Select(p => (p.Key, p.Value.N, p.Value.Sum, p.Value.SumOfSquares, Math.Round(p.Value.MinutesSaved, 6))));
            Assert.Equal((await reference.ActiveUsersAsync(window)).Order(), (await store.ActiveUsersAsync(window)).Order());
            Assert.Equal((await reference.LeadResponseMinutesAsync(window, at, users)).Order(), (await store.LeadResponseMinutesAsync(window, at, users)).Order());
            Assert.Equal(await reference.IncidentsOpenedAsync(window, null), await store.IncidentsOpenedAsync(window, null));
            Assert.Equal(await reference.IncidentsOpenedAsync(window, [Severity.Critical]), await store.IncidentsOpenedAsync(window, [Severity.Critical]));
            Assert.Equal((await reference.OpenIncidentsAsync(at)).Select(x => x.Id).Order(), (await store.OpenIncidentsAsync(at)).Select(x => x.Id).Order());
            Assert.Equal((await reference.OpenBugsAsync(at)).Select(x => x.Id).Order(), (await store.OpenBugsAsync(at)).Select(x => x.Id).Order());
            Assert.Equal(await reference.RunsByMinuteAsync(new TimeWindow(from, from + TimeSpan.FromHours(2))), await store.RunsByMinuteAsync(new TimeWindow(from, from + TimeSpan.FromHours(2))));
            Assert.Equal((await reference.FirstDirectiveAsync(window))?.Ts, (await store.FirstDirectiveAsync(window))?.Ts);
            Assert.Equal((await reference.LatestPhaseStartAsync(null, at))?.Ts, (await store.LatestPhaseStartAsync(null, at))?.Ts);
            Assert.Equal((await reference.LatestPhaseStartAsync("sdr", at))?.Ts, (await store.LatestPhaseStartAsync("sdr", at))?.Ts);
            Assert.Equal((await reference.LatestRollbackAsync(at))?.Ts, (await store.LatestRollbackAsync(at))?.Ts);
            Assert.Equal(await reference.NextPhaseChangeAsync(from), await store.NextPhaseChangeAsync(from));
            foreach (var experiment in new[] { "exp-a", "exp-b", "exp-none" })
            {
                Assert.Equal(await reference.ExperimentTallyAsync(experiment, at), await store.ExperimentTallyAsync(experiment, at));
            }
        }
    }

    private static List<RolloutEvent> RandomHistory(SeededRandom rng)
    {
        var events = new List<RolloutEvent>();
        DateTimeOffset Minute(int max) => Origin + TimeSpan.FromMinutes(rng.Next(0, max));
        var runs = new List<Run>();
        for (var i = 0; i < 1500; i++)
        {
            // Whole minutes with seconds, so that ties and minute boundaries both occur.
            var ts = Minute(60 * 24 * 10) + TimeSpan.FromSeconds(rng.Next(0, 3) * 20);
            var outcome = rng.Chance(0.1) ? RunOutcome.Error : rng.Chance(0.1) ? RunOutcome.Abstained : RunOutcome.Completed;
            // Some runs carry an experiment's key: most with a variant, a few without (which no report counts).
            var experiment = rng.Chance(0.5) ? null : rng.Chance(0.8) ? "exp-a" : "exp-b";
            Variant? variant = experiment is null || rng.Chance(0.05) ? null : rng.Chance(0.5) ? Variant.Control : Variant.Treatment;
            var run = new Run(ts, $"r{i}", rng.Pick(Users), "lead_summary", outcome, Experiment: experiment, Variant: variant);
            runs.Add(run);
            events.Add(run);
        }

        for (var i = 0; i < 900; i++)
        {
            var run = rng.Pick(runs);
            var ts = run.Ts + TimeSpan.FromMinutes(rng.Next(0, 60 * 48));
            double? minutes = rng.Chance(0.7) ? rng.Next(0, 30) : null;
            events.Add(new Feedback(ts, run.Id, rng.Chance(0.9) ? run.User : "so-01", rng.Next(1, 6), minutes));
            if (rng.Chance(0.1))
            {
                events.Add(new Feedback(ts, run.Id, run.User, rng.Next(1, 6), minutes));
            }
        }

        for (var i = 0; i < 500; i++)
        {
            var run = rng.Pick(runs);
            events.Add(new Review(run.Ts + TimeSpan.FromMinutes(rng.Next(0, 60 * 48)), run.Id, rng.Chance(0.5) ? "rev-01" : "rev-02", rng.Chance(0.8)));
        }

        for (var i = 0; i < 200; i++)
        {
            var created = Minute(60 * 24 * 10);
            var responded = created + TimeSpan.FromMinutes(rng.Next(1, 600));
            events.Add(new LeadResponse(responded + TimeSpan.FromMinutes(rng.Next(0, 30)), $"L{i}", rng.Pick(Users), created, responded));
        }

        for (var i = 0; i < 20; i++)
        {
            var ts = Minute(60 * 24 * 10);
            events.Add(new Incident(ts, $"I{i}", (Severity)rng.Next(0, 4), (IncidentCategory)rng.Next(0, 5)));
            if (rng.Chance(0.5))
            {
                events.Add(new IncidentResolved(ts + TimeSpan.FromHours(rng.Next(1, 72)), $"I{i}"));
            }

            events.Add(new Bug(ts, $"B{i}", (BugPriority)rng.Next(0, 4)));
            if (rng.Chance(0.5))
            {
                events.Add(new BugResolved(ts + TimeSpan.FromHours(rng.Next(1, 72)), $"B{i}"));
            }
        }

        string[] phases = ["pilot", "sdr", "full"];
        for (var i = 0; i < 8; i++)
        {
            events.Add(new PhaseStarted(Minute(60 * 24 * 10), rng.Pick(phases), "so-01"));
            events.Add(new Rollback(Minute(60 * 24 * 10), "manual", "so-01"));
            events.Add(new Directive(Minute(60 * 24 * 10), "exec-01", "rollback"));
        }

        // Stored in a shuffled order: the answers must not depend on arrival order beyond ties.
        return [.. events.OrderBy(_ => rng.NextUInt64())];
    }
}
