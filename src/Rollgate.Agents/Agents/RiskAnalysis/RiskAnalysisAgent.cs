using System.Text;
using System.Text.Json.Nodes;
using Rollgate.Agents.Crm;
using Rollgate.Agents.Engines;
using Rollgate.Core.Text;
using static Rollgate.Agents.Agents.CrmFacts;

namespace Rollgate.Agents.Agents.RiskAnalysis;

public sealed record RiskFacts(
    DateOnly AsOf,
    string OpportunityId,
    string Name,
    string Stage,
    string? Amount,
    DateOnly CloseDate,
    string? Account,
    string Level,
    IReadOnlyList<RiskFactor> Factors,
    IReadOnlyList<string> Observations) : AgentFacts(AgentTasks.RiskAnalysis, AsOf)
{
    public override IReadOnlyDictionary<string, string> WordFields { get; } = new Dictionary<string, string>
    {
        ["summary"] = "Two or three sentences for the account executive: how risky the deal is and why, using only the facts given.",
    };

    public override JsonObject ToJson() => new()
    {
        ["as_of"] = Day(AsOf),
        ["opportunity"] = new JsonObject
        {
            ["id"] = OpportunityId, ["name"] = Name, ["stage"] = Stage, ["amount"] = Amount, ["close_date"] = Day(CloseDate), ["account"] = Account,
        },
        ["risk_level"] = Level,
        ["risk_factors"] = new JsonArray([.. Factors.Select(f => (JsonNode)new JsonObject { ["factor"] = f.Code, ["evidence"] = f.Evidence, ["what_to_do"] = f.Recommendation })]),
        ["observations"] = new JsonArray([.. Observations.Select(o => (JsonNode)o)]),
    };
}

/// <summary>A deal's risk: level and factors by SPEC 7's rules, each with evidence and what to do.</summary>
public sealed record RiskAssessment(RiskFacts Facts, string Summary, IReadOnlyList<Citation> Sources)
    : AgentAnswer(AgentTasks.RiskAnalysis, Facts.AsOf, Sources)
{
    public string Level => Facts.Level;

    public IReadOnlyList<string> FactorCodes => [.. Facts.Factors.Select(f => f.Code)];

    public override string Render()
    {
        var f = Facts;
        var sb = ThreadBuffers.TakeBuilder();
        sb.Append("Deal risk: ").Append(f.Name).Append(" (").Append(f.Stage);
        if (f.Amount is not null)
        {
            sb.Append(", ").Append(f.Amount);
        }

        sb.Append(", closing ").Append(Day(f.CloseDate)).Append(")\n");
        sb.Append("Risk level: ").Append(f.Level.ToUpperInvariant()).Append('\n');
        sb.Append(Summary.Trim()).Append('\n');
        if (f.Factors.Count == 0)
        {
            sb.Append("Risk factors: none found.\n");
        }
        else
        {
            sb.Append("Risk factors:\n");
            foreach (var factor in f.Factors)
            {
                sb.Append("- ").Append(factor.Code).Append(": ").Append(factor.Evidence).Append(". What to do: ").Append(factor.Recommendation).Append('\n');
            }
        }

        foreach (var o in f.Observations)
        {
            sb.Append("Note: ").Append(o).Append('\n');
        }

        AppendFooter(sb);
        return ThreadBuffers.ToStringAndGiveBack(sb);
    }
}

public sealed class RiskAnalysisAgent(AgentOptions options) : IAgent
{
    public string Task => AgentTasks.RiskAnalysis;

    public Abstention? Check(AgentInput input)
    {
        var opp = input.Opportunity;
        if (opp is null)
        {
            return new Abstention("no_open_opportunity", "I can't analyse deal risk: there is no opportunity in the data.");
        }

        if (!opp.IsOpen)
        {
            return new Abstention("no_open_opportunity", $"I can't analyse deal risk: the opportunity {opp.Name ?? opp.Id} is closed ({opp.Stage}).");
        }

        if (string.IsNullOrWhiteSpace(opp.Stage))
        {
            return new Abstention("missing_stage", $"I can't analyse deal risk: the opportunity {opp.Name ?? opp.Id} has no stage. Set its stage in the CRM first.");
        }

        if (opp.CloseDate is null)
        {
            return new Abstention("missing_close_date", $"I can't analyse deal risk: the opportunity {opp.Name ?? opp.Id} has no close date. Set its close date in the CRM first.");
        }

        return null;
    }

    public AgentFacts Extract(AgentInput input)
    {
        var opp = input.Opportunity!;
        var factors = RiskRules.Find(input, opp, options);
        var observations = new List<string>();
        if (opp.History.Count > 0 && opp.History[^1] > opp.CloseDate!.Value)
        {
            observations.Add($"the close date was pulled in from {Day(opp.History[^1])} to {Day(opp.CloseDate.Value)}");
        }

        if (input.Account is { Name: { } accountName } && input.Lead?.Company is { } company && !string.Equals(company, accountName, StringComparison.OrdinalIgnoreCase))
        {
            observations.Add($"the lead's company ({company}) differs from the account ({accountName})");
        }

        var amount = opp.Amount is { } a ? Money(a, opp.Currency) : null;
        return new RiskFacts(input.AsOf, opp.Id, opp.Name ?? opp.Id, opp.Stage!, amount, opp.CloseDate!.Value, input.Account?.Name,
            RiskRules.Level(factors, options), factors, observations);
    }

    public AgentAnswer Compose(AgentFacts facts, EngineResult words)
    {
        var f = (RiskFacts)facts;
        var sources = new List<Citation>
        {
            new("opportunity", f.OpportunityId, "stage"),
            new("opportunity", f.OpportunityId, "close_date"),
        };
        sources.AddRange(f.Factors.SelectMany(x => x.Citations));
        return new RiskAssessment(f, words.Word("summary"), sources);
    }
}
