using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Server.Audit;
using Rollgate.Server.Guardian;
using Rollgate.Server.Identity;
using Rollgate.Storage;

namespace Rollgate.Benchmarks.Guardian;

/// <summary>
/// From a trigger's condition becoming true to agents off (goal: within one evaluation interval) and to the cohort
/// notified. The guardian evaluates every interval, so the first time is at most the interval plus one evaluation
/// up to playbook step 1; the second adds the rest of the evaluation and one delivery pass.
/// </summary>
/// <remarks>
/// Every iteration starts on a new store (a quiet two-day pilot of ~4,300 events, <see cref="PilotHost.QuietPilot"/>)
/// with new services on the system clock, evaluated once already, as the server's guardian has been every minute;
/// events are placed before now, at the same offsets each time. Not sealed: BenchmarkDotNet derives from it.
/// </remarks>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class GuardianBenchmarks
{
    private readonly Dictionary<string, List<TimeSpan>> _steps = [];
    private RolloutPlan _plan = null!;
    private PilotHost _host = null!;
    private GuardianReport? _report;
    private int _delivered;
    private LoopbackSmtp? _smtp;
    private LoopbackWebhook? _webhook;
    private int _cohortMessages;

    [GlobalSetup(Targets = [nameof(Evaluate_NothingFires), nameof(Evaluate_TriggerFires_AgentsOff)])]
    public void LoadPlan()
    {
        _plan = Traffic.Repo.GtmPlan();
        File.Delete(AgentsOffColumn.FileOf(nameof(Evaluate_TriggerFires_AgentsOff)));
    }

    [GlobalSetup(Target = nameof(Deliver_PilotCohort))]
    public void StartReceivers()
    {
        _plan = Traffic.Repo.GtmPlan();
        _smtp = new LoopbackSmtp();
        _webhook = LoopbackWebhook.StartAsync().GetAwaiter().GetResult();

        // The pilot's cohort (sales ops) and the executive sponsors by email, and the operations channel on Slack.
        _cohortMessages = _plan.Users.All.Count(u => u.Role is Roles.SalesOps or Roles.Exec) + 1;
    }

    [IterationSetup(Target = nameof(Evaluate_NothingFires))]
    public void QuietPilot() => _host = StartPilot(incident: false);

    [IterationSetup(Target = nameof(Evaluate_TriggerFires_AgentsOff))]
    public void PilotWithCriticalIncident() => _host = StartPilot(incident: true);

    [IterationSetup(Target = nameof(Deliver_PilotCohort))]
    public void PilotRolledBack()
    {
        _host = StartPilot(incident: true, _smtp!.Port, _webhook!.Url);
        var report = _host.Guardian.EvaluateAsync().GetAwaiter().GetResult();
        if (!RolledBack(report))
        {
            throw new InvalidOperationException("the critical incident did not roll the pilot back: " + string.Join("; ", report.Actions));
        }
    }

    /// <summary>(a) The cost paid every interval: all triggers judged, nothing to do.</summary>
    [Benchmark]
    public async Task<GuardianReport> Evaluate_NothingFires() => _report = await _host.Guardian.EvaluateAsync();

    /// <summary>
    /// (b) A critical security incident is open: the whole evaluation, from judging the triggers through the playbook
    /// (rollback event, notices queued, legal hold, snapshot with its SHA-256, incident review opened).
    /// </summary>
    [Benchmark]
    public async Task<GuardianReport> Evaluate_TriggerFires_AgentsOff() => _report = await _host.Guardian.EvaluateAsync();

    /// <summary>(c) One delivery pass: the rollback notice to the pilot's cohort by email (MailKit) and to Slack.</summary>
    [Benchmark]
    public async Task<int> Deliver_PilotCohort() => _delivered = await _host.Deliveries.RunDueAsync();

    [IterationCleanup(Target = nameof(Evaluate_NothingFires))]
    public void CheckNothingFired()
    {
        var report = Take();
        if (report.Triggers.Fired.Any() || report.Actions.Count > 0)
        {
            throw new InvalidOperationException("the quiet pilot was not quiet: " + string.Join("; ", report.Actions.Concat(report.Triggers.Fired.Select(f => f.Id))));
        }

        Stop();
    }

    [IterationCleanup(Target = nameof(Evaluate_TriggerFires_AgentsOff))]
    public void MeasureStepOne()
    {
        var report = Take();
        var rollback = _host.Get<IEventStore>().LatestRollbackAsync(report.At.AddMinutes(1)).AsTask().GetAwaiter().GetResult();
        if (!RolledBack(report) || rollback is not { Trigger: "critical-incident" })
        {
            throw new InvalidOperationException("the critical incident did not roll the pilot back: " + string.Join("; ", report.Actions));
        }

        // The playbook puts each step on the audit trail as it ends, at the clock's time (step 1 right after the
        // rollback event is stored); the report's time is the clock read as the evaluation began.
        foreach (var record in _host.Get<AuditTrail>().List())
        {
            if (!_steps.TryGetValue(record.Entry.Action, out var times))
            {
                _steps[record.Entry.Action] = times = [];
            }

            times.Add(record.Entry.At - report.At);
        }

        Stop();
    }

    [IterationCleanup(Target = nameof(Deliver_PilotCohort))]
    public void CheckDelivered()
    {
        if (_delivered != _cohortMessages)
        {
            throw new InvalidOperationException($"delivered {_delivered} of the cohort's {_cohortMessages} messages");
        }

        Stop();
    }

    [GlobalCleanup(Target = nameof(Evaluate_TriggerFires_AgentsOff))]
    public void WriteStepOne()
    {
        var agentsOff = _steps.GetValueOrDefault(AuditActions.Rollback) ?? [];
        AgentsOffColumn.Write(nameof(Evaluate_TriggerFires_AgentsOff), agentsOff);
        Console.WriteLine($"// Playbook steps ended, after the evaluation's start, over {agentsOff.Count} evaluations (median; min-max):");
        foreach (var (action, times) in _steps.OrderBy(s => AgentsOffColumn.Median(s.Value)))
        {
            Console.WriteLine($"//   {action,-24} {AgentsOffColumn.Median(times)?.TotalMilliseconds,8:N2} ms; {times.Min().TotalMilliseconds:N2}-{times.Max().TotalMilliseconds:N2} ms");
        }
    }

    [GlobalCleanup(Target = nameof(Deliver_PilotCohort))]
    public void StopReceivers()
    {
        _webhook?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _smtp?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Console.WriteLine($"// Loopback receivers: {_smtp?.Received} emails, {_webhook?.Calls} webhook posts");
    }

    private static bool RolledBack(GuardianReport report) => report.Actions.Any(a => a.StartsWith("rolled back (critical-incident)", StringComparison.Ordinal));

    /// <summary>A new store holding the quiet pilot (and, when asked, a critical security incident opened a second ago), evaluated once before it.</summary>
    private PilotHost StartPilot(bool incident, int? smtpPort = null, Uri? webhook = null)
    {
        var host = PilotHost.Start(smtpPort, webhook);
        var now = TimeProvider.System.GetUtcNow();
        host.AppendAsync(PilotHost.QuietPilot(_plan, now)).GetAwaiter().GetResult();
        var before = host.Guardian.EvaluateAsync().GetAwaiter().GetResult();
        if (before.Actions.Count > 0)
        {
            throw new InvalidOperationException("the quiet pilot was not quiet: " + string.Join("; ", before.Actions));
        }

        if (incident)
        {
            host.AppendAsync([new Incident(TimeProvider.System.GetUtcNow().AddSeconds(-1), "inc-0002", Severity.Critical, IncidentCategory.Security, "API token in a lead summary")]).GetAwaiter().GetResult();
        }

        return host;
    }

    private GuardianReport Take()
    {
        var report = _report ?? throw new InvalidOperationException("the benchmark did not evaluate");
        _report = null;
        return report;
    }

    private void Stop() => _host.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Each operation needs fresh state (the trigger acts once per store), so one invocation per iteration and no
    /// unrolling; an iteration's setup (a new store of ~4,300 events, evaluated once) takes a fraction of a second.
    /// </summary>
    public sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(30).WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(new AgentsOffColumn());
        }
    }
}
