using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Rollgate.Cli.Tests;

/// <summary>Runs the <c>rollgate</c> command in-process, capturing stdout and stderr, on a fake clock.</summary>
public sealed class CliRunner : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rollgate-cli-" + Guid.NewGuid().ToString("N"));

    public CliRunner()
    {
        Directory.CreateDirectory(_dir);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public static string RepoRoot { get; } = FindRoot();

    public static string ExamplePlan => Path.Combine(RepoRoot, "examples", "gtm", "plan.yaml");

    public string PathOf(string name) => Path.Combine(_dir, name);

    public string Write(string name, string text)
    {
        var path = PathOf(name);
        File.WriteAllText(path, text);
        return path;
    }

    public async Task<Result> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await RollgateApp.RunAsync(args, stdout, stderr, Clock);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Rollgate.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    public sealed record Result(int Code, string Out, string Err)
    {
        public JsonObject Json => JsonNode.Parse(Out)!.AsObject();
    }
}
