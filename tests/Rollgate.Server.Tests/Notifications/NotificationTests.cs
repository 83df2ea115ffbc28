using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rollgate.Core.Events;
using Rollgate.Server.Tests.Guardian;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Tests.Notifications;

public sealed class NotificationTests
{
    private static readonly DateTimeOffset Monday10 = new(2026, 2, 2, 10, 0, 0, TimeSpan.FromHours(-8));

    private static Dictionary<string, string?> Channels(SmtpReceiver? smtp, WebhookReceiver? hook) => new()
    {
        ["Rollgate:Smtp:Host"] = smtp is null ? null : "127.0.0.1",
        ["Rollgate:Smtp:Port"] = smtp?.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Rollgate:Smtp:From"] = smtp is null ? null : "rollgate@example.com",
        ["Rollgate:Slack:WebhookUrl"] = hook?.Url,
    };

    [Fact]
    public async Task FullRollback_EmailsEveryoneInTheCohort_AndPostsToSlack_WithWhatHappenedSinceWhenAndWhatToDo()
    {
        await using var smtp = new SmtpReceiver();
        await using var hook = await WebhookReceiver.StartAsync();
        await using var host = new GuardianHost(Monday10, Channels(smtp, hook));
        await host.AppendAsync([new PhaseStarted(Monday10.AddHours(-1), "pilot", "so-01"), new Incident(Monday10.AddMinutes(-10), "inc-3", Severity.Critical, IncidentCategory.Security, "token leaked")]);

        await host.Guardian.EvaluateAsync();
        Assert.Equal(0, smtp.Received.Count + hook.Calls);
        var delivered = await host.Deliveries.RunDueAsync();

        // The pilot's cohort (sales ops), and the executive sponsors: each gets one email.
        var expected = host.Plan.Users.All.Where(u => u.Role is "sales_ops" or "exec").Select(u => u.Email).Order().ToList();
        Assert.Equal(expected, smtp.Received.SelectMany(m => m.To).Order());
        Assert.Equal(expected.Count + 1, delivered);
        Assert.Equal(1, smtp.Sessions);
        var mail = smtp.Received.First();
        Assert.Contains("Subject: Rollgate: the AI agents are off", mail.Data);
        Assert.Contains("Critical security or privacy incident", mail.Data);
        Assert.Contains("inc-3", mail.Data);
        Assert.Contains("Since: 2026-02-02 09:50", mail.Data);
        Assert.Contains("What to do meanwhile", mail.Data);
        Assert.DoesNotContain(smtp.Received.SelectMany(m => m.To), to => host.Plan.Users.All.Any(u => u.Email == to && u.Role is "sdr" or "ae"));

        var slack = JsonNode.Parse(Assert.Single(hook.Bodies))!;
        Assert.Contains("the AI agents are off", (string?)slack["text"]);
        Assert.All(host.Get<SqliteDeliveries>().All(), d => Assert.Equal(DeliveryStatus.Delivered, d.Status));
    }

    [Fact]
    public async Task AReceiverThatFailsTwice_GetsTheMessageOnTheThirdTry_AndEveryAttemptIsRecorded()
    {
        await using var hook = await WebhookReceiver.StartAsync(hang: false, 500, 503, 200);
        await using var host = new GuardianHost(Monday10, Channels(null, hook));
        await host.AppendAsync([new PhaseStarted(Monday10.AddHours(-1), "pilot", "so-01"), new Directive(Monday10.AddMinutes(-1), "exec-01", "rollback")]);
        await host.Guardian.EvaluateAsync();

        Assert.Equal(0, await host.Deliveries.RunDueAsync());
        Assert.Equal(0, await host.Deliveries.RunDueAsync());  // not due yet: the retry waits 10 s
        host.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await host.Deliveries.RunDueAsync());
        host.Clock.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(0, await host.Deliveries.RunDueAsync());  // the second retry waits 20 s
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await host.Deliveries.RunDueAsync());

        Assert.Equal(3, hook.Calls);
        var delivery = Assert.Single(host.Get<SqliteDeliveries>().All());
        Assert.Equal((DeliveryStatus.Delivered, 3), (delivery.Status, delivery.Attempts));
        var attempts = host.Get<SqliteDeliveries>().Attempts(delivery.Id);
        Assert.Equal([false, false, true], attempts.Select(a => a.Ok));
        Assert.Contains("500", attempts[0].Detail);
        Assert.Equal(Monday10.AddSeconds(30), attempts[2].At);
    }

    [Fact]
    public async Task ARelayThatIsDown_FailsTheBatchOnce_AndEachMessageIsRetried()
    {
        // A port nobody listens on: the connection is refused at once.
        var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var host = new GuardianHost(Monday10, new Dictionary<string, string?>
        {
            ["Rollgate:Smtp:Host"] = "127.0.0.1",
            ["Rollgate:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Rollgate:Smtp:From"] = "rollgate@example.com",
        });
        await host.AppendAsync([new PhaseStarted(Monday10.AddHours(-1), "pilot", "so-01"), new Directive(Monday10.AddMinutes(-1), "exec-01", "rollback")]);
        await host.Guardian.EvaluateAsync();

        Assert.Equal(0, await host.Deliveries.RunDueAsync());
        var all = host.Get<SqliteDeliveries>().All();
        Assert.Equal(10, all.Count);
        Assert.All(all, d => Assert.Equal((DeliveryStatus.Pending, 1, Monday10.AddSeconds(10)), (d.Status, d.Attempts, d.NextAttempt)));
        Assert.All(all, d => Assert.StartsWith("failed:", d.Detail));
    }

    [Fact]
    public async Task AChannelThatKeepsFailing_IsShownOnTheStatus()
    {
        await using var hook = await WebhookReceiver.StartAsync(hang: false, 500);
        await using var server = await ServerFixture.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Rollgate:Slack:WebhookUrl"] = hook.Url,
            ["Rollgate:Notifications:MaxAttempts"] = "2",
            ["Rollgate:Notifications:RetryBase"] = "00:00:01",
        });
        await server.StartPhaseAsync("pilot");
        using (var rollback = await server.As("so-01").PostAsJsonAsync("/v1/rollback", new { reason = "answers cite the wrong accounts" }))
        {
            Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        }

        var worker = server.Get<Rollgate.Server.Notifications.DeliveryWorker>();
        await worker.RunDueAsync();
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        await worker.RunDueAsync();

        var status = await server.As("so-01").GetFromJsonAsync<JsonObject>("/v1/status");
        var slack = status!["notifications"]!["slack"]!;
        Assert.Equal("failing", (string?)slack["state"]);
        Assert.Equal(2, (int?)slack["failures_in_a_row"]);
        Assert.Contains("500", (string?)slack["last_detail"]);
        Assert.Equal(DeliveryStatus.Failed, Assert.Single(server.Get<SqliteDeliveries>().All()).Status);
    }

    [Fact]
    public async Task AReceiverThatNeverAnswers_DoesNotDelayTurningTheAgentsOff()
    {
        await using var hook = await WebhookReceiver.StartAsync(hang: true);
        await using var server = await ServerFixture.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Rollgate:Slack:WebhookUrl"] = hook.Url,
            ["Rollgate:Slack:Timeout"] = "00:10:00",
            ["Rollgate:Guardian:Enabled"] = "true",
        });
        await server.StartPhaseAsync("pilot");

        // The first notice goes to a webhook that holds the connection: delivery is busy with it.
        using (var first = await server.As("so-01").PostAsJsonAsync("/v1/rollback", new { reason = "first" }))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        for (var i = 0; i < 100 && hook.Calls == 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, hook.Calls);

        // While it hangs, another rollback (after the agents are restored) still turns them off at once.
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await server.As("so-01").PostAsJsonAsync("/v1/kill-switch", new { state = "on" })).StatusCode);
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        using (var second = await server.As("exec-01").PostAsJsonAsync("/v1/directives", new { action = "rollback", reason = "second" }))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        using var denied = await server.As("so-02").PostAsJsonAsync("/v1/tasks/lead_summary", new { lead_id = ServerFixture.Lead });
        Assert.Equal("no_active_phase", (string?)(await denied.Content.ReadFromJsonAsync<JsonObject>())!["reason"]);
        Assert.Equal(2, (await server.EventsAsync()).OfType<Rollback>().Count());
        Assert.All(server.Get<SqliteDeliveries>().All(), d => Assert.Equal(DeliveryStatus.Pending, d.Status));
        Assert.Equal(1, hook.Calls);
    }
}

public sealed class NotificationTestTests
{
    [Fact]
    public async Task TestMessage_ThatAChannelAnswers_IsTheChecklistsMonitoringEvidence()
    {
        await using var smtp = new SmtpReceiver();
        await using var hook = await WebhookReceiver.StartAsync(hang: false, 500);
        await using var server = await ServerFixture.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Rollgate:Slack:WebhookUrl"] = hook.Url,
            ["Rollgate:Smtp:Host"] = "127.0.0.1",
            ["Rollgate:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Rollgate:Smtp:From"] = "rollgate@example.com",
        });
        var ops = server.As("so-01");
        Assert.Equal(HttpStatusCode.Forbidden, (await server.As("exec-01").PostAsync("/v1/notifications/test", null)).StatusCode);

        using (var response = await ops.PostAsync("/v1/notifications/test", null))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var channels = (await response.Content.ReadFromJsonAsync<JsonObject>())!["channels"]!.AsArray();
            Assert.False((bool?)channels.Single(c => (string?)c!["channel"] == "slack")!["answered"]);
            Assert.True((bool?)channels.Single(c => (string?)c!["channel"] == "email")!["answered"]);
        }

        var so01 = server.Plan.Users.Find("so-01")!.Email;
        Assert.Equal([so01], Assert.Single(smtp.Received).To);
        var checklist = await ops.GetFromJsonAsync<JsonObject>("/v1/checklist");
        var monitoring = checklist!["items"]!.AsArray().Single(i => (string?)i!["id"] == "monitoring");
        Assert.True((bool?)monitoring!["done"]);
        Assert.Contains("email", (string?)monitoring["proof"]);
    }

    [Fact]
    public async Task TestMessage_WithNoChannel_IsRefused_AndWithOnlyAFailingOne_Is502()
    {
        await using (var bare = await ServerFixture.StartAsync())
        {
            Assert.Equal(HttpStatusCode.Conflict, (await bare.As("so-01").PostAsync("/v1/notifications/test", null)).StatusCode);
        }

        await using var hook = await WebhookReceiver.StartAsync(hang: false, 500);
        await using var server = await ServerFixture.StartAsync(settings: new Dictionary<string, string?> { ["Rollgate:Slack:WebhookUrl"] = hook.Url });
        using var response = await server.As("so-01").PostAsync("/v1/notifications/test", null);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("500", await response.Content.ReadAsStringAsync());
        var checklist = await server.As("so-01").GetFromJsonAsync<JsonObject>("/v1/checklist");
        Assert.False((bool?)checklist!["items"]!.AsArray().Single(i => (string?)i!["id"] == "monitoring")!["done"]);
    }
}
