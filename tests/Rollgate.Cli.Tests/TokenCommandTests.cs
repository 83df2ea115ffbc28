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
    public async Task Token_HasHelp(string command)
    {
        var r = await _cli.RunAsync([.. command.Split(' '), "--help"]);
        Assert.Equal(0, r.Code);
        Assert.Contains("Usage:", r.Out);
    }
}
