using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rollgate.Agents.Crm;
using Rollgate.Core.Events;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Tests.Tasks;

public sealed class TaskApiTests
{
    private static async Task<(HttpStatusCode Status, JsonObject Body)> Ask(HttpClient client, string task, object body)
    {
        using var response = await client.PostAsJsonAsync($"/v1/tasks/{task}", body);
        var json = await response.Content.ReadFromJsonAsync<JsonObject>() ?? [];
        return (response.StatusCode, json);
    }

    private static async Task AssertDenied(HttpClient client, string task, object body, HttpStatusCode status, string reason)
    {
        var (code, problem) = await Ask(client, task, body);
        Assert.Equal(status, code);
        Assert.Equal(reason, (string?)problem["reason"]);
        Assert.Equal((int)status, (int?)problem["status"]);
        Assert.False(string.IsNullOrEmpty((string?)problem["detail"]));
    }

    [Fact]
    [Trait("spec", "4")]
    public async Task Allowed_RunsTheAgent_AndRecordsTheRunWithItsOutcome()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var (status, body) = await Ask(server.As("so-01"), "lead_summary", new { lead_id = ServerFixture.Lead });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("completed", (string?)body["outcome"]);
        Assert.Equal("pilot", (string?)body["phase"]);
        Assert.Contains("Lead summary", (string?)body["text"]);
        var run = Assert.Single((await server.EventsAsync()).OfType<Run>());
        Assert.Equal((string?)body["run"], run.Id);
        Assert.Equal("so-01", run.User);
        Assert.Equal("lead_summary", run.Task);
        Assert.Equal(RunOutcome.Completed, run.Outcome);
        Assert.Equal(server.Clock.GetUtcNow(), run.Ts);
    }

    [Fact]
    public async Task Answer_IsJson_AndIsWhatTheRunKeeps()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var client = server.As("so-01");

        using var response = await client.PostAsJsonAsync("/v1/tasks/lead_summary", new { lead_id = ServerFixture.Lead });
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);

        // Sent whole, with its length: not in chunks.
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text), response.Content.Headers.ContentLength);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        var answer = JsonNode.Parse(text)!.AsObject();
        var kept = await client.GetFromJsonAsync<JsonObject>($"/v1/runs/{(string?)answer["run"]}");
        Assert.True(JsonNode.DeepEquals(answer, kept!["answer"]), $"{answer} is not {kept["answer"]}");
    }

    [Fact]
    public async Task Abstention_IsARunWithOutcomeAbstained()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");

        // A closed opportunity: risk analysis declines rather than guess.
        var closed = Rollgate.Agents.Crm.DemoCrm.Generate(7).Opportunities.First(o => !o.IsOpen).Id;
        var (status, body) = await Ask(server.As("so-02"), "risk_analysis", new { opportunity_id = closed });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("abstained", (string?)body["outcome"]);
        Assert.NotNull(body["abstention"]?["code"]);
        Assert.Equal(RunOutcome.Abstained, Assert.Single((await server.EventsAsync()).OfType<Run>()).Outcome);
    }

    [Fact]
    [Trait("spec", "4")]
    public async Task KillSwitchRecordedByAnotherProcess_TakesEffectOnTheNextRequest()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var client = server.As("so-01");
        var lead = new { lead_id = ServerFixture.Lead };
        Assert.Equal(HttpStatusCode.OK, (await Ask(client, "lead_summary", lead)).Status);

        // What `rollgate kill-switch off --db` records, through a store of its own on the file.
        await server.AppendAsync(new Rollback(server.Clock.GetUtcNow(), "kill_switch", "so-02", "off"));
        await AssertDenied(client, "lead_summary", lead, HttpStatusCode.Forbidden, "no_active_phase");

        server.Clock.Advance(TimeSpan.FromSeconds(1));
        await server.AppendAsync(new PhaseStarted(server.Clock.GetUtcNow(), "pilot", "so-02", "kill switch on"));
        Assert.Equal(HttpStatusCode.OK, (await Ask(client, "lead_summary", lead)).Status);
    }

    [Fact]
    [Trait("spec", "4")]
    public async Task StartAndRollbackRecordedAhead_TakeEffectWhenTheClockReachesThem()
    {
        await using var server = await ServerFixture.StartAsync();
        var client = server.As("so-01");
        var lead = new { lead_id = ServerFixture.Lead };
        var now = server.Clock.GetUtcNow();
        await server.AppendAsync(new PhaseStarted(now.AddMinutes(5), "pilot", "so-01"), new Rollback(now.AddMinutes(10), "executive-directive", "exec-01"));

        await AssertDenied(client, "lead_summary", lead, HttpStatusCode.Forbidden, "no_active_phase");
        server.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        await AssertDenied(client, "lead_summary", lead, HttpStatusCode.Forbidden, "no_active_phase");
        server.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(HttpStatusCode.OK, (await Ask(client, "lead_summary", lead)).Status);
        server.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(HttpStatusCode.OK, (await Ask(client, "lead_summary", lead)).Status);
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        await AssertDenied(client, "lead_summary", lead, HttpStatusCode.Forbidden, "no_active_phase");
    }

    [Fact]
    public async Task CrmImportedByAnotherProcess_IsWhatTheNextRunReads()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var client = server.As("so-01");
        var crm = DemoCrm.Generate(7);
        var before = (string?)(await Ask(client, "lead_summary", new { lead_id = crm.Leads[0].Id })).Body["text"];

        using (var other = SqliteCrmStore.Open(server.DbPath))
        {
            var renamed = crm with { Leads = [crm.Leads[0] with { Name = "Wren Castellano" }, .. crm.Leads.Skip(1)] };
            Assert.True((await other.ImportAsync(renamed)).Succeeded);
        }

        var after = (string?)(await Ask(client, "lead_summary", new { lead_id = crm.Leads[0].Id })).Body["text"];
        Assert.Contains(crm.Leads[0].Name!, before);
        Assert.DoesNotContain("Wren Castellano", before);
        Assert.Contains("Wren Castellano", after);
    }

    [Fact]
    [Trait("spec", "4")]
    public async Task UnknownUser_IsRefusedWithItsReason()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        await AssertDenied(server.As("ghost"), "lead_summary", new { lead_id = ServerFixture.Lead }, HttpStatusCode.Forbidden, "unknown_user");
    }

    [Fact]
    [Trait("spec", "4")]
    public async Task NoPhaseStarted_IsNoActivePhase()
    {
        await using var server = await ServerFixture.StartAsync();
        await AssertDenied(server.As("so-01"), "lead_summary", new { lead_id = ServerFixture.Lead }, HttpStatusCode.Forbidden, "no_active_phase");
    }

    [Fact]
    [Trait("spec", "4")]
    public async Task SdrInThePilot_IsNotInCohort()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        await AssertDenied(server.As("sdr-01"), "lead_summary", new { lead_id = ServerFixture.Lead }, HttpStatusCode.Forbidden, "not_in_cohort");
    }

    [Fact]
    [Trait("spec", "4")]
    public async Task RiskAnalysisInTheSdrPhase_IsTaskNotEnabled()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("sdr");
        await AssertDenied(server.As("sdr-01"), "risk_analysis", new { opportunity_id = ServerFixture.Opportunity }, HttpStatusCode.Forbidden, "task_not_enabled");
    }

    [Fact]
    [Trait("spec", "4")]
    public async Task FiveInTheAfternoon_IsOutsideThePilotsHours()
    {
        await using var server = await ServerFixture.StartAsync(ServerFixture.PilotMorning.AddHours(7));
        await server.StartPhaseAsync("pilot");
        await AssertDenied(server.As("so-01"), "lead_summary", new { lead_id = ServerFixture.Lead }, HttpStatusCode.Forbidden, "outside_availability");
        Assert.Empty((await server.EventsAsync()).OfType<Run>());
    }

    [Fact]
    [Trait("spec", "4")]
    public async Task ThirtyFirstRequestInAnHour_IsRateLimited_AndTheNextHourIsFresh()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var client = server.As("so-01");
        for (var i = 0; i < 30; i++)
        {
            var (ok, _) = await Ask(client, "lead_summary", new { lead_id = ServerFixture.Lead });
            Assert.Equal(HttpStatusCode.OK, ok);
        }

        using (var response = await client.PostAsJsonAsync("/v1/tasks/lead_summary", new { lead_id = ServerFixture.Lead }))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("rate_limited", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["reason"]);
            Assert.Equal(TimeSpan.FromHours(1), response.Headers.RetryAfter?.Delta);
        }

        // Someone else still has their own 30.
        Assert.Equal(HttpStatusCode.OK, (await Ask(server.As("so-02"), "lead_summary", new { lead_id = ServerFixture.Lead })).Status);

        server.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, (await Ask(client, "lead_summary", new { lead_id = ServerFixture.Lead })).Status);
        Assert.Equal(32, (await server.EventsAsync()).OfType<Run>().Count());
    }

    [Fact]
    [Trait("spec", "4")]
    public async Task RateLimit_CountsRunsAlreadyInTheStore_AfterARestart()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var hour = server.Clock.GetUtcNow();
        server.Clock.Advance(TimeSpan.FromMinutes(30));

        // Thirty runs this hour, made before the server (re)started counting; one of the hour before does not count.
        await server.AppendAsync([.. Enumerable.Range(0, 30).Select(i => (RolloutEvent)new Run(hour.AddSeconds(i), $"earlier-{i}", "so-01", "lead_summary", RunOutcome.Completed))]);
        await server.AppendAsync(new Run(hour.AddSeconds(-1), "last-hour", "so-02", "lead_summary", RunOutcome.Completed));
        Assert.Equal(HttpStatusCode.OK, (await Ask(server.As("so-02"), "lead_summary", new { lead_id = ServerFixture.Lead })).Status);
        await AssertDenied(server.As("so-01"), "lead_summary", new { lead_id = ServerFixture.Lead }, HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task FullPhaseOffHours_UsesTheOffHoursLimit()
    {
        // Saturday 7 February 2026, 10:00 PT: outside 8:00-20:00 Mon-Fri, so the full phase's off-hours limit applies.
        var saturday = new DateTimeOffset(2026, 2, 7, 10, 0, 0, TimeSpan.FromHours(-8));
        await using var server = await ServerFixture.StartAsync(saturday);
        await server.StartPhaseAsync("full");
        var limit = Rollgate.Core.Access.AccessPolicy.HourlyLimit(server.Plan, server.Plan.FindPhase("full")!, saturday)!.Value;
        Assert.NotEqual(server.Plan.FindPhase("full")!.RateLimits.PerUserPerHour, limit);
        var client = server.As("ae-01");
        for (var i = 0; i < limit; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Ask(client, "lead_summary", new { lead_id = ServerFixture.Lead })).Status);
        }

        await AssertDenied(client, "lead_summary", new { lead_id = ServerFixture.Lead }, HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Theory]
    [InlineData("{bad json", "Bad JSON")]
    [InlineData("{}", "lead_id")]
    [InlineData("{\"lead_id\": \"L-0001\", \"opportunity_id\": \"O-0001\"}", "only one")]
    [InlineData("{\"opportunity_id\": \"O-0001\"}", "lead_summary works on a lead")]
    public async Task BadBody_IsA400ThatSaysWhat(string body, string says)
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await server.As("so-01").PostAsync("/v1/tasks/lead_summary", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(says, await response.Content.ReadAsStringAsync());
        Assert.Empty((await server.EventsAsync()).OfType<Run>());
    }

    [Fact]
    public async Task UnknownTask_And_UnknownLead_Are404_AndNoRun()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var client = server.As("so-01");
        var (task, taskProblem) = await Ask(client, "write_poem", new { lead_id = ServerFixture.Lead });
        Assert.Equal(HttpStatusCode.NotFound, task);
        Assert.Contains("unknown task 'write_poem'", (string?)taskProblem["detail"]);

        var (lead, leadProblem) = await Ask(client, "lead_summary", new { lead_id = "L-nope" });
        Assert.Equal(HttpStatusCode.NotFound, lead);
        Assert.Contains("L-nope", (string?)leadProblem["detail"]);
        Assert.Empty((await server.EventsAsync()).OfType<Run>());
    }
}
