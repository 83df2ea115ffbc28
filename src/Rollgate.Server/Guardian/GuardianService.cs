using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rollgate.Server.Notifications;

namespace Rollgate.Server.Guardian;

/// <summary>
/// Runs the guardian in the server: an evaluation every interval on the injected clock (unless
/// <c>Rollgate:Guardian:Enabled</c> is false), and delivery of the notification queue at once when something is
/// queued, and every few seconds for retries.
/// </summary>
public sealed partial class GuardianService(Guardian guardian, DeliveryWorker deliveries, Notifier notifier, IOptions<RollgateOptions> options, TimeProvider clock, ILogger<GuardianService> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _queued = new(0, int.MaxValue);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        notifier.Queued += OnQueued;
        var deliver = Task.Run(() => DeliverLoop(stoppingToken), stoppingToken);

        // With the guardian run by a scheduler ('rollgate guard --once'), the server still delivers what its own
        // operations queue (manual rollbacks, directives, restores).
        return options.Value.Guardian.Enabled ? Task.WhenAll(Task.Run(() => EvaluateLoop(stoppingToken), stoppingToken), deliver) : deliver;
    }

    public override void Dispose()
    {
        notifier.Queued -= OnQueued;
        _queued.Dispose();
        base.Dispose();
    }

    private void OnQueued() => _queued.Release();

    private async Task EvaluateLoop(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.Value.Guardian.Interval, clock);
        do
        {
            try
            {
                await guardian.EvaluateAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex, "evaluation");
            }
        }
        while (await Tick(timer, ct));
    }

    private async Task DeliverLoop(CancellationToken ct)
    {
        // Retries fall due between evaluations: look at the queue at least every few seconds.
        var pause = TimeSpan.FromSeconds(Math.Clamp(options.Value.Notifications.RetryBase.TotalSeconds / 2, 1, 15));
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await deliveries.RunDueAsync(ct);
                using var wake = new CancellationTokenSource(pause, clock);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, wake.Token);
                await _queued.WaitAsync(either.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The pause ended with nothing queued: look for retries that fell due.
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex, "delivery");
            }
        }
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Guardian {What} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string what);
}
