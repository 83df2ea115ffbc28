using Rollgate.Core.Access;
using Rollgate.Core.Metrics;
using Rollgate.Core.Plans;
using Rollgate.Core.Tests.Support;

namespace Rollgate.Core.Tests.Plans;

public sealed class PlanLoaderTests
{
    private const string Users = """
        id,name,email,role,team
        so-01,Ada Ops,ada@example.com,sales_ops,Ops
        sdr-01,Sam Dev,sam@example.com,sdr,West
        """;

    private const string Minimal = """
        plan: tiny
        timezone: America/Los_Angeles
        users: users.csv
        tasks: [lead_summary]
        roles: [sales_ops, sdr]
        phases:
          - id: pilot
            cohort: { roles: [sales_ops] }
            tasks: [lead_summary]
            availability: { days: mon-fri, from: "09:00", to: "17:00" }
            metrics:
              - { metric: error_rate, max: 0.03 }
        rollback:
          triggers: []
        """;

    private static RolloutPlan Parse(string yaml, string? users = Users) =>
        PlanLoader.Parse(yaml, "plan.yaml", name => users is null ? null : ("users.csv", users));

    private static IReadOnlyList<PlanError> Errors(string yaml, string? users = Users) =>
        Assert.Throws<InvalidPlanException>(() => Parse(yaml, users)).Errors;

    [Fact]
    [Trait("spec", "1")]
    public void Minimal_Loads()
    {
        var plan = Parse(Minimal);
        var pilot = Assert.Single(plan.Phases);
        Assert.Equal("pilot", pilot.Id);
        Assert.Equal(Direction.Max, pilot.Metrics[0].Direction);
        Assert.Equal(2, plan.Users.Count);
    }

    [Fact]
    [Trait("spec", "1.errors")]
    public void UnknownKey_IsReportedWithLineAndColumn()
    {
        var errors = Errors(Minimal.Replace("    tasks: [lead_summary]\n", "    tasks: [lead_summary]\n    colour: blue\n", StringComparison.Ordinal));
        var e = Assert.Single(errors);
        Assert.Equal("plan.yaml:10:5: unknown key 'colour' in phase 'pilot'", e.ToString());
    }

    [Fact]
    [Trait("spec", "1.errors")]
    public void EveryError_IsReported_NotOnlyTheFirst()
    {
        var yaml = Minimal
            .Replace("metric: error_rate", "metric: eror_rate", StringComparison.Ordinal)
            .Replace("tasks: [lead_summary]\n    availability", "tasks: [lead_sumary]\n    availability", StringComparison.Ordinal)
            .Replace("roles: [sales_ops] }", "roles: [salesops] }", StringComparison.Ordinal)
            .Replace("plan: tiny", "plan: tiny\nextra: 1", StringComparison.Ordinal);
        var errors = Errors(yaml);
        Assert.Contains(errors, e => e.Message.Contains("unknown metric 'eror_rate'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("unknown task 'lead_sumary'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("unknown role 'salesops'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("unknown key 'extra'", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.True(e.Line > 0 && e.Column > 0));
    }

    [Fact]
    [Trait("spec", "1.errors")]
    public void WrongType_IsAnError()
    {
        var errors = Errors(Minimal.Replace("max: 0.03", "max: low", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("must be a number", StringComparison.Ordinal) && e.Line == 12);
    }

    [Fact]
    [Trait("spec", "5")]
    public void ExperimentSplitOtherThanHalf_IsAnError_AsAssignmentSplits50_50()
    {
        var errors = Errors(Minimal + "\nexperiments:\n  phases: [pilot]\n  split: 0.3\n");
        var e = Assert.Single(errors);
        Assert.Equal((17, 10), (e.Line, e.Column));
        Assert.Contains("'split' must be 0.5", e.Message, StringComparison.Ordinal);
        Assert.Equal(0.5, Parse(Minimal + "\nexperiments:\n  phases: [pilot]\n  split: 0.5\n").Experiments.Split);
    }

    [Fact]
    [Trait("spec", "1.errors")]
    public void PhaseWithoutMetrics_IsAnError()
    {
        var yaml = Minimal.Replace("    metrics:\n      - { metric: error_rate, max: 0.03 }\n", "", StringComparison.Ordinal);
        Assert.Contains(Errors(yaml), e => e.Message.Contains("has no success metrics", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("spec", "1.errors")]
    public void DurationThatDoesNotParse_IsAnError()
    {
        var yaml = Minimal.Replace("    tasks: [lead_summary]\n    avail", "    duration: two weeks\n    tasks: [lead_summary]\n    avail", StringComparison.Ordinal);
        var e = Assert.Single(Errors(yaml));
        Assert.Contains("'two weeks' is not a duration", e.Message, StringComparison.Ordinal);
        Assert.Equal(9, e.Line);
    }

    [Fact]
    [Trait("spec", "1.errors")]
    public void MissingUsersFile_IsAnError()
    {
        var e = Assert.Single(Errors(Minimal, users: null));
        Assert.Contains("users file 'users.csv' not found", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, e.Line);
    }

    [Theory]
    [Trait("spec", "1.errors")]
    [InlineData("id,name,role\nso-01,Ada,sales_ops\n", "users.csv:1:1: the header must be 'id,name,email,role,team'")]
    [InlineData("id,name,email,role,team\nso-01,Ada,ada@example.com,sales_ops\n", "users.csv:2:1: expected 5 fields")]
    [InlineData("id,name,email,role,team\nso-01,Ada,ada@example.com,wizard,Ops\n", "users.csv:2:27: unknown role 'wizard'")]
    [InlineData("id,name,email,role,team\nso-01,Ada,ada@example.com,sales_ops,Ops\nso-01,Bo,bo@example.com,sales_ops,Ops\n", "users.csv:3:1: user 'so-01' is listed twice")]
    [InlineData("id,name,email,role,team\nso-01,\"Ada,ada@example.com,sales_ops,Ops\n", "users.csv:2:7: unbalanced quotes")]
    public void MalformedUsersFile_IsAnError(string csv, string expected)
    {
        var errors = Errors(Minimal, csv);
        Assert.Contains(errors, e => e.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    [Trait("spec", "1.errors")]
    public void YamlSyntaxError_IsReportedWithPosition()
    {
        var e = Assert.Single(Errors("plan: [unclosed\ntimezone: x\n"));
        Assert.StartsWith("plan.yaml:", e.ToString(), StringComparison.Ordinal);
        Assert.Contains("YAML syntax", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("spec", "1.errors")]
    public void UnknownTimeZone_IsAnError()
    {
        var e = Assert.Single(Errors(Minimal.Replace("America/Los_Angeles", "Pacific/Nowhere", StringComparison.Ordinal)));
        Assert.Equal("plan.yaml:2:11: unknown time zone 'Pacific/Nowhere' (use an IANA name such as America/Los_Angeles)", e.ToString());
    }

    [Fact]
    [Trait("spec", "1")]
    public void ExamplePlan_EncodesTheSeedWhole()
    {
        var plan = TestPlans.Gtm;
        var pilot = plan.FindPhase("pilot")!;
        var sdr = plan.FindPhase("sdr")!;
        var full = plan.FindPhase("full")!;

        Assert.Equal(["sales_ops"], pilot.Cohort.Roles);
        Assert.Equal((5, 10), (pilot.Cohort.MinSize, pilot.Cohort.MaxSize));
        Assert.Equal(TimeSpan.FromDays(14), pilot.Duration);
        Assert.Equal(["lead_summary", "follow_up", "risk_analysis"], pilot.Tasks);
        Assert.Equal(0.20, pilot.GoNoGo.NoGoMargin);
        Assert.Equal("advance", pilot.GoNoGo.OnGo.Action);
        Assert.Equal("sdr", pilot.GoNoGo.OnGo.To);
        Assert.Equal(("extend", TimeSpan.FromDays(7)), (pilot.GoNoGo.OnNoGo.Action, pilot.GoNoGo.OnNoGo.By!.Value));
        Assert.Equal(
            [(MetricKind.TaskAccuracy, 0.80, Direction.Min), (MetricKind.UserSatisfaction, 3.8, Direction.Min), (MetricKind.ErrorRate, 0.03, Direction.Max), (MetricKind.CriticalIncidents, 0, Direction.Max)],
            pilot.Metrics.Select(m => (m.Metric, m.Target, m.Direction)));

        Assert.Equal(["sdr", "sales_ops"], sdr.Cohort.Roles);
        Assert.Equal(["lead_summary", "follow_up"], sdr.Tasks);
        Assert.Equal(TimeSpan.FromDays(21), sdr.Duration);
        Assert.Equal(0, sdr.GoNoGo.NoGoMargin);
        Assert.Equal((TimeSpan.FromDays(7), TimeSpan.FromDays(14)), (sdr.GoNoGo.OnNoGo.By!.Value, sdr.GoNoGo.OnNoGo.ByMax!.Value));
        Assert.Equal(["sdr"], sdr.Metrics.Single(m => m.Metric == MetricKind.WeeklyActiveUsers).Population);
        Assert.Equal(["sdr"], sdr.Metrics.Single(m => m.Metric == MetricKind.LeadResponseTimeImprovement).Population);
        Assert.Equal(0.60, sdr.Metrics.Single(m => m.Metric == MetricKind.WeeklyActiveUsers).Target);
        Assert.Equal(0.15, sdr.Metrics.Single(m => m.Metric == MetricKind.LeadResponseTimeImprovement).Target);

        Assert.True(full.Availability.IsAlways);
        Assert.Equal(6, full.Metrics.Count);
        Assert.Equal(TimeSpan.FromDays(14), full.Metrics.Single(m => m.Metric == MetricKind.CriticalIncidents).Window);
        Assert.Equal(2.0, full.Metrics.Single(m => m.Metric == MetricKind.TimeSaved).Target);
        Assert.NotNull(full.RateLimits.OffHoursPerUserPerHour);

        Assert.Equal(new BaselineWindow(new DateOnly(2026, 1, 5), new DateOnly(2026, 2, 2)), plan.Baseline);
        Assert.Equal(
            ["error-rate-sustained", "critical-incident", "satisfaction-low", "executive-directive", "metrics-missed", "incident-rate", "p0-bugs"],
            plan.Rollback.Triggers.Select(t => t.Id));
        Assert.Equal(4, plan.Rollback.Triggers.Count(t => t.Kind == TriggerKind.Rollback));
        Assert.Equal([null, null, null, TimeSpan.FromHours(24), TimeSpan.FromHours(48)], plan.Rollback.Playbook.Select(s => s.Due));
        Assert.Equal(8, plan.PreLaunch.Checklist.Count);
        Assert.Equal("exec", plan.PreLaunch.SignOffRole);
        Assert.Equal(500, plan.Experiments.MinRunsPerVariant);
        Assert.Equal(TimeSpan.FromDays(14), plan.Experiments.MinDuration);
        Assert.Equal(2.0, plan.Experiments.AutoDisableErrorRatio);
        Assert.Equal(["sales_ops", "sdr", "ae", "reviewer", "exec"], plan.Roles);
        Assert.Equal(TimeSpan.FromDays(90), plan.Retention.RunPayloads);
    }

    [Fact]
    public void ExamplePlan_AvailabilityWindows_AreTheSeeds()
    {
        var plan = TestPlans.Gtm;
        Assert.Equal("Mon–Fri 09:00–17:00", plan.FindPhase("pilot")!.Availability.Describe());
        Assert.Equal("Mon–Fri 08:00–20:00", plan.FindPhase("sdr")!.Availability.Describe());
        Assert.Equal("24/7", plan.FindPhase("full")!.Availability.Describe());
        Assert.Equal("Mon–Fri 08:00–20:00", plan.FindPhase("full")!.RateLimits.PeakHours!.Describe());
    }
}
