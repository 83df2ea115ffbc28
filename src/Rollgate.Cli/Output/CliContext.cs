using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rollgate.Core.Plans;
using Rollgate.Core.Reports;
using Rollgate.Core.Time;
using Rollgate.Storage;
using Rollgate.Storage.Sqlite;
using Spectre.Console;

namespace Rollgate.Cli.Output;

/// <summary>Bad input or usage: printed on stderr, exit status 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>What every command shares: its output streams, the clock, and the checks of common inputs.</summary>
public sealed class CliContext(TextWriter stdout, TextWriter stderr, TimeProvider clock, bool interactive = false)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    public TimeProvider Clock { get; } = clock;

    /// <summary>Whether stderr is a terminal, so that progress may be drawn there.</summary>
    public bool Interactive { get; } = interactive;

    public IAnsiConsole Console { get; } = CreateConsole(stdout, interactive);

    private static IAnsiConsole CreateConsole(TextWriter stdout, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!interactive)
        {
            // Output to a file or a pipe keeps table rows on one line where it can.
            console.Profile.Width = 200;
        }

        return console;
    }

    public RolloutPlan LoadPlan(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UsageException("--plan is required: the rollout plan YAML file");
        }

        return PlanLoader.LoadFile(path);
    }

    /// <summary>Opens an existing store; <paramref name="create"/> allows a new file.</summary>
    public IEventStore OpenStore(string? path, bool create = false) =>
        SqliteEventStore.Open(StorePath(path, create ? null : "no event store there (create one with 'rollgate events import' or 'rollgate simulate')"));

    /// <summary>The path of a store that must already exist.</summary>
    public string ExistingStorePath(string? path) => StorePath(path, "no store there");

    /// <summary>The QA evidence in a store (created when missing).</summary>
    public SqliteQaStore OpenQaStore(string? path) => SqliteQaStore.Open(StorePath(path, null));

    /// <summary>
    /// The <c>--db</c> path, which is required; when <paramref name="missing"/> is given the file must exist, and that
    /// is what is said when it does not.
    /// </summary>
    public static string StorePath(string? path, string? missing)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UsageException("--db is required: the store (an SQLite file)");
        }

        return missing is not null && !File.Exists(path) ? throw new UsageException($"{path}: {missing}") : path;
    }

    /// <summary>A <c>YYYY-MM-DD</c> date given to <paramref name="option"/>.</summary>
    public static DateOnly Date(string option, string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new UsageException($"{option}: '{text}' is not a date (write it as YYYY-MM-DD)");

    /// <summary>The <c>--at</c> instant: RFC 3339 with an offset, or now.</summary>
    public DateTimeOffset At(string? text)
    {
        if (text is null)
        {
            return Clock.GetUtcNow();
        }

        if (!Rfc3339.TryParse(text, out var at))
        {
            throw new UsageException($"--at: '{text}' is not an RFC 3339 timestamp with an offset (e.g. 2026-02-16T09:00:00-08:00)");
        }

        return at;
    }

    public static Phase Phase(RolloutPlan plan, string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new UsageException($"--phase is required: one of {string.Join(", ", plan.Phases.Select(p => p.Id))}");
        }

        return plan.FindPhase(id) ?? throw new UsageException($"--phase: unknown phase '{id}' (the plan's phases are {string.Join(", ", plan.Phases.Select(p => p.Id))})");
    }

    public void WriteJson(JsonNode node) => Out.WriteLine(node.ToJsonString(JsonOptions));

    /// <summary>A number for JSON: null where it cannot be computed, never NaN or infinity.</summary>
    public static JsonNode? Number(double? value) => ReportJson.Number(value);

    public static string Time(DateTimeOffset t) => ReportJson.Time(t);

    /// <summary>An instant from the store, shown in the plan's time zone.</summary>
    public static string Time(DateTimeOffset t, RolloutPlan plan) => ReportJson.Time(t, plan);

    public static string Local(DateTimeOffset t, RolloutPlan plan) => LocalCalendar.Describe(t, plan.TimeZone);

    public static string Fixed(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
