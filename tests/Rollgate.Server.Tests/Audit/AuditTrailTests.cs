using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Rollgate.Server.Tests.Audit;

public sealed class AuditTrailTests
{
    [Fact]
    public async Task EveryChangeOfState_IsAnAuditRecord_AndATamperedRecordIsCaught()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var ops = server.As("so-01");
        await ops.PostAsJsonAsync("/v1/kill-switch", new { state = "off", reason = "test" });
        await ops.PostAsJsonAsync("/v1/kill-switch", new { state = "on" });
        await server.As("exec-01").PostAsJsonAsync("/v1/directives", new { action = "rollback", reason = "drill" });
        await server.As("exec-01").PostAsJsonAsync("/v1/checklist/security-review/sign-off", new { note = "pen test passed" });

        var trail = await ops.GetFromJsonAsync<JsonObject>("/v1/audit");
        Assert.Equal(["kill_switch_off", "kill_switch_on", "notified", "directive", "sign_off"], trail!["records"]!.AsArray().Select(r => (string)r!["action"]!));
        Assert.True((bool?)(await ops.GetFromJsonAsync<JsonObject>("/v1/audit/verify"))!["valid"]);

        using (var c = new SqliteConnection($"Data Source={server.DbPath}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE audit SET actor = 'so-02' WHERE seq = 2";
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }

        var verdict = await ops.GetFromJsonAsync<JsonObject>("/v1/audit/verify");
        Assert.False((bool?)verdict!["valid"]);
        Assert.Contains("record 2", (string?)Assert.Single(verdict["problems"]!.AsArray()));
    }

    [Fact]
    public async Task ARemovedRecord_IsCaught()
    {
        await using var server = await ServerFixture.StartAsync();
        await server.StartPhaseAsync("pilot");
        var ops = server.As("so-01");
        foreach (var state in new[] { "off", "on", "off" })
        {
            server.Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(HttpStatusCode.OK, (await ops.PostAsJsonAsync("/v1/kill-switch", new { state })).StatusCode);
        }

        using (var c = new SqliteConnection($"Data Source={server.DbPath}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DELETE FROM audit WHERE seq = 2";
            cmd.ExecuteNonQuery();
        }

        using var response = await ops.GetAsync("/v1/audit/verify");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var verdict = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.False((bool?)verdict!["valid"]);
        Assert.Contains(verdict["problems"]!.AsArray(), p => ((string?)p)!.Contains("removed", StringComparison.Ordinal));
    }
}
