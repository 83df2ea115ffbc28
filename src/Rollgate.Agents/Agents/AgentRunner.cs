using Rollgate.Agents.Agents.FollowUp;
using Rollgate.Agents.Agents.LeadSummary;
using Rollgate.Agents.Agents.RiskAnalysis;
using Rollgate.Agents.Crm;
using Rollgate.Agents.Engines;
using Rollgate.Agents.Safety;

namespace Rollgate.Agents.Agents;

/// <summary>
/// Runs a task: abstain when the data does not suffice, extract facts, have the engine write, and show the
/// answer only if it passes every safety check (otherwise the run is an error with the reason).
/// </summary>
public sealed class AgentRunner(IAgentEngine engine, AgentOptions? options = null)
{
    private readonly Dictionary<string, IAgent> _agents = Create(options ?? AgentOptions.Default);

    public IAgentEngine Engine => engine;

    public static bool IsTask(string task) => AgentTasks.All.Contains(task);

    public async Task<AgentOutcome> RunAsync(string task, AgentInput input, CancellationToken cancellationToken = default)
    {
        if (!_agents.TryGetValue(task, out var agent))
        {
            throw new ArgumentException($"unknown task '{task}' (expected one of {string.Join(", ", AgentTasks.All)})", nameof(task));
        }

        if (agent.Check(input) is { } abstention)
        {
            return AgentOutcome.Abstained(task, abstention);
        }

        var facts = agent.Extract(input);
        EngineResult words;
        try
        {
            words = await engine.WriteAsync(facts, cancellationToken);
        }
        catch (EngineException ex)
        {
            return AgentOutcome.Failed(task, "engine: " + ex.Message, ex.Usage);
        }

        var answer = agent.Compose(facts, words);
        var text = answer.Render();
        var violations = SafetyChecks.Check(text, input);
        return violations.Count == 0
            ? AgentOutcome.Answered(answer, words.Usage, text)
            : AgentOutcome.Failed(task, "safety: " + string.Join("; ", violations), words.Usage);
    }

    private static Dictionary<string, IAgent> Create(AgentOptions options) => new(StringComparer.Ordinal)
    {
        [AgentTasks.LeadSummary] = new LeadSummaryAgent(options),
        [AgentTasks.FollowUp] = new FollowUpAgent(options),
        [AgentTasks.RiskAnalysis] = new RiskAnalysisAgent(options),
    };
}
