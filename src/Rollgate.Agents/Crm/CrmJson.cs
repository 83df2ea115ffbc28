using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rollgate.Core.Time;

namespace Rollgate.Agents.Crm;

/// <summary>
/// Reads CRM records from their JSON form (snake_case, SPEC 7): every field but the ids optional, unknown fields
/// allowed, and a field of the wrong type reported with its path rather than guessed at.
/// </summary>
public static class CrmJson
{
    public static AgentInput ReadInput(JsonElement e, List<string> errors, string path = "input")
    {
        var r = new Reader(errors);
        var asOf = r.Date(e, "as_of", path) ?? default;
        if (!e.TryGetProperty("as_of", out _))
        {
            errors.Add($"{path}: missing 'as_of' (the date the agent works on)");
        }

        return new AgentInput(
            asOf,
            Child(e, "lead") is { } lead ? ReadLead(lead, errors, path + ".lead") : null,
            Child(e, "account") is { } account ? ReadAccount(account, errors, path + ".account") : null,
            List(e, "contacts", errors, path).Select((c, i) => ReadContact(c, errors, $"{path}.contacts[{i}]")).ToList(),
            Child(e, "opportunity") is { } opp ? ReadOpportunity(opp, errors, path + ".opportunity") : null,
            List(e, "activities", errors, path).Select((a, i) => ReadActivity(a, errors, $"{path}.activities[{i}]")).ToList(),
            List(e, "competitors", errors, path).Select((c, i) => r.StringValue(c, $"{path}.competitors[{i}]") ?? "").Where(c => c.Length > 0).ToList());
    }

    public static Lead ReadLead(JsonElement e, List<string> errors, string path)
    {
        var r = new Reader(errors);
        return new Lead(
            r.Id(e, path),
            r.String(e, "name", path),
            r.String(e, "title", path),
            r.String(e, "company", path),
            r.String(e, "email", path),
            r.String(e, "phone", path),
            r.String(e, "source", path),
            r.String(e, "status", path),
            r.Date(e, "created", path),
            r.Bool(e, "do_not_contact", path) ?? false,
            r.String(e, "account_id", path));
    }

    public static Account ReadAccount(JsonElement e, List<string> errors, string path)
    {
        var r = new Reader(errors);
        return new Account(
            r.Id(e, path),
            r.String(e, "name", path),
            r.String(e, "industry", path),
            (int?)r.Number(e, "employees", path),
            r.String(e, "region", path),
            r.Number(e, "annual_revenue", path));
    }

    public static Contact ReadContact(JsonElement e, List<string> errors, string path)
    {
        var r = new Reader(errors);
        return new Contact(
            r.Id(e, path),
            r.String(e, "name", path),
            r.String(e, "title", path),
            r.String(e, "email", path),
            r.String(e, "phone", path),
            r.String(e, "role", path),
            r.Bool(e, "do_not_contact", path) ?? false,
            r.String(e, "account_id", path));
    }

    public static Opportunity ReadOpportunity(JsonElement e, List<string> errors, string path)
    {
        var r = new Reader(errors);
        var history = List(e, "close_date_history", errors, path).Select((d, i) => r.DateValue(d, $"{path}.close_date_history[{i}]")).OfType<DateOnly>().ToList();
        var contacts = List(e, "contacts", errors, path).Select((c, i) => r.StringValue(c, $"{path}.contacts[{i}]")).OfType<string>().ToList();
        return new Opportunity(
            r.Id(e, path),
            r.String(e, "name", path),
            r.String(e, "stage", path),
            r.Number(e, "amount", path),
            r.String(e, "currency", path),
            r.Date(e, "created", path),
            r.Date(e, "close_date", path),
            history,
            r.Date(e, "stage_entered", path),
            r.String(e, "next_step", path),
            contacts,
            r.String(e, "account_id", path));
    }

    public static Activity ReadActivity(JsonElement e, List<string> errors, string path)
    {
        var r = new Reader(errors);
        return new Activity(
            r.Id(e, path),
            r.String(e, "type", path),
            r.Time(e, "ts", path),
            r.String(e, "direction", path),
            r.String(e, "contact", path),
            r.String(e, "subject", path),
            r.String(e, "notes", path),
            r.Bool(e, "scheduled", path) ?? false,
            r.String(e, "lead", path),
            r.String(e, "opportunity", path));
    }

    /// <summary>Writes records back in the same snake_case form (nulls left out).</summary>
    public static JsonObject Write(AgentInput input)
    {
        var o = new JsonObject { ["as_of"] = Date(input.AsOf) };
        if (input.Lead is { } l)
        {
            o["lead"] = Write(l);
        }

        if (input.Account is { } a)
        {
            o["account"] = Write(a);
        }

        if (input.ContactList.Count > 0)
        {
            o["contacts"] = new JsonArray([.. input.ContactList.Select(c => (JsonNode)Write(c))]);
        }

        if (input.Opportunity is { } opp)
        {
            o["opportunity"] = Write(opp);
        }

        if (input.ActivityList.Count > 0)
        {
            o["activities"] = new JsonArray([.. input.ActivityList.Select(x => (JsonNode)Write(x))]);
        }

        if (input.CompetitorList.Count > 0)
        {
            o["competitors"] = new JsonArray([.. input.CompetitorList.Select(c => (JsonNode)c)]);
        }

        return o;
    }

    public static JsonObject Write(Lead l) => Compact(new JsonObject
    {
        ["id"] = l.Id, ["name"] = l.Name, ["title"] = l.Title, ["company"] = l.Company, ["email"] = l.Email, ["phone"] = l.Phone,
        ["source"] = l.Source, ["status"] = l.Status, ["created"] = l.Created is { } c ? Date(c) : null,
        ["do_not_contact"] = l.DoNotContact ? true : null, ["account_id"] = l.AccountId,
    });

    public static JsonObject Write(Account a) => Compact(new JsonObject
    {
        ["id"] = a.Id, ["name"] = a.Name, ["industry"] = a.Industry, ["employees"] = a.Employees, ["region"] = a.Region, ["annual_revenue"] = a.AnnualRevenue,
    });

    public static JsonObject Write(Contact c) => Compact(new JsonObject
    {
        ["id"] = c.Id, ["name"] = c.Name, ["title"] = c.Title, ["email"] = c.Email, ["phone"] = c.Phone, ["role"] = c.Role,
        ["do_not_contact"] = c.DoNotContact ? true : null, ["account_id"] = c.AccountId,
    });

    public static JsonObject Write(Opportunity o) => Compact(new JsonObject
    {
        ["id"] = o.Id, ["name"] = o.Name, ["stage"] = o.Stage, ["amount"] = o.Amount, ["currency"] = o.Currency,
        ["created"] = o.Created is { } c ? Date(c) : null, ["close_date"] = o.CloseDate is { } d ? Date(d) : null,
        ["close_date_history"] = o.History.Count > 0 ? new JsonArray([.. o.History.Select(h => (JsonNode)Date(h))]) : null,
        ["stage_entered"] = o.StageEntered is { } s ? Date(s) : null, ["next_step"] = o.NextStep,
        ["contacts"] = o.ContactIds.Count > 0 ? new JsonArray([.. o.ContactIds.Select(x => (JsonNode)x)]) : null,
        ["account_id"] = o.AccountId,
    });

    public static JsonObject Write(Activity a) => Compact(new JsonObject
    {
        ["id"] = a.Id, ["type"] = a.Type, ["ts"] = a.Ts is { } t ? Rfc3339.Format(t) : null, ["direction"] = a.Direction,
        ["contact"] = a.Contact, ["subject"] = a.Subject, ["notes"] = a.Notes, ["scheduled"] = a.Scheduled ? true : null,
        ["lead"] = a.Lead, ["opportunity"] = a.Opportunity,
    });

    /// <summary>
    /// Writes what <see cref="Write(AgentInput)"/> builds, in the same order and with the same members left out, straight
    /// to <paramref name="w"/>: for the hot paths that only want the text.
    /// </summary>
    public static void WriteTo(Utf8JsonWriter w, AgentInput input)
    {
        w.WriteStartObject();
        w.WriteString("as_of", Date(input.AsOf));
        if (input.Lead is { } l)
        {
            w.WriteStartObject("lead");
            Member(w, "id", l.Id);
            Member(w, "name", l.Name);
            Member(w, "title", l.Title);
            Member(w, "company", l.Company);
            Member(w, "email", l.Email);
            Member(w, "phone", l.Phone);
            Member(w, "source", l.Source);
            Member(w, "status", l.Status);
            Member(w, "created", l.Created);
            Member(w, "do_not_contact", l.DoNotContact);
            Member(w, "account_id", l.AccountId);
            w.WriteEndObject();
        }

        if (input.Account is { } a)
        {
            w.WriteStartObject("account");
            Member(w, "id", a.Id);
            Member(w, "name", a.Name);
            Member(w, "industry", a.Industry);
            if (a.Employees is { } employees)
            {
                w.WriteNumber("employees", employees);
            }

            Member(w, "region", a.Region);
            Member(w, "annual_revenue", a.AnnualRevenue);
            w.WriteEndObject();
        }

        if (input.ContactList.Count > 0)
        {
            w.WriteStartArray("contacts");
            foreach (var c in input.ContactList)
            {
                w.WriteStartObject();
                Member(w, "id", c.Id);
                Member(w, "name", c.Name);
                Member(w, "title", c.Title);
                Member(w, "email", c.Email);
                Member(w, "phone", c.Phone);
                Member(w, "role", c.Role);
                Member(w, "do_not_contact", c.DoNotContact);
                Member(w, "account_id", c.AccountId);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (input.Opportunity is { } o)
        {
            w.WriteStartObject("opportunity");
            Member(w, "id", o.Id);
            Member(w, "name", o.Name);
            Member(w, "stage", o.Stage);
            Member(w, "amount", o.Amount);
            Member(w, "currency", o.Currency);
            Member(w, "created", o.Created);
            Member(w, "close_date", o.CloseDate);
            if (o.History.Count > 0)
            {
                w.WriteStartArray("close_date_history");
                foreach (var h in o.History)
                {
                    w.WriteStringValue(Date(h));
                }

                w.WriteEndArray();
            }

            Member(w, "stage_entered", o.StageEntered);
            Member(w, "next_step", o.NextStep);
            if (o.ContactIds.Count > 0)
            {
                w.WriteStartArray("contacts");
                foreach (var id in o.ContactIds)
                {
                    w.WriteStringValue(id);
                }

                w.WriteEndArray();
            }

            Member(w, "account_id", o.AccountId);
            w.WriteEndObject();
        }

        if (input.ActivityList.Count > 0)
        {
            w.WriteStartArray("activities");
            foreach (var x in input.ActivityList)
            {
                w.WriteStartObject();
                Member(w, "id", x.Id);
                Member(w, "type", x.Type);
                if (x.Ts is { } t)
                {
                    w.WriteString("ts", Rfc3339.Format(t));
                }

                Member(w, "direction", x.Direction);
                Member(w, "contact", x.Contact);
                Member(w, "subject", x.Subject);
                Member(w, "notes", x.Notes);
                Member(w, "scheduled", x.Scheduled);
                Member(w, "lead", x.Lead);
                Member(w, "opportunity", x.Opportunity);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (input.CompetitorList.Count > 0)
        {
            w.WriteStartArray("competitors");
            foreach (var c in input.CompetitorList)
            {
                w.WriteStringValue(c);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void Member(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Member(Utf8JsonWriter w, string name, DateOnly? value)
    {
        if (value is { } d)
        {
            w.WriteString(name, Date(d));
        }
    }

    private static void Member(Utf8JsonWriter w, string name, decimal? value)
    {
        if (value is { } n)
        {
            w.WriteNumber(name, n);
        }
    }

    /// <summary>A flag is written only when set, as <see cref="Write(Lead)"/> leaves false out.</summary>
    private static void Member(Utf8JsonWriter w, string name, bool value)
    {
        if (value)
        {
            w.WriteBoolean(name, true);
        }
    }

    private static JsonObject Compact(JsonObject o)
    {
        foreach (var key in o.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            o.Remove(key);
        }

        return o;
    }

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static JsonElement? Child(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static IEnumerable<JsonElement> List(JsonElement e, string name, List<string> errors, string path)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{path}.{name}: must be a list");
            return [];
        }

        return v.EnumerateArray().ToList();
    }

    private readonly struct Reader(List<string> errors)
    {
        public string Id(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: must be an object");
                return "";
            }

            if (!e.TryGetProperty("id", out var v) || v.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
            {
                errors.Add($"{path}: missing 'id'");
                return "";
            }

            return v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
        }

        public string? String(JsonElement e, string name, string path) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? StringValue(v, $"{path}.{name}") : null;

        public string? StringValue(JsonElement v, string path)
        {
            switch (v.ValueKind)
            {
                case JsonValueKind.Null:
                    return null;
                case JsonValueKind.String:
                    return v.GetString();
                case JsonValueKind.Number:
                    return v.GetRawText();
                default:
                    errors.Add($"{path}: must be text");
                    return null;
            }
        }

        public decimal? Number(JsonElement e, string name, string path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d))
            {
                return d;
            }

            if (v.ValueKind == JsonValueKind.String && decimal.TryParse(v.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed))
            {
                return parsed;
            }

            errors.Add($"{path}.{name}: must be a number");
            return null;
        }

        public bool? Bool(JsonElement e, string name, string path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return v.GetBoolean();
            }

            errors.Add($"{path}.{name}: must be true or false");
            return null;
        }

        public DateOnly? Date(JsonElement e, string name, string path) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? DateValue(v, $"{path}.{name}") : null;

        /// <summary>A date, or the local date of a timestamp.</summary>
        public DateOnly? DateValue(JsonElement v, string path)
        {
            if (v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            var s = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                return d;
            }

            if (Rfc3339.TryParse(s, out var t))
            {
                return DateOnly.FromDateTime(t.DateTime);
            }

            errors.Add($"{path}: '{s ?? v.GetRawText()}' is not a date (YYYY-MM-DD)");
            return null;
        }

        /// <summary>A timestamp; a bare date means midnight UTC of that date.</summary>
        public DateTimeOffset? Time(JsonElement e, string name, string path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            var s = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (Rfc3339.TryParse(s, out var t))
            {
                return t;
            }

            if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                return new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            }

            errors.Add($"{path}.{name}: '{s ?? v.GetRawText()}' is not a timestamp (RFC 3339) or a date");
            return null;
        }
    }
}
