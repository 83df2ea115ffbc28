using System.Text;
using Rollgate.Agents.Crm;

namespace Rollgate.Agents.Qa;

/// <summary>A reviewer's verdict on one sampled scenario.</summary>
public sealed record ReviewRow(string Id, string Task, bool ExpectedAbstain, string Outcome, string Output, string Verdict, string Notes, int Line);

/// <summary>
/// The manual review sheet as CSV (RFC 4180, outputs may span lines): one row a sampled scenario with the agent's
/// output; the reviewer fills <c>verdict</c> with <c>correct</c> or <c>incorrect</c> and may add notes.
/// </summary>
public static class ReviewSheet
{
    public const string Header = "id,task,expected,outcome,output,verdict,notes";

    public static string Write(IEnumerable<QaResult> results)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var r in results)
        {
            sb.Append(string.Join(',', new[] { r.Id, r.Task, r.ExpectedAbstain ? "abstain" : "answer", r.Outcome, r.Text, "", "" }.Select(Quote))).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Reads a filled sheet; every problem is reported as <c>FILE:LINE: message</c>.</summary>
    public static IReadOnlyList<ReviewRow> Read(string text, string file, List<string> errors)
    {
        var rows = new List<ReviewRow>();
        var records = CrmCsv.Parse(text, out var broken);
        if (broken is { } b)
        {
            errors.Add($"{file}:{b.Line}: {b.Message}");
            return rows;
        }

        if (records.Count == 0 || string.Join(',', records[0].Fields) != Header)
        {
            errors.Add($"{file}:1: the header must be '{Header}'");
            return rows;
        }

        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count != 7)
            {
                errors.Add($"{file}:{line}: expected 7 fields ({Header}), found {fields.Count}");
                continue;
            }

            var verdict = fields[5].Trim().ToLowerInvariant();
            if (verdict is not ("correct" or "incorrect"))
            {
                errors.Add($"{file}:{line}: scenario '{fields[0]}': verdict must be 'correct' or 'incorrect', not '{fields[5]}'");
                continue;
            }

            rows.Add(new ReviewRow(fields[0], fields[1], fields[2] == "abstain", fields[3], fields[4], verdict, fields[6].Trim(), (int)line));
        }

        return rows;
    }

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
