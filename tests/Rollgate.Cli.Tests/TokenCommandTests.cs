using Rollgate.Storage.Sqlite;

namespace Rollgate.Cli.Tests;

public sealed class TokenCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    [Trait("spec", "6.token-create")]
    public async Task TokenCreate_Json_PrintsUserAndToken_AndStoresOnlyItsHash()
    {
        var db = _cli.PathOf("t.db");
        var r = await _cli.RunAsync("token", "create", "--db", db, "--user", "so-01", "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal("so-01", (string)r.Json["user"]!);
        var token = (string)r.Json["token"]!;
        Assert.StartsWith("rg_", token);
        Assert.True(token.Length > 40);

        using (var store = SqliteTokenStore.Open(db))
        {
            Assert.Equal("so-01", store.Authenticate(token));
            Assert.Null(store.Authenticate(token + "x"));
        }

        Assert.DoesNotContain(token, await File.ReadAllTextAsync(db, System.Text.Encoding.Latin1));
        var second = await _cli.RunAsync("token", "create", "--db", db, "--user", "so-01", "--json");
        Assert.NotEqual(token, (string)second.Json["token"]!);
    }

    [Fact]
    public async Task TokenRevoke_ByUser_StopsEveryTokenOfThatUser()
    {
        var db = _cli.PathOf("t.db");
        var a = (string)(await _cli.RunAsync("token", "create", "--db", db, "--user", "sdr-01", "--json")).Json["token"]!;
        var b = (string)(await _cli.RunAsync("token", "create", "--db", db, "--user", "sdr-02", "--json")).Json["token"]!;
        var r = await _cli.RunAsync("token", "revoke", "--db", db, "--user", "sdr-01", "--json");
        Assert.Equal(0, r.Code);
        Assert.Single(r.Json["revoked"]!.AsArray());

        using var store = SqliteTokenStore.Open(db);
        Assert.Null(store.Authenticate(a));
        Assert.Equal("sdr-02", store.Authenticate(b));
        var list = await _cli.RunAsync("token", "list", "--db", db, "--json");
        Assert.DoesNotContain(a, list.Out);
        Assert.Equal(2, list.Json["tokens"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("token create --user nobody --plan PLAN", "--user: 'nobody' is not in the plan's users file")]
    [InlineData("token revoke", "give exactly one of --id N or --user ID")]
    [InlineData("token revoke --id 1 --user so-01", "give exactly one of --id N or --user ID")]
    public async Task Token_BadInput_Exits2(string args, string expected)
    {
        var argv = args.Replace("PLAN", CliRunner.ExamplePlan, StringComparison.Ordinal).Split(' ');
        var r = await _cli.RunAsync([.. argv, "--db", _cli.PathOf("t.db")]);
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Err);
    }

    [Theory]
    [InlineData("token create")]
    [InlineData("token revoke")]
    [InlineData("token list")]
    [InlineData("audit verify")]
    [InlineData("audit list")]
    [InlineData("crm generate")]
    public async Task TokenAuditAndCrmCommands_HaveHelp(string command)
    {
        var r = await _cli.RunAsync([.. command.Split(' '), "--help"]);
        Assert.Equal(0, r.Code);
        Assert.Contains("Usage:", r.Out);
    }
}

public sealed class AuditCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task TokenChanges_AreAudited_AndATamperedRecordIsCaught()
    {
        var db = _cli.PathOf("a.db");
        Assert.Equal(0, (await _cli.RunAsync("token", "create", "--db", db, "--user", "sdr-01", "--by", "so-01")).Code);
        Assert.Equal(0, (await _cli.RunAsync("token", "revoke", "--db", db, "--user", "sdr-01", "--by", "so-01", "--reason", "left the team")).Code);

        var list = await _cli.RunAsync("audit", "list", "--db", db, "--json");
        var records = list.Json["records"]!.AsArray();
        Assert.Equal(["token_created", "token_revoked"], records.Select(r => (string)r!["action"]!));
        Assert.Equal("left the team", (string)records[1]!["reason"]!);
        Assert.Equal("so-01", (string)records[1]!["actor"]!);

        var ok = await _cli.RunAsync("audit", "verify", "--db", db, "--json");
        Assert.True((bool)ok.Json["valid"]!);

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE audit SET reason = 'routine' WHERE seq = 2";
            cmd.ExecuteNonQuery();
        }

        var broken = await _cli.RunAsync("audit", "verify", "--db", db, "--json");
        Assert.Equal(0, broken.Code);
        Assert.False((bool)broken.Json["valid"]!);
        Assert.Contains("record 2 was changed", broken.Out);
    }

    [Fact]
    public async Task AuditVerify_WithoutAStore_Exits2()
    {
        var r = await _cli.RunAsync("audit", "verify", "--db", _cli.PathOf("none.db"));
        Assert.Equal(2, r.Code);
        Assert.Contains("no store there", r.Err);
    }
}
