using System.Diagnostics;
using System.Net;

namespace Rollgate.LoadTest;

/// <summary>What one closed-loop run measured: throughput, latency percentiles and the requests that failed.</summary>
public sealed record LoadResult(string Endpoint, int Connections, TimeSpan Elapsed, long[] LatencyTicks, IReadOnlyDictionary<string, long> Failures, TimeSpan ServerCpu)
{
    public long Requests => LatencyTicks.LongLength;

    public long Failed => Failures.Values.Sum();

    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    public double P50Ms => Percentile(0.50);

    public double P99Ms => Percentile(0.99);

    public double MaxMs => LatencyTicks.Length == 0 ? 0 : Ms(LatencyTicks[^1]);

    /// <summary>The server's CPU time per request, in microseconds (on 2 cores the generator's share is not in it only when separate).</summary>
    public double CpuMicrosPerRequest => Requests == 0 ? 0 : ServerCpu.TotalMicroseconds / Requests;

    /// <summary>The latency below which <paramref name="q"/> of the requests completed (nearest rank over the sorted latencies).</summary>
    public double Percentile(double q) =>
        LatencyTicks.Length == 0 ? 0 : Ms(LatencyTicks[Math.Clamp((int)Math.Ceiling(q * LatencyTicks.Length) - 1, 0, LatencyTicks.Length - 1)]);

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

/// <summary>
/// A closed loop: <c>connections</c> workers, each sending its next request as soon as the previous answer has been
/// read, for a fixed time. Every request's latency and status is kept; a failure is any status outside 2xx, or an
/// exception (refused connection, timeout, reset).
/// </summary>
public static class ClosedLoop
{
    /// <summary>Makes request number <c>sequence</c> (0, 1, 2, ... across all workers).</summary>
    public delegate HttpRequestMessage RequestFactory(long sequence);

    public static async Task<LoadResult> RunAsync(
        Uri server, string endpoint, int connections, TimeSpan warmup, TimeSpan duration, RequestFactory request, Process serverProcess, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var http = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };

        if (warmup > TimeSpan.Zero)
        {
            await Loop(http, connections, warmup, request, ct);
        }

        serverProcess.Refresh();
        var cpuBefore = serverProcess.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var workers = await Loop(http, connections, duration, request, ct);
        var elapsed = Stopwatch.GetElapsedTime(started);
        serverProcess.Refresh();
        var cpu = serverProcess.TotalProcessorTime - cpuBefore;

        var latencies = workers.SelectMany(w => w.Latencies).ToArray();
        Array.Sort(latencies);
        var failures = workers.SelectMany(w => w.Failures).GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Sum(f => f.Value), StringComparer.Ordinal);
        return new LoadResult(endpoint, connections, elapsed, latencies, failures, cpu);
    }

    private static async Task<Worker[]> Loop(HttpClient http, int connections, TimeSpan duration, RequestFactory request, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, connections).Select(i => new Worker(i, connections)).ToArray();
        await Task.WhenAll(workers.Select(w => Task.Run(() => w.RunAsync(http, request, deadline, ct), ct)));
        return workers;
    }

    private sealed class Worker(int index, int stride)
    {
        public List<long> Latencies { get; } = new(1 << 16);

        public Dictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);

        public async Task RunAsync(HttpClient http, RequestFactory request, long deadline, CancellationToken ct)
        {
            for (long sequence = index; Stopwatch.GetTimestamp() < deadline; sequence += stride)
            {
                using var message = request(sequence);
                var sent = Stopwatch.GetTimestamp();
                string? failure;
                try
                {
                    using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct);
                    failure = response.IsSuccessStatusCode ? null : "HTTP " + (int)response.StatusCode;
                }
                catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    failure = ex.GetType().Name;
                }

                Latencies.Add(Stopwatch.GetTimestamp() - sent);
                if (failure is not null)
                {
                    Failures[failure] = Failures.GetValueOrDefault(failure) + 1;
                }
            }
        }
    }
}
