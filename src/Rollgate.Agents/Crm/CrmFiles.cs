using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rollgate.Agents.Crm;

/// <summary>A CRM folder that cannot be used: every problem, each as <c>FILE:LINE: message</c>.</summary>
public sealed class InvalidCrmException(IReadOnlyList<string> errors) : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// A CRM folder: <c>accounts</c>, <c>contacts</c>, <c>leads</c>, <c>opportunities</c> and <c>activities</c>, each
/// a <c>.json</c> file (an array of SPEC 7 records) or a <c>.csv</c> file (a header row of the same snake_case
/// names; list fields separated by <c>;</c>), and the competitors as <c>competitors.json</c> (an array of names) or
/// <c>competitors.txt</c> (one a line). A missing file means no records of that kind.
/// </summary>
public static class CrmFiles
{
    /// <summary>The files' names without extension, in <see cref="CrmKind"/> order.</summary>
    public static readonly IReadOnlyList<string> Names = ["accounts", "contacts", "leads", "opportunities", "activities"];

    public const string CompetitorsName = "competitors";

    private const int CompetitorsOrder = 5;

    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private static readonly JsonReaderOptions ReaderOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    // Phone numbers start with '+', and notes hold quotes and apostrophes: the default encoder would write them as
    // \u002B and \u0027, unreadable in a file people open. The files are data, never embedded in HTML.
    private static readonly JsonSerializerOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>CSV columns holding true/false, per kind; the rest are text that <see cref="CrmJson"/> reads as it would JSON strings.</summary>
    private static readonly string[][] CsvBooleans = [[], ["do_not_contact"], ["do_not_contact"], [], ["scheduled"]];

    /// <summary>CSV columns holding lists, per kind.</summary>
    private static readonly string[][] CsvLists = [[], [], [], ["close_date_history", "contacts"], []];

    /// <summary>Reads the folder, collecting every problem; throws <see cref="InvalidCrmException"/> with all of them.</summary>
    public static CrmData Read(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new InvalidCrmException([$"{directory}: no such folder"]);
        }

        var problems = new List<Problem>();
        var labels = new List<(string Label, long Line)>[Names.Count];
        var accounts = ReadKind(directory, CrmKind.Account, CrmJson.ReadAccount, a => a.Id, problems, out labels[0]);
        var contacts = ReadKind(directory, CrmKind.Contact, CrmJson.ReadContact, c => c.Id, problems, out labels[1]);
        var leads = ReadKind(directory, CrmKind.Lead, CrmJson.ReadLead, l => l.Id, problems, out labels[2]);
        var opportunities = ReadKind(directory, CrmKind.Opportunity, CrmJson.ReadOpportunity, o => o.Id, problems, out labels[3]);
        var activities = ReadKind(directory, CrmKind.Activity, CrmJson.ReadActivity, a => a.Id, problems, out labels[4]);
        var competitors = ReadCompetitors(directory, problems);

        if (accounts is null && contacts is null && leads is null && opportunities is null && activities is null)
        {
            problems.Add(new(-1, 0, $"{directory}: no CRM files ({string.Join(", ", Names)}; each .json or .csv)"));
        }

        var data = new CrmData(accounts ?? [], contacts ?? [], leads ?? [], opportunities ?? [], activities ?? [], competitors);
        foreach (var p in data.Check())
        {
            var (label, line) = labels[(int)p.Kind][p.Index];
            problems.Add(new((int)p.Kind, line, $"{label}: {p.Message}"));
        }

        if (problems.Count > 0)
        {
            throw new InvalidCrmException([.. problems.OrderBy(p => p.Order).ThenBy(p => p.Line).Select(p => p.Text)]);
        }

        return data;
    }

    /// <summary>The folder's files as <see cref="Write"/> writes them: name and whole text, one record a line.</summary>
    public static IReadOnlyList<(string Name, string Text)> Render(CrmData data) =>
    [
        ("accounts.json", JsonLines(data.Accounts.Select(CrmJson.Write))),
        ("contacts.json", JsonLines(data.Contacts.Select(CrmJson.Write))),
        ("leads.json", JsonLines(data.Leads.Select(CrmJson.Write))),
        ("opportunities.json", JsonLines(data.Opportunities.Select(CrmJson.Write))),
        ("activities.json", JsonLines(data.Activities.Select(CrmJson.Write))),
        ("competitors.json", JsonLines(data.Competitors.Select(c => (JsonNode)JsonValue.Create(c)))),
    ];

    /// <summary>Writes the records as JSON files into <paramref name="directory"/> (created when missing), each replaced whole.</summary>
    public static void Write(CrmData data, string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, text) in Render(data))
        {
            var path = Path.Combine(directory, name);
            var temp = path + ".partial";
            File.WriteAllText(temp, text, new UTF8Encoding(false));
            File.Move(temp, path, overwrite: true);
        }
    }

    /// <summary>A JSON array with one element a line, so that a diff shows the records that changed.</summary>
    private static string JsonLines(IEnumerable<JsonNode> items)
    {
        var sb = new StringBuilder("[");
        var first = true;
        foreach (var item in items)
        {
            sb.Append(first ? "\n  " : ",\n  ").Append(item.ToJsonString(WriteOptions));
            first = false;
        }

        return sb.Append(first ? "]\n" : "\n]\n").ToString();
    }

    private static List<T>? ReadKind<T>(
        string directory, CrmKind kind, Func<JsonElement, List<string>, string, T> read, Func<T, string> id, List<Problem> problems, out List<(string Label, long Line)> labels)
    {
        labels = [];
        var order = (int)kind;
        var name = Names[order];
        if (Source(directory, name, ".json", ".csv", order, problems) is not { } path)
        {
            return null;
        }

        var records = new List<T>();
        var isCsv = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        var elements = isCsv ? CsvRecords(path, kind, problems) : JsonRecords(path, order, problems);
        for (var i = 0; i < elements.Count; i++)
        {
            var (element, line) = elements[i];
            var errors = new List<string>();

            // An empty path makes CrmJson's messages start at the field (".created: ..."), after the record's label.
            var record = read(element, errors, "");
            var recordId = id(record);
            var label = isCsv ? $"{path}:{line}" : $"{path}:{line}: record {i + 1}{(recordId.Length > 0 ? $" (id {recordId})" : "")}";
            problems.AddRange(errors.Select(e => new Problem(order, line, $"{label}: {FieldMessage(e)}")));

            // A record without an id can be neither stored nor linked to; its problem is reported above.
            if (recordId.Length > 0)
            {
                records.Add(record);
                labels.Add((label, line));
            }
        }

        return records;
    }

    /// <summary>The one file of a kind: null when there is none, or (a problem) when there are both forms.</summary>
    private static string? Source(string directory, string name, string extension, string other, int order, List<Problem> problems)
    {
        var path = Path.Combine(directory, name + extension);
        var otherPath = Path.Combine(directory, name + other);
        if (File.Exists(path) && File.Exists(otherPath))
        {
            problems.Add(new(order, 0, $"{directory}: both {name}{extension} and {name}{other}; keep one"));
            return null;
        }

        return File.Exists(path) ? path : File.Exists(otherPath) ? otherPath : null;
    }

    private static string FieldMessage(string message) => message.StartsWith(": ", StringComparison.Ordinal) ? message[2..] : message.TrimStart('.');

    private static List<(JsonElement Element, long Line)> JsonRecords(string path, int order, List<Problem> problems)
    {
        var bytes = File.ReadAllBytes(path);
        var utf8 = bytes.AsMemory();
        if (utf8.Span.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var message = ex.Message.IndexOf(" LineNumber:", StringComparison.Ordinal) is > 0 and var cut ? ex.Message[..cut] : ex.Message;
            problems.Add(new(order, line, $"{path}:{line}: not valid JSON: {message}"));
            return [];
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                problems.Add(new(order, 1, $"{path}:1: must be a JSON array"));
                return [];
            }

            var lines = ElementLines(utf8.Span);
            return [.. doc.RootElement.EnumerateArray().Select((e, i) => (e.Clone(), i < lines.Count ? lines[i] : 0L))];
        }
    }

    /// <summary>The line each element of the top-level array starts on: JsonDocument keeps no positions, the reader does.</summary>
    private static List<long> ElementLines(ReadOnlySpan<byte> utf8)
    {
        var lines = new List<long>();
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        long line = 1;
        var scanned = 0;
        while (reader.Read())
        {
            if (reader.CurrentDepth != 1 || reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                continue;
            }

            var start = (int)reader.TokenStartIndex;
            line += utf8[scanned..start].Count((byte)'\n');
            scanned = start;
            lines.Add(line);
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return lines;
    }

    /// <summary>
    /// Each CSV row as the JSON object it stands for, so that both forms are read (and their problems worded) by
    /// <see cref="CrmJson"/> alike: empty cells are absent fields, list cells are split at ';', and yes/no cells are
    /// booleans (anything else is left as text, for CrmJson to report).
    /// </summary>
    private static List<(JsonElement Element, long Line)> CsvRecords(string path, CrmKind kind, List<Problem> problems)
    {
        var order = (int)kind;
        var rows = CrmCsv.Parse(File.ReadAllText(path), out var error);
        if (error is { } e)
        {
            problems.Add(new(order, e.Line, $"{path}:{e.Line}: {e.Message}"));
        }

        if (rows.Count == 0)
        {
            return [];
        }

        var header = rows[0].Fields.Select(h => h.Trim()).ToList();
        var headerOk = true;
        foreach (var dup in header.Where(h => h.Length > 0).GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add(new(order, rows[0].Line, $"{path}:{rows[0].Line}: column '{dup.Key}' appears more than once"));
            headerOk = false;
        }

        if (!header.Contains("id"))
        {
            problems.Add(new(order, rows[0].Line, $"{path}:{rows[0].Line}: the header has no 'id' column"));
            headerOk = false;
        }

        if (!headerOk)
        {
            return [];
        }

        var result = new List<(JsonElement, long)>();
        foreach (var row in rows.Skip(1))
        {
            if (row.Fields.Count != header.Count)
            {
                problems.Add(new(order, row.Line, $"{path}:{row.Line}: {row.Fields.Count} fields, but the header has {header.Count}"));
                continue;
            }

            var o = new JsonObject();
            for (var c = 0; c < header.Count; c++)
            {
                var value = row.Fields[c].Trim();
                if (value.Length == 0 || header[c].Length == 0)
                {
                    continue;
                }

                o[header[c]] = CsvLists[order].Contains(header[c])
                    ? new JsonArray([.. value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => (JsonNode)JsonValue.Create(v))])
                    : CsvBooleans[order].Contains(header[c]) && Boolean(value) is { } b ? JsonValue.Create(b) : JsonValue.Create(value);
            }

            result.Add((JsonSerializer.SerializeToElement(o), row.Line));
        }

        return result;
    }

    private static bool? Boolean(string value) => value.ToUpperInvariant() switch
    {
        "TRUE" or "YES" or "Y" or "1" => true,
        "FALSE" or "NO" or "N" or "0" => false,
        _ => null,
    };

    private static List<string> ReadCompetitors(string directory, List<Problem> problems)
    {
        var names = new List<string>();
        if (Source(directory, CompetitorsName, ".json", ".txt", CompetitorsOrder, problems) is not { } path)
        {
            return names;
        }

        if (path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            names.AddRange(File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')));
        }
        else
        {
            foreach (var (element, line) in JsonRecords(path, CompetitorsOrder, problems))
            {
                if (element.ValueKind == JsonValueKind.String)
                {
                    names.Add(element.GetString()!.Trim());
                }
                else
                {
                    problems.Add(new(CompetitorsOrder, line, $"{path}:{line}: a competitor must be a name (text)"));
                }
            }
        }

        return [.. names.Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>A problem with where it sorts: by file (kind order; -1 for the folder), then line.</summary>
    private readonly record struct Problem(int Order, long Line, string Text);
}
