using System.Globalization;
using Rollgate.Core.Events;

namespace Rollgate.Core.Tests.Support;

/// <summary>
/// Writes an event log for a test in a few lines: ids are made up in order, and feedback and reviews default
/// to a minute after the run they name. Instants are written with explicit offsets, so that a test shows the
/// wall-clock time it means on both sides of a daylight-saving change.
/// </summary>
public sealed class EventBuilder
{
    private static readonly TimeZoneInfo Pacific = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

    private int _runs;
    private int _incidents;
    private int _bugs;
    private int _leads;

    /// <summary>Monday 2 February 2026, 09:00 PST: the pilot's start in these tests.</summary>
    public static readonly DateTimeOffset PilotStart = new(2026, 2, 2, 9, 0, 0, TimeSpan.FromHours(-8));

    public InMemoryEventLog Log { get; } = new();

    /// <summary>An instant written as RFC 3339 with its offset, e.g. <c>2026-03-09T09:00:00-07:00</c>.</summary>
    public static DateTimeOffset At(string rfc3339) =>
        DateTimeOffset.ParseExact(rfc3339, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None);

    /// <summary>A wall-clock time in America/Los_Angeles (not for skipped or repeated hours).</summary>
    public static DateTimeOffset Pt(int year, int month, int day, int hour = 0, int minute = 0, int second = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Pacific.GetUtcOffset(local));
    }

    public static string So(int i) => $"so-{i:00}";

    public static string Sdr(int i) => $"sdr-{i:00}";

    public static string Ae(int i) => $"ae-{i:00}";

    public EventBuilder StartPhase(string phase, DateTimeOffset at, string by = "exec-01")
    {
        Log.Add(new PhaseStarted(at, phase, by));
        return this;
    }

    /// <summary>A rollback; with the default trigger, the kill switch turned off.</summary>
    public EventBuilder RollBack(DateTimeOffset at, string trigger = "manual", string? by = "so-01")
    {
        Log.Add(new Rollback(at, trigger, by));
        return this;
    }

    public Run AddRun(DateTimeOffset at, string user = "so-01", RunOutcome outcome = RunOutcome.Completed, string task = "lead_summary")
    {
        var run = new Run(at, $"run-{++_runs:00000}", user, task, outcome);
        Log.Add(run);
        return run;
    }

    /// <summary>
    /// <paramref name="count"/> runs, one every <paramref name="every"/> from <paramref name="first"/>, by the
    /// given users in turn; the first <paramref name="errors"/> of them end in an error.
    /// </summary>
    public List<Run> AddRuns(int count, DateTimeOffset first, TimeSpan every, int errors = 0, IReadOnlyList<string>? users = null)
    {
        users ??= ["so-01"];
        var runs = new List<Run>(count);
        for (var i = 0; i < count; i++)
        {
            runs.Add(AddRun(first + (every * i), users[i % users.Count], i < errors ? RunOutcome.Error : RunOutcome.Completed));
        }

        return runs;
    }

    /// <summary>Feedback on a run, by its owner unless said otherwise, a minute after it unless said otherwise.</summary>
    public Feedback Rate(Run run, int rating, DateTimeOffset? at = null, double? minutesSaved = null, string? user = null)
    {
        var feedback = new Feedback(at ?? run.Ts.AddMinutes(1), run.Id, user ?? run.User, rating, minutesSaved);
        Log.Add(feedback);
        return feedback;
    }

    public Review ReviewRun(Run run, bool correct, DateTimeOffset? at = null, string reviewer = "rev-01")
    {
        var review = new Review(at ?? run.Ts.AddMinutes(1), run.Id, reviewer, correct);
        Log.Add(review);
        return review;
    }

    public Incident OpenIncident(DateTimeOffset at, Severity severity = Severity.Low, IncidentCategory category = IncidentCategory.Other)
    {
        var incident = new Incident(at, $"inc-{++_incidents:000}", severity, category);
        Log.Add(incident);
        return incident;
    }

    public EventBuilder ResolveIncident(Incident incident, DateTimeOffset at)
    {
        Log.Add(new IncidentResolved(at, incident.Id));
        return this;
    }

    public Bug FileBug(DateTimeOffset at, BugPriority priority = BugPriority.P0)
    {
        var bug = new Bug(at, $"bug-{++_bugs:000}", priority);
        Log.Add(bug);
        return bug;
    }

    public EventBuilder ResolveBug(Bug bug, DateTimeOffset at)
    {
        Log.Add(new BugResolved(at, bug.Id));
        return this;
    }

    /// <summary>A lead created at <paramref name="created"/> and answered <paramref name="after"/> later; recorded when answered unless said otherwise.</summary>
    public LeadResponse LeadResponded(DateTimeOffset created, TimeSpan after, string user = "sdr-01", DateTimeOffset? recordedAt = null)
    {
        var response = new LeadResponse(recordedAt ?? created + after, $"lead-{++_leads:0000}", user, created, created + after);
        Log.Add(response);
        return response;
    }

    public EventBuilder Direct(DateTimeOffset at, string by = "exec-01")
    {
        Log.Add(new Directive(at, by, "rollback"));
        return this;
    }
}
