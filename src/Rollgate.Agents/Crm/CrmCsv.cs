using System.Text;

namespace Rollgate.Agents.Crm;

/// <summary>
/// RFC 4180 CSV as spreadsheets and CRMs export it: comma separated, fields quoted with <c>"</c> when they hold commas,
/// quotes or line breaks. Each row carries the line it starts on, so that a problem can point at it.
/// </summary>
internal static class CrmCsv
{
    public readonly record struct Row(long Line, IReadOnlyList<string> Fields);

    /// <summary>The rows of <paramref name="text"/>, blank lines left out; <paramref name="error"/> is set by an unclosed quote.</summary>
    public static List<Row> Parse(string text, out (long Line, string Message)? error)
    {
        error = null;
        var rows = new List<Row>();
        var fields = new List<string>();
        var field = new StringBuilder();
        long line = 1, rowLine = 1;
        var quoted = false;
        var quoteLine = 0L;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;

        void EndRow()
        {
            fields.Add(field.ToString());
            field.Clear();
            if (fields.Count > 1 || fields[0].Length > 0)
            {
                rows.Add(new Row(rowLine, fields));
            }

            fields = [];
        }

        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    quoteLine = line;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRow();
                    line++;
                    rowLine = line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }

        if (quoted)
        {
            error = (quoteLine, "a quoted field is never closed");
            return rows;
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            EndRow();
        }

        return rows;
    }
}
