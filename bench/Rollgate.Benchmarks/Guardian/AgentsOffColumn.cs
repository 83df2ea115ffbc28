using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Rollgate.Benchmarks.Traffic;

namespace Rollgate.Benchmarks.Guardian;

/// <summary>
/// Playbook step 1 inside a measured evaluation: the benchmark process writes, for each evaluation that fired, the
/// time from the evaluation's start to the rollback event stored; this column shows their median in the summary,
/// which BenchmarkDotNet prints in another process (hence the file).
/// </summary>
public sealed class AgentsOffColumn : IColumn
{
    public static string FileOf(string benchmark) => Path.Combine(CachedStore.Folder, $"guardian-{benchmark}-agents-off.txt");

    public string Id => nameof(AgentsOffColumn);

    public string ColumnName => "To agents off";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Median time from the start of the evaluation to the rollback event stored (playbook step 1), over every evaluation of the run, from the guardian's own clock readings";

    public static void Write(string benchmark, IReadOnlyList<TimeSpan> samples)
    {
        Directory.CreateDirectory(CachedStore.Folder);
        File.WriteAllLines(FileOf(benchmark), samples.Select(s => s.Ticks.ToString(CultureInfo.InvariantCulture)));
    }

    public static TimeSpan? Median(IReadOnlyList<TimeSpan> samples)
    {
        if (samples.Count == 0)
        {
            return null;
        }

        var sorted = samples.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var file = FileOf(benchmarkCase.Descriptor.WorkloadMethod.Name);
        if (!File.Exists(file))
        {
            return "-";
        }

        var samples = File.ReadAllLines(file).Select(l => TimeSpan.FromTicks(long.Parse(l, CultureInfo.InvariantCulture))).ToList();
        return Median(samples) is { } median ? $"{median.TotalMilliseconds.ToString("N2", CultureInfo.InvariantCulture)} ms" : "NA";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
