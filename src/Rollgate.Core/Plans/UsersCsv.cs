using System.Text;
using Rollgate.Core.Access;

namespace Rollgate.Core.Plans;

/// <summary>users.csv: the header <c>id,name,email,role,team</c>, one person a row (RFC 4180 quoting).</summary>
public static class UsersCsv
{
    public const string Header = "id,name,email,role,team";

    public static UserDirectory? Parse(string text, string file, IReadOnlyList<string> roles, List<PlanError> errors)
    {
        var users = new List<User>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var start = errors.Count;
        if (lines.Length == 0 || lines[0].Trim().TrimStart('\uFEFF') != Header)
        {
            errors.Add(new PlanError(file, 1, 1, $"the header must be '{Header}'"));
            return null;
        }

        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var lineNo = i + 1;
            if (!TrySplit(line, out var fields, out var column))
            {
                errors.Add(new PlanError(file, lineNo, column, "unbalanced quotes"));
                continue;
            }

            if (fields.Count != 5)
            {
                errors.Add(new PlanError(file, lineNo, 1, $"expected 5 fields (id,name,email,role,team), found {fields.Count}"));
                continue;
            }

            var (id, name, email, role, team) = (fields[0].Trim(), fields[1].Trim(), fields[2].Trim(), fields[3].Trim(), fields[4].Trim());
            if (id.Length == 0)
            {
                errors.Add(new PlanError(file, lineNo, 1, "the id is empty"));
                continue;
            }

            if (seen.TryGetValue(id, out var first))
            {
                errors.Add(new PlanError(file, lineNo, 1, $"user '{id}' is listed twice (first on line {first})"));
                continue;
            }

            if (email.Length > 0 && !email.Contains('@', StringComparison.Ordinal))
            {
                errors.Add(new PlanError(file, lineNo, ColumnOf(line, 2), $"'{email}' is not an email address"));
            }

            if (!roles.Contains(role))
            {
                errors.Add(new PlanError(file, lineNo, ColumnOf(line, 3), $"unknown role '{role}' (the plan's roles are {string.Join(", ", roles)})"));
                continue;
            }

            seen[id] = lineNo;
            users.Add(new User(id, name, email, role, team));
        }

        if (users.Count == 0 && errors.Count == start)
        {
            errors.Add(new PlanError(file, 1, 1, "the users file lists nobody"));
        }

        return errors.Count == start ? new UserDirectory(users) : null;
    }

    private static int ColumnOf(string line, int field)
    {
        var col = 1;
        for (var i = 0; i < line.Length && field > 0; i++)
        {
            if (line[i] == ',')
            {
                field--;
                col = i + 2;
            }
        }

        return col;
    }

    internal static bool TrySplit(string line, out List<string> fields, out int errorColumn)
    {
        fields = [];
        errorColumn = 0;
        var sb = new StringBuilder();
        var quoted = false;
        var quoteStart = 0;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        sb.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
                quoteStart = i + 1;
            }
            else if (c == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }

        if (quoted)
        {
            errorColumn = quoteStart;
            return false;
        }

        fields.Add(sb.ToString());
        return true;
    }
}
