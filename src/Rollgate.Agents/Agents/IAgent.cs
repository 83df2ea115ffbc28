using Rollgate.Agents.Crm;
using Rollgate.Agents.Engines;

namespace Rollgate.Agents.Agents;

/// <summary>
/// An agent in three steps: check the data suffices (else abstain), extract the facts by rules, and compose the
/// answer from those facts and the engine's words.
/// </summary>
public interface IAgent
{
    string Task { get; }

    /// <summary>Why the agent must decline, or null when the data suffices.</summary>
    Abstention? Check(AgentInput input);

    AgentFacts Extract(AgentInput input);

    AgentAnswer Compose(AgentFacts facts, EngineResult words);
}
