using System.Text.Json;
using System.Text.Json.Nodes;
using Rollgate.Agents.Agents;
using static Rollgate.Agents.Tests.Agents.Records;

namespace Rollgate.Agents.Tests.Agents;

public sealed class AgentOutcomeJsonTests
{
    private static readonly string[] Keys = ["run", "task", "outcome", "as_of", "text", "abstention", "error", "risk_level", "risk_factors", "citations", "usage"];

    [Fact]
    public async Task Answer_HasEveryKeyInOrder_TheTextAndItsDistinctCitations()
    {
        var outcome = await RunAsync(AgentTasks.LeadSummary, LeadInput());
        var json = AgentOutcomeJson.Text("run-1", outcome, AsOf);
        var answer = JsonNode.Parse(json)!.AsObject();

        Assert.Equal(Keys, answer.Select(p => p.Key));
        Assert.Equal("run-1", (string?)answer["run"]);
        Assert.Equal("completed", (string?)answer["outcome"]);
        Assert.Equal("2026-03-16", (string?)answer["as_of"]);
        Assert.Equal(outcome.Text, (string?)answer["text"]);
        Assert.Null(answer["abstention"]);
        Assert.Null(answer["risk_factors"]);
        Assert.Equal(outcome.Answer!.Citations.Distinct().Select(c => c.ToString()), answer["citations"]!.AsArray().Select(c => (string?)c));
        Assert.Equal("builtin", (string?)answer["usage"]!["engine"]);
        Assert.Equal(JsonValueKind.Null, answer["usage"]!.AsObject()["input_tokens"]?.GetValueKind() ?? JsonValueKind.Null);
        Assert.Equal(JsonValueKind.Number, answer["usage"]!["latency_ms"]!.GetValueKind());
    }

    [Fact]
    public async Task ALongAnswerThenAShortOne_OnOneThread_EachIsItsOwnText()
    {
        var answered = await RunAsync(AgentTasks.LeadSummary, LeadInput());
        var abstained = AgentOutcome.Abstained(AgentTasks.FollowUp, new Abstention("no_contact", "Nobody to write to."));

        var first = AgentOutcomeJson.Text("run-1", answered, AsOf);
        var second = AgentOutcomeJson.Text("run-2", abstained, AsOf);

        Assert.True(first.Length > second.Length);
        Assert.Equal("run-2", (string?)JsonNode.Parse(second)!["run"]);
        Assert.Equal(first, AgentOutcomeJson.Text("run-1", answered, AsOf));
    }

    [Fact]
    public void Strings_AreEscapedAsTheSerializerEscapesThem()
    {
        // The CLI printed the object through JsonNode, whose default encoder escapes non-ASCII and HTML-sensitive characters.
        const string sentence = "Nobody to write to — «no contact» <b>here</b> & 'there'";
        var json = AgentOutcomeJson.Text("run-1", AgentOutcome.Abstained(AgentTasks.FollowUp, new Abstention("no_contact", sentence)), AsOf);

        Assert.Contains("\"sentence\":" + JsonSerializer.Serialize(sentence), json);
        Assert.DoesNotContain("—", json);
    }

    [Fact]
    public async Task RiskAnalysis_HasItsLevelAndFactorCodes()
    {
        var outcome = await RunAsync(AgentTasks.RiskAnalysis, HealthyDeal() with { Activities = [] });
        var answer = JsonNode.Parse(AgentOutcomeJson.Text("run-2", outcome, AsOf))!.AsObject();

        Assert.Equal("risk_analysis", (string?)answer["task"]);
        Assert.False(string.IsNullOrEmpty((string?)answer["risk_level"]));
        Assert.Contains("no_recent_activity", answer["risk_factors"]!.AsArray().Select(f => (string?)f));
    }

    [Fact]
    public void Abstention_AndFailure_HaveNullsWhereNothingWasAnswered()
    {
        var abstained = JsonNode.Parse(AgentOutcomeJson.Text("run-3", AgentOutcome.Abstained(AgentTasks.FollowUp, new Abstention("no_contact", "Nobody to write to.")), AsOf))!.AsObject();
        var failed = JsonNode.Parse(AgentOutcomeJson.Text("run-4", AgentOutcome.Failed(AgentTasks.FollowUp, "engine: timed out", new EngineUsage("chat", "m-1", 120, 0, double.NaN)), AsOf))!.AsObject();

        Assert.Equal(Keys, abstained.Select(p => p.Key));
        Assert.Equal("no_contact", (string?)abstained["abstention"]!["code"]);
        Assert.Equal("Nobody to write to.", (string?)abstained["abstention"]!["sentence"]);
        Assert.Null(abstained["citations"]);
        Assert.Null(abstained["usage"]);
        Assert.Equal("engine: timed out", (string?)failed["error"]);
        Assert.Equal(120, (long?)failed["usage"]!["input_tokens"]);
        Assert.Equal(0, (long?)failed["usage"]!["output_tokens"]);
        Assert.Equal("m-1", (string?)failed["usage"]!["model"]);
        Assert.Null(failed["usage"]!["latency_ms"]);
    }

    [Fact]
    public void Citations_AreListedOnce_WhereFirstCited_InTheFooterAndTheJson()
    {
        var note = new Citation("activity", "A-2", "notes");
        var longId = new string('x', 300);
        Citation[] cited = [new("lead", "L-1", "name"), note, new("lead", "L-1", "name"), new("account", longId, "industry"), new("activity", "A-2", "notes")];
        var answer = new Cites(cited);
        var json = JsonNode.Parse(AgentOutcomeJson.Text("run-6", AgentOutcome.Answered(answer, EngineUsage.Builtin(1)), AsOf))!.AsObject();

        string[] once = ["lead L-1.name", "activity A-2.notes", $"account {longId}.industry"];
        Assert.Equal(once, json["citations"]!.AsArray().Select(c => (string?)c));
        Assert.Equal(cited.Distinct().Select(c => c.ToString()), once);
        Assert.Equal($"Data as of 2026-03-16. Sources: {string.Join(", ", once)}.", answer.Render());
    }

    [Fact]
    public void Citation_TryFormat_WritesItsText_OnlyWhenItFits()
    {
        var c = new Citation("opportunity", "O-17", "amount");
        Span<char> roomy = stackalloc char[64];
        Span<char> tight = stackalloc char[c.ToString().Length - 1];

        Assert.True(c.TryFormat(roomy, out var written));
        Assert.Equal(c.ToString(), roomy[..written].ToString());
        Assert.False(c.TryFormat(tight, out written));
        Assert.Equal(0, written);
    }

    [Fact]
    public async Task Phase_WhenGiven_IsTheLastKey_AndOfIsTheSameObject()
    {
        var outcome = await RunAsync(AgentTasks.LeadSummary, LeadInput());
        var withPhase = JsonNode.Parse(AgentOutcomeJson.Text("run-5", outcome, AsOf, "pilot"))!.AsObject();

        Assert.Equal([.. Keys, "phase"], withPhase.Select(p => p.Key));
        Assert.Equal("pilot", (string?)withPhase["phase"]);
        Assert.Equal(AgentOutcomeJson.Text("run-5", outcome, AsOf), AgentOutcomeJson.Of("run-5", outcome, AsOf).ToJsonString());
    }

    /// <summary>An answer that is only its footer, citing what it is given.</summary>
    private sealed record Cites(IReadOnlyList<Citation> Sources) : AgentAnswer(AgentTasks.LeadSummary, AsOf, Sources)
    {
        public override string Render()
        {
            var sb = new System.Text.StringBuilder();
            AppendFooter(sb);
            return sb.ToString();
        }
    }
}
