using System.Globalization;
using System.Text;
using System.Text.Json;
using Rollgate.Core.Text;
using Rollgate.Core.Time;

namespace Rollgate.Core.Events;

/// <summary>
/// The JSON Lines form of events (SPEC 2). Reading checks every field a type requires and keeps the
/// line itself, so that fields Rollgate does not know survive a round trip through the store.
/// </summary>
public static class EventJson
{
    /// <summary>Reads one line; on failure <paramref name="error"/> says everything wrong with it.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> utf8Line, out RolloutEvent? evt, out string? error)
    {
        evt = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8Line);
        }
        catch (JsonException ex)
        {
            error = "bad JSON: " + FirstSentence(ex.Message);
            return false;
        }

        using (doc)
        {
            return TryRead(doc.RootElement, out evt, out error);
        }
    }

    public static bool TryParse(string line, out RolloutEvent? evt, out string? error)
    {
        evt = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            error = "bad JSON: " + FirstSentence(ex.Message);
            return false;
        }

        using (doc)
        {
            return TryRead(doc.RootElement, out evt, out error);
        }
    }

    public static bool TryRead(JsonElement root, out RolloutEvent? evt, out string? error)
    {
        evt = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "an event must be a JSON object";
            return false;
        }

        var r = new FieldReader(root);
        var type = r.RequiredString("type");
        var ts = r.RequiredTime("ts");
        if (type is not null && !EventTypes.All.Contains(type))
        {
            error = $"unknown event type '{type}' (expected one of {string.Join(", ", EventTypes.All)})";
            return false;
        }

        if (type is null)
        {
            error = r.Error;
            return false;
        }

        evt = type switch
        {
            EventTypes.PhaseStarted => new PhaseStarted(ts, r.RequiredString("phase") ?? "", r.RequiredString("by") ?? "", r.OptionalString("reason")),
            EventTypes.Rollback => new Rollback(ts, r.RequiredString("trigger") ?? "", r.OptionalString("by"), r.OptionalString("reason")),
            EventTypes.Run => ReadRun(ts, ref r),
            EventTypes.Feedback => ReadFeedback(ts, ref r),
            EventTypes.Review => new Review(ts, r.RequiredString("run") ?? "", r.RequiredString("reviewer") ?? "", r.RequiredBool("correct"), r.OptionalString("notes")),
            EventTypes.Incident => new Incident(
                ts,
                r.RequiredString("id") ?? "",
                r.RequiredEnum<Severity>("severity", WireNames.TryParse, "critical, high, medium or low"),
                r.RequiredEnum<IncidentCategory>("category", WireNames.TryParse, "security, privacy, quality, availability or other"),
                r.OptionalString("title")),
            EventTypes.IncidentResolved => new IncidentResolved(ts, r.RequiredString("id") ?? ""),
            EventTypes.Bug => new Bug(ts, r.RequiredString("id") ?? "", r.RequiredEnum<BugPriority>("priority", WireNames.TryParse, "p0, p1, p2 or p3"), r.OptionalString("title")),
            EventTypes.BugResolved => new BugResolved(ts, r.RequiredString("id") ?? ""),
            EventTypes.LeadResponse => ReadLeadResponse(ts, ref r),
            _ => ReadDirective(ts, ref r),
        };

        error = r.Error;
        if (error is not null)
        {
            evt = null;
            return false;
        }

        return true;
    }

    private static Run ReadRun(DateTimeOffset ts, ref FieldReader r)
    {
        var id = r.RequiredString("id") ?? "";
        var user = r.RequiredString("user") ?? "";
        var task = r.RequiredString("task") ?? "";
        var outcome = r.RequiredEnum<RunOutcome>("outcome", WireNames.TryParse, "completed, abstained or error");
        var latency = r.OptionalNumber("latency_ms");
        if (latency < 0)
        {
            r.Fail("'latency_ms' must be ≥ 0");
        }

        var experiment = r.OptionalString("experiment");
        var variant = r.OptionalEnum<Variant>("variant", WireNames.TryParse, "control or treatment");
        var engine = r.OptionalString("engine");
        var model = r.OptionalString("model");
        var input = r.OptionalNumber("input_tokens");
        var output = r.OptionalNumber("output_tokens");
        if (input is { } i && (i < 0 || i % 1 != 0) || output is { } o && (o < 0 || o % 1 != 0))
        {
            r.Fail("'input_tokens' and 'output_tokens' must be whole numbers ≥ 0");
        }

        return new Run(ts, id, user, task, outcome, latency, experiment, variant, engine, model, (long?)input, (long?)output);
    }

    private static Feedback ReadFeedback(DateTimeOffset ts, ref FieldReader r)
    {
        var run = r.RequiredString("run") ?? "";
        var user = r.RequiredString("user") ?? "";
        var rating = r.RequiredInt("rating");
        if (r.Error is null && rating is < 1 or > 5)
        {
            r.Fail($"'rating' must be an integer from 1 to 5, not {rating}");
        }

        var minutes = r.OptionalNumber("minutes_saved");
        if (minutes < 0)
        {
            r.Fail("'minutes_saved' must be a number ≥ 0");
        }

        return new Feedback(ts, run, user, rating, minutes, r.OptionalString("comment"));
    }

    private static LeadResponse ReadLeadResponse(DateTimeOffset ts, ref FieldReader r)
    {
        var lead = r.RequiredString("lead") ?? "";
        var user = r.RequiredString("user") ?? "";
        var created = r.RequiredTime("created");
        var responded = r.RequiredTime("responded");
        if (r.Error is null && responded < created)
        {
            r.Fail("'responded' is before 'created'");
        }

        return new LeadResponse(ts, lead, user, created, responded);
    }

    private static Directive ReadDirective(DateTimeOffset ts, ref FieldReader r)
    {
        var by = r.RequiredString("by") ?? "";
        var action = r.RequiredString("action");
        if (action is not null && action != "rollback")
        {
            r.Fail($"'action' must be 'rollback', not '{action}'");
        }

        return new Directive(ts, by, action ?? "rollback", r.OptionalString("reason"));
    }

    /// <summary>Writes the event as one compact JSON object (no trailing newline).</summary>
    public static string Serialize(RolloutEvent evt) => Encoding.UTF8.GetString(SerializeToUtf8(evt));

    public static byte[] SerializeToUtf8(RolloutEvent evt)
    {
        // Serializing is on the path of every event an import or the server writes; only the line outlives the call.
        var buffer = ThreadBuffers.TakeUtf8();
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, evt);
        }

        var line = buffer.WrittenSpan.ToArray();
        ThreadBuffers.GiveBack(buffer);
        return line;
    }

    public static void Write(Utf8JsonWriter w, RolloutEvent evt)
    {
        w.WriteStartObject();
        w.WriteString("type", evt.Type);
        w.WriteString("ts", Rfc3339.Format(evt.Ts));
        switch (evt)
        {
            case PhaseStarted p:
                w.WriteString("phase", p.Phase);
                w.WriteString("by", p.By);
                WriteOptional(w, "reason", p.Reason);
                break;
            case Rollback rb:
                w.WriteString("trigger", rb.Trigger);
                WriteOptional(w, "by", rb.By);
                WriteOptional(w, "reason", rb.Reason);
                break;
            case Run run:
                w.WriteString("id", run.Id);
                w.WriteString("user", run.User);
                w.WriteString("task", run.Task);
                w.WriteString("outcome", WireNames.Of(run.Outcome));
                if (run.LatencyMs is { } latency)
                {
                    w.WriteNumber("latency_ms", latency);
                }

                WriteOptional(w, "experiment", run.Experiment);
                if (run.Variant is { } variant)
                {
                    w.WriteString("variant", WireNames.Of(variant));
                }

                WriteOptional(w, "engine", run.Engine);
                WriteOptional(w, "model", run.Model);
                if (run.InputTokens is { } input)
                {
                    w.WriteNumber("input_tokens", input);
                }

                if (run.OutputTokens is { } output)
                {
                    w.WriteNumber("output_tokens", output);
                }

                break;
            case Feedback f:
                w.WriteString("run", f.Run);
                w.WriteString("user", f.User);
                w.WriteNumber("rating", f.Rating);
                if (f.MinutesSaved is { } minutes)
                {
                    w.WriteNumber("minutes_saved", minutes);
                }

                WriteOptional(w, "comment", f.Comment);
                break;
            case Review rv:
                w.WriteString("run", rv.Run);
                w.WriteString("reviewer", rv.Reviewer);
                w.WriteBoolean("correct", rv.Correct);
                WriteOptional(w, "notes", rv.Notes);
                break;
            case Incident i:
                w.WriteString("id", i.Id);
                w.WriteString("severity", WireNames.Of(i.Severity));
                w.WriteString("category", WireNames.Of(i.Category));
                WriteOptional(w, "title", i.Title);
                break;
            case IncidentResolved ir:
                w.WriteString("id", ir.Id);
                break;
            case Bug b:
                w.WriteString("id", b.Id);
                w.WriteString("priority", WireNames.Of(b.Priority));
                WriteOptional(w, "title", b.Title);
                break;
            case BugResolved br:
                w.WriteString("id", br.Id);
                break;
            case LeadResponse lr:
                w.WriteString("lead", lr.Lead);
                w.WriteString("user", lr.User);
                w.WriteString("created", Rfc3339.Format(lr.Created));
                w.WriteString("responded", Rfc3339.Format(lr.Responded));
                break;
            case Directive d:
                w.WriteString("by", d.By);
                w.WriteString("action", d.Action);
                WriteOptional(w, "reason", d.Reason);
                break;
            default:
                throw new ArgumentException($"unknown event {evt.GetType().Name}", nameof(evt));
        }

        w.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    private delegate bool EnumParser<T>(string text, out T value);

    /// <summary>Reads members of one event object, gathering every problem into one message.</summary>
    private struct FieldReader(JsonElement obj)
    {
        private List<string>? _errors;

        public readonly string? Error => _errors is null ? null : string.Join("; ", _errors);

        public void Fail(string message) => (_errors ??= []).Add(message);

        public string? RequiredString(string name)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                Fail($"missing field '{name}'");
                return null;
            }

            if (v.ValueKind != JsonValueKind.String)
            {
                Fail($"'{name}' must be a string, not {Kind(v)}");
                return null;
            }

            var s = v.GetString()!;
            if (s.Length == 0)
            {
                Fail($"'{name}' must not be empty");
                return null;
            }

            return s;
        }

        public string? OptionalString(string name)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.String)
            {
                Fail($"'{name}' must be a string, not {Kind(v)}");
                return null;
            }

            return v.GetString();
        }

        public DateTimeOffset RequiredTime(string name)
        {
            var s = RequiredString(name);
            if (s is null)
            {
                return default;
            }

            if (!Rfc3339.TryParse(s, out var t))
            {
                Fail($"'{name}' must be an RFC 3339 timestamp with an offset, not '{s}'");
            }

            return t;
        }

        public bool RequiredBool(string name)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                Fail($"missing field '{name}'");
                return false;
            }

            if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Fail($"'{name}' must be true or false, not {Kind(v)}");
                return false;
            }

            return v.GetBoolean();
        }

        public int RequiredInt(string name)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                Fail($"missing field '{name}'");
                return 0;
            }

            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i))
            {
                Fail($"'{name}' must be an integer, not {Kind(v)}");
                return 0;
            }

            return i;
        }

        public double? OptionalNumber(string name)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.Number)
            {
                Fail($"'{name}' must be a number, not {Kind(v)}");
                return null;
            }

            return v.GetDouble();
        }

        public T RequiredEnum<T>(string name, EnumParser<T> parse, string expected) where T : struct
        {
            var s = RequiredString(name);
            if (s is null)
            {
                return default;
            }

            if (!parse(s, out var value))
            {
                Fail($"'{name}' must be {expected}, not '{s}'");
            }

            return value;
        }

        public T? OptionalEnum<T>(string name, EnumParser<T> parse, string expected) where T : struct
        {
            var s = OptionalString(name);
            if (s is null)
            {
                return null;
            }

            if (!parse(s, out var value))
            {
                Fail($"'{name}' must be {expected}, not '{s}'");
                return null;
            }

            return value;
        }

        private static string Kind(JsonElement v) => v.ValueKind switch
        {
            JsonValueKind.Number => "a number " + v.GetRawText(),
            JsonValueKind.String => "a string " + v.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            _ => "null",
        };
    }
}
