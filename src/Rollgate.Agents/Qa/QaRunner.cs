using Rollgate.Agents.Agents;
using Rollgate.Agents.Agents.RiskAnalysis;

namespace Rollgate.Agents.Qa;

public sealed record QaResult(string Id, string Task, bool Passed, bool Abstained, bool ExpectedAbstain, string Outcome, string Text,
    string? RiskLevel, IReadOnlyList<string>? RiskFactors, IReadOnlyList<string> Why);

/// <summary>
/// A QA run: pass rate, coverage (the answered share), and how well abstention matches the expectation.
/// Abstaining where an answer is expected fails the scenario, so a suite cannot pass by declining everything.
/// </summary>
public sealed record QaReport(IReadOnlyList<QaResult> Results, string Engine)
{
    public int Total => Results.Count;

    public int Passed => Results.Count(r => r.Passed);

    public double? PassRate => Total == 0 ? null : (double)Passed / Total;

    public double? Coverage => Total == 0 ? null : (double)Results.Count(r => r.Outcome == "completed") / Total;

    /// <summary>Of the abstentions, the share that were expected.</summary>
    public double? AbstentionPrecision => Ratio(Results.Count(r => r.Abstained && r.ExpectedAbstain), Results.Count(r => r.Abstained));

    /// <summary>Of the expected abstentions, the share that happened.</summary>
    public double? AbstentionRecall => Ratio(Results.Count(r => r.Abstained && r.ExpectedAbstain), Results.Count(r => r.ExpectedAbstain));

    private static double? Ratio(int a, int b) => b == 0 ? null : (double)a / b;
}

public sealed class QaRunner(AgentRunner runner)
{
    public async Task<QaReport> RunAsync(QaSuite suite, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var results = new List<QaResult>(suite.Scenarios.Count);
        foreach (var scenario in suite.Scenarios)
        {
            results.Add(await RunAsync(scenario, cancellationToken));
            progress?.Report(results.Count);
        }

        return new QaReport(results, runner.Engine.Name);
    }

    public async Task<QaResult> RunAsync(QaScenario scenario, CancellationToken cancellationToken = default)
    {
        var outcome = await runner.RunAsync(scenario.Task, scenario.Input, cancellationToken);
        var expect = scenario.Expect;
        var why = new List<string>();
        var abstained = outcome.Kind == OutcomeKind.Abstained;
        var text = outcome.Text;

        if (outcome.Kind == OutcomeKind.Error)
        {
            why.Add($"the run failed: {outcome.Error}");
        }
        else if (expect.Abstain && !abstained)
        {
            why.Add("expected the agent to abstain, but it answered");
        }
        else if (!expect.Abstain && abstained)
        {
            why.Add($"expected an answer, but the agent abstained ({outcome.Abstention!.Code}: {outcome.Abstention.Sentence})");
        }
        else if (abstained && expect.Reason is { } reason && outcome.Abstention!.Code != reason)
        {
            why.Add($"expected abstention reason '{reason}', got '{outcome.Abstention.Code}'");
        }

        if (outcome.Kind != OutcomeKind.Error)
        {
            foreach (var m in expect.Mentions.Where(m => !text.Contains(m, StringComparison.OrdinalIgnoreCase)))
            {
                why.Add($"does not mention '{m}'");
            }

            foreach (var m in expect.NotMentions.Where(m => text.Contains(m, StringComparison.OrdinalIgnoreCase)))
            {
                why.Add($"mentions '{m}', which it must not");
            }
        }

        var risk = outcome.Answer as RiskAssessment;
        if (risk is not null && expect.RiskLevel is { } level && risk.Level != level)
        {
            why.Add($"risk level is {risk.Level}, expected {level}");
        }

        if (risk is not null && expect.RiskFactors is { } factors && !risk.FactorCodes.Order().SequenceEqual(factors.Distinct().Order()))
        {
            why.Add($"risk factors are [{string.Join(", ", risk.FactorCodes)}], expected exactly [{string.Join(", ", factors)}]");
        }

        return new QaResult(scenario.Id, scenario.Task, why.Count == 0, abstained, expect.Abstain, outcome.RunOutcome, text,
            risk?.Level, risk?.FactorCodes, why);
    }
}
