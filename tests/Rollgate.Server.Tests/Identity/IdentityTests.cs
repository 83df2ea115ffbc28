using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Tests.Identity;

public sealed class IdentityTests
{
    [Fact]
    public async Task Healthz_NeedsNoToken()
    {
        await using var server = await ServerFixture.StartAsync();
        using var response = await server.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic c28tMDE6cGFzcw==")]
    [InlineData("Bearer rg_not-a-token-anybody-made")]
    [InlineData("Bearer ")]
    public async Task MissingOrUnknownToken_Is401Problem(string? header)
    {
        await using var server = await ServerFixture.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tasks/lead_summary") { Content = JsonContent.Create(new { lead_id = "L-0001" }) };
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }

        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(401, (int?)problem!["status"]);
        Assert.False(string.IsNullOrEmpty((string?)problem["detail"]));
    }

    [Fact]
    public async Task RevokedToken_StopsWorkingOnTheNextRequest()
    {
        await using var server = await ServerFixture.StartAsync();
        string token;
        using (var tokens = SqliteTokenStore.Open(server.DbPath))
        {
            token = tokens.Create("so-01", server.Clock.GetUtcNow()).Token;
        }

        var client = server.WithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/status")).StatusCode);
        using (var tokens = SqliteTokenStore.Open(server.DbPath))
        {
            Assert.Single(tokens.Revoke(null, "so-01", server.Clock.GetUtcNow()));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/status")).StatusCode);
    }

    [Theory]
    [InlineData("sdr-01", "GET", "/v1/status")]
    [InlineData("ae-01", "GET", "/v1/reviews/queue")]
    [InlineData("so-01", "POST", "/v1/directives")]
    [InlineData("sdr-01", "POST", "/v1/kill-switch")]
    [InlineData("exec-01", "POST", "/v1/runs/run-x/review")]
    [InlineData("rev-01", "GET", "/v1/audit/verify")]
    [InlineData("ghost", "GET", "/v1/runs")]
    public async Task KnownToken_WithoutTheRole_Is403Problem(string user, string method, string path)
    {
        await using var server = await ServerFixture.StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { state = "off", action = "rollback", correct = true });
        }

        using var response = await server.As(user).SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Contains(user, (string?)problem!["detail"]);
        Assert.Empty((await server.EventsAsync()));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheRoutes()
    {
        await using var server = await ServerFixture.StartAsync();
        var doc = await server.Http.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var paths = doc!["paths"]!.AsObject();
        foreach (var path in new[] { "/v1/tasks/{task}", "/v1/runs/{id}/feedback", "/v1/runs/{id}/review", "/v1/status", "/v1/kill-switch", "/v1/directives", "/v1/incidents", "/v1/bugs", "/v1/phases/{id}/start" })
        {
            Assert.True(paths.ContainsKey(path), path);
        }

        var task = paths["/v1/tasks/{task}"]!["post"]!["responses"]!.AsObject();
        Assert.NotNull(task["200"]?["content"]?["application/json"]);
    }

    [Fact]
    public async Task UnknownRoute_IsAProblemToo()
    {
        await using var server = await ServerFixture.StartAsync();
        using var response = await server.As("so-01").GetAsync("/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_ArePrometheusText_WithRunsAndRefusalsByReason()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        Assert.Equal(HttpStatusCode.OK, (await server.As("so-01").PostAsJsonAsync("/v1/tasks/lead_summary", new { lead_id = ServerFixture.Lead })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.As("sdr-01").PostAsJsonAsync("/v1/tasks/lead_summary", new { lead_id = ServerFixture.Lead })).StatusCode);

        // Meters are process-wide, and other tests' servers run beside this one: at least this test's own counts.
        const string runs = "rollgate_runs_total\\{[^}]*outcome=\"completed\"[^}]*task=\"lead_summary\"[^}]*\\} [1-9]";
        const string refused = "rollgate_access_refused_total\\{[^}]*reason=\"not_in_cohort\"[^}]*\\} [1-9]";
        var text = "";
        for (var i = 0; i < 100 && !(Regex.IsMatch(text, runs) && Regex.IsMatch(text, refused)); i++)
        {
            using var response = await server.Http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync();
            await Task.Delay(100);
        }

        Assert.Matches(runs, text);
        Assert.Matches(refused, text);
    }
}
