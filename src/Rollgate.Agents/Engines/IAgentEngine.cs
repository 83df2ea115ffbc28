using System.Text.Json.Nodes;
using Rollgate.Agents.Agents;

namespace Rollgate.Agents.Engines;

/// <summary>
/// The facts an agent extracted by rules, handed to an engine to put into words. The engine writes only the
/// fields named in <see cref="WordFields"/>; it never decides a fact.
/// </summary>
public abstract record AgentFacts(string Task, DateOnly AsOf)
{
    /// <summary>The words the engine must write, each with what it should say.</summary>
    public abstract IReadOnlyDictionary<string, string> WordFields { get; }

    /// <summary>The facts as JSON: what a language model is shown, as data.</summary>
    public abstract JsonObject ToJson();
}

/// <summary>The words an engine wrote for each requested field.</summary>
public sealed record EngineResult(IReadOnlyDictionary<string, string> Words, EngineUsage Usage)
{
    public string Word(string field) => Words.TryGetValue(field, out var w) ? w : "";
}

/// <summary>An engine that writes an answer's words from its facts: built-in templates, or a chat model.</summary>
public interface IAgentEngine
{
    string Name { get; }

    Task<EngineResult> WriteAsync(AgentFacts facts, CancellationToken cancellationToken = default);
}

/// <summary>The engine could not produce valid words (timeout, bad response, invalid JSON after a repair attempt).</summary>
public sealed class EngineException(string message, EngineUsage? usage = null, Exception? inner = null) : Exception(message, inner)
{
    public EngineUsage? Usage { get; } = usage;
}
