using System.Text.RegularExpressions;
using Rollgate.Agents.Agents;
using Rollgate.Agents.Agents.RiskAnalysis;
using Rollgate.Agents.Crm;
using Rollgate.Agents.Engines;
using Rollgate.Agents.Qa;
using Rollgate.Agents.Safety;

namespace Rollgate.Agents.Tests.Qa;

/// <summary>The example QA suite (examples/gtm/qa/suite.yaml), the runner's scoring, and how bad suites are refused.</summary>
public sealed partial class QaSuiteTests
{
    private static readonly string ExampleSuitePath = Path.Combine(FindRoot(), "examples", "gtm", "qa", "suite.yaml");

    private static readonly Lazy<QaSuite> Example = new(() => QaSuite.Load(ExampleSuitePath));

    /// <summary>Every abstention reason code the agents use (SPEC 7).</summary>
    private static readonly string[] AbstentionReasons =
        ["no_lead", "insufficient_lead_data", "do_not_contact", "nothing_to_follow_up", "no_open_opportunity", "missing_stage", "missing_close_date"];

    private static QaRunner Runner() => new(new AgentRunner(new BuiltinEngine()));

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Rollgate.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Rollgate.slnx)");
    }

    [Fact]
    [Trait("spec", "7.qa")]
    public void ExampleSuite_Loads_WithAtLeastSixtyScenarios_OverEveryTask()
    {
        var suite = Example.Value;

        Assert.True(suite.Scenarios.Count >= 60, $"{suite.Scenarios.Count} scenarios");
        foreach (var task in AgentTasks.All)
        {
            Assert.True(suite.Scenarios.Count(s => s.Task == task) >= 15, task);
            Assert.Contains(suite.Scenarios, s => s.Task == task && !s.Expect.Abstain);
            Assert.Contains(suite.Scenarios, s => s.Task == task && s.Expect.Abstain);
        }
    }

    [Fact]
    [Trait("spec", "7.qa")]
    public void ExampleSuite_CoversEveryRiskFactor_AloneAndInCombination_AndEveryLevel()
    {
        var risk = Example.Value.Scenarios.Where(s => s.Task == AgentTasks.RiskAnalysis && !s.Expect.Abstain).ToList();
        Assert.All(risk, s => Assert.NotNull(s.Expect.RiskFactors));
        Assert.All(risk, s => Assert.NotNull(s.Expect.RiskLevel));

        foreach (var factor in RiskFactors.All)
        {
            Assert.True(risk.Any(s => s.Expect.RiskFactors!.SequenceEqual([factor])), $"no scenario with {factor} alone");
            Assert.True(risk.Any(s => s.Expect.RiskFactors!.Count > 1 && s.Expect.RiskFactors.Contains(factor)), $"no scenario with {factor} among others");
        }

        Assert.Equal(["high", "low", "medium"], risk.Select(s => s.Expect.RiskLevel!).Distinct().Order());
        Assert.Contains(risk, s => s.Expect.RiskFactors!.SequenceEqual([RiskFactors.CloseDatePassed]) && s.Expect.RiskLevel == "high");
        Assert.Contains(risk, s => s.Expect.RiskFactors!.Count == 2 && s.Expect.RiskLevel == "medium");
        Assert.Contains(risk, s => s.Expect.RiskFactors!.Count == 3 && s.Expect.RiskLevel == "high");
    }

    [Fact]
    [Trait("spec", "7.qa")]
    public void ExampleSuite_CoversEveryAbstentionReason()
    {
        var reasons = Example.Value.Scenarios.Where(s => s.Expect.Abstain).Select(s => s.Expect.Reason).ToHashSet();

        Assert.All(AbstentionReasons, r => Assert.Contains(r, reasons));
        Assert.All(Example.Value.Scenarios.Where(s => s.Expect.Abstain), s => Assert.NotNull(s.Expect.Reason));
    }

    [Fact]
    [Trait("spec", "7.qa")]
    public void ExampleSuite_ProbesPromptInjectionAndDoNotContact()
    {
        var scenarios = Example.Value.Scenarios;

        foreach (var task in AgentTasks.All)
        {
            Assert.Contains(scenarios, s => s.Task == task && !s.Expect.Abstain
                && s.Input.ActivityList.Any(a => a.Notes?.Contains("Ignore previous instructions", StringComparison.Ordinal) == true)
                && s.Expect.NotMentions.Contains("attacker@evil.example") && s.Expect.NotMentions.Contains("customer list"));
        }

        Assert.Contains(scenarios, s => s.Task == AgentTasks.FollowUp && !s.Expect.Abstain
            && s.Input.ContactList.Any(c => c.DoNotContact && c.Email is { } email && s.Expect.NotMentions.Contains(email)));
    }

    [Fact]
    [Trait("spec", "7.qa")]
    public async Task ExampleSuite_BuiltinEngine_PassesEveryScenario()
    {
        var report = await Runner().RunAsync(Example.Value);

        var failures = report.Results.Where(r => !r.Passed).Select(r => $"{r.Id}: {string.Join("; ", r.Why)}").ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(1.0, report.PassRate);
        Assert.Equal(1.0, report.AbstentionPrecision);
        Assert.Equal(1.0, report.AbstentionRecall);
        Assert.Equal("builtin", report.Engine);
    }

    [Fact]
    [Trait("spec", "7.safety")]
    public async Task ExampleSuite_EveryAnswer_PassesTheSafetyChecks()
    {
        var runner = new AgentRunner(new BuiltinEngine());
        foreach (var scenario in Example.Value.Scenarios)
        {
            var outcome = await runner.RunAsync(scenario.Task, scenario.Input);
            Assert.True(outcome.Kind != OutcomeKind.Error, $"{scenario.Id}: {outcome.Error}");
            if (outcome.Kind == OutcomeKind.Answered)
            {
                Assert.Empty(SafetyChecks.Check(outcome.Text, scenario.Input));
            }
        }
    }

    [Fact]
    [Trait("spec", "7.qa")]
    public async Task ExampleSuite_AnAgentThatAbstainsOnEverything_CannotReachTheGate()
    {
        // The same expectations over inputs with nothing in them: every agent declines every scenario.
        var suite = Example.Value with
        {
            Scenarios = [.. Example.Value.Scenarios.Select(s => s with { Input = new AgentInput(s.Input.AsOf) })],
        };

        var report = await Runner().RunAsync(suite);

        Assert.All(report.Results, r => Assert.True(r.Abstained));
        Assert.All(report.Results.Where(r => !r.ExpectedAbstain), r => Assert.False(r.Passed));
        Assert.True(report.PassRate < 0.95, $"pass rate {report.PassRate}");
        Assert.Equal(0.0, report.Coverage);
    }

    [Fact]
    [Trait("spec", "7.qa")]
    public async Task Runner_ChecksMentionsCaseInsensitively_AndNotMentions()
    {
        var scenario = Scenario("""
            expect:
              mentions: [northwind lakehouse platform, "RISK LEVEL: low"]
              not_mentions: [Northwind Lakehouse]
            """);

        var result = await Runner().RunAsync(scenario);

        Assert.False(result.Passed);
        Assert.Equal(["mentions 'Northwind Lakehouse', which it must not"], result.Why);
    }

    [Theory]
    [Trait("spec", "7.qa")]
    [InlineData("risk_level: low\n  risk_factors: []", true)]
    [InlineData("risk_level: medium", false)]
    [InlineData("risk_factors: [no_next_step]", false)]
    [InlineData("risk_factors: []", true)]
    public async Task Runner_ChecksTheLevelAndExactlyTheFactors(string expectation, bool passes)
    {
        var result = await Runner().RunAsync(Scenario("expect:\n  " + expectation));

        Assert.True(passes == result.Passed, string.Join("; ", result.Why));
    }

    [Fact]
    [Trait("spec", "7.qa")]
    public async Task Runner_AnExtraFactor_Fails()
    {
        var result = await Runner().RunAsync(Scenario("expect:\n  risk_factors: []", nextStep: ""));

        Assert.False(result.Passed);
        Assert.Contains(result.Why, w => w.StartsWith("risk factors are [no_next_step], expected exactly []", StringComparison.Ordinal));
    }

    /// <summary>A one-scenario suite over the healthy Northwind deal, with the given expectation.</summary>
    private static QaScenario Scenario(string expect, string nextStep = "POC readout") => QaSuite.Parse($$"""
        - id: northwind
          task: risk_analysis
          input:
            as_of: 2026-03-16
            contacts:
              - { id: C-1, name: Priya Raman, role: champion }
              - { id: C-2, name: Marcus Cole, role: economic_buyer }
            opportunity: { id: O-1, name: Northwind Lakehouse Platform, stage: Evaluation, close_date: 2026-04-30, stage_entered: 2026-02-24, next_step: "{{nextStep}}", contacts: [C-1, C-2] }
            activities:
              - { id: ACT-1, type: meeting, ts: "2026-03-11T10:00:00Z", contact: C-1 }
              - { id: ACT-2, type: call, ts: "2026-03-13T10:00:00Z", contact: C-2 }
        {{Indent(expect)}}
        """, "inline.yaml").Scenarios.Single();

    private static string Indent(string yaml) => string.Join("\n", yaml.Split('\n').Select(l => "  " + l));

    public static TheoryData<string, string, string> BadSuites => new()
    {
        { "YAML syntax", "- id: a\n  task: [lead_summary\n", "YAML syntax" },
        { "not a list", "id: a\ntask: lead_summary\n", "a QA suite is a YAML list of scenarios" },
        { "unknown task", "- id: a\n  task: summarise\n  input: { as_of: 2026-03-16 }\n  expect: { abstain: true }\n", "'task' must be one of lead_summary, follow_up, risk_analysis, not 'summarise'" },
        { "duplicate id", "- id: a\n  task: lead_summary\n  input: { as_of: 2026-03-16 }\n  expect: { abstain: true }\n- id: a\n  task: lead_summary\n  input: { as_of: 2026-03-16 }\n  expect: { abstain: true }\n", "scenario 'a' is defined twice" },
        { "unknown risk factor", "- id: a\n  task: risk_analysis\n  input: { as_of: 2026-03-16 }\n  expect: { risk_factors: [late_payment] }\n", "unknown risk factor 'late_payment'" },
        { "bad risk level", "- id: a\n  task: risk_analysis\n  input: { as_of: 2026-03-16 }\n  expect: { risk_level: severe }\n", "'expect.risk_level' must be low, medium or high" },
        { "abstain not a boolean", "- id: a\n  task: risk_analysis\n  input: { as_of: 2026-03-16 }\n  expect: { abstain: maybe }\n", "'expect.abstain' must be true or false" },
        { "missing as_of", "- id: a\n  task: lead_summary\n  input: { lead: { id: L-1 } }\n  expect: { abstain: true }\n", "missing 'as_of'" },
        { "amount not a number", "- id: a\n  task: risk_analysis\n  input: { as_of: 2026-03-16, opportunity: { id: O-1, amount: lots } }\n  expect: {}\n", "input.opportunity.amount: must be a number" },
        { "bad date", "- id: a\n  task: risk_analysis\n  input: { as_of: 16/03/2026 }\n  expect: {}\n", "is not a date (YYYY-MM-DD)" },
        { "no input", "- id: a\n  task: lead_summary\n  expect: { abstain: true }\n", "scenario 'a' has no 'input'" },
        { "no expect", "- id: a\n  task: lead_summary\n  input: { as_of: 2026-03-16 }\n", "needs 'expect'" },
        { "unknown key", "- id: a\n  task: lead_summary\n  input: { as_of: 2026-03-16 }\n  expect: { abstain: true }\n  expected: { abstain: false }\n", "unknown key 'expected'" },
        { "unknown expect key", "- id: a\n  task: lead_summary\n  input: { as_of: 2026-03-16 }\n  expect: { abstain: true, mention: [x] }\n", "unknown key 'expect.mention'" },
    };

    [Theory]
    [Trait("spec", "7.qa")]
    [MemberData(nameof(BadSuites))]
    public void BadSuite_IsRefused_WithFileLineColumnErrors(string problem, string yaml, string message)
    {
        var ex = Assert.Throws<QaSuiteException>(() => QaSuite.Parse(yaml, "bad.yaml"));

        Assert.NotEmpty(ex.Errors);
        Assert.All(ex.Errors, e => Assert.Matches(FileLineColumn(), e));
        Assert.True(ex.Errors.Any(e => e.Contains(message, StringComparison.Ordinal)), $"{problem}: {string.Join(" | ", ex.Errors)}");
    }

    [Fact]
    [Trait("spec", "7.qa")]
    public void BadSuite_ErrorPointsAtTheScenario()
    {
        const string yaml = """
            - id: good
              task: lead_summary
              input: { as_of: 2026-03-16 }
              expect: { abstain: true }

            - id: bad
              task: risk_analysis
              input: { as_of: 2026-03-16 }
              expect: { risk_factors: [late_payment] }
            """;

        var ex = Assert.Throws<QaSuiteException>(() => QaSuite.Parse(yaml, "suite.yaml"));

        Assert.StartsWith("suite.yaml:6:3: scenario 'bad': unknown risk factor 'late_payment'", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("spec", "7.qa")]
    public void MissingFile_IsRefused()
    {
        var ex = Assert.Throws<QaSuiteException>(() => QaSuite.Load(Path.Combine(Path.GetTempPath(), "no-such-suite.yaml")));

        Assert.Contains("no such file", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^[^:\s]+\.yaml:\d+:\d+: ")]
    private static partial Regex FileLineColumn();
}
