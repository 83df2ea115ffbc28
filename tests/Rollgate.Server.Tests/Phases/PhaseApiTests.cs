using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rollgate.Agents.Qa;
using Rollgate.Core.Events;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Tests.Phases;

public sealed class PhaseApiTests
{
    private static async Task<(HttpStatusCode Status, string Body)> Start(HttpClient client, string phase, object? body = null)
    {
        using var response = await client.PostAsJsonAsync($"/v1/phases/{phase}/start", body ?? new { });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Everything the checklist asks, but the given items.</summary>
    private static async Task CompleteChecklist(ServerFixture server, params string[] except)
    {
        using (var qa = SqliteQaStore.Open(server.DbPath))
        {
            if (!except.Contains("qa-pass-rate"))
            {
                await qa.RecordRunAsync(new QaRunRecord(server.Clock.GetUtcNow(), "suite.yaml", "builtin", 87, 86, 86 / 87.0, 0.84));
            }

            if (!except.Contains("manual-review"))
            {
                await qa.RecordReviewsAsync([.. Enumerable.Range(1, 50).Select(i => new QaReviewRecord(server.Clock.GetUtcNow(), $"s-{i}", "rev-01", "pass", null))]);
            }
        }

        using (var audit = SqliteAuditLog.Open(server.DbPath))
        {
            if (!except.Contains("monitoring"))
            {
                audit.Append(new AuditEntry(server.Clock.GetUtcNow(), "so-01", "notification_test", "slack", "answered 200"));
            }
        }

        foreach (var (item, by) in new[] { ("security-review", "exec-01"), ("compliance-review", "exec-01"), ("runbook", "so-01"), ("enablement", "so-01"), ("communication", "so-02"), ("sponsor-sign-off", "exec-02") })
        {
            if (!except.Contains(item))
            {
                using var response = await server.As(by).PostAsJsonAsync($"/v1/checklist/{item}/sign-off", new { note = "done" });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
    }

    [Fact]
    public async Task Pilot_IsRefusedUntilTheChecklistIsComplete_ThenStartsWithASalesOpsApproval()
    {
        await using var server = await ServerFixture.StartAsync();
        var ops = server.As("so-01");
        await CompleteChecklist(server, "manual-review");
        var (refused, why) = await Start(ops, "pilot");
        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains("manual-review", why);
        Assert.DoesNotContain("security-review", why);

        await CompleteChecklist(server, "qa-pass-rate", "monitoring", "security-review", "compliance-review", "runbook", "enablement", "communication", "sponsor-sign-off");
        var checklist = await ops.GetFromJsonAsync<JsonObject>("/v1/checklist");
        Assert.True((bool?)checklist!["complete"]);

        Assert.Equal(HttpStatusCode.Forbidden, (await Start(server.As("sdr-01"), "pilot")).Status);
        var (started, _) = await Start(ops, "pilot", new { reason = "checklist complete" });
        Assert.Equal(HttpStatusCode.OK, started);
        var start = Assert.Single((await server.EventsAsync()).OfType<PhaseStarted>());
        Assert.Equal(("pilot", "so-01"), (start.Phase, start.By));
        Assert.Equal(HttpStatusCode.Conflict, (await Start(ops, "pilot")).Status);
    }

    [Fact]
    public async Task SignOff_NeedsTheNamedRole_AndEvidenceItemsCannotBeSignedOff()
    {
        await using var server = await ServerFixture.StartAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await server.As("so-01").PostAsJsonAsync("/v1/checklist/security-review/sign-off", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await server.As("so-01").PostAsJsonAsync("/v1/checklist/qa-pass-rate/sign-off", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.As("so-01").PostAsJsonAsync("/v1/checklist/coffee/sign-off", new { })).StatusCode);
        var checklist = await server.As("so-01").GetFromJsonAsync<JsonObject>("/v1/checklist");
        Assert.All(checklist!["items"]!.AsArray(), i => Assert.False((bool?)i!["done"]));
    }

    [Fact]
    [Trait("spec", "3.gate")]
    public async Task NextPhase_IsRefusedWithoutGo_AnExecMayOverrideWithAReason()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var (refused, why) = await Start(server.As("so-01"), "sdr");
        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains("insufficient-data", why);

        Assert.Equal(HttpStatusCode.Forbidden, (await Start(server.As("so-01"), "sdr", new { @override = true, reason = "we are sure" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Start(server.As("exec-01"), "sdr", new { @override = true })).Status);
        var (overridden, _) = await Start(server.As("exec-01"), "sdr", new { @override = true, reason = "board wants SDR feedback early" });
        Assert.Equal(HttpStatusCode.OK, overridden);
        Assert.Equal("sdr", (await server.EventsAsync()).OfType<PhaseStarted>().Last().Phase);

        using var audit = SqliteAuditLog.Open(server.DbPath);
        var record = Assert.Single(audit.List(), r => r.Entry.Action == "phase_override");
        Assert.Equal(("exec-01", "sdr"), (record.Entry.Actor, record.Entry.Subject));
        Assert.Contains("board wants SDR feedback early", record.Entry.Reason);
    }

    [Fact]
    [Trait("spec", "3.gate")]
    public async Task NextPhase_StartsWhenThePreviousGateSaysGo()
    {
        // Two weeks of a healthy pilot: enough runs, ratings, reviews and lead responses for every metric.
        var now = ServerFixture.PilotMorning.AddDays(14);
        await using var server = await ServerFixture.StartAsync(now);
        var pilotStart = ServerFixture.PilotMorning.AddHours(-1);
        var events = new List<RolloutEvent> { new PhaseStarted(pilotStart, "pilot", "so-01") };
        var users = server.Plan.Users.All.Where(u => u.Role == "sales_ops").Select(u => u.Id).ToList();
        for (var i = 0; i < 400; i++)
        {
            var ts = pilotStart.AddMinutes(30 + i * 45);
            var user = users[i % users.Count];
            events.Add(new Run(ts, $"r{i}", user, "lead_summary", i % 50 == 0 ? RunOutcome.Error : RunOutcome.Completed));
            events.Add(new Feedback(ts.AddMinutes(1), $"r{i}", user, 5, 30));
            events.Add(new Review(ts.AddMinutes(2), $"r{i}", "rev-01", i % 20 != 0));
        }

        var baseline = new DateTimeOffset(2026, 1, 6, 10, 0, 0, TimeSpan.FromHours(-8));
        for (var i = 0; i < 12; i++)
        {
            events.Add(new LeadResponse(baseline.AddDays(i), $"b{i}", users[i % users.Count], baseline.AddDays(i), baseline.AddDays(i).AddHours(10)));
            var created = pilotStart.AddDays(1 + i % 10);
            events.Add(new LeadResponse(created.AddHours(2), $"p{i}", users[i % users.Count], created, created.AddHours(2)));
        }

        await server.AppendAsync([.. events]);
        var (started, body) = await Start(server.As("so-01"), "sdr");
        Assert.True(started == HttpStatusCode.OK, body);
    }

    [Fact]
    public async Task GoingBackToAnEarlierPhase_NeedsNoGate_AndTellsItsCohort()
    {
        await using var smtp = new Notifications.SmtpReceiver();
        await using var server = await ServerFixture.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Rollgate:Smtp:Host"] = "127.0.0.1",
            ["Rollgate:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Rollgate:Smtp:From"] = "rollgate@example.com",
        });
        await server.StartPhaseAsync("sdr");
        var (status, body) = await Start(server.As("so-01"), "pilot", new { reason = "incident rate too high for SDRs" });
        Assert.True(status == HttpStatusCode.OK, body);

        await server.Get<Rollgate.Server.Notifications.DeliveryWorker>().RunDueAsync();
        var expected = server.Plan.Users.All.Where(u => u.Role == "sales_ops").Select(u => u.Email).Order();
        Assert.Equal(expected, smtp.Received.SelectMany(m => m.To).Order());
        Assert.Contains("the AI agents are available", smtp.Received.First().Data);
    }
}
