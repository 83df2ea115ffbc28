using System.Diagnostics;
using System.Net;

namespace Rollgate.LoadTest;

/// <summary>What a closed loop measured over one or more slices: throughput, latency percentiles and the requests that failed.</summary>
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

    /// <summary>Slices of the same loop as one result: their times, requests, failures and CPU added up.</summary>
    public static LoadResult Combine(IReadOnlyList<LoadResult> slices) =>
        Of(slices[0].Endpoint, slices[0].Connections, TimeSpan.FromTicks(slices.Sum(s => s.Elapsed.Ticks)), slices.SelectMany(s => s.LatencyTicks),
            slices.SelectMany(s => s.Failures), TimeSpan.FromTicks(slices.Sum(s => s.ServerCpu.Ticks)));

    /// <summary>A result from latencies in any order and failures counted by kind, possibly more than once each.</summary>
    public static LoadResult Of(
        string endpoint, int connections, TimeSpan elapsed, IEnumerable<long> latencies, IEnumerable<KeyValuePair<string, long>> failures, TimeSpan serverCpu)
    {
        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        var counted = failures.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Sum(f => f.Value), StringComparer.Ordinal);
        return new LoadResult(endpoint, connections, elapsed, sorted, counted, serverCpu);
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

/// <summary>
/// A closed loop on one endpoint: <c>connections</c> workers, each sending its next request as soon as the previous
/// answer has been read, for as long as a slice lasts. The connections stay open from slice to slice, so that
/// endpoints measured in turns each keep theirs. Every request's latency and status is kept; a failure is any
/// status outside 2xx, or an exception (refused connection, timeout, reset).
/// </summary>
public sealed class ClosedLoop : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _endpoint;
    private readonly int _connections;
    private readonly RequestFactory _request;
    private readonly Process _serverProcess;

    // Numbers requests across slices, so that each slice goes on where the last stopped.
    private long _sequence = -1;

    /// <summary>Makes request number <c>sequence</c> (0, 1, 2, ... across all workers and slices).</summary>
    public delegate HttpRequestMessage RequestFactory(long sequence);

    public ClosedLoop(Uri server, string endpoint, int connections, RequestFactory request, Process serverProcess)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler, disposeHandler: true) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        (_endpoint, _connections, _request, _serverProcess) = (endpoint, connections, request, serverProcess);
    }

    /// <summary>Sends requests for <paramref name="duration"/> without measuring them: connections opened, code compiled.</summary>
    public Task WarmAsync(TimeSpan duration, CancellationToken ct) => LoopAsync(duration, ct);

    /// <summary>One measured slice of <paramref name="duration"/>.</summary>
    public async Task<LoadResult> MeasureAsync(TimeSpan duration, CancellationToken ct)
    {
        _serverProcess.Refresh();
        var cpuBefore = _serverProcess.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var workers = await LoopAsync(duration, ct);
        var elapsed = Stopwatch.GetElapsedTime(started);
        _serverProcess.Refresh();
        var cpu = _serverProcess.TotalProcessorTime - cpuBefore;

        return LoadResult.Of(_endpoint, _connections, elapsed, workers.SelectMany(w => w.Latencies), workers.SelectMany(w => w.Failures), cpu);
    }

    public void Dispose() => _http.Dispose();

    private async Task<Worker[]> LoopAsync(TimeSpan duration, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, _connections).Select(_ => new Worker(this)).ToArray();
        await Task.WhenAll(workers.Select(w => Task.Run(() => w.RunAsync(deadline, ct), ct)));
        return workers;
    }

    private sealed class Worker(ClosedLoop loop)
    {
        public List<long> Latencies { get; } = new(1 << 14);

        public Dictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);

        public async Task RunAsync(long deadline, CancellationToken ct)
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                using var message = loop._request(Interlocked.Increment(ref loop._sequence));
                var sent = Stopwatch.GetTimestamp();
                string? failure;
                try
                {
                    using var response = await loop._http.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct);
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
