using System.Diagnostics;

namespace Rollgate.Cli.Tests;

/// <summary>The built command run as users run it, <c>dotnet rollgate.dll ...</c>: exit statuses and streams.</summary>
public sealed class ProcessTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "rollgate.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    [Trait("spec", "6")]
    public async Task PlanValidate_AsAProcess_PrintsJsonAndExits0()
    {
        var (code, stdout, stderr) = await RunAsync("plan", "validate", CliRunner.ExamplePlan, "--json");
        Assert.Equal(0, code);
        Assert.Equal("""{"valid":true,"phases":["pilot","sdr","full"]}""", stdout.Trim());
        Assert.Equal("", stderr);
    }

    [Fact]
    [Trait("spec", "6")]
    public async Task BadInput_AsAProcess_Exits2WithAMessageOnStderr()
    {
        var (code, stdout, stderr) = await RunAsync("gate", "--plan", CliRunner.ExamplePlan, "--db", "/nonexistent/x.db", "--phase", "pilot", "--json");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("no event store there", stderr);
    }
}
