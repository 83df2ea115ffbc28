using Rollgate.Core.Plans;

namespace Rollgate.Benchmarks.Traffic;

/// <summary>Finds the repository from wherever BenchmarkDotNet runs the generated project (a folder under bin/).</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The GTM example plan with its users.csv: 28 SDRs, 58 AEs and 8 Sales Ops.</summary>
    public static RolloutPlan GtmPlan() => PlanLoader.LoadFile(Path.Combine(Root, "examples", "gtm", "plan.yaml"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Rollgate.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Rollgate.slnx above {AppContext.BaseDirectory}");
    }
}
