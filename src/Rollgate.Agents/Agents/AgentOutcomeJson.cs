using System.Globalization;
using System.Text.Json.Nodes;
using Rollgate.Agents.Agents.RiskAnalysis;

namespace Rollgate.Agents.Agents;

/// <summary>
/// An agent's outcome as JSON, the same from the command line and from the server: the text a person reads (or the
/// abstention's sentence), the risk level and factors, the records cited, and what the engine used.
/// </summary>
public static class AgentOutcomeJson
{
    public static JsonObject Of(string runId, AgentOutcome outcome, DateOnly asOf)
    {
        var risk = outcome.Answer as RiskAssessment;
        return new JsonObject
        {
            ["run"] = runId,
            ["task"] = outcome.Task,
            ["outcome"] = outcome.RunOutcome,
            ["as_of"] = asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["text"] = outcome.Text,
            ["abstention"] = outcome.Abstention is { } a ? new JsonObject { ["code"] = a.Code, ["sentence"] = a.Sentence } : null,
            ["error"] = outcome.Error,
            ["risk_level"] = risk?.Level,
            ["risk_factors"] = risk is null ? null : new JsonArray([.. risk.FactorCodes.Select(f => (JsonNode)f)]),
            ["citations"] = outcome.Answer is { } answer ? new JsonArray([.. answer.Citations.Distinct().Select(c => (JsonNode)c.ToString())]) : null,
            ["usage"] = outcome.Usage is { } u
                ? new JsonObject
                {
                    ["engine"] = u.Engine,
                    ["model"] = u.Model,
                    ["input_tokens"] = u.InputTokens,
                    ["output_tokens"] = u.OutputTokens,
                    ["latency_ms"] = u.LatencyMs is { } ms && double.IsFinite(ms) ? Math.Round(ms, 10) : null,
                }
                : null,
        };
    }
}
