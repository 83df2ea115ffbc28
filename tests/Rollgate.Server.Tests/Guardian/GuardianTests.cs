using Rollgate.Core.Events;
using Rollgate.Storage;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Tests.Guardian;

public sealed class GuardianTests
{
    private static readonly TimeSpan Pt = TimeSpan.FromHours(-8);

    /// <summary>Monday 2 February 2026 in Los Angeles, at the given time.</summary>
    private static DateTimeOffset Monday(int hour, int minute = 0) => new(2026, 2, 2, hour, minute, 0, Pt);

    private static async Task<GuardianHost> PilotAsync(DateTimeOffset? now = null, IDictionary<string, string?>? settings = null)
    {
        var host = new GuardianHost(now ?? Monday(9), settings);
        await host.AppendAsync([new PhaseStarted(Monday(9), "pilot", "so-01")]);
        return host;
    }

    /// <summary>One run a minute from <paramref name="from"/> to <paramref name="to"/>; <paramref name="error"/> says which fail.</summary>
    private static IEnumerable<RolloutEvent> Runs(DateTimeOffset from, DateTimeOffset to, Func<DateTimeOffset, bool> error)
    {
        for (var t = from; t < to; t = t.AddMinutes(1))
        {
            yield return new Run(t.AddSeconds(5), $"run-{t.UtcTicks}", "so-01", "lead_summary", error(t) ? RunOutcome.Error : RunOutcome.Completed);
        }
    }

    private static bool EveryOther(DateTimeOffset t) => t.Minute % 2 == 0;

    [Fact]
    [Trait("spec", "3.triggers")]
    public async Task ErrorRate_HoldingFrom1000_TurnsTheAgentsOffAt1100_NotAt1059()
    {
        await using var host = await PilotAsync();

        // From 9:50, one run a minute, half of them errors: the 15-minute window first has 10 runs at 10:00.
        await host.AppendAsync(Runs(Monday(9, 50), Monday(11, 1), EveryOther));

        var early = await host.EvaluateAt(Monday(10, 59).AddSeconds(59));
        Assert.Empty((await host.EventsAsync()).OfType<Rollback>());
        Assert.Contains(early.Triggers.Checked, c => c.Id == "error-rate-sustained" && !c.Fired && c.HeldSince == Monday(10));

        var report = await host.EvaluateAt(Monday(11));
        var rollback = Assert.Single((await host.EventsAsync()).OfType<Rollback>());
        Assert.Equal(("error-rate-sustained", "guardian", Monday(11)), (rollback.Trigger, rollback.By, rollback.Ts));
        Assert.Contains(report.Actions, a => a.StartsWith("rolled back (error-rate-sustained)", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("spec", "3.triggers")]
    public async Task ErrorRate_ADipAt1030_RestartsTheHour()
    {
        await using var host = await PilotAsync();

        // Errors every other minute, none from 10:15 to 10:30 (the window at 10:30 is clean), then every run fails:
        // the condition holds again from 10:32 (2 errors in the 15 runs of [10:17, 10:32)).
        await host.AppendAsync(Runs(Monday(9, 50), Monday(11, 40), t => t < Monday(10, 15) ? EveryOther(t) : t >= Monday(10, 30)));

        await host.EvaluateAt(Monday(11));
        await host.EvaluateAt(Monday(11, 31));
        Assert.Empty((await host.EventsAsync()).OfType<Rollback>());

        await host.EvaluateAt(Monday(11, 32));
        Assert.Equal(Monday(11, 32), Assert.Single((await host.EventsAsync()).OfType<Rollback>()).Ts);
    }

    [Fact]
    [Trait("spec", "3.triggers")]
    public async Task CriticalPrivacyIncident_TurnsTheAgentsOffOnTheNextEvaluation()
    {
        await using var host = await PilotAsync();
        await host.AppendAsync([new Incident(Monday(10, 5).AddSeconds(30), "inc-7", Severity.Critical, IncidentCategory.Privacy, "CRM email shown to another rep")]);
        await host.EvaluateAt(Monday(10, 5));
        Assert.Empty((await host.EventsAsync()).OfType<Rollback>());

        await host.EvaluateAt(Monday(10, 6));
        var rollback = Assert.Single((await host.EventsAsync()).OfType<Rollback>());
        Assert.Equal("critical-incident", rollback.Trigger);
        Assert.Contains("inc-7", rollback.Reason);
    }

    [Fact]
    [Trait("spec", "3.triggers")]
    public async Task Satisfaction_ThreeServiceDaysLowAroundAWeekend_TurnsTheAgentsOff()
    {
        await using var host = await PilotAsync();

        // Low on Thursday 5, Friday 6 and Monday 9 February; the weekend is not a pilot service day.
        var events = new List<RolloutEvent>();
        foreach (var (day, rating) in new[] { (3, 4), (4, 4), (5, 2), (6, 1), (9, 2) })
        {
            var ts = new DateTimeOffset(2026, 2, day, 11, 0, 0, Pt);
            events.Add(new Run(ts, $"r{day}", "so-02", "follow_up", RunOutcome.Completed));
            events.Add(new Feedback(ts.AddMinutes(5), $"r{day}", "so-02", rating));
        }

        await host.AppendAsync(events);

        // Monday afternoon: the last three service days before Monday are Fri (1.0), Thu (2.0) and Wed (4.0).
        await host.EvaluateAt(new DateTimeOffset(2026, 2, 9, 15, 0, 0, Pt));
        Assert.Empty((await host.EventsAsync()).OfType<Rollback>());

        await host.EvaluateAt(new DateTimeOffset(2026, 2, 10, 9, 0, 0, Pt));
        var rollback = Assert.Single((await host.EventsAsync()).OfType<Rollback>());
        Assert.Equal("satisfaction-low", rollback.Trigger);
        Assert.Contains("Fri 6 Feb", rollback.Reason);
    }

    [Fact]
    [Trait("spec", "3.triggers")]
    public async Task ExecutiveDirective_TurnsTheAgentsOff()
    {
        await using var host = await PilotAsync();
        await host.AppendAsync([new Directive(Monday(10, 0).AddSeconds(1), "exec-01", "rollback", "pause for legal")]);
        await host.EvaluateAt(Monday(10, 1));
        Assert.Equal("executive-directive", Assert.Single((await host.EventsAsync()).OfType<Rollback>()).Trigger);
    }

    [Fact]
    public async Task ATriggerThatStaysTrue_ActsOnce_EvenAcrossARestart_AndAfterTheAgentsAreRestored()
    {
        await using var host = await PilotAsync();
        await host.AppendAsync([new Incident(Monday(10), "inc-1", Severity.Critical, IncidentCategory.Security)]);
        await host.EvaluateAt(Monday(10, 1));
        await host.Restart();
        await host.EvaluateAt(Monday(10, 2));

        // Operations restore the phase while the incident is still open: the trigger already acted.
        await host.AppendAsync([new PhaseStarted(Monday(10, 3), "pilot", "so-01", "restored by hand")]);
        await host.EvaluateAt(Monday(10, 4));
        Assert.Single((await host.EventsAsync()).OfType<Rollback>());

        // Once it has been seen clear, it acts again when it comes back.
        await host.AppendAsync([new IncidentResolved(Monday(10, 5), "inc-1")]);
        await host.EvaluateAt(Monday(10, 6));
        await host.AppendAsync([new Incident(Monday(10, 7), "inc-2", Severity.Critical, IncidentCategory.Privacy)]);
        await host.EvaluateAt(Monday(10, 8));
        Assert.Equal(2, (await host.EventsAsync()).OfType<Rollback>().Count());
    }

    [Fact]
    public async Task ARestartBetweenPendingAndFiring_WarnsOnce_AndFiresOnTime_Once()
    {
        await using var host = await PilotAsync(settings: new Dictionary<string, string?> { ["Rollgate:Smtp:Host"] = "127.0.0.1", ["Rollgate:Smtp:From"] = "rollgate@example.com" });
        await host.AppendAsync(Runs(Monday(9, 50), Monday(11, 5), EveryOther));

        // 10:14: the condition has held 14 minutes, under a quarter of the hour: no warning yet.
        Assert.Empty((await host.EvaluateAt(Monday(10, 14))).Actions);
        var warned = await host.EvaluateAt(Monday(10, 15));
        Assert.Contains(warned.Actions, a => a.Contains("pending", StringComparison.Ordinal));
        await host.EvaluateAt(Monday(10, 16));

        await host.Restart();
        await host.EvaluateAt(Monday(10, 30));
        await host.EvaluateAt(Monday(10, 59));
        Assert.Empty((await host.EventsAsync()).OfType<Rollback>());
        await host.EvaluateAt(Monday(11));
        await host.Restart();
        await host.EvaluateAt(Monday(11, 1));

        Assert.Equal(Monday(11), Assert.Single((await host.EventsAsync()).OfType<Rollback>()).Ts);
        Assert.Single(host.Audit(), r => r.Entry.Action == "trigger_pending");
        var warnings = host.Get<SqliteDeliveries>().All().Where(d => d.About.StartsWith("pending-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(warnings);
        Assert.All(warnings, w => Assert.Contains("has held since 2026-02-02 10:00", w.Body));
        Assert.Equal(warnings.Count, warnings.Select(w => w.Recipient).Distinct().Count());
    }

    [Fact]
    public async Task FullRollback_FollowsThePlaybook_AndTheSnapshotRestoresTheSameEvents()
    {
        await using var host = await PilotAsync();
        await host.AppendAsync(Runs(Monday(9, 30), Monday(10), _ => false));
        await host.AppendAsync([new Directive(Monday(10), "exec-02", "rollback", "board")]);
        await host.EvaluateAt(Monday(10, 1));

        var actions = host.Audit().Select(r => r.Entry.Action).ToList();
        Assert.Equal(["rollback", "notified", "legal_hold", "incident_review_opened", "snapshot"], actions);

        var review = Assert.Single(host.Get<SqliteIncidentReviews>().All());
        Assert.Equal((Monday(10, 1).AddHours(24), Monday(10, 1).AddHours(48)), (review.ReviewDue, review.FindingsDue));
        Assert.Single(host.Get<SqliteLegalHolds>().Active());

        // The snapshot opens as a store with the same events: same count, same export, byte for byte.
        Assert.NotNull(review.Snapshot);
        Assert.Equal(review.SnapshotSha256, SqliteSnapshot.Sha256Of(review.Snapshot!));
        var original = new StringWriter();
        await host.Get<IEventStore>().ExportAsync(original);
        using var restored = SqliteEventStore.Open(review.Snapshot!);
        var copy = new StringWriter();
        await restored.ExportAsync(copy);
        Assert.Equal(await host.Get<IEventStore>().CountAsync(), await restored.CountAsync());
        Assert.Equal(Sha(original.ToString()), Sha(copy.ToString()));
    }

    [Fact]
    public async Task OverdueReview_IsEscalatedOnce_AndARecordedReviewIsNot()
    {
        await using var host = await PilotAsync(settings: new Dictionary<string, string?> { ["Rollgate:Smtp:Host"] = "127.0.0.1", ["Rollgate:Smtp:From"] = "rollgate@example.com" });
        await host.AppendAsync([new Directive(Monday(10), "exec-01", "rollback")]);
        await host.EvaluateAt(Monday(10, 1));
        var incident = Assert.Single(host.Get<SqliteIncidentReviews>().All()).Id;

        await host.EvaluateAt(Monday(10, 1).AddHours(24).AddMinutes(-1));
        Assert.DoesNotContain(host.Audit(), r => r.Entry.Action == "escalated");

        await host.EvaluateAt(Monday(10, 1).AddHours(24));
        await host.EvaluateAt(Monday(10, 1).AddHours(25));
        var escalation = Assert.Single(host.Audit(), r => r.Entry.Action == "escalated");
        Assert.Contains("review", escalation.Entry.Reason);
        var recipients = host.Get<SqliteDeliveries>().About($"overdue-{incident}-review").Select(d => d.Recipient).ToHashSet();
        Assert.Contains("theo.tanaka@example.com", recipients);

        host.Get<SqliteIncidentReviews>().Record(incident, ReviewDocument.Findings, "so-01", "root cause: ...", Monday(10, 1).AddHours(30));
        await host.EvaluateAt(Monday(10, 1).AddHours(49));
        Assert.Single(host.Audit(), r => r.Entry.Action == "escalated");
    }

    [Fact]
    public async Task PartialRollback_GoesBackAPhase_Once()
    {
        await using var host = new GuardianHost(Monday(9));
        await host.AppendAsync([new PhaseStarted(Monday(8), "sdr", "so-01")]);
        await host.AppendAsync([.. Enumerable.Range(1, 3).Select(i => (RolloutEvent)new Bug(Monday(9).AddMinutes(i), $"b{i}", BugPriority.P0))]);
        await host.EvaluateAt(Monday(9, 5));
        await host.EvaluateAt(Monday(9, 6));

        var back = Assert.Single((await host.EventsAsync()).OfType<PhaseStarted>(), p => p.Phase == "pilot");
        Assert.Equal("guardian", back.By);
        Assert.Contains("p0-bugs", back.Reason);
        Assert.Empty((await host.EventsAsync()).OfType<Rollback>());
    }

    [Fact]
    public async Task PartialRollback_InProposeMode_IsOnlyProposedToSalesOps_Once_AndThePhaseStays()
    {
        // Messages are only queued here (nothing delivers them), so the relay need not exist.
        await using var host = new GuardianHost(Monday(9), new Dictionary<string, string?>
        {
            ["Rollgate:Smtp:Host"] = "127.0.0.1",
            ["Rollgate:Smtp:Port"] = "2525",
            ["Rollgate:Smtp:From"] = "rollgate@example.com",
        });
        var planFile = Path.Combine(host.Folder, "plan.yaml");
        var yaml = await File.ReadAllTextAsync(planFile);
        const string P0Bugs = "      priority: p0\n      max: 2\n";
        Assert.Contains(P0Bugs, yaml, StringComparison.Ordinal);
        await File.WriteAllTextAsync(planFile, yaml.Replace(P0Bugs, P0Bugs + "      mode: propose\n", StringComparison.Ordinal));
        await host.Restart();
        await host.AppendAsync([new PhaseStarted(Monday(8), "sdr", "so-01")]);
        await host.AppendAsync([.. Enumerable.Range(1, 3).Select(i => (RolloutEvent)new Bug(Monday(9).AddMinutes(i), $"b{i}", BugPriority.P0))]);

        await host.EvaluateAt(Monday(9, 5));
        await host.EvaluateAt(Monday(9, 6));
        await host.Restart();
        await host.EvaluateAt(Monday(9, 7));

        var events = await host.EventsAsync();
        Assert.Equal("sdr", events.OfType<PhaseStarted>().Last().Phase);
        Assert.Empty(events.OfType<Rollback>());
        // An hour into a phase nobody has used yet, metrics-missed (propose, as in the example plan) is proposed too:
        // each trigger once, however many evaluations and restarts follow.
        var proposals = host.Audit().Where(r => r.Entry.Action == "rollback_proposed").ToList();
        Assert.Equal(["metrics-missed", "p0-bugs"], proposals.Select(r => r.Entry.Subject).Order(StringComparer.Ordinal));
        var proposal = proposals.Single(r => r.Entry.Subject == "p0-bugs");
        Assert.Equal("guardian", proposal.Entry.Actor);
        Assert.Contains("3 open P0 bugs", proposal.Entry.Reason, StringComparison.Ordinal);

        var salesOps = host.Plan.Users.All.Where(u => u.Role == "sales_ops").Select(u => u.Email).Order(StringComparer.Ordinal);
        var emailed = host.Get<SqliteDeliveries>().All().Where(d => d.Channel == "email" && d.About.StartsWith("proposal-p0-bugs-", StringComparison.Ordinal));
        Assert.Equal(salesOps, emailed.Select(d => d.Recipient).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RetentionPurge_EmptiesOldRunOutputs_UnlessALegalHoldStands()
    {
        await using var host = await PilotAsync();
        var outputs = host.Get<SqliteRunOutputs>();
        var old = new Run(Monday(9, 1), "old", "so-01", "lead_summary", RunOutcome.Completed);
        var recent = new Run(Monday(9, 1).AddDays(80), "new", "so-01", "lead_summary", RunOutcome.Completed);
        var kept = await ((IRunJournal)host.Get<IEventStore>()).AppendAsync([old, recent], [
            new RunOutput("old", old.Ts, "so-01", "lead_summary", "completed", "L-1", new DateOnly(2026, 2, 2), "{\"text\":\"x\"}"),
            new RunOutput("new", recent.Ts, "so-01", "lead_summary", "completed", "L-1", new DateOnly(2026, 4, 23), "{\"text\":\"y\"}"),
        ]);
        Assert.True(kept.Succeeded);
        var hold = host.Get<SqliteLegalHolds>().Place("litigation", Monday(9));

        await host.EvaluateAt(Monday(9, 2).AddDays(91));
        Assert.NotNull(outputs.Find("old")!.Body);

        host.Get<SqliteLegalHolds>().Release(hold.Id, Monday(9).AddDays(91));
        await host.EvaluateAt(Monday(9, 3).AddDays(91));
        Assert.Null(outputs.Find("old")!.Body);
        Assert.NotNull(outputs.Find("new")!.Body);
        Assert.Single(host.Audit(), r => r.Entry.Action == "retention_purge");
    }

    [Fact]
    public async Task RetentionPurge_DeletesARollbacksSnapshot_OnceTheHoldIsReleasedAndItIsOlderThanTheRetention()
    {
        await using var host = await PilotAsync();
        await host.AppendAsync([new Directive(Monday(10), "exec-01", "rollback", "board request")]);
        await host.EvaluateAt(Monday(10, 1));
        var review = Assert.Single(host.Get<SqliteIncidentReviews>().All());
        var snapshot = review.Snapshot!;
        Assert.True(File.Exists(snapshot));
        host.Get<SqliteIncidentReviews>().Record(review.Id, ReviewDocument.Review, "so-01", "review", Monday(11));
        host.Get<SqliteIncidentReviews>().Record(review.Id, ReviewDocument.Findings, "so-01", "findings", Monday(12));

        // Past the retention the rollback's legal hold keeps it; once the hold is released, the next evaluation deletes it, once.
        await host.EvaluateAt(Monday(10, 2).AddDays(91));
        Assert.True(File.Exists(snapshot));
        var hold = Assert.Single(host.Get<SqliteLegalHolds>().Active());
        host.Get<SqliteLegalHolds>().Release(hold.Id, Monday(10, 3).AddDays(91));
        await host.EvaluateAt(Monday(10, 4).AddDays(91));

        Assert.False(File.Exists(snapshot));
        Assert.Equal(review.SnapshotSha256, host.Get<SqliteIncidentReviews>().Find(review.Id)!.SnapshotSha256);
        Assert.Single(host.Audit(), r => r.Entry.Action == "retention_purge" && r.Entry.Subject == snapshot);
        await host.EvaluateAt(Monday(10, 5).AddDays(91));
        Assert.Single(host.Audit(), r => r.Entry.Action == "retention_purge" && r.Entry.Subject == snapshot);
    }

    [Fact]
    public async Task RetentionPurge_KeepsASnapshotYoungerThanTheRetention()
    {
        await using var host = await PilotAsync();
        await host.AppendAsync([new Directive(Monday(10), "exec-01", "rollback", "board request")]);
        await host.EvaluateAt(Monday(10, 1));
        var review = Assert.Single(host.Get<SqliteIncidentReviews>().All());
        host.Get<SqliteLegalHolds>().Release(Assert.Single(host.Get<SqliteLegalHolds>().Active()).Id, Monday(11));

        await host.EvaluateAt(Monday(10).AddDays(89));

        Assert.True(File.Exists(review.Snapshot));
    }

    private static string Sha(string text) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    [Fact]
    [Trait("spec", "3.triggers")]
    public async Task ANewDirective_AfterTheAgentsWereRestored_IsActedOn()
    {
        await using var host = await PilotAsync();
        await host.AppendAsync([new Directive(Monday(10), "exec-01", "rollback", "first")]);
        await host.EvaluateAt(Monday(10, 1));
        await host.AppendAsync([new PhaseStarted(Monday(10, 2), "pilot", "so-01", "restored"), new Directive(Monday(10, 3), "exec-02", "rollback", "second")]);
        await host.EvaluateAt(Monday(10, 4));
        Assert.Equal(2, (await host.EventsAsync()).OfType<Rollback>().Count(r => r.Trigger == "executive-directive"));
    }

    [Fact]
    public async Task APlaybookStepThatFails_IsOnTheRecord_AndTheOthersStillHappen()
    {
        var notAFolder = Path.Combine(Path.GetTempPath(), $"rollgate-file-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(notAFolder, "a file where the snapshot folder should be");
        try
        {
            await using var host = await PilotAsync(settings: new Dictionary<string, string?> { ["Rollgate:SnapshotFolder"] = Path.Combine(notAFolder, "snapshots") });
            await host.AppendAsync([new Directive(Monday(10), "exec-01", "rollback")]);
            await host.EvaluateAt(Monday(10, 1));

            Assert.Single((await host.EventsAsync()).OfType<Rollback>());
            Assert.Equal(["rollback", "notified", "legal_hold", "incident_review_opened", "rollback_step_failed"], host.Audit().Select(r => r.Entry.Action));
            Assert.Null(Assert.Single(host.Get<SqliteIncidentReviews>().All()).Snapshot);
        }
        finally
        {
            File.Delete(notAFolder);
        }
    }

    [Fact]
    public async Task TwoFullTriggersAtOnce_OneRollsBack_BothCountAsActedOn()
    {
        await using var host = await PilotAsync();
        await host.AppendAsync([
            new Incident(Monday(10), "inc-1", Severity.Critical, IncidentCategory.Security),
            new Directive(Monday(10), "exec-01", "rollback"),
        ]);
        await host.EvaluateAt(Monday(10, 1));

        // Restored while both still hold: neither acts again.
        await host.AppendAsync([new PhaseStarted(Monday(10, 2), "pilot", "so-01", "restored")]);
        await host.EvaluateAt(Monday(10, 3));
        Assert.Single((await host.EventsAsync()).OfType<Rollback>());
        Assert.Contains(host.Audit(), r => r.Entry.Action == "rollback_joined" && r.Entry.Subject == "executive-directive");
    }
}
