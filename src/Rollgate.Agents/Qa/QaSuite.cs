using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rollgate.Agents.Agents;
using Rollgate.Agents.Crm;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Rollgate.Agents.Qa;

/// <summary>What a right answer must show (SPEC 7).</summary>
public sealed record QaExpectation(
    bool Abstain,
    string? Reason,
    IReadOnlyList<string> Mentions,
    IReadOnlyList<string> NotMentions,
    string? RiskLevel,
    IReadOnlyList<string>? RiskFactors);

public sealed record QaScenario(string Id, string Task, AgentInput Input, QaExpectation Expect, int Line);

/// <summary>A QA suite: a YAML list of scenarios, each a task, its CRM input and what a right answer shows.</summary>
public sealed record QaSuite(string Path, IReadOnlyList<QaScenario> Scenarios)
{
    /// <summary>Reads a suite; every problem is reported as <c>FILE:LINE:COLUMN: message</c> and the suite refused.</summary>
    public static QaSuite Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new QaSuiteException([$"{path}: no such file"]);
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static QaSuite Parse(string yaml, string path)
    {
        var errors = new List<string>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new QaSuiteException([$"{path}:{ex.Start.Line}:{ex.Start.Column}: YAML syntax: {ex.Message}"]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlSequenceNode list)
        {
            throw new QaSuiteException([$"{path}:1:1: a QA suite is a YAML list of scenarios"]);
        }

        var scenarios = new List<QaScenario>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in list.Children)
        {
            var where = $"{path}:{node.Start.Line}:{node.Start.Column}";
            if (node is not YamlMappingNode m)
            {
                errors.Add($"{where}: a scenario must be a mapping with id, task, input and expect");
                continue;
            }

            var id = Scalar(m, "id");
            var task = Scalar(m, "task");
            if (id is null)
            {
                errors.Add($"{where}: a scenario needs an 'id'");
                continue;
            }

            if (!ids.Add(id))
            {
                errors.Add($"{where}: scenario '{id}' is defined twice");
            }

            if (task is null || !AgentTasks.All.Contains(task))
            {
                errors.Add($"{where}: scenario '{id}': 'task' must be one of {string.Join(", ", AgentTasks.All)}, not '{task}'");
                continue;
            }

            foreach (var key in m.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value).Where(k => k is not ("id" or "task" or "input" or "expect" or "description")))
            {
                errors.Add($"{where}: scenario '{id}': unknown key '{key}'");
            }

            var inputErrors = new List<string>();
            var input = Child(m, "input") is { } inputNode
                ? CrmJson.ReadInput(JsonDocument.Parse(ToJson(inputNode)?.ToJsonString() ?? "null").RootElement, inputErrors, "input")
                : null;
            if (input is null)
            {
                errors.Add($"{where}: scenario '{id}' has no 'input'");
                continue;
            }

            errors.AddRange(inputErrors.Select(e => $"{where}: scenario '{id}': {e}"));
            var expect = ReadExpect(Child(m, "expect") as YamlMappingNode, $"{where}: scenario '{id}'", errors);
            scenarios.Add(new QaScenario(id, task, input, expect, (int)node.Start.Line));
        }

        if (errors.Count > 0)
        {
            throw new QaSuiteException(errors);
        }

        return new QaSuite(path, scenarios);
    }

    private static QaExpectation ReadExpect(YamlMappingNode? m, string where, List<string> errors)
    {
        if (m is null)
        {
            errors.Add($"{where}: needs 'expect'");
            return new QaExpectation(false, null, [], [], null, null);
        }

        foreach (var key in m.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value)
                     .Where(k => k is not ("abstain" or "reason" or "mentions" or "not_mentions" or "risk_level" or "risk_factors")))
        {
            errors.Add($"{where}: unknown key 'expect.{key}'");
        }

        var abstainText = Scalar(m, "abstain");
        var abstain = false;
        if (abstainText is not null && !bool.TryParse(abstainText, out abstain))
        {
            errors.Add($"{where}: 'expect.abstain' must be true or false");
        }

        var level = Scalar(m, "risk_level");
        if (level is not null and not ("low" or "medium" or "high"))
        {
            errors.Add($"{where}: 'expect.risk_level' must be low, medium or high");
        }

        IReadOnlyList<string>? factors = Child(m, "risk_factors") is { } f ? Strings(f) : null;
        foreach (var unknown in factors?.Where(x => !Agents.RiskAnalysis.RiskFactors.All.Contains(x)) ?? [])
        {
            errors.Add($"{where}: unknown risk factor '{unknown}' (expected one of {string.Join(", ", Agents.RiskAnalysis.RiskFactors.All)})");
        }

        return new QaExpectation(abstain, Scalar(m, "reason"), Strings(Child(m, "mentions")), Strings(Child(m, "not_mentions")), level, factors);
    }

    private static YamlNode? Child(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string? Scalar(YamlMappingNode m, string key) => (Child(m, key) as YamlScalarNode)?.Value;

    private static IReadOnlyList<string> Strings(YamlNode? node) => node switch
    {
        YamlSequenceNode s => [.. s.Children.OfType<YamlScalarNode>().Select(c => c.Value ?? "")],
        YamlScalarNode { Value: { } v } => [v],
        _ => [],
    };

    /// <summary>YAML to JSON: plain scalars that read as booleans, nulls or numbers become those; the rest text.</summary>
    internal static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? "", ToJson(p.Value)))),
        YamlSequenceNode s => new JsonArray([.. s.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: var v } => v switch
        {
            null or "~" or "null" or "" => null,
            "true" or "True" => JsonValue.Create(true),
            "false" or "False" => JsonValue.Create(false),
            _ when decimal.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !v.Contains('-', StringComparison.Ordinal) => JsonValue.Create(d),
            _ => JsonValue.Create(v),
        },
        YamlScalarNode sc => JsonValue.Create(sc.Value),
        _ => null,
    };
}

public sealed class QaSuiteException(IReadOnlyList<string> errors) : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
