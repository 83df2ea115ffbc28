using Microsoft.Extensions.Options;
using Rollgate.Agents.Engines;

namespace Rollgate.Server.Tests;

public sealed class RollgateServerTests
{
    private static string Plan => Path.Combine(ServerFixture.RepoRoot, "examples", "gtm", "plan.yaml");

    [Fact]
    public void Build_WithAChatEngineWithoutEndpoint_StopsAtStart_SayingWhat()
    {
        var db = Path.Combine(Path.GetTempPath(), $"rollgate-build-{Guid.NewGuid():N}.db");
        try
        {
            var ex = Assert.Throws<EngineConfigurationException>(() => RollgateServer.Build([$"--Rollgate:Plan={Plan}", $"--Rollgate:Db={db}", "--Rollgate:Engine=chat"]));
            Assert.Contains("ndpoint", ex.Message);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(db);
        }
    }

    [Fact]
    public void Build_WithoutAPlan_StopsAtStart_SayingWhat()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => RollgateServer.Build(["--Rollgate:Db=x.db"]));
        Assert.Contains("Rollgate:Plan", ex.Message);
    }

    [Fact]
    public void Build_WithAnUnknownEngine_StopsAtStart()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => RollgateServer.Build([$"--Rollgate:Plan={Plan}", "--Rollgate:Db=x.db", "--Rollgate:Engine=gpt"]));
        Assert.Contains("builtin or chat", ex.Message);
    }
}
