using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rollgate.Agents.Agents.RiskAnalysis;
using Rollgate.Core.Text;
using Rollgate.Core.Time;

namespace Rollgate.Agents.Agents;

/// <summary>
/// An agent's outcome as JSON, the same from the command line and from the server: the text a person reads (or the
/// abstention's sentence), the risk level and factors, the records cited, and what the engine used.
/// </summary>
public static class AgentOutcomeJson
{
    public static JsonObject Of(string runId, AgentOutcome outcome, DateOnly asOf) => JsonNode.Parse(Text(runId, outcome, asOf))!.AsObject();

    /// <summary>
    /// The same object as JSON text, written straight from the outcome (the server's answer, made on every request),
    /// followed by <c>phase</c> when one is given.
    /// </summary>
    public static string Text(string runId, AgentOutcome outcome, DateOnly asOf, string? phase = null)
    {
        var buffer = ThreadBuffers.TakeUtf8();
        using (var w = new Utf8JsonWriter(buffer))
        {
            var risk = outcome.Answer as RiskAssessment;
            w.WriteStartObject();
            w.WriteString("run", runId);
            w.WriteString("task", outcome.Task);
            w.WriteString("outcome", outcome.RunOutcome);
            w.WriteString("as_of", Rfc3339.FormatDate(asOf));
            w.WriteString("text", outcome.Text);
            if (outcome.Abstention is { } a)
            {
                w.WriteStartObject("abstention");
                w.WriteString("code", a.Code);
                w.WriteString("sentence", a.Sentence);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("abstention");
            }

            w.WriteString("error", outcome.Error);
            w.WriteString("risk_level", risk?.Level);
            WriteStrings(w, "risk_factors", risk?.FactorCodes);
            WriteCitations(w, outcome.Answer);
            if (outcome.Usage is { } u)
            {
                w.WriteStartObject("usage");
                w.WriteString("engine", u.Engine);
                w.WriteString("model", u.Model);
                WriteNumber(w, "input_tokens", u.InputTokens);
                WriteNumber(w, "output_tokens", u.OutputTokens);
                if (double.IsFinite(u.LatencyMs))
                {
                    w.WriteNumber("latency_ms", Math.Round(u.LatencyMs, 10));
                }
                else
                {
                    w.WriteNull("latency_ms");
                }

                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("usage");
            }

            if (phase is not null)
            {
                w.WriteString("phase", phase);
            }

            w.WriteEndObject();
        }

        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        ThreadBuffers.GiveBack(buffer);
        return text;
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string>? values)
    {
        if (values is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    /// <summary>The records the answer cites, each once, in the order first cited (null without an answer).</summary>
    private static void WriteCitations(Utf8JsonWriter w, AgentAnswer? answer)
    {
        if (answer is null)
        {
            w.WriteNull("citations");
            return;
        }

        Span<char> text = stackalloc char[256];
        w.WriteStartArray("citations");
        for (var i = 0; i < answer.Citations.Count; i++)
        {
            if (answer.CitedBefore(i))
            {
                continue;
            }

            var c = answer.Citations[i];
            if (c.TryFormat(text, out var written))
            {
                w.WriteStringValue(text[..written]);
            }
            else
            {
                w.WriteStringValue(c.ToString());
            }
        }

        w.WriteEndArray();
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
