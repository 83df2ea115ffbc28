namespace Rollgate.Cli.Tests;

public sealed class SimulateCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Simulate_ThenGate_ShowsAHealthyPilotAsGo_AndIsDeterministic()
    {
        var db = _cli.PathOf("sim.db");
        var r = await _cli.RunAsync("simulate", "--plan", CliRunner.ExamplePlan, "--db", db, "--from", "2026-02-02", "--days", "14", "--seed", "5", "--json");
        Assert.Equal(0, r.Code);
        var events = (long)r.Json["events"]!;
        Assert.True(events > 1000);

        var gate = await _cli.RunAsync("gate", "--plan", CliRunner.ExamplePlan, "--db", db, "--phase", "pilot", "--at", "2026-02-16T00:00:00-08:00", "--json");
        Assert.Equal("go", (string)gate.Json["decision"]!);
        Assert.Equal("advance", (string)gate.Json["action"]!);

        // The same seed again stores nothing new: the history is the same, event for event.
        var again = await _cli.RunAsync("simulate", "--plan", CliRunner.ExamplePlan, "--db", db, "--from", "2026-02-02", "--days", "14", "--seed", "5", "--json");
        Assert.Equal(0L, (long)again.Json["events"]!);
        Assert.Equal(events, (long)again.Json["duplicates"]!);
    }

    [Fact]
    public async Task Simulate_SecurityIncident_FiresTheCriticalIncidentTrigger()
    {
        var db = _cli.PathOf("incident.db");
        Assert.Equal(0, (await _cli.RunAsync("simulate", "--plan", CliRunner.ExamplePlan, "--db", db, "--from", "2026-02-02", "--days", "5", "--seed", "1", "--scenario", "security-incident")).Code);
        var r = await _cli.RunAsync("triggers", "--plan", CliRunner.ExamplePlan, "--db", db, "--at", "2026-02-07T00:00:00-08:00", "--json");
        Assert.Contains(r.Json["fired"]!.AsArray(), f => (string)f!["id"]! == "critical-incident");
    }

    [Theory]
    [InlineData("--from 2026-13-01 --days 5", "--from: '2026-13-01' is not a date")]
    [InlineData("--from 2026-02-02 --days 0", "--days: 0 is out of range")]
    [InlineData("--from 2026-02-02 --days 5 --scenario meteor", "--scenario: unknown scenario 'meteor'")]
    public async Task Simulate_BadInput_Exits2(string args, string expected)
    {
        var r = await _cli.RunAsync(["simulate", "--plan", CliRunner.ExamplePlan, "--db", _cli.PathOf("x.db"), .. args.Split(' ')]);
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Err);
    }

    [Fact]
    public async Task Demo_ErrorSpike_ShowsTheGateAndTheFiredTrigger()
    {
        var r = await _cli.RunAsync("demo", "--scenario", "error-spike");
        Assert.Equal(0, r.Code);
        Assert.Contains("Gate of pilot", r.Out);
        Assert.Contains("error-rate-sustained", r.Out);
        Assert.Contains("FIRED", r.Out);
    }
}
