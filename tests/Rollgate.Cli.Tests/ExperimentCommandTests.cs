using System.Text;
using System.Text.Json.Nodes;

namespace Rollgate.Cli.Tests;

/// <summary>SPEC 6's <c>experiment assign</c> and <c>experiment report</c>: their JSON, and bad input.</summary>
public sealed class ExperimentCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    [Trait("spec", "6.experiment-assign")]
    public async Task Assign_Json_IsTheVariantAndTheBucket()
    {
        var r = await _cli.RunAsync("experiment", "assign", "--experiment", "prompt-v2", "--user", "sdr-01", "--json");

        Assert.Equal(0, r.Code);
        Assert.Equal(["bucket", "variant"], r.Json.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("treatment", (string)r.Json["variant"]!);
        Assert.Equal(0.7456, (double)r.Json["bucket"]!, 10);
        Assert.Equal("", r.Err);
    }

    [Fact]
    [Trait("spec", "6.experiment-assign")]
    public async Task Assign_ForPeople_SaysTheVariant()
    {
        var r = await _cli.RunAsync("experiment", "assign", "--experiment", "risk-thresholds", "--user", "so-03");

        Assert.Equal(0, r.Code);
        Assert.Contains("control", r.Out, StringComparison.Ordinal);
        Assert.Contains("0.4123", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("spec", "6")]
    [InlineData("experiment", "assign", "--user", "sdr-01")]
    [InlineData("experiment", "assign", "--experiment", " ", "--user", "sdr-01")]
    [InlineData("experiment", "report", "--plan", "PLAN", "--db", "DB")]
    public async Task MissingOrBlankOptions_Exit2_WithAMessage(params string[] args)
    {
        var r = await _cli.RunAsync([.. args.Select(a => a switch { "PLAN" => CliRunner.ExamplePlan, "DB" => _cli.PathOf("x.db"), _ => a })]);

        Assert.Equal(2, r.Code);
        Assert.Contains("--experiment", r.Err, StringComparison.Ordinal);
        Assert.Equal("", r.Out);
    }

    [Fact]
    [Trait("spec", "6.experiment-report")]
    public async Task Report_Json_HasThePinnedFields_AndCountsTheKeysRuns()
    {
        var db = await StoreAsync();

        var r = await _cli.RunAsync("experiment", "report", "--plan", CliRunner.ExamplePlan, "--db", db, "--experiment", "prompt-v2",
            "--at", "2026-04-21T09:00:00-07:00", "--json");

        Assert.Equal(0, r.Code);
        var json = r.Json;
        foreach (var key in new[] { "experiment", "status", "srm_p", "variants", "comparisons", "guardrails", "recommendation" })
        {
            Assert.True(json.ContainsKey(key), key);
        }

        Assert.Equal("prompt-v2", (string)json["experiment"]!);
        Assert.Equal("final", (string)json["status"]!);
        var variants = json["variants"]!.AsArray().Select(v => v!.AsObject()).ToList();
        Assert.Equal(["control", "treatment"], variants.Select(v => (string)v["variant"]!));
        foreach (var v in variants)
        {
            foreach (var key in new[] { "variant", "users", "runs", "error_rate", "task_accuracy", "user_satisfaction" })
            {
                Assert.True(v.ContainsKey(key), key);
            }

            Assert.Equal(600, (int)v["runs"]!);
            Assert.False((bool)v["disabled"]!);
            Assert.Equal(6, (int)v["users"]!);
        }

        Assert.Equal(0.05, (double)variants[0]["error_rate"]!, 12);
        Assert.Equal(0.1, (double)variants[1]["error_rate"]!, 12);
        Assert.Null(variants[0]["task_accuracy"]);
        var errorRate = json["comparisons"]!.AsArray().Select(c => c!.AsObject()).Single(c => (string)c["metric"]! == "error_rate");
        foreach (var key in new[] { "metric", "control", "treatment", "diff", "p_value", "ci_low", "ci_high" })
        {
            Assert.True(errorRate.ContainsKey(key), key);
        }

        Assert.Equal(0.05, (double)errorRate["diff"]!, 12);
        Assert.True((double)errorRate["p_value"]! < 0.01);
        Assert.Equal("keep_control", (string)json["recommendation"]!);
        Assert.Equal(4, json["guardrails"]!.AsArray().Count);

        var earlier = await _cli.RunAsync("experiment", "report", "--plan", CliRunner.ExamplePlan, "--db", db, "--experiment", "prompt-v2",
            "--at", "2026-04-10T09:00:00-07:00", "--json");
        Assert.Equal("running", (string)earlier.Json["status"]!);
        Assert.Equal("keep_running", (string)earlier.Json["recommendation"]!);
        Assert.True((bool)earlier.Json["comparisons"]![0]!["interim"]!);
    }

    [Fact]
    [Trait("spec", "6.experiment-report")]
    public async Task Report_ForPeople_ShowsTheTablesAndTheRecommendation()
    {
        var db = await StoreAsync();

        var r = await _cli.RunAsync("experiment", "report", "--plan", CliRunner.ExamplePlan, "--db", db, "--experiment", "prompt-v2", "--at", "2026-04-21T09:00:00-07:00");

        Assert.Equal(0, r.Code);
        Assert.Contains("final", r.Out, StringComparison.Ordinal);
        Assert.Contains("error_rate", r.Out, StringComparison.Ordinal);
        Assert.Contains("keep_control", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("spec", "6.experiment-report")]
    public async Task Report_ATreatmentFailingFiveTimesAsOften_IsDisabled()
    {
        var db = await StoreAsync(treatmentFailsOneIn: 4);

        var r = await _cli.RunAsync("experiment", "report", "--plan", CliRunner.ExamplePlan, "--db", db, "--experiment", "prompt-v2",
            "--at", "2026-04-10T09:00:00-07:00", "--json");

        Assert.Equal(0, r.Code);
        Assert.True((bool)r.Json["treatment_disabled"]!);
        Assert.Equal([false, true], r.Json["variants"]!.AsArray().Select(v => (bool)v!["disabled"]!));
        Assert.Equal("disable_treatment", (string)r.Json["recommendation"]!);
        Assert.False((bool)r.Json["guardrails"]!.AsArray().Single(g => (string)g!["guardrail"]! == "auto_disable")!["ok"]!);
    }

    /// <summary>
    /// Thirteen days of an experiment from 6 April 2026: 600 runs a variant by 6 people each, the control
    /// failing 1 in 20 and the treatment 1 in 10.
    /// </summary>
    private async Task<string> StoreAsync(int treatmentFailsOneIn = 10)
    {
        var start = new DateTimeOffset(2026, 4, 6, 9, 0, 0, TimeSpan.FromHours(-7));
        var lines = new StringBuilder();
        for (var i = 0; i < 1200; i++)
        {
            var variant = i % 2 == 0 ? "control" : "treatment";
            var k = i / 2;
            var error = variant == "control" ? k % 20 == 0 : k % treatmentFailsOneIn == 0;
            var ts = start.AddMinutes(i * 16);
            var run = new JsonObject
            {
                ["type"] = "run",
                ["ts"] = ts.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
                ["id"] = $"run-{i}",
                ["user"] = $"sdr-{(k % 6) + 1 + (variant == "control" ? 0 : 10):00}",
                ["task"] = "lead_summary",
                ["outcome"] = error ? "error" : "completed",
                ["experiment"] = "prompt-v2",
                ["variant"] = variant,
            };
            lines.AppendLine(run.ToJsonString());
        }

        var db = _cli.PathOf("experiment.db");
        var import = await _cli.RunAsync("events", "import", "--db", db, _cli.Write("experiment.jsonl", lines.ToString()), "--json");
        Assert.Equal(0, import.Code);
        return db;
    }
}
