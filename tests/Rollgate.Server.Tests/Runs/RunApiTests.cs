using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rollgate.Core.Events;
using Rollgate.Core.Time;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Tests.Runs;

public sealed class RunApiTests
{
    private static async Task<string> RunAsync(ServerFixture server, HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/v1/tasks/lead_summary", new { lead_id = ServerFixture.Lead });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["run"]!;
    }

    [Fact]
    public async Task Owner_Operations_AndReviewers_ReadARun_OthersDoNot()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var run = await RunAsync(server, server.As("so-01"));

        var mine = await server.As("so-01").GetFromJsonAsync<JsonObject>($"/v1/runs/{run}");
        Assert.Equal("so-01", (string?)mine!["user"]);
        Assert.Contains("Lead summary", (string?)mine["answer"]!["text"]);
        Assert.Equal(HttpStatusCode.OK, (await server.As("so-02").GetAsync($"/v1/runs/{run}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.As("rev-01").GetAsync($"/v1/runs/{run}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.As("sdr-01").GetAsync($"/v1/runs/{run}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.As("exec-01").GetAsync($"/v1/runs/{run}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.As("so-01").GetAsync("/v1/runs/run-unknown")).StatusCode);

        var list = await server.As("so-01").GetFromJsonAsync<JsonObject>("/v1/runs");
        Assert.Equal(run, (string?)Assert.Single(list!["runs"]!.AsArray())!["id"]);
        Assert.Empty((await server.As("so-02").GetFromJsonAsync<JsonObject>("/v1/runs"))!["runs"]!.AsArray());
    }

    [Theory]
    [InlineData("{\"rating\": 0}", "rating")]
    [InlineData("{\"rating\": 6}", "rating")]
    [InlineData("{\"rating\": 4.5}", "whole number")]
    [InlineData("{\"minutes_saved\": 5}", "missing")]
    [InlineData("{\"rating\": 4, \"minutes_saved\": -1}", "minutes_saved")]
    [InlineData("{\"rating\": \"five\"}", "Bad JSON")]
    [InlineData("not json", "Bad JSON")]
    public async Task Feedback_Invalid_Is400_AndNothingIsWritten(string body, string says)
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var client = server.As("so-01");
        var run = await RunAsync(server, client);
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"/v1/runs/{run}/feedback", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(says, await response.Content.ReadAsStringAsync());
        Assert.Empty((await server.EventsAsync()).OfType<Feedback>());
    }

    [Fact]
    public async Task Feedback_OnlyTheOwner_OnAKnownRun()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var run = await RunAsync(server, server.As("so-01"));
        Assert.Equal(HttpStatusCode.Forbidden, (await server.As("so-02").PostAsJsonAsync($"/v1/runs/{run}/feedback", new { rating = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.As("so-01").PostAsJsonAsync("/v1/runs/run-unknown/feedback", new { rating = 5 })).StatusCode);
        Assert.Empty((await server.EventsAsync()).OfType<Feedback>());
    }

    [Fact]
    [Trait("spec", "3")]
    public async Task Feedback_ASecondReplacesTheFirst()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var client = server.As("so-01");
        var run = await RunAsync(server, client);
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        using (var first = await client.PostAsJsonAsync($"/v1/runs/{run}/feedback", new { rating = 2, minutes_saved = 3, comment = "meh" }))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        server.Clock.Advance(TimeSpan.FromMinutes(1));
        using (var second = await client.PostAsJsonAsync($"/v1/runs/{run}/feedback", new { rating = 5, minutes_saved = 12 }))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        using var store = SqliteEventStore.Open(server.DbPath);
        var now = server.Clock.GetUtcNow().AddSeconds(1);
        var tally = await store.RatingTallyAsync(new TimeWindow(now.AddHours(-1), now), now, null);
        Assert.Equal(1, tally.N);
        Assert.Equal(5, tally.Mean);
        Assert.Equal(2, (await server.EventsAsync()).OfType<Feedback>().Count());
    }

    [Fact]
    public async Task Review_ByAReviewer_IsRecordedAndAudited()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var run = await RunAsync(server, server.As("so-01"));
        Assert.Equal(HttpStatusCode.BadRequest, (await server.As("rev-01").PostAsJsonAsync($"/v1/runs/{run}/review", new { notes = "no verdict" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.As("rev-01").PostAsJsonAsync("/v1/runs/run-unknown/review", new { correct = true })).StatusCode);
        using (var response = await server.As("rev-01").PostAsJsonAsync($"/v1/runs/{run}/review", new { correct = false, notes = "wrong company" }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var review = Assert.Single((await server.EventsAsync()).OfType<Review>());
        Assert.Equal((run, "rev-01", false), (review.Run, review.Reviewer, review.Correct));
        using var audit = SqliteAuditLog.Open(server.DbPath);
        var record = Assert.Single(audit.List(), r => r.Entry.Action == "run_reviewed");
        Assert.Equal(("rev-01", run, "incorrect"), (record.Entry.Actor, record.Entry.Subject, record.Entry.Reason));
    }

    [Fact]
    public async Task ReviewQueue_OffersUnreviewedRunsOfEveryTask()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var so1 = server.As("so-01");
        for (var i = 0; i < 5; i++)
        {
            await RunAsync(server, so1);
        }

        using (var risk = await server.As("so-02").PostAsJsonAsync("/v1/tasks/risk_analysis", new { opportunity_id = ServerFixture.Opportunity }))
        {
            Assert.Equal(HttpStatusCode.OK, risk.StatusCode);
        }

        var reviewer = server.As("rev-01");
        var queue = await reviewer.GetFromJsonAsync<JsonObject>("/v1/reviews/queue?size=2");
        var runs = queue!["runs"]!.AsArray();
        Assert.Equal(6, (int?)queue["unreviewed"]);
        Assert.Equal(["lead_summary", "risk_analysis"], runs.Select(r => (string)r!["task"]!).Order());

        var reviewed = (string)runs[0]!["id"]!;
        await reviewer.PostAsJsonAsync($"/v1/runs/{reviewed}/review", new { correct = true });
        var after = await reviewer.GetFromJsonAsync<JsonObject>("/v1/reviews/queue");
        Assert.Equal(5, (int?)after!["unreviewed"]);
        Assert.DoesNotContain(after["runs"]!.AsArray(), r => (string?)r!["id"] == reviewed);
    }

    [Fact]
    public async Task FeedbackComment_IsLoggedWithContactDetailsMasked()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var client = server.As("so-01");
        var run = await RunAsync(server, client);
        await client.PostAsJsonAsync($"/v1/runs/{run}/feedback", new { rating = 4, comment = "wrong: write to jane.doe@acme.example.com or call +1 (415) 555-0134 on 2026-02-03" });

        var line = Assert.Single(server.Logs.Lines, l => l.Contains("Feedback on", StringComparison.Ordinal));
        Assert.DoesNotContain("jane.doe@acme.example.com", line);
        Assert.DoesNotContain("555-0134", line);
        Assert.Contains("[email]", line);
        Assert.Contains("[phone]", line);
        Assert.Contains("2026-02-03", line);

        // The event keeps what the person wrote: redaction is for logs.
        Assert.Contains("jane.doe@acme.example.com", Assert.Single((await server.EventsAsync()).OfType<Feedback>()).Comment);
    }

    [Fact]
    public async Task Feedback_IsListedForTheDailyReview_NewestFirst_ToOperationsAndReviewers()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var client = server.As("so-01");
        var run = await RunAsync(server, client);
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        await client.PostAsJsonAsync($"/v1/runs/{run}/feedback", new { rating = 2, comment = "missed the renewal date" });
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        await client.PostAsJsonAsync($"/v1/runs/{run}/feedback", new { rating = 4, comment = "better after a retry" });

        var list = await server.As("rev-01").GetFromJsonAsync<JsonObject>("/v1/feedback");
        Assert.Equal(["better after a retry", "missed the renewal date"], list!["feedback"]!.AsArray().Select(f => (string)f!["comment"]!));
        Assert.Empty((await server.As("rev-01").GetFromJsonAsync<JsonObject>($"/v1/feedback?since={Uri.EscapeDataString(ReportTime(server.Clock.GetUtcNow().AddSeconds(1)))}"))!["feedback"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await server.As("so-02").GetAsync("/v1/feedback?since=yesterday")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.As("sdr-01").GetAsync("/v1/feedback")).StatusCode);
    }

    private static string ReportTime(DateTimeOffset t) => Rollgate.Core.Time.Rfc3339.Format(t);
}
