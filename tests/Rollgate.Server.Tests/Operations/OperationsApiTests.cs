using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rollgate.Core.Events;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Tests.Operations;

public sealed class OperationsApiTests
{
    private static Task<HttpResponseMessage> Ask(HttpClient client) => client.PostAsJsonAsync("/v1/tasks/lead_summary", new { lead_id = ServerFixture.Lead });

    [Fact]
    [Trait("spec", "2")]
    public async Task KillSwitch_Off_DeniesTheNextRequest_On_RestoresThePhase()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var user = server.As("so-02");
        var ops = server.As("so-01");
        Assert.Equal(HttpStatusCode.OK, (await Ask(user)).StatusCode);

        using (var off = await ops.PostAsJsonAsync("/v1/kill-switch", new { state = "off", reason = "odd answers" }))
        {
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        }

        using (var denied = await Ask(user))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            Assert.Equal("no_active_phase", (string?)(await denied.Content.ReadFromJsonAsync<JsonObject>())!["reason"]);
        }

        Assert.Equal(HttpStatusCode.Conflict, (await ops.PostAsJsonAsync("/v1/kill-switch", new { state = "off" })).StatusCode);
        server.Clock.Advance(TimeSpan.FromMinutes(5));
        using (var on = await ops.PostAsJsonAsync("/v1/kill-switch", new { state = "on", reason = "fixed" }))
        {
            Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await Ask(user)).StatusCode);
        var events = await server.EventsAsync();
        var rollback = Assert.Single(events.OfType<Rollback>());
        Assert.Equal(("manual", "so-01", "odd answers"), (rollback.Trigger, rollback.By, rollback.Reason));
        Assert.Equal("pilot", events.OfType<PhaseStarted>().Last().Phase);

        using var audit = SqliteAuditLog.Open(server.DbPath);
        Assert.Equal(["kill_switch_off", "kill_switch_on", "notified"], audit.List().Select(r => r.Entry.Action));
    }

    [Fact]
    public async Task KillSwitch_BadBody_Is400()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        using var response = await server.As("so-01").PostAsJsonAsync("/v1/kill-switch", new { state = "sideways" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("sideways", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    [Trait("spec", "3.triggers")]
    public async Task Directive_ByAnExec_GoesThroughThePlaybookAtOnce()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        Assert.Equal(HttpStatusCode.Forbidden, (await server.As("so-01").PostAsJsonAsync("/v1/directives", new { action = "rollback" })).StatusCode);
        using (var bad = await server.As("exec-01").PostAsJsonAsync("/v1/directives", new { action = "celebrate" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using (var ok = await server.As("exec-01").PostAsJsonAsync("/v1/directives", new { action = "rollback", reason = "board review" }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var rollback = Assert.Single((await server.EventsAsync()).OfType<Rollback>());
        Assert.Equal(("executive-directive", "guardian"), (rollback.Trigger, rollback.By));
        using var denied = await Ask(server.As("so-02"));
        Assert.Equal("no_active_phase", (string?)(await denied.Content.ReadFromJsonAsync<JsonObject>())!["reason"]);
        var status = await server.As("exec-01").GetFromJsonAsync<JsonObject>("/v1/status");
        Assert.Equal("off", (string?)status!["agents"]);
        Assert.Equal("executive-directive", (string?)status["rolled_back"]!["trigger"]);
        Assert.Single(status["incidents_under_review"]!.AsArray());
    }

    [Fact]
    [Trait("spec", "3.triggers")]
    public async Task Incidents_And_Bugs_OpenAndResolve_AndShowOnStatus()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var sdr = server.As("sdr-01");
        using (var bad = await sdr.PostAsJsonAsync("/v1/incidents", new { severity = "apocalyptic", category = "security" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using (var opened = await sdr.PostAsJsonAsync("/v1/incidents", new { id = "inc-1", severity = "critical", category = "privacy", title = "email shown to the wrong rep" }))
        {
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Conflict, (await sdr.PostAsJsonAsync("/v1/incidents", new { id = "inc-1", severity = "low", category = "other" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await sdr.PostAsJsonAsync("/v1/bugs", new { id = "bug-1", priority = "p0" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await sdr.PostAsJsonAsync("/v1/bugs", new { priority = "p9" })).StatusCode);

        server.Clock.Advance(TimeSpan.FromSeconds(1));
        var ops = server.As("so-01");
        var status = await ops.GetFromJsonAsync<JsonObject>("/v1/status");
        Assert.Contains(status!["triggers"]!["fired"]!.AsArray(), f => (string?)f!["id"] == "critical-incident");
        Assert.Equal("inc-1", (string?)Assert.Single(status["open_incidents"]!.AsArray())!["id"]);
        Assert.Equal("bug-1", (string?)Assert.Single(status["open_bugs"]!.AsArray())!["id"]);

        Assert.Equal(HttpStatusCode.Forbidden, (await sdr.PostAsync("/v1/incidents/inc-1/resolve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync("/v1/incidents/inc-1/resolve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PostAsync("/v1/incidents/inc-1/resolve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync("/v1/bugs/bug-1/resolve", null)).StatusCode);

        server.Clock.Advance(TimeSpan.FromSeconds(1));
        status = await ops.GetFromJsonAsync<JsonObject>("/v1/status");
        Assert.DoesNotContain(status!["triggers"]!["fired"]!.AsArray(), f => (string?)f!["id"] == "critical-incident");
        Assert.Empty(status["open_incidents"]!.AsArray());
    }

    [Fact]
    [Trait("spec", "3.gate")]
    public async Task Status_ShowsThePhase_ItsDaysLeft_KpisWithTargets_AndTheGate()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.AppendAsync(new PhaseStarted(server.Clock.GetUtcNow().AddDays(-3), "pilot", "so-01"));
        var status = await server.As("rev-01").GetFromJsonAsync<JsonObject>("/v1/status");

        Assert.Equal("on", (string?)status!["agents"]);
        Assert.Equal("pilot", (string?)status["phase"]!["id"]);
        Assert.Equal(11.0, (double?)status["phase"]!["days_left"]);
        Assert.Equal("insufficient-data", (string?)status["gate"]!["decision"]);
        var accuracy = status["gate"]!["metrics"]!.AsArray().Single(m => (string?)m!["metric"] == "task_accuracy");
        Assert.Equal(0.80, (double?)accuracy!["target"]);
        Assert.Null((bool?)accuracy["met"]);
    }
}
