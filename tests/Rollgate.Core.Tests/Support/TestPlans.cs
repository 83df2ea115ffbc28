using Rollgate.Core.Plans;

namespace Rollgate.Core.Tests.Support;

/// <summary>Loads the example plan the project ships, so that tests judge the plan users run.</summary>
public static class TestPlans
{
    public static string RepoRoot { get; } = FindRoot();

    public static string ExamplePlanPath => Path.Combine(RepoRoot, "examples", "gtm", "plan.yaml");

    private static readonly Lazy<RolloutPlan> Example = new(() => PlanLoader.LoadFile(ExamplePlanPath));

    public static RolloutPlan Gtm => Example.Value;

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Rollgate.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Rollgate.slnx)");
    }
}
