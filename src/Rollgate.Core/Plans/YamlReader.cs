using System.Globalization;
using Rollgate.Core.Time;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Rollgate.Core.Plans;

/// <summary>
/// Reads a YAML document node by node, remembering where each node stands so that every complaint
/// carries its line and column, and collecting complaints instead of stopping at the first.
/// </summary>
internal sealed class YamlReader(string file)
{
    public List<PlanError> Errors { get; } = [];

    public string File { get; } = file;

    public void Error(YamlNode? node, string message) =>
        Errors.Add(new PlanError(File, node is null ? 1 : (int)node.Start.Line, node is null ? 1 : (int)node.Start.Column, message));

    public void Error(Mark mark, string message) => Errors.Add(new PlanError(File, (int)mark.Line, (int)mark.Column, message));

    public Map? AsMap(YamlNode? node, string what)
    {
        if (node is null)
        {
            return null;
        }

        if (node is YamlMappingNode m)
        {
            return new Map(this, m);
        }

        Error(node, $"{what} must be a mapping of keys to values");
        return null;
    }

    public IReadOnlyList<YamlNode> AsList(YamlNode? node, string what)
    {
        if (node is null)
        {
            return [];
        }

        if (node is YamlSequenceNode s)
        {
            return [.. s.Children];
        }

        Error(node, $"{what} must be a list");
        return [];
    }

    public string? AsString(YamlNode? node, string what)
    {
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } v } && !(v.Length == 0 && node.Tag.IsEmpty && ((YamlScalarNode)node).Style == ScalarStyle.Plain))
        {
            return v;
        }

        Error(node, $"{what} must be a text value");
        return null;
    }

    public IReadOnlyList<string> AsStrings(YamlNode? node, string what)
    {
        var result = new List<string>();
        foreach (var item in AsList(node, what))
        {
            if (AsString(item, $"each item of {what}") is { } s)
            {
                result.Add(s);
            }
        }

        return result;
    }

    public double? AsNumber(YamlNode? node, string what)
    {
        var s = node is YamlScalarNode ? ((YamlScalarNode)node).Value : null;
        if (node is null)
        {
            return null;
        }

        var text = s?.Trim() ?? "";
        var percent = text.EndsWith('%');
        if (percent)
        {
            text = text[..^1];
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
        {
            return percent ? v / 100 : v;
        }

        Error(node, $"{what} must be a number, not '{s}'");
        return null;
    }

    public int? AsInt(YamlNode? node, string what)
    {
        if (node is null)
        {
            return null;
        }

        var s = (node as YamlScalarNode)?.Value;
        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        Error(node, $"{what} must be a whole number, not '{s}'");
        return null;
    }

    public bool? AsBool(YamlNode? node, string what)
    {
        if (node is null)
        {
            return null;
        }

        var s = (node as YamlScalarNode)?.Value;
        if (bool.TryParse(s, out var v))
        {
            return v;
        }

        Error(node, $"{what} must be true or false, not '{s}'");
        return null;
    }

    public TimeSpan? AsDuration(YamlNode? node, string what)
    {
        var s = AsString(node, what);
        if (s is null)
        {
            return null;
        }

        if (Durations.TryParse(s, out var d) && d > TimeSpan.Zero)
        {
            return d;
        }

        Error(node, $"{what} '{s}' is not a duration (write it like 15m, 1h, 14d or 2w)");
        return null;
    }

    public DateOnly? AsDate(YamlNode? node, string what)
    {
        var s = AsString(node, what);
        if (s is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }

        Error(node, $"{what} '{s}' is not a date (write it as YYYY-MM-DD)");
        return null;
    }

    public TimeOnly? AsTimeOfDay(YamlNode? node, string what)
    {
        var s = AsString(node, what);
        if (s is null)
        {
            return null;
        }

        if (s == "24:00")
        {
            return TimeOnly.MinValue;
        }

        if (TimeOnly.TryParseExact(s, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            return t;
        }

        Error(node, $"{what} '{s}' is not a time of day (write it as HH:MM, 24-hour)");
        return null;
    }

    /// <summary>A mapping whose keys are checked: reading marks a key as known, <see cref="Done"/> reports the rest.</summary>
    internal sealed class Map(YamlReader reader, YamlMappingNode node)
    {
        private readonly HashSet<string> _known = new(StringComparer.Ordinal);

        public YamlMappingNode Node => node;

        public YamlNode? this[string key]
        {
            get
            {
                _known.Add(key);
                return node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;
            }
        }

        public YamlNode? Required(string key, string where)
        {
            var v = this[key];
            if (v is null)
            {
                reader.Error(node, $"{where} is missing '{key}'");
            }

            return v;
        }

        public bool Has(string key) => node.Children.ContainsKey(new YamlScalarNode(key));

        public void Done(string where)
        {
            foreach (var key in node.Children.Keys)
            {
                var name = (key as YamlScalarNode)?.Value ?? "?";
                if (!_known.Contains(name))
                {
                    reader.Error(key, $"unknown key '{name}' in {where}");
                }
            }
        }
    }
}
