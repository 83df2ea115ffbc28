using Rollgate.Core.Access;
using Rollgate.Core.Events;
using Rollgate.Core.Metrics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Rollgate.Core.Plans;

/// <summary>
/// Turns plan YAML (and the users file it names) into a <see cref="RolloutPlan"/>, or refuses it with
/// every error found, each with its file, line and column.
/// </summary>
public static class PlanLoader
{
    /// <summary>Reads a plan file and the users file beside it.</summary>
    public static RolloutPlan LoadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidPlanException([new PlanError(path, 1, 1, "plan file not found")]);
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return Parse(File.ReadAllText(path), path, relative =>
        {
            var full = Path.Combine(dir, relative);
            return File.Exists(full) ? (Path.Combine(Path.GetDirectoryName(path) ?? "", relative), File.ReadAllText(full)) : null;
        });
    }

    /// <summary>
    /// Parses plan text. <paramref name="readUsers"/> resolves the users path the plan names to
    /// (display path, text), or null when there is no such file.
    /// </summary>
    public static RolloutPlan Parse(string yaml, string file, Func<string, (string Path, string Text)?> readUsers)
    {
        var r = new YamlReader(file);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            r.Error(ex.Start, "YAML syntax: " + ex.Message);
            throw new InvalidPlanException(r.Errors);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way when the text ends inside an open flow collection.
            var lines = yaml.TrimEnd().Split('\n');
            r.Errors.Add(new PlanError(file, lines.Length, lines[^1].Length + 1, "YAML syntax: the file ends inside an unclosed [ ... ] or { ... }"));
            throw new InvalidPlanException(r.Errors);
        }

        if (stream.Documents.Count == 0)
        {
            r.Error((YamlNode?)null, "the plan is empty");
            throw new InvalidPlanException(r.Errors);
        }

        var plan = ReadPlan(r, stream.Documents[0].RootNode, file, readUsers);
        if (r.Errors.Count > 0 || plan is null)
        {
            throw new InvalidPlanException([.. r.Errors.OrderBy(e => e.File == file ? 0 : 1).ThenBy(e => e.Line).ThenBy(e => e.Column)]);
        }

        return plan;
    }

    private static RolloutPlan? ReadPlan(YamlReader r, YamlNode root, string file, Func<string, (string Path, string Text)?> readUsers)
    {
        var m = r.AsMap(root, "the plan");
        if (m is null)
        {
            return null;
        }

        var name = r.AsString(m["plan"], "'plan' (its name)") ?? Path.GetFileNameWithoutExtension(file);
        var zone = ReadZone(r, m.Required("timezone", "the plan"));
        var tasks = ReadIdList(r, m.Required("tasks", "the plan"), "'tasks'");
        var roles = ReadIdList(r, m.Required("roles", "the plan"), "'roles'");
        var baseline = ReadBaseline(r, m["baseline"]);
        var minimums = ReadMinimumSamples(r, m["minimum_samples"]);
        var preLaunch = ReadPreLaunch(r, m["pre_launch"], roles);
        var phasesNode = m.Required("phases", "the plan");
        var phaseNodes = r.AsList(phasesNode, "'phases'");
        if (phasesNode is not null && phaseNodes.Count == 0)
        {
            r.Error(phasesNode, "'phases' must list at least one phase");
        }

        var phases = new List<Phase>();
        foreach (var node in phaseNodes)
        {
            if (ReadPhase(r, node, tasks, roles) is { } phase)
            {
                if (phases.Any(p => p.Id == phase.Id))
                {
                    r.Error(node, $"phase '{phase.Id}' is defined twice");
                }

                phases.Add(phase);
            }
        }

        CheckGateTargets(r, phaseNodes, phases);
        var rollback = ReadRollback(r, m.Required("rollback", "the plan"));
        var experiments = ReadExperiments(r, m["experiments"], phases);
        var retention = ReadRetention(r, m["retention"]);

        var usersNode = m.Required("users", "the plan");
        var users = ReadUsers(r, usersNode, readUsers, roles);
        m.Done("the plan");

        if (zone is null || users is null)
        {
            return null;
        }

        return new RolloutPlan(name, file, zone, users, tasks, roles, baseline ?? new BaselineWindow(default, default), minimums,
            preLaunch, phases, rollback, experiments, retention);
    }

    private static TimeZoneInfo? ReadZone(YamlReader r, YamlNode? node)
    {
        var id = r.AsString(node, "'timezone'");
        if (id is null)
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            r.Error(node, $"unknown time zone '{id}' (use an IANA name such as America/Los_Angeles)");
            return null;
        }
    }

    private static List<string> ReadIdList(YamlReader r, YamlNode? node, string what)
    {
        var ids = r.AsStrings(node, what);
        if (node is not null && ids.Count == 0)
        {
            r.Error(node, $"{what} must list at least one id");
        }

        return [.. ids.Distinct()];
    }

    private static BaselineWindow? ReadBaseline(YamlReader r, YamlNode? node)
    {
        var m = r.AsMap(node, "'baseline'");
        if (m is null)
        {
            return null;
        }

        var lr = r.AsMap(m.Required("lead_response", "'baseline'"), "'baseline.lead_response'");
        m.Done("'baseline'");
        if (lr is null)
        {
            return null;
        }

        var from = r.AsDate(lr.Required("from", "'baseline.lead_response'"), "'from'");
        var to = r.AsDate(lr.Required("to", "'baseline.lead_response'"), "'to'");
        lr.Done("'baseline.lead_response'");
        if (from is null || to is null)
        {
            return null;
        }

        if (to <= from)
        {
            r.Error(lr.Node, "the baseline window must end after it starts");
        }

        return new BaselineWindow(from.Value, to.Value);
    }

    private static Dictionary<MetricKind, int> ReadMinimumSamples(YamlReader r, YamlNode? node)
    {
        var result = new Dictionary<MetricKind, int>();
        var m = r.AsMap(node, "'minimum_samples'");
        if (m is null)
        {
            return result;
        }

        foreach (var (key, value) in m.Node.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            _ = m[name];
            if (!MetricCatalog.TryParse(name, out var metric))
            {
                r.Error(key, UnknownMetric(name));
                continue;
            }

            if (r.AsInt(value, $"the minimum sample of {name}") is { } n)
            {
                if (n < 0)
                {
                    r.Error(value, "a minimum sample cannot be negative");
                }

                result[metric] = n;
            }
        }

        return result;
    }

    private static string UnknownMetric(string name) =>
        $"unknown metric '{name}' (expected one of {string.Join(", ", MetricCatalog.All.Select(MetricCatalog.Name))})";

    private static PreLaunch ReadPreLaunch(YamlReader r, YamlNode? node, IReadOnlyList<string> roles)
    {
        var m = r.AsMap(node, "'pre_launch'");
        if (m is null)
        {
            return new PreLaunch(null, [], "", null);
        }

        var duration = r.AsDuration(m["duration"], "'pre_launch.duration'");
        var items = new List<ChecklistItem>();
        foreach (var itemNode in r.AsList(m["checklist"], "'pre_launch.checklist'"))
        {
            var im = r.AsMap(itemNode, "a checklist item");
            if (im is null)
            {
                continue;
            }

            var id = r.AsString(im.Required("id", "a checklist item"), "'id'");
            var text = r.AsString(im.Required("item", "a checklist item"), "'item'");
            var evidence = r.AsString(im["evidence"], "'evidence'");
            if (evidence is not null && evidence is not ("qa_pass_rate" or "manual_reviews" or "notification_test"))
            {
                r.Error(im["evidence"], $"unknown evidence '{evidence}' (expected qa_pass_rate, manual_reviews or notification_test)");
            }

            var threshold = r.AsNumber(im["threshold"], "'threshold'");
            var signOff = r.AsString(im["sign_off"], "'sign_off'");
            CheckRole(r, im["sign_off"], signOff, roles);
            im.Done("a checklist item");
            if (id is not null && text is not null)
            {
                items.Add(new ChecklistItem(id, text, evidence, threshold, signOff));
            }
        }

        var exit = r.AsString(m["exit_criteria"], "'exit_criteria'") ?? "";
        var sponsor = r.AsString(m["sign_off"], "'pre_launch.sign_off'");
        CheckRole(r, m["sign_off"], sponsor, roles);
        m.Done("'pre_launch'");
        return new PreLaunch(duration, items, exit, sponsor);
    }

    private static void CheckRole(YamlReader r, YamlNode? node, string? role, IReadOnlyList<string> roles)
    {
        if (role is not null && roles.Count > 0 && !roles.Contains(role))
        {
            r.Error(node, $"unknown role '{role}' (the plan's roles are {string.Join(", ", roles)})");
        }
    }

    private static Phase? ReadPhase(YamlReader r, YamlNode node, IReadOnlyList<string> tasks, IReadOnlyList<string> roles)
    {
        var m = r.AsMap(node, "a phase");
        if (m is null)
        {
            return null;
        }

        var id = r.AsString(m.Required("id", "a phase"), "a phase's 'id'");
        var where = $"phase '{id}'";
        var name = r.AsString(m["name"], "'name'") ?? id ?? "";
        var cohort = ReadCohort(r, m.Required("cohort", where), roles, where);
        var duration = r.AsDuration(m["duration"], $"the duration of {where}");
        var phaseTasks = r.AsStrings(m.Required("tasks", where), $"the tasks of {where}");
        foreach (var (t, i) in phaseTasks.Select((t, i) => (t, i)))
        {
            if (!tasks.Contains(t))
            {
                r.Error(r.AsList(m["tasks"], "").ElementAtOrDefault(i) ?? m.Node, $"unknown task '{t}' in {where} (the plan's tasks are {string.Join(", ", tasks)})");
            }
        }

        var availability = ReadAvailability(r, m.Required("availability", where), $"the availability of {where}") ?? Availability.Always;
        var limits = ReadRateLimits(r, m["rate_limits"], where);
        var metricsNode = m["metrics"];
        var metricNodes = r.AsList(metricsNode, $"the metrics of {where}");
        if (metricNodes.Count == 0)
        {
            r.Error(metricsNode ?? m.Node, $"{where} has no success metrics");
        }

        var metrics = new List<SuccessMetric>();
        foreach (var mn in metricNodes)
        {
            if (ReadMetric(r, mn, roles, where) is { } sm)
            {
                metrics.Add(sm);
            }
        }

        var gate = ReadGate(r, m["go_no_go"], where);
        var goals = r.AsStrings(m["goals"], "'goals'");
        var monitoring = r.AsStrings(m["monitoring"], "'monitoring'");
        m.Done(where);
        return id is null || cohort is null ? null : new Phase(id, name, cohort, duration, phaseTasks, availability, limits, metrics, gate, goals, monitoring);
    }

    private static Cohort? ReadCohort(YamlReader r, YamlNode? node, IReadOnlyList<string> roles, string where)
    {
        var m = r.AsMap(node, $"the cohort of {where}");
        if (m is null)
        {
            return null;
        }

        var rolesNode = m.Required("roles", $"the cohort of {where}");
        var cohortRoles = r.AsStrings(rolesNode, "'roles'");
        foreach (var role in cohortRoles)
        {
            CheckRole(r, rolesNode, role, roles);
        }

        int? min = null, max = null;
        if (r.AsMap(m["size"], "'size'") is { } size)
        {
            min = r.AsInt(size["min"], "'size.min'");
            max = r.AsInt(size["max"], "'size.max'");
            size.Done("'size'");
            if (min > max)
            {
                r.Error(size.Node, "'size.min' is larger than 'size.max'");
            }
        }

        var description = r.AsString(m["description"], "'description'");
        m.Done($"the cohort of {where}");
        return new Cohort(cohortRoles, min, max, description);
    }

    private static Availability? ReadAvailability(YamlReader r, YamlNode? node, string what)
    {
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: var s })
        {
            if (s is "always" or "24/7")
            {
                return Availability.Always;
            }

            r.Error(node, $"{what} must be 'always' or a mapping with days, from and to");
            return null;
        }

        var m = r.AsMap(node, what);
        if (m is null)
        {
            return null;
        }

        var days = ReadDays(r, m.Required("days", what));
        var open = r.AsTimeOfDay(m.Required("from", what), "'from'");
        var close = r.AsTimeOfDay(m.Required("to", what), "'to'");
        m.Done(what);
        if (days is null || open is null || close is null)
        {
            return null;
        }

        if (close != TimeOnly.MinValue && close <= open)
        {
            r.Error(m.Node, $"{what}: 'to' must be later than 'from' on the same day");
            return null;
        }

        return Availability.Window(days, open.Value, close.Value);
    }

    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    private static List<DayOfWeek>? ReadDays(YamlReader r, YamlNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var names = node is YamlScalarNode ? [r.AsString(node, "'days'") ?? ""] : r.AsStrings(node, "'days'");
        var days = new List<DayOfWeek>();
        foreach (var raw in names)
        {
            var part = raw.Trim().ToLowerInvariant();
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0)
            {
                var a = Array.IndexOf(DayNames, part[..dash]);
                var b = Array.IndexOf(DayNames, part[(dash + 1)..]);
                if (a < 0 || b < 0)
                {
                    r.Error(node, $"'{raw}' is not a range of days (write mon-fri)");
                    return null;
                }

                for (var i = a; ; i = (i + 1) % 7)
                {
                    days.Add((DayOfWeek)i);
                    if (i == b)
                    {
                        break;
                    }
                }
            }
            else if (part == "every day")
            {
                days.AddRange(Enum.GetValues<DayOfWeek>());
            }
            else
            {
                var i = Array.IndexOf(DayNames, part.Length >= 3 ? part[..3] : part);
                if (i < 0)
                {
                    r.Error(node, $"'{raw}' is not a day (write mon, tue, ... or a range such as mon-fri)");
                    return null;
                }

                days.Add((DayOfWeek)i);
            }
        }

        return days;
    }

    private static RateLimits ReadRateLimits(YamlReader r, YamlNode? node, string where)
    {
        var m = r.AsMap(node, $"the rate limits of {where}");
        if (m is null)
        {
            return RateLimits.None;
        }

        var perHour = r.AsInt(m["per_user_per_hour"], "'per_user_per_hour'");
        int? offHours = null;
        Availability? peak = null;
        if (r.AsMap(m["off_hours"], "'off_hours'") is { } off)
        {
            offHours = r.AsInt(off.Required("per_user_per_hour", "'off_hours'"), "'off_hours.per_user_per_hour'");
            peak = ReadAvailability(r, off.Required("outside", "'off_hours'"), "'off_hours.outside'");
            off.Done("'off_hours'");
        }

        if (perHour <= 0 || offHours <= 0)
        {
            r.Error(m.Node, "rate limits must be positive");
        }

        m.Done($"the rate limits of {where}");
        return new RateLimits(perHour, offHours, peak);
    }

    private static SuccessMetric? ReadMetric(YamlReader r, YamlNode node, IReadOnlyList<string> roles, string where)
    {
        var m = r.AsMap(node, "a success metric");
        if (m is null)
        {
            return null;
        }

        var nameNode = m.Required("metric", $"a success metric of {where}");
        var name = r.AsString(nameNode, "'metric'");
        MetricKind kind = default;
        var known = name is not null && MetricCatalog.TryParse(name, out kind);
        if (name is not null && !known)
        {
            r.Error(nameNode, UnknownMetric(name));
        }

        var hasMin = m.Has("min");
        var hasMax = m.Has("max");
        double? target = null;
        var direction = Direction.Min;
        if (hasMin == hasMax)
        {
            r.Error(m.Node, $"metric '{name}' of {where} needs exactly one target: 'min' (at least) or 'max' (at most)");
            _ = m["min"];
            _ = m["max"];
        }
        else if (hasMin)
        {
            target = r.AsNumber(m["min"], "'min'");
        }
        else
        {
            target = r.AsNumber(m["max"], "'max'");
            direction = Direction.Max;
        }

        if (target < 0)
        {
            r.Error(m.Node, $"the target of metric '{name}' cannot be negative");
        }

        var populationNode = m["population"];
        IReadOnlyList<string>? population = populationNode is null ? null : r.AsStrings(populationNode, "'population'");
        foreach (var role in population ?? [])
        {
            CheckRole(r, populationNode, role, roles);
        }

        var window = r.AsDuration(m["window"], "'window'");
        var label = r.AsString(m["label"], "'label'");
        m.Done($"metric '{name}' of {where}");
        return known && target is { } t ? new SuccessMetric(kind, t, direction, population, window, label) : null;
    }

    private static GoNoGo ReadGate(YamlReader r, YamlNode? node, string where)
    {
        var m = r.AsMap(node, $"the go/no-go of {where}");
        if (m is null)
        {
            return new GoNoGo(null, 0, new GateAction("advance", null, null, null, null), new GateAction("extend", null, null, null, null),
                DefaultHold, DefaultInsufficient);
        }

        var after = r.AsDuration(m["after"], "'after'");
        var margin = r.AsNumber(m["no_go_margin"], "'no_go_margin'") ?? 0;
        if (margin is < 0 or > 1)
        {
            r.Error(m["no_go_margin"], "'no_go_margin' must be between 0 and 1 (0.20 means missed by more than 20%)");
        }

        var onGo = ReadAction(r, m["on_go"], "'on_go'") ?? new GateAction("advance", null, null, null, null);
        var onNoGo = ReadAction(r, m["on_no_go"], "'on_no_go'") ?? new GateAction("extend", null, null, null, null);
        var onHold = ReadAction(r, m["on_hold"], "'on_hold'") ?? DefaultHold;
        var onInsufficient = ReadAction(r, m["on_insufficient_data"], "'on_insufficient_data'") ?? DefaultInsufficient;
        var sustain = r.AsDuration(m["sustain_for"], "'sustain_for'");
        if (sustain is { } s && s.Ticks % TimeSpan.FromDays(7).Ticks != 0)
        {
            r.Error(m["sustain_for"], "'sustain_for' must be whole weeks (it is judged at weekly checks)");
        }

        m.Done($"the go/no-go of {where}");
        return new GoNoGo(after, margin, onGo, onNoGo, onHold, onInsufficient, sustain);
    }

    private static readonly GateAction DefaultHold = new("stakeholders-decide", null, null, null, "missed within the margin: the stakeholders decide");

    private static readonly GateAction DefaultInsufficient = new("keep-collecting", null, null, null, "not enough data yet to judge");

    private static GateAction? ReadAction(YamlReader r, YamlNode? node, string what)
    {
        var m = r.AsMap(node, what);
        if (m is null)
        {
            return null;
        }

        var action = r.AsString(m.Required("action", what), "'action'");
        var to = r.AsString(m["to"], "'to'");
        var by = r.AsDuration(m["by"], "'by'");
        var byMax = r.AsDuration(m["by_max"], "'by_max'");
        var note = r.AsString(m["note"], "'note'");
        m.Done(what);
        return action is null ? null : new GateAction(action, to, by, byMax, note);
    }

    private static void CheckGateTargets(YamlReader r, IReadOnlyList<YamlNode> nodes, List<Phase> phases)
    {
        for (var i = 0; i < phases.Count && i < nodes.Count; i++)
        {
            var to = phases[i].GoNoGo.OnGo.To;
            if (to is not null && phases.All(p => p.Id != to))
            {
                r.Error(nodes[i], $"phase '{phases[i].Id}' advances to unknown phase '{to}'");
            }
        }
    }

    private static RollbackPolicy ReadRollback(YamlReader r, YamlNode? node)
    {
        var m = r.AsMap(node, "'rollback'");
        if (m is null)
        {
            return new RollbackPolicy([], []);
        }

        var triggers = new List<TriggerRule>();
        foreach (var tn in r.AsList(m.Required("triggers", "'rollback'"), "'rollback.triggers'"))
        {
            if (ReadTrigger(r, tn) is { } t)
            {
                if (triggers.Any(x => x.Id == t.Id))
                {
                    r.Error(tn, $"trigger '{t.Id}' is defined twice");
                }

                triggers.Add(t);
            }
        }

        var steps = new List<PlaybookStep>();
        foreach (var sn in r.AsList(m["playbook"], "'rollback.playbook'"))
        {
            var sm = r.AsMap(sn, "a playbook step");
            if (sm is null)
            {
                continue;
            }

            var step = r.AsString(sm.Required("step", "a playbook step"), "'step'");
            var text = r.AsString(sm["text"], "'text'") ?? step ?? "";
            var due = r.AsDuration(sm["due"], "'due'");
            var channels = r.AsStrings(sm["channels"], "'channels'");
            foreach (var c in channels.Where(c => c is not ("slack" or "email")))
            {
                r.Error(sm["channels"], $"unknown channel '{c}' (expected slack or email)");
            }

            sm.Done("a playbook step");
            if (step is not null)
            {
                steps.Add(new PlaybookStep(step, text, due, channels));
            }
        }

        m.Done("'rollback'");
        return new RollbackPolicy(triggers, steps);
    }

    private static TriggerRule? ReadTrigger(YamlReader r, YamlNode node)
    {
        var m = r.AsMap(node, "a trigger");
        if (m is null)
        {
            return null;
        }

        var id = r.AsString(m.Required("id", "a trigger"), "'id'");
        var where = $"trigger '{id}'";
        var kindText = r.AsString(m.Required("kind", where), "'kind'");
        var kind = TriggerKind.Rollback;
        if (kindText == "partial-rollback")
        {
            kind = TriggerKind.PartialRollback;
        }
        else if (kindText is not null and not "rollback")
        {
            r.Error(m["kind"], $"'kind' must be rollback or partial-rollback, not '{kindText}'");
        }

        var modeText = r.AsString(m["mode"], "'mode'") ?? "automatic";
        var mode = TriggerMode.Automatic;
        if (modeText == "propose")
        {
            mode = TriggerMode.Propose;
        }
        else if (modeText != "automatic")
        {
            r.Error(m["mode"], $"'mode' must be automatic or propose, not '{modeText}'");
        }

        var description = r.AsString(m["description"], "'description'");
        var ruleNode = m.Required("when", where);
        var rule = r.AsString(ruleNode, "'when'");
        TriggerRule? result = rule switch
        {
            "error_rate_sustained" => new ErrorRateSustainedRule(id ?? "", kind, mode, description,
                r.AsNumber(m.Required("threshold", where), "'threshold'") ?? 0,
                r.AsDuration(m.Required("window", where), "'window'") ?? TimeSpan.FromMinutes(15),
                r.AsDuration(m.Required("for", where), "'for'") ?? TimeSpan.FromHours(1),
                r.AsInt(m["min_runs"], "'min_runs'") ?? 10),
            "open_incident" => new OpenIncidentRule(id ?? "", kind, mode, description,
                ReadEnums<Severity>(r, m.Required("severity", where), "severity", WireNames.TryParse),
                ReadEnums<IncidentCategory>(r, m.Required("categories", where), "category", WireNames.TryParse)),
            "satisfaction_low" => new SatisfactionLowRule(id ?? "", kind, mode, description,
                r.AsNumber(m.Required("threshold", where), "'threshold'") ?? 0,
                r.AsInt(m.Required("days", where), "'days'") ?? 3),
            "directive" => new DirectiveRule(id ?? "", kind, mode, description),
            "metrics_missed" => new MetricsMissedRule(id ?? "", kind, mode, description,
                r.AsNumber(m.Required("margin", where), "'margin'") ?? 0,
                r.AsDuration(m.Required("window", where), "'window'") ?? TimeSpan.FromDays(7)),
            "incident_rate" => new IncidentRateRule(id ?? "", kind, mode, description,
                r.AsInt(m.Required("max", where), "'max'") ?? 0,
                r.AsDuration(m.Required("window", where), "'window'") ?? TimeSpan.FromDays(7)),
            "open_bugs" => new OpenBugsRule(id ?? "", kind, mode, description,
                ReadEnums<BugPriority>(r, m.Required("priority", where), "priority", WireNames.TryParse).FirstOrDefault(),
                r.AsInt(m.Required("max", where), "'max'") ?? 0),
            null => null,
            _ => Unknown(r, ruleNode, rule),
        };
        m.Done(where);
        return id is null ? null : result;

        static TriggerRule? Unknown(YamlReader r, YamlNode? node, string rule)
        {
            r.Error(node, $"unknown trigger rule '{rule}' (expected error_rate_sustained, open_incident, satisfaction_low, directive, metrics_missed, incident_rate or open_bugs)");
            return null;
        }
    }

    private delegate bool EnumParser<T>(string s, out T value);

    private static List<T> ReadEnums<T>(YamlReader r, YamlNode? node, string what, EnumParser<T> parse)
    {
        var names = node is YamlScalarNode ? [r.AsString(node, what) ?? ""] : r.AsStrings(node, what);
        var result = new List<T>();
        foreach (var n in names)
        {
            if (parse(n, out var v))
            {
                result.Add(v);
            }
            else
            {
                r.Error(node, $"unknown {what} '{n}'");
            }
        }

        return result;
    }

    private static ExperimentPolicy ReadExperiments(YamlReader r, YamlNode? node, IReadOnlyList<Phase> phases)
    {
        var defaults = new ExperimentPolicy([], 0.5, TimeSpan.FromDays(14), 500, 2.0, 100, 0.05, 0.001);
        var m = r.AsMap(node, "'experiments'");
        if (m is null)
        {
            return defaults;
        }

        var phaseIds = r.AsStrings(m["phases"], "'experiments.phases'");
        foreach (var p in phaseIds.Where(p => phases.All(x => x.Id != p)))
        {
            r.Error(m["phases"], $"unknown phase '{p}'");
        }

        var split = r.AsNumber(m["split"], "'split'") ?? defaults.Split;
        if (split != defaults.Split)
        {
            // Assignment is GrowthBook's hash with control below 0.5 (SPEC 5), so another split could not be honoured.
            r.Error(m["split"], $"'split' must be 0.5: people are split 50/50 between control and treatment, not {split.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        var g = r.AsMap(m["guardrails"], "'experiments.guardrails'");
        var result = defaults with { Phases = phaseIds, Split = split };
        if (g is not null)
        {
            result = result with
            {
                MinDuration = r.AsDuration(g["min_duration"], "'min_duration'") ?? defaults.MinDuration,
                MinRunsPerVariant = r.AsInt(g["min_runs_per_variant"], "'min_runs_per_variant'") ?? defaults.MinRunsPerVariant,
                SrmP = r.AsNumber(g["srm_p"], "'srm_p'") ?? defaults.SrmP,
            };
            if (r.AsMap(g["auto_disable"], "'auto_disable'") is { } a)
            {
                result = result with
                {
                    AutoDisableErrorRatio = r.AsNumber(a["error_rate_ratio"], "'error_rate_ratio'") ?? defaults.AutoDisableErrorRatio,
                    AutoDisableMinRuns = r.AsInt(a["min_runs_per_variant"], "'min_runs_per_variant'") ?? defaults.AutoDisableMinRuns,
                    AutoDisableP = r.AsNumber(a["p_value"], "'p_value'") ?? defaults.AutoDisableP,
                };
                a.Done("'auto_disable'");
            }

            g.Done("'experiments.guardrails'");
        }

        m.Done("'experiments'");
        return result;
    }

    private static RetentionPolicy ReadRetention(YamlReader r, YamlNode? node)
    {
        var m = r.AsMap(node, "'retention'");
        if (m is null)
        {
            return new RetentionPolicy(null);
        }

        var payloads = r.AsDuration(m["run_payloads"], "'retention.run_payloads'");
        m.Done("'retention'");
        return new RetentionPolicy(payloads);
    }

    private static UserDirectory? ReadUsers(YamlReader r, YamlNode? node, Func<string, (string Path, string Text)?> readUsers, IReadOnlyList<string> roles)
    {
        var path = r.AsString(node, "'users'");
        if (path is null)
        {
            return null;
        }

        var file = readUsers(path);
        if (file is null)
        {
            r.Error(node, $"users file '{path}' not found (it is named relative to the plan file)");
            return null;
        }

        var errors = new List<PlanError>();
        var users = UsersCsv.Parse(file.Value.Text, file.Value.Path, roles, errors);
        r.Errors.AddRange(errors);
        return users;
    }
}
