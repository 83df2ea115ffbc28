using BenchmarkDotNet.Attributes;
using Rollgate.Agents.Agents;
using Rollgate.Agents.Crm;
using Rollgate.Agents.Engines;

namespace Rollgate.Benchmarks.Agents;

/// <summary>
/// Each task on the builtin engine, on records from the demo CRM: rules, words and safety checks, end to end.
/// Goal: under 1 ms a run, so that the agent itself is never what a person waits for.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class AgentBenchmarks
{
    private AgentRunner _runner = null!;
    private AgentInput _lead = null!;
    private AgentInput _deal = null!;

    [GlobalSetup]
    public void Setup()
    {
        var crm = DemoCrm.Generate(DemoCrm.DefaultSeed);
        _runner = new AgentRunner(new BuiltinEngine());

        // The richest lead and open deal: the most activities to read, so the figures are an upper bound.
        _lead = crm.Leads.Select(l => crm.LeadInput(l.Id, DemoCrm.AsOf)!)
            .Where(i => !string.IsNullOrEmpty(i.Lead!.Name) && !i.Lead.DoNotContact)
            .MaxBy(i => i.ActivityList.Count)!;
        _deal = crm.Opportunities.Where(o => o.IsOpen && o.Stage is not null && o.CloseDate is not null)
            .Select(o => crm.OpportunityInput(o.Id, DemoCrm.AsOf)!)
            .Where(i => i.ContactList.Any(c => !c.DoNotContact))
            .MaxBy(i => i.ActivityList.Count)!;
    }

    [Benchmark]
    public Task<AgentOutcome> LeadSummary() => _runner.RunAsync(AgentTasks.LeadSummary, _lead);

    [Benchmark]
    public Task<AgentOutcome> FollowUp() => _runner.RunAsync(AgentTasks.FollowUp, _deal);

    [Benchmark]
    public Task<AgentOutcome> RiskAnalysis() => _runner.RunAsync(AgentTasks.RiskAnalysis, _deal);
}
