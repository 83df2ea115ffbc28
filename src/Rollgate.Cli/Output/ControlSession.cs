using Rollgate.Core.Plans;
using Rollgate.Server.Audit;
using Rollgate.Server.Events;
using Rollgate.Server.Operations;
using Rollgate.Server.Phases;
using Rollgate.Storage;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Cli.Output;

/// <summary>
/// The server's rollout operations, run from the command line on a store: the same rules, events and audit
/// records as the API's, with <c>--by</c> naming the person who acts.
/// </summary>
internal sealed class ControlSession : IAsyncDisposable
{
    private readonly IEventStore _store;
    private readonly SqliteAuditLog _log;
    private readonly SqliteQaStore _qa;
    private readonly EventRecorder _recorder;

    private ControlSession(RolloutPlan plan, IEventStore store, SqliteAuditLog log, SqliteQaStore qa, TimeProvider clock)
    {
        (Plan, _store, _log, _qa) = (plan, store, log, qa);
        _recorder = new EventRecorder(store);
        var audit = new AuditTrail(log, clock);
        Checklist = new Checklist(plan, qa, audit);
        Control = new RolloutControl(plan, store, _recorder, audit, Checklist, clock);
    }

    public RolloutPlan Plan { get; }

    public Checklist Checklist { get; }

    public RolloutControl Control { get; }

    public static ControlSession Open(CliContext ctx, string? planPath, string? dbPath)
    {
        var plan = ctx.LoadPlan(planPath);
        var path = CliContext.StorePath(dbPath, null);
        return new ControlSession(plan, SqliteEventStore.Open(path), SqliteAuditLog.Open(path), SqliteQaStore.Open(path), ctx.Clock);
    }

    public async ValueTask DisposeAsync()
    {
        await _recorder.DisposeAsync();
        _store.Dispose();
        _log.Dispose();
        _qa.Dispose();
    }
}
