using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rollgate.Core.Events;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Cli.Tests;

public sealed class RolloutCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public RolloutCommandTests()
    {
        _cli.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 2, 18, 0, 0, TimeSpan.Zero));
        SqliteEventStore.Open(Db).Dispose();
    }

    public void Dispose() => _cli.Dispose();

    private string Db => _cli.PathOf("r.db");

    private Task<CliRunner.Result> Run(params string[] args) => _cli.RunAsync([.. args, "--plan", CliRunner.ExamplePlan, "--db", Db]);

    private async Task<IReadOnlyList<RolloutEvent>> Events()
    {
        using var store = SqliteEventStore.Open(Db);
        var writer = new StringWriter();
        await store.ExportAsync(writer);
        return [.. writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => EventJson.TryParse(l, out var e, out _) ? e! : throw new InvalidOperationException(l))];
    }

    [Fact]
    public async Task PhaseStart_RefusedUntilTheChecklistIsComplete_ExitsThree()
    {
        var r = await Run("phase", "start", "--phase", "pilot", "--by", "so-01");
        Assert.Equal(3, r.Code);
        Assert.Contains("checklist is not complete", r.Err);
        Assert.Empty(await Events());

        var show = await Run("checklist", "show", "--json");
        Assert.Equal(0, show.Code);
        Assert.False((bool)show.Json["complete"]!);
        Assert.Contains(show.Json["items"]!.AsArray(), i => (string?)i!["id"] == "sponsor-sign-off");
    }

    [Fact]
    public async Task PhaseStart_ExecOverride_NeedsAReason_AndIsRecorded()
    {
        Assert.Equal(2, (await Run("phase", "start", "--phase", "pilot", "--by", "exec-01", "--override")).Code);
        Assert.Equal(3, (await Run("phase", "start", "--phase", "pilot", "--by", "so-01", "--override", "--reason", "x")).Code);
        Assert.Equal(2, (await Run("phase", "start", "--phase", "nope", "--by", "so-01")).Code);
        var r = await Run("phase", "start", "--phase", "pilot", "--by", "exec-01", "--override", "--reason", "pilot date fixed by the board", "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal("pilot", (string?)r.Json["phase"]);
        Assert.Equal("pilot", Assert.Single((await Events()).OfType<PhaseStarted>()).Phase);
    }

    [Fact]
    public async Task ChecklistSignOff_ByTheNamedRole_IsAudited()
    {
        Assert.Equal(3, (await Run("checklist", "sign-off", "--item", "security-review", "--by", "so-01")).Code);
        var r = await Run("checklist", "sign-off", "--item", "security-review", "--by", "exec-01", "--note", "pen test report 14", "--json");
        Assert.Equal(0, r.Code);
        Assert.True((bool?)r.Json["items"]!.AsArray().Single(i => (string?)i!["id"] == "security-review")!["done"]);
        using var audit = SqliteAuditLog.Open(Db);
        var record = Assert.Single(audit.List());
        Assert.Equal(("exec-01", "sign_off", "security-review", "pen test report 14"), (record.Entry.Actor, record.Entry.Action, record.Entry.Subject, record.Entry.Reason));
    }

    [Fact]
    public async Task KillSwitch_OffThenOn_AndItsRefusals()
    {
        Assert.Equal(3, (await Run("kill-switch", "off", "--by", "so-01")).Code);
        await Run("phase", "start", "--phase", "pilot", "--by", "exec-01", "--override", "--reason", "drill");
        _cli.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(3, (await Run("kill-switch", "off", "--by", "sdr-01")).Code);
        var off = await Run("kill-switch", "off", "--by", "so-01", "--reason", "bad answers", "--json");
        Assert.Equal(0, off.Code);
        Assert.Equal("off", (string?)off.Json["agents"]);

        var access = await Run("access", "--user", "so-02", "--task", "lead_summary", "--at", "2026-02-02T18:02:00Z", "--json");
        Assert.Equal("no_active_phase", (string?)access.Json["reason"]);

        _cli.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, (await Run("kill-switch", "on", "--by", "so-01")).Code);
        var events = await Events();
        Assert.Equal(("manual", "bad answers"), (events.OfType<Rollback>().Single().Trigger, events.OfType<Rollback>().Single().Reason));
        Assert.Equal(2, events.OfType<PhaseStarted>().Count());
    }

    [Fact]
    [Trait("spec", "3.triggers")]
    public async Task Directive_Incident_AndBug_FromTheCommandLine()
    {
        await Run("phase", "start", "--phase", "pilot", "--by", "exec-01", "--override", "--reason", "drill");
        _cli.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, (await Run("incident", "open", "--by", "sdr-01", "--severity", "huge", "--category", "privacy")).Code);
        Assert.Equal(0, (await Run("incident", "open", "--by", "sdr-01", "--id", "inc-9", "--severity", "critical", "--category", "privacy")).Code);
        Assert.Equal(0, (await Run("bug", "file", "--by", "ae-01", "--id", "b-1", "--priority", "p0")).Code);
        _cli.Clock.Advance(TimeSpan.FromMinutes(1));

        var triggers = await Run("triggers", "--json");
        Assert.Contains("critical-incident", triggers.Json["fired"]!.AsArray().Select(f => (string)f!["id"]!));

        Assert.Equal(3, (await Run("incident", "resolve", "--by", "sdr-01", "--id", "inc-9")).Code);
        Assert.Equal(0, (await Run("incident", "resolve", "--by", "so-01", "--id", "inc-9")).Code);
        Assert.Equal(2, (await Run("bug", "resolve", "--by", "so-01", "--id", "b-404")).Code);
        Assert.Equal(0, (await Run("bug", "resolve", "--by", "so-01", "--id", "b-1")).Code);

        // A directive is acted on at once, through the rollback playbook.
        _cli.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(3, (await Run("directive", "--by", "so-01")).Code);
        Assert.Equal(0, (await Run("directive", "--by", "exec-02", "--reason", "pause")).Code);
        var rollback = Assert.Single((await Events()).OfType<Rollback>());
        Assert.Equal(("executive-directive", "guardian"), (rollback.Trigger, rollback.By));
    }
}

public sealed class ServeCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task DemoServe_ServesTheExampleWithHistoryCrmAndTokens_UntilCancelled()
    {
        // 26 November 2026, 15:00 PT: six weeks of history put the full phase, open 24/7, in place.
        _cli.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 26, 23, 0, 0, TimeSpan.Zero));
        using var stop = new CancellationTokenSource();
        var stdout = new SyncWriter();
        var serving = RollgateApp.RunAsync(["demo", "--serve", "--urls", "http://127.0.0.1:0"], stdout, TextWriter.Null, _cli.Clock, cancellationToken: stop.Token);
        var text = "";
        for (var i = 0; i < 600 && !text.Contains("Try:", StringComparison.Ordinal); i++)
        {
            Assert.False(serving.IsCompleted, stdout.ToString());
            await Task.Delay(100, CancellationToken.None);
            text = stdout.ToString();
        }

        var url = System.Text.RegularExpressions.Regex.Match(text, @"http://127\.0\.0\.1:\d+").Value;
        var sdrToken = System.Text.RegularExpressions.Regex.Match(text, @"sdr-01\s*[│|]\s*sdr\s*[│|]\s*(rg_[A-Za-z0-9_-]+)").Groups[1].Value;
        Assert.NotEmpty(url);
        Assert.NotEmpty(sdrToken);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", sdrToken);
        using var response = await http.PostAsJsonAsync("/v1/tasks/lead_summary", new { lead_id = "L-0001" }, CancellationToken.None);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(CancellationToken.None);
        Assert.True(response.IsSuccessStatusCode, body?.ToJsonString());
        Assert.Equal("full", (string?)body!["phase"]);
        using var anonymous = new HttpClient();
        using var dashboard = await anonymous.GetAsync(new Uri(new Uri(url), "/"), CancellationToken.None);
        Assert.Equal("text/html", dashboard.Content.Headers.ContentType?.MediaType);

        await stop.CancelAsync();
        Assert.Equal(0, await serving);
    }

    private sealed class SyncWriter : StringWriter
    {
        private readonly Lock _gate = new();

        public override void Write(char value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_gate)
            {
                base.WriteLine(value);
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return base.ToString();
            }
        }
    }
}

public sealed class ServeSettingsTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Serve_WithAnInvalidPlan_ExitsTwoWithTheErrors()
    {
        var plan = _cli.Write("bad.yaml", "name: x\nphases: 3\n");
        var r = await _cli.RunAsync("serve", "--plan", plan, "--db", _cli.PathOf("s.db"));
        Assert.Equal(2, r.Code);
        Assert.Contains("bad.yaml:", r.Err);
    }
}
