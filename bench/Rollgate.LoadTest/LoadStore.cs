using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Rollgate.Agents.Crm;
using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Storage.Sqlite;

namespace Rollgate.LoadTest;

/// <summary>
/// A throwaway store in a temporary folder: the example plan with its hourly limits raised (so that the load measures
/// the request path, not the limiter refusing it), the demo CRM, the <c>full</c> phase started a minute ago (its agents
/// are available at any hour), and one token for each person of its cohort.
/// </summary>
public sealed partial class LoadStore : IDisposable
{
    /// <summary>The hourly limit every phase gets in the copy of the plan: more runs than any load here makes.</summary>
    public const int RaisedHourlyLimit = 1_000_000;

    private LoadStore(string folder, IReadOnlyList<(string User, string Token)> tokens, IReadOnlyList<string> leads)
    {
        (Folder, Tokens, Leads) = (folder, tokens, leads);
    }

    public string Folder { get; }

    public string PlanPath => Path.Combine(Folder, "plan.yaml");

    public string DbPath => Path.Combine(Folder, "rollgate.db");

    /// <summary>One token per person of the full phase's cohort (the SDRs, AEs and Sales Ops).</summary>
    public IReadOnlyList<(string User, string Token)> Tokens { get; }

    /// <summary>Every lead of the demo CRM.</summary>
    public IReadOnlyList<string> Leads { get; }

    public static async Task<LoadStore> CreateAsync(CancellationToken ct)
    {
        var root = RepoRoot();
        var folder = Directory.CreateTempSubdirectory("rollgate-load-").FullName;
        var plan = await File.ReadAllTextAsync(Path.Combine(root, "examples", "gtm", "plan.yaml"), ct);
        var raised = HourlyLimit().Replace(plan, $"per_user_per_hour: {RaisedHourlyLimit}");
        await File.WriteAllTextAsync(Path.Combine(folder, "plan.yaml"), raised, ct);
        File.Copy(Path.Combine(root, "examples", "gtm", "users.csv"), Path.Combine(folder, "users.csv"));

        var db = Path.Combine(folder, "rollgate.db");
        var crm = DemoCrm.Generate(7);
        using (var store = SqliteCrmStore.Open(db))
        {
            var imported = await store.ImportAsync(crm, ct);
            if (!imported.Succeeded)
            {
                throw new InvalidOperationException("the demo CRM did not import: " + string.Join("; ", imported.Errors));
            }
        }

        var now = TimeProvider.System.GetUtcNow();
        using (var events = SqliteEventStore.Open(db))
        {
            var appended = await events.AppendAsync([new PhaseStarted(now.AddMinutes(-1), "full", "so-01", "load test")], cancellationToken: ct);
            if (!appended.Succeeded)
            {
                throw new InvalidOperationException("the phase start was refused: " + string.Join("; ", appended.Errors));
            }
        }

        var loaded = PlanLoader.LoadFile(Path.Combine(folder, "plan.yaml"));
        var full = loaded.FindPhase("full") ?? throw new InvalidOperationException("the example plan has no phase 'full'");
        var tokens = new List<(string, string)>();
        using (var store = SqliteTokenStore.Open(db))
        {
            foreach (var user in loaded.Users.WithRoles(full.Cohort.Roles))
            {
                tokens.Add((user, store.Create(user, now).Token));
            }
        }

        SqliteConnection.ClearAllPools();
        return new LoadStore(folder, tokens, [.. crm.Leads.Select(l => l.Id)]);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Rollgate.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Rollgate.slnx)");
    }

    [GeneratedRegex(@"per_user_per_hour: \d+")]
    private static partial Regex HourlyLimit();
}
