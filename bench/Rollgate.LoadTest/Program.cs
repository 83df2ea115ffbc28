using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Rollgate.LoadTest;

// dotnet run -c Release --project bench/Rollgate.LoadTest -- [--duration 20] [--slice 1] [--connections 16,64] [--repeat 3] [--separate]
// (see bench/README.md, "Load test")
if (args is ["serve", var plan, var db])
{
    return await ServerHost.ServeAsync(plan, db);
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

using var store = await LoadStore.CreateAsync(stop.Token);
await using var server = options.Separate ? await ServerHost.StartProcessAsync(store, stop.Token) : await ServerHost.StartInProcessAsync(store, stop.Token);
Console.WriteLine(Invariant($"Rollgate load test: {Environment.ProcessorCount} cores, .NET {Environment.Version}, server {(server.IsSeparate ? "in a separate process" : "in this process")} on {server.Url}"));
Console.WriteLine(Invariant($"{store.Tokens.Count} users with a token each, {store.Leads.Count} leads, hourly limit raised to {LoadStore.RaisedHourlyLimit}; warm-up {options.Warmup.TotalSeconds} s, runs of {options.Duration.TotalSeconds} s an endpoint in turns of {options.Slice.TotalSeconds} s, repeated {options.Repeat} time(s)"));
Console.WriteLine();

var leadBodies = store.Leads.Select(l => Encoding.UTF8.GetBytes($$"""{"lead_id":"{{l}}"}""")).ToArray();
var auth = store.Tokens.Select(t => new AuthenticationHeaderValue("Bearer", t.Token)).ToArray();
HttpRequestMessage Post(string path, long sequence)
{
    // Consecutive requests go to different people and different leads, so that no cache of one answers all.
    var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(leadBodies[(sequence * 7) % leadBodies.Length]) };
    message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
    message.Headers.Authorization = auth[sequence % auth.Length];
    return message;
}

// Two baselines: GET /healthz is the cheapest request the server answers (no token, no body); the authenticated bare
// POST is the same request as a task's (token, JSON body, route, policy) answered without the gateway. The goal is
// judged against the second: it is the bare endpoint of the same server, so the ratio measures the gateway alone.
const string Healthz = "GET /healthz", Bare = "POST " + ServerHost.BarePath + "/lead_summary", Agent = "POST /v1/tasks/lead_summary";
var endpoints = new (string Name, ClosedLoop.RequestFactory Request)[]
{
    (Healthz, _ => new HttpRequestMessage(HttpMethod.Get, "/healthz")),
    (Bare, sequence => Post(ServerHost.BarePath + "/lead_summary", sequence)),
    (Agent, sequence => Post("/v1/tasks/lead_summary", sequence)),
};

// The endpoints of a run are measured in turns of one slice each until each has had the run's duration: the
// machine's speed drifts by a fifth from minute to minute here, and in turns every endpoint meets the same drift.
var slices = (int)Math.Ceiling(options.Duration / options.Slice);
var results = new List<LoadResult>();
Console.WriteLine(Header());
for (var round = 1; round <= options.Repeat; round++)
{
    foreach (var connections in options.Connections)
    {
        var loops = endpoints.Select(e => new ClosedLoop(server.Url, e.Name, connections, e.Request, server.Process)).ToArray();
        try
        {
            foreach (var loop in loops)
            {
                await loop.WarmAsync(options.Warmup, stop.Token);
            }

            var measured = loops.Select(_ => new List<LoadResult>(slices)).ToArray();
            for (var slice = 0; slice < slices; slice++)
            {
                var length = slice < slices - 1 ? options.Slice : options.Duration - (options.Slice * (slices - 1));
                for (var e = 0; e < loops.Length; e++)
                {
                    measured[e].Add(await loops[e].MeasureAsync(length, stop.Token));
                }
            }

            foreach (var result in measured.Select(LoadResult.Combine))
            {
                results.Add(result);
                Console.WriteLine(Row(result.Endpoint, result.Connections, result.RequestsPerSecond, result.P50Ms, result.P99Ms, result.MaxMs, result.Failed, result.CpuMicrosPerRequest)
                    + (result.Failed > 0 ? "  " + string.Join(", ", result.Failures.Select(f => $"{f.Key}: {f.Value}")) : ""));
            }
        }
        finally
        {
            foreach (var loop in loops)
            {
                loop.Dispose();
            }
        }
    }
}

Console.WriteLine();
Console.WriteLine(options.Repeat > 1 ? Invariant($"Medians of {options.Repeat} runs (failed: the sum):") : "Summary:");
Console.WriteLine(Header());
var met = true;
foreach (var connections in options.Connections)
{
    var medians = endpoints.Select(e => Median(results.Where(r => r.Endpoint == e.Name && r.Connections == connections).ToList())).ToArray();
    foreach (var m in medians)
    {
        Console.WriteLine(Row(m.Endpoint, connections, m.Rps, m.P50, m.P99, m.Max, m.Failed, m.Cpu));
    }

    var (healthz, bare, task) = (medians[0], medians[1], medians[2]);
    var ok = bare.Rps / task.Rps <= 3 && task.Failed == 0 && bare.Failed == 0;
    met &= ok;
    Console.WriteLine(Invariant($"  {connections} connections: {Healthz} serves {healthz.Rps / task.Rps:0.00}x the task's requests/s (p99 {task.P99 / healthz.P99:0.0}x, cpu {task.Cpu / healthz.Cpu:0.0}x)"));
    Console.WriteLine(Invariant($"  {connections} connections: {Bare} serves {bare.Rps / task.Rps:0.00}x the task's requests/s (p99 {task.P99 / bare.P99:0.0}x, cpu {task.Cpu / bare.Cpu:0.0}x); goal (within 3x of it, no failed request): {(ok ? "met" : "NOT met")}"));
}

return met ? 0 : 1;

static string Header() => Invariant($"{"endpoint",-32} {"conns",5} {"req/s",9} {"p50 ms",8} {"p99 ms",8} {"max ms",8} {"failed",7} {"cpu µs/req",11}");

static string Row(string endpoint, int connections, double rps, double p50, double p99, double max, long failed, double cpu) =>
    Invariant($"{endpoint,-32} {connections,5} {rps,9:0} {p50,8:0.00} {p99,8:0.00} {max,8:0.0} {failed,7} {cpu,11:0}");

static (string Endpoint, double Rps, double P50, double P99, double Max, long Failed, double Cpu) Median(List<LoadResult> runs) => (
    runs[0].Endpoint, Mid(runs.Select(r => r.RequestsPerSecond)), Mid(runs.Select(r => r.P50Ms)), Mid(runs.Select(r => r.P99Ms)),
    Mid(runs.Select(r => r.MaxMs)), runs.Sum(r => r.Failed), Mid(runs.Select(r => r.CpuMicrosPerRequest)));

static double Mid(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
