using System.Globalization;
using Rollgate.Core.Access;
using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Core.Statistics;
using Rollgate.Core.Time;

namespace Rollgate.Core.Simulation;

/// <summary>
/// One pass of a simulation, day by day in the plan's time zone. Each day's events go into a priority queue and
/// leave it, in timestamp order, once the day is over: events that land later (feedback after midnight, a lead
/// answered the next morning, an incident resolved days later) wait there, so memory holds about a day of events.
/// </summary>
internal sealed class SimulatedRollout
{
    private const ulong RunStream = 1;
    private const ulong LeadStream = 2;
    private const ulong SpikeStream = 3;
    private const ulong OperationsStream = 4;
    private const ulong EngagementStream = 5;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly RolloutPlan _plan;
    private readonly SimulationOptions _options;
    private readonly TimeZoneInfo _zone;
    private readonly DateOnly _lastDate;
    private readonly DateTimeOffset _end;
    private readonly PhaseSchedule _schedule;
    private readonly IReadOnlyList<User> _users;
    private readonly double[] _engagement;
    private readonly Queue<DateTimeOffset>[] _recentRuns;
    private readonly string[] _reviewers;
    private readonly string _starter;
    private readonly SeededRandom _operations;
    private readonly PriorityQueue<RolloutEvent, (long Ticks, long Order)> _queue = new();
    private readonly Dictionary<(int Phase, string Role), (string[] Tasks, double[] Cumulative, double MinutesReportRate)> _taskChoices = [];

    private readonly TimeWindow? _spike;
    private readonly HashSet<DateOnly> _slumpDays = [];
    private readonly DateTimeOffset? _securityIncident;

    private long _order;
    private long _runs;
    private long _spikeRuns;
    private long _leads;
    private long _incidents;
    private long _bugs;
    private DateOnly? _nextIncident;
    private DateOnly? _nextBug;

    public SimulatedRollout(RolloutPlan plan, SimulationOptions options)
    {
        _plan = plan;
        _options = options;
        _zone = plan.TimeZone;
        _lastDate = options.From.AddDays(options.Days - 1);
        _end = LocalCalendar.StartOf(options.From.AddDays(options.Days), _zone);
        _schedule = PhaseSchedule.For(plan, options.From, _end);
        _users = plan.Users.All;
        _reviewers = [.. _users.Where(u => u.Role == "reviewer").Select(u => u.Id)];
        _starter = _users.FirstOrDefault(u => u.Role == "sales_ops")?.Id ?? _users.FirstOrDefault()?.Id ?? "rollgate";
        _operations = RandomDraws.Stream(options.Seed, OperationsStream);
        _recentRuns = [.. _users.Select(_ => new Queue<DateTimeOffset>())];

        // How much each person uses the agents relative to their peers, the same all along (mean 1).
        var engagement = RandomDraws.Stream(options.Seed, EngagementStream);
        _engagement = [.. _users.Select(_ => Math.Clamp(Math.Exp((0.35 * engagement.NextGaussian()) - (0.35 * 0.35 / 2)), 0.3, 2.5))];

        var serviceDays = ServiceDaysBeforeEnd();
        switch (options.Scenario)
        {
            case Scenarios.ErrorSpike when serviceDays.Count > 0:
                _spike = SpikeWindow(serviceDays[0]);
                break;
            case Scenarios.SatisfactionSlump:
                _slumpDays.UnionWith(serviceDays.Take(4));
                break;
            case Scenarios.SecurityIncident when serviceDays.Count > 0:
                var at = LocalCalendar.AtLocal(serviceDays[0].ToDateTime(new TimeOnly(11, 0)), _zone);
                var start = _schedule.At(_end)!.Start;
                _securityIncident = at > start ? at : Local(start + TimeSpan.FromHours(2));
                break;
        }
    }

    /// <summary>When the scenario shows best: 90 minutes into the error spike, else the end of the simulation.</summary>
    public DateTimeOffset MomentToJudge => _spike is { } spike ? spike.From + TimeSpan.FromMinutes(90) : _end;

    public IEnumerable<RolloutEvent> Events()
    {
        foreach (var date in Dates())
        {
            SimulateDay(date);
            var next = LocalCalendar.StartOf(date.AddDays(1), _zone);
            while (TryDequeueBefore(next, out var evt))
            {
                yield return evt;
            }
        }

        while (TryDequeueBefore(_end, out var evt))
        {
            yield return evt;
        }
    }

    /// <summary>The baseline dates before the simulation (for lead response times), then the simulated ones.</summary>
    private IEnumerable<DateOnly> Dates()
    {
        var baseline = _plan.Baseline;
        var baselineEnd = baseline.To < _options.From ? baseline.To : _options.From;
        for (var d = baseline.From; d < baselineEnd; d = d.AddDays(1))
        {
            yield return d;
        }

        for (var d = _options.From; d <= _lastDate; d = d.AddDays(1))
        {
            yield return d;
        }
    }

    private void SimulateDay(DateOnly date)
    {
        var clock = new DayClock(date, _zone);
        var simulated = date >= _options.From;
        if (simulated)
        {
            foreach (var s in _schedule.Starts.Where(s => LocalCalendar.DateOf(s.Start, _zone) == date))
            {
                Emit(new PhaseStarted(s.Start, s.Phase.Id, _starter));
            }

            SimulateRuns(clock);
            SimulateOperations(clock);
        }

        SimulateLeads(clock, simulated);
    }

    private void SimulateRuns(DayClock clock)
    {
        var weights = clock.IsWeekend ? UsageProfile.WeekendHours : UsageProfile.WeekdayHours;
        var serving = ServingPhases(clock);
        var phases = serving.OfType<PhaseStart>().Distinct().ToList();
        if (phases.Count == 0)
        {
            return;
        }

        // A whole day of each serving phase, as if it were current all day: the day's runs are that share of a full day's.
        var fullDay = new Dictionary<int, double>();
        foreach (var p in phases)
        {
            double mass = 0;
            for (var m = 0; m < DayClock.MinutesPerDay; m++)
            {
                mass += clock.IsValid(m) && p.Phase.Availability.IsOpenLocal(clock.Local(m)) ? weights[m / 60] : 0;
            }

            fullDay[p.Index] = mass;
        }

        var curves = new Dictionary<string, (double[] Cumulative, double Expected)>(StringComparer.Ordinal);
        foreach (var role in _users.Select(u => u.Role).Distinct(StringComparer.Ordinal))
        {
            var cumulative = new double[DayClock.MinutesPerDay];
            var byPhase = new Dictionary<int, double>();
            double running = 0;
            for (var m = 0; m < DayClock.MinutesPerDay; m++)
            {
                if (serving[m] is { } p && p.Phase.Cohort.Admits(role))
                {
                    running += weights[m / 60];
                    byPhase[p.Index] = byPhase.GetValueOrDefault(p.Index) + weights[m / 60];
                }

                cumulative[m] = running;
            }

            var expected = byPhase.Sum(kv => UsageProfile.RunsPerDay(_plan, kv.Key, clock.IsWeekend) * kv.Value / fullDay[kv.Key]);
            if (expected > 0)
            {
                curves[role] = (cumulative, expected);
            }
        }

        var rng = RandomDraws.Stream(_options.Seed, RunStream, clock.Date.DayNumber);
        var spikeRng = RandomDraws.Stream(_options.Seed, SpikeStream, clock.Date.DayNumber);
        var spikeToday = _spike is { } spike && LocalCalendar.DateOf(spike.From, _zone) == clock.Date;
        var runs = new List<(DateTimeOffset Ts, int User, PhaseStart Phase)>();
        var times = new List<(DateTimeOffset Ts, PhaseStart Phase)>();
        for (var u = 0; u < _users.Count; u++)
        {
            if (!curves.TryGetValue(_users[u].Role, out var curve) || (!clock.IsWeekend && rng.Chance(UsageProfile.Absence)))
            {
                continue;
            }

            times.Clear();
            var n = rng.Poisson(curve.Expected * _engagement[u]);
            for (var k = 0; k < n; k++)
            {
                var m = rng.PickCumulative(curve.Cumulative);
                times.Add((clock.At(m) + TimeSpan.FromSeconds(rng.Next(60)), serving[m]!));
            }

            if (spikeToday)
            {
                AddRetries(spikeRng, _users[u], times);
            }

            times.Sort((a, b) => a.Ts.CompareTo(b.Ts));
            foreach (var (ts, phase) in times)
            {
                if (WithinRateLimit(u, phase.Phase, ts))
                {
                    runs.Add((ts, u, phase));
                }
            }
        }

        runs.Sort((a, b) => a.Ts != b.Ts ? a.Ts.CompareTo(b.Ts) : a.User.CompareTo(b.User));
        var slump = _slumpDays.Contains(clock.Date);
        foreach (var (ts, u, phase) in runs)
        {
            EmitRun(rng, ts, _users[u], phase, slump);
        }
    }

    /// <summary>For each local minute of the day, the phase that serves people then (null when none does).</summary>
    private PhaseStart?[] ServingPhases(DayClock clock)
    {
        var serving = new PhaseStart?[DayClock.MinutesPerDay];
        for (var m = 0; m < DayClock.MinutesPerDay; m++)
        {
            if (!clock.IsValid(m))
            {
                continue;
            }

            // A minute in which a phase starts serves nobody: a run in it could come before the start.
            var at = clock.At(m);
            var current = _schedule.At(at);
            if (current is not null && ReferenceEquals(current, _schedule.At(at.AddMinutes(1)))
                && current.Phase.Availability.IsOpenLocal(clock.Local(m)))
            {
                serving[m] = current;
            }
        }

        return serving;
    }

    /// <summary>During the error spike people retry: about <see cref="UsageProfile.SpikeRunsPerHour"/> extra runs an hour each.</summary>
    private void AddRetries(SeededRandom rng, User user, List<(DateTimeOffset Ts, PhaseStart Phase)> times)
    {
        var spike = _spike!.Value;
        var step = TimeSpan.FromHours(1) / UsageProfile.SpikeRunsPerHour;
        for (var t = spike.From + rng.Seconds(TimeSpan.Zero, step); t < spike.To; t += step)
        {
            var ts = Local(t + rng.Seconds(-step / 3, step / 3));
            if (ts >= spike.From && ts < spike.To && _schedule.At(ts) is { } p
                && p.Phase.Cohort.Admits(user.Role) && p.Phase.Availability.IsOpen(ts, _zone))
            {
                times.Add((ts, p));
            }
        }
    }

    /// <summary>Keeps every person within the phase's hourly limit over any 60 minutes, so also in every clock hour.</summary>
    private bool WithinRateLimit(int user, Phase phase, DateTimeOffset ts)
    {
        var recent = _recentRuns[user];
        while (recent.Count > 0 && recent.Peek() <= ts - TimeSpan.FromHours(1))
        {
            recent.Dequeue();
        }

        if (AccessPolicy.HourlyLimit(_plan, phase, ts) is { } limit && recent.Count >= limit)
        {
            return false;
        }

        recent.Enqueue(ts);
        return true;
    }

    private void EmitRun(SeededRandom rng, DateTimeOffset ts, User user, PhaseStart phase, bool slump)
    {
        var choice = TaskChoice(phase.Index, user.Role);
        var task = choice.Tasks[rng.PickCumulative(choice.Cumulative)];
        var brokenReplica = _spike is { } spike && spike.Contains(ts) && _spikeRuns++ % UsageProfile.SpikeReplicas == UsageProfile.SpikeReplicas - 1;
        var u = rng.NextDouble();
        var outcome = brokenReplica || u < UsageProfile.ErrorRate ? RunOutcome.Error
            : u < UsageProfile.ErrorRate + UsageProfile.AbstainRate(task) ? RunOutcome.Abstained
            : RunOutcome.Completed;
        var latency = Math.Round(Math.Min(30_000, rng.LogNormal(UsageProfile.LatencyMedianMs(outcome), outcome == RunOutcome.Error ? 0.8 : 0.45)));
        var id = string.Create(Inv, $"run-{_options.Seed}-{++_runs}");
        Emit(new Run(ts, id, user.Id, task, outcome, latency));

        if (rng.Chance(slump ? UsageProfile.SlumpFeedbackRate : UsageProfile.FeedbackRate))
        {
            var delay = TimeSpan.FromSeconds(Math.Clamp(Math.Round(rng.LogNormal(60, 1.0)), 5, 4 * 3600));
            var rating = 1 + rng.PickCumulative(UsageProfile.Ratings(outcome, slump));
            var (min, max) = UsageProfile.MinutesSaved(task);
            double? minutes = outcome == RunOutcome.Completed && rng.Chance(choice.MinutesReportRate) ? rng.Next(min, max + 1) : null;
            var comment = rating <= 2 && rng.Chance(0.4) ? rng.Pick(UsageProfile.LowComments)
                : rating == 5 && rng.Chance(0.1) ? rng.Pick(UsageProfile.HighComments)
                : null;
            Emit(new Feedback(Local(ts + delay), id, user.Id, rating, minutes, comment));
        }

        var reviewRate = phase.Index == 0 ? UsageProfile.FirstPhaseReviewRate : UsageProfile.ReviewRate;
        if (outcome != RunOutcome.Error && _reviewers.Length > 0 && rng.Chance(reviewRate))
        {
            var reviewer = rng.Pick(_reviewers);
            var delay = rng.Seconds(TimeSpan.FromMinutes(20), TimeSpan.FromHours(20));
            Emit(new Review(Local(ts + delay), id, reviewer, rng.Chance(UsageProfile.CorrectRate(outcome))));
        }
    }

    /// <summary>
    /// The tasks a role picks from in a phase, and how often its people note the minutes a run saved: often enough
    /// that what they report adds up to <see cref="UsageProfile.TargetHoursSavedPerWeek"/> (everybody notes them
    /// when they run the agents only a few times a day).
    /// </summary>
    private (string[] Tasks, double[] Cumulative, double MinutesReportRate) TaskChoice(int phaseIndex, string role)
    {
        if (_taskChoices.TryGetValue((phaseIndex, role), out var cached))
        {
            return cached;
        }

        var tasks = _plan.Phases[phaseIndex].Tasks.ToArray();
        var weights = tasks.Select(t => UsageProfile.TaskWeight(role, t)).ToArray();
        var total = weights.Sum();
        var cumulative = new double[tasks.Length];
        double running = 0, minutes = 0, abstain = 0;
        for (var i = 0; i < tasks.Length; i++)
        {
            running += weights[i];
            cumulative[i] = running;
            var (min, max) = UsageProfile.MinutesSaved(tasks[i]);
            minutes += weights[i] / total * (min + max) / 2.0;
            abstain += weights[i] / total * UsageProfile.AbstainRate(tasks[i]);
        }

        var completedFeedbackPerWeek = UsageProfile.RunsPerWeek(_plan, phaseIndex) * UsageProfile.FeedbackRate * (1 - UsageProfile.ErrorRate - abstain);
        var rate = Math.Min(1, UsageProfile.TargetHoursSavedPerWeek * 60 / (completedFeedbackPerWeek * minutes));
        var choice = (tasks, cumulative, rate);
        _taskChoices[(phaseIndex, role)] = choice;
        return choice;
    }

    /// <summary>
    /// Leads answered on weekdays, created between 08:00 and 18:00: by SDRs (and now and then sales ops once the
    /// simulation runs). Whoever has the agent in the phase current when the lead came in answers faster.
    /// </summary>
    private void SimulateLeads(DayClock clock, bool simulated)
    {
        if (clock.IsWeekend)
        {
            return;
        }

        var rng = RandomDraws.Stream(_options.Seed, LeadStream, clock.Date.DayNumber);
        foreach (var user in _users)
        {
            var mean = user.Role switch
            {
                "sdr" => UsageProfile.LeadsPerSdrDay,
                "sales_ops" when simulated => UsageProfile.LeadsPerSalesOpsDay,
                _ => 0,
            };
            var n = rng.Poisson(mean);
            for (var k = 0; k < n; k++)
            {
                var m = rng.Next(8 * 60, 18 * 60);
                if (!clock.IsValid(m))
                {
                    continue;
                }

                var created = clock.At(m) + TimeSpan.FromSeconds(rng.Next(60));
                var withAgent = simulated && _schedule.At(created) is { } p && p.Phase.Cohort.Admits(user.Role);
                var median = UsageProfile.BaselineResponseMinutes * (withAgent ? UsageProfile.ResponseFactorWithAgent : 1);
                var minutes = Math.Max(2, rng.LogNormal(median, UsageProfile.ResponseSigma));
                var responded = Local(created + TimeSpan.FromSeconds(Math.Round(minutes * 60)));
                var lead = string.Create(Inv, $"lead-{_options.Seed}-{++_leads}");
                Emit(new LeadResponse(responded, lead, user.Id, created, responded));
            }
        }
    }

    /// <summary>
    /// Once the rollout has started: a low or medium incident every 8 to 20 days and a P2 or P3 bug every 3 to 10,
    /// filed on weekdays in office hours and resolved days later. Incidents stay more than a week apart, so the
    /// incident-rate trigger (more than 2 a week) never fires on its own.
    /// </summary>
    private void SimulateOperations(DayClock clock)
    {
        if (_securityIncident is { } security && LocalCalendar.DateOf(security, _zone) == clock.Date)
        {
            Emit(new Incident(security, string.Create(Inv, $"inc-{_options.Seed}-security"), Severity.Critical, IncidentCategory.Security,
                "Prompt injection in a lead's notes exposed another rep's account notes"));
        }

        if (_schedule.Starts.Count == 0)
        {
            return;
        }

        var first = _schedule.Starts[0].Start;
        var firstDate = LocalCalendar.DateOf(first, _zone);
        if (clock.Date < firstDate)
        {
            return;
        }

        _nextIncident ??= firstDate.AddDays(_operations.Next(5, 15));
        _nextBug ??= firstDate.AddDays(_operations.Next(2, 7));
        if (clock.IsWeekend)
        {
            return;
        }

        if (clock.Date >= _nextIncident)
        {
            var at = OfficeTime(clock, first);
            var (severity, category, title) = _operations.Pick(UsageProfile.RoutineIncidents);
            var id = string.Create(Inv, $"inc-{_options.Seed}-{++_incidents}");
            Emit(new Incident(at, id, severity, category, title));
            Emit(new IncidentResolved(Local(at + _operations.Seconds(TimeSpan.FromDays(1), TimeSpan.FromDays(5))), id));
            _nextIncident = clock.Date.AddDays(_operations.Next(8, 21));
        }

        if (clock.Date >= _nextBug)
        {
            var at = OfficeTime(clock, first);
            var (priority, title) = _operations.Pick(UsageProfile.RoutineBugs);
            var id = string.Create(Inv, $"bug-{_options.Seed}-{++_bugs}");
            Emit(new Bug(at, id, priority, title));
            Emit(new BugResolved(Local(at + _operations.Seconds(TimeSpan.FromDays(1), TimeSpan.FromDays(14))), id));
            _nextBug = clock.Date.AddDays(_operations.Next(3, 11));
        }
    }

    private DateTimeOffset OfficeTime(DayClock clock, DateTimeOffset notBefore)
    {
        var at = clock.At(_operations.Next(9 * 60, 17 * 60)) + TimeSpan.FromSeconds(_operations.Next(60));
        return at > notBefore ? at : Local(notBefore + TimeSpan.FromMinutes(30));
    }

    /// <summary>
    /// The service days of the phase current at the end of the simulation (days its window opens), latest first,
    /// from the last simulated date back to the date it started.
    /// </summary>
    private List<DateOnly> ServiceDaysBeforeEnd()
    {
        var days = new List<DateOnly>();
        if (_options.Days <= 0 || _schedule.At(_end) is not { } current)
        {
            return days;
        }

        var startDate = LocalCalendar.DateOf(current.Start, _zone);
        for (var d = _lastDate; d >= startDate; d = d.AddDays(-1))
        {
            if (current.Phase.Availability.OpensOn(d))
            {
                days.Add(d);
            }
        }

        return days;
    }

    /// <summary>Two hours from an hour after the window opens (10:00 in a 24/7 phase), within the window and the simulation.</summary>
    private TimeWindow SpikeWindow(DateOnly day)
    {
        var phase = _schedule.At(_end)!;
        var availability = phase.Phase.Availability;
        var local = availability.IsAlways ? day.ToDateTime(new TimeOnly(10, 0)) : day.ToDateTime(availability.Open).AddHours(1);
        var from = LocalCalendar.AtLocal(local, _zone);
        if (from <= phase.Start)
        {
            from = Local(phase.Start + TimeSpan.FromHours(1));
        }

        var to = Local(from + UsageProfile.SpikeLength);
        if (!availability.IsAlways && availability.Close != TimeOnly.MinValue)
        {
            var close = LocalCalendar.AtLocal(day.ToDateTime(availability.Close), _zone);
            to = close < to ? close : to;
        }

        return new TimeWindow(from, to < _end ? to : _end);
    }

    /// <summary>The same instant with the plan's local offset at it: adding a delay keeps the offset it started with, which DST can make wrong.</summary>
    private DateTimeOffset Local(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, _zone);

    private void Emit(RolloutEvent evt)
    {
        // The simulation covers [start, end): what would happen after it is left out, as it has not happened yet.
        if (evt.Ts < _end)
        {
            _queue.Enqueue(evt, (evt.Ts.UtcTicks, _order++));
        }
    }

    private bool TryDequeueBefore(DateTimeOffset limit, out RolloutEvent evt)
    {
        if (_queue.TryPeek(out var next, out _) && next.Ts < limit)
        {
            evt = _queue.Dequeue();
            return true;
        }

        evt = null!;
        return false;
    }
}
