using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Rollgate.Core.Events;

namespace Rollgate.Server.Tests.Dashboard;

/// <summary>
/// The dashboard at <c>/</c>, over real HTTP, and in a real browser (Debian's Chromium, driven by Playwright): it
/// shows what <c>GET /v1/status</c> says to the person whose token it was given, and nothing to anyone else.
/// </summary>
public sealed class DashboardTests
{
    /// <summary>Debian's Chromium; <c>.ci/run</c> installs it (<c>apt-get install chromium</c>).</summary>
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    [Trait("spec", "6")]
    public async Task Page_IsServedToAnyone_WithAPolicyThatAllowsOnlyItsOwnScript_AndHoldsNoData()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");

        using var page = await server.Http.GetAsync("/");
        using var script = await server.Http.GetAsync("/dashboard.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"/dashboard.js\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Pilot", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task InABrowser_ATokenOfSalesOps_ShowsThePhaseTheGateTheTriggersAndTheIncidents()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        await server.AppendAsync(new Incident(server.Clock.GetUtcNow().AddMinutes(-1), "INC-7", Severity.Medium, IncidentCategory.Quality, "odd summary"));
        var token = server.TokenFor("so-01");
        var status = await server.WithToken(token).GetFromJsonAsync<JsonObject>("/v1/status");

        await using var browser = await BrowserAsync();
        var page = await SignInAsync(browser, server, token);

        await Assertions.Expect(page.Locator("#phase")).ToHaveTextAsync($"{status!["phase"]!["name"]} (pilot)");
        await Assertions.Expect(page.Locator("#agents")).ToHaveTextAsync("on");
        await Assertions.Expect(page.Locator("#gate-decision")).ToHaveTextAsync((string)status["gate"]!["decision"]!);
        await Assertions.Expect(page.Locator("#metrics tbody tr")).ToHaveCountAsync(status["gate"]!["metrics"]!.AsArray().Count);
        await Assertions.Expect(page.Locator("#triggers tbody tr")).ToHaveCountAsync(status["triggers"]!["checked"]!.AsArray().Count);
        await Assertions.Expect(page.Locator("#incidents")).ToContainTextAsync("INC-7: medium quality");
        await Assertions.Expect(page.Locator("#signin")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task InABrowser_AfterAKillSwitch_TheAgentsShowOff_AndTheRollbackIsNamed()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var token = server.TokenFor("so-01");
        using (var off = await server.WithToken(token).PostAsJsonAsync("/v1/kill-switch", new { state = "off", reason = "odd answers" }))
        {
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        }

        await using var browser = await BrowserAsync();
        var page = await SignInAsync(browser, server, token);

        await Assertions.Expect(page.Locator("#agents")).ToHaveTextAsync("off");
        await Assertions.Expect(page.Locator("#rolled-back")).ToContainTextAsync("odd answers");
    }

    [Theory]
    [InlineData(null, "not valid")]
    [InlineData("sdr-01", "may not see")]
    public async Task InABrowser_AWrongTokenOrRole_IsToldWhy_AndSeesNoStatus(string? user, string message)
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var token = user is null ? "rg_not-a-token" : server.TokenFor(user);

        await using var browser = await BrowserAsync();
        var page = await SignInAsync(browser, server, token);

        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync(message);
        await Assertions.Expect(page.Locator("#board")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#phase")).ToHaveTextAsync("-");
    }

    /// <summary>Opens the dashboard in a new page and gives it <paramref name="token"/>, as a person would.</summary>
    private static async Task<IPage> SignInAsync(BrowserSession browser, ServerFixture server, string token)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(server.Http.BaseAddress!.ToString());
        await page.FillAsync("#token", token);
        await page.ClickAsync("#show");
        return page;
    }

    private static async Task<BrowserSession> BrowserAsync()
    {
        Assert.True(File.Exists(Chromium), $"the browser tests need Debian's Chromium at {Chromium} (apt-get install chromium)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // A closed network: Chromium's own background calls would only fail, slowly.
            Args = ["--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
        });
        return new BrowserSession(playwright, browser);
    }

    private sealed class BrowserSession(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public Task<IPage> NewPageAsync() => browser.NewPageAsync();

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
