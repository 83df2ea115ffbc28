using Rollgate.Core.Events;

namespace Rollgate.Core.Tests.Events;

public sealed class EventJsonTests
{
    [Fact]
    [Trait("spec", "2")]
    public void Run_WithEngineModelAndTokens_RoundTrips()
    {
        const string line = """{"type":"run","ts":"2026-02-02T09:05:00-08:00","id":"r1","user":"so-02","task":"lead_summary","outcome":"completed","latency_ms":812,"engine":"chat","model":"databricks-meta-llama","input_tokens":1200,"output_tokens":180}""";
        Assert.True(EventJson.TryParse(line, out var evt, out var error), error);
        var run = Assert.IsType<Run>(evt);
        Assert.Equal(("chat", "databricks-meta-llama", 1200L, 180L), (run.Engine, run.Model, run.InputTokens, run.OutputTokens));
        Assert.Equal(line, EventJson.Serialize(run));
    }

    [Theory]
    [Trait("spec", "2")]
    [InlineData("\"input_tokens\":-1")]
    [InlineData("\"output_tokens\":2.5")]
    public void Run_WithBadTokenCounts_IsRefused(string field)
    {
        var line = "{\"type\":\"run\",\"ts\":\"2026-02-02T09:05:00Z\",\"id\":\"r1\",\"user\":\"u\",\"task\":\"t\",\"outcome\":\"error\"," + field + "}";
        Assert.False(EventJson.TryParse(line, out _, out var error));
        Assert.Contains("tokens", error);
    }

    [Fact]
    [Trait("spec", "2")]
    public void Serialize_WritesOnlyWhatIsSet_InSpecOrder()
    {
        var run = new Run(new DateTimeOffset(2026, 2, 2, 17, 5, 0, TimeSpan.Zero), "r2", "so-01", "follow_up", RunOutcome.Abstained);
        Assert.Equal("""{"type":"run","ts":"2026-02-02T17:05:00Z","id":"r2","user":"so-01","task":"follow_up","outcome":"abstained"}""", EventJson.Serialize(run));
    }
}
