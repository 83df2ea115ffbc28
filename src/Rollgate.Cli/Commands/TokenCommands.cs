using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rollgate.Cli.Output;
using Rollgate.Storage.Sqlite;
using Spectre.Console;

namespace Rollgate.Cli.Commands;

/// <summary><c>rollgate token create|revoke|list</c>: bearer tokens for the API, of which the store keeps only hashes.</summary>
public static class TokenCommands
{
    public static Command Create(CliContext ctx)
    {
        var token = new Command("token", "Create, revoke and list API tokens (the store keeps only their SHA-256)");
        token.Subcommands.Add(New(ctx));
        token.Subcommands.Add(Revoke(ctx));
        token.Subcommands.Add(List(ctx));
        return token;
    }

    private static Command New(CliContext ctx)
    {
        var db = RollgateApp.DbOption();
        var user = RollgateApp.Text("--user", "Whose token it is (a user id)", required: true);
        var plan = RollgateApp.Text("--plan", "Refuse a user who is not in this plan's users file");
        var by = By();
        var json = RollgateApp.Json();
        var cmd = new Command("create", "Create a token for a user and print it: it is shown this once") { db, user, plan, by, json };
        cmd.SetAction(parse =>
        {
            var who = parse.GetValue(user)!;
            if (parse.GetValue(plan) is { } planPath && ctx.LoadPlan(planPath).Users.Find(who) is null)
            {
                throw new UsageException($"--user: '{who}' is not in the plan's users file");
            }

            var path = Db(parse.GetValue(db));
            using var store = SqliteTokenStore.Open(path);
            var (record, token) = store.Create(who, ctx.Clock.GetUtcNow());
            using (var audit = SqliteAuditLog.Open(path))
            {
                audit.Append(new AuditEntry(record.Created, parse.GetValue(by)!, "token_created", $"token {record.Id} of {who}", null));
            }
            if (parse.GetValue(json))
            {
                ctx.WriteJson(new JsonObject { ["user"] = record.User, ["token"] = token, ["id"] = record.Id });
            }
            else
            {
                ctx.Out.WriteLine(token);
                ctx.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"token {record.Id} for {record.User}: shown this once; send it as 'Authorization: Bearer <token>'"));
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    private static Command Revoke(CliContext ctx)
    {
        var db = RollgateApp.DbOption();
        var id = new Option<long?>("--id") { Description = "Revoke this token (its id, from 'rollgate token list')" };
        var user = RollgateApp.Text("--user", "Revoke every active token of this user");
        var reason = RollgateApp.Text("--reason", "Why (recorded in the audit trail)");
        var by = By();
        var json = RollgateApp.Json();
        var cmd = new Command("revoke", "Revoke a token by id, or every token of a user") { db, id, user, reason, by, json };
        cmd.SetAction(parse =>
        {
            var (which, whose) = (parse.GetValue(id), parse.GetValue(user));
            if ((which is null) == (whose is null))
            {
                throw new UsageException("give exactly one of --id N or --user ID");
            }

            var path = Db(parse.GetValue(db));
            using var store = SqliteTokenStore.Open(path);
            var now = ctx.Clock.GetUtcNow();
            var revoked = store.Revoke(which, whose, now);
            using (var audit = SqliteAuditLog.Open(path))
            {
                foreach (var r in revoked)
                {
                    audit.Append(new AuditEntry(now, parse.GetValue(by)!, "token_revoked", $"token {r.Id} of {r.User}", parse.GetValue(reason)));
                }
            }
            if (parse.GetValue(json))
            {
                ctx.WriteJson(new JsonObject { ["revoked"] = new JsonArray([.. revoked.Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["user"] = r.User })]) });
            }
            else
            {
                ctx.Out.WriteLine(revoked.Count == 0 ? "no active token matched; nothing revoked" : $"revoked {string.Join(", ", revoked.Select(r => $"token {r.Id} of {r.User}"))}");
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    private static Command List(CliContext ctx)
    {
        var db = RollgateApp.DbOption();
        var json = RollgateApp.Json();
        var cmd = new Command("list", "List tokens: id, user, created, revoked (never the tokens themselves)") { db, json };
        cmd.SetAction(parse =>
        {
            using var store = SqliteTokenStore.Open(Db(parse.GetValue(db)));
            var tokens = store.List();
            if (parse.GetValue(json))
            {
                ctx.WriteJson(new JsonObject
                {
                    ["tokens"] = new JsonArray([.. tokens.Select(t => (JsonNode)new JsonObject
                    {
                        ["id"] = t.Id, ["user"] = t.User, ["created"] = CliContext.Time(t.Created), ["revoked"] = t.Revoked is { } r ? CliContext.Time(r) : null,
                    })]),
                });
                return RollgateApp.Ok;
            }

            var table = new Table().AddColumn("Id").AddColumn("User").AddColumn("Created").AddColumn("Revoked");
            foreach (var t in tokens)
            {
                table.AddRow(t.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(t.User), CliContext.Time(t.Created), t.Revoked is { } r ? CliContext.Time(r) : "—");
            }

            ctx.Console.Write(table);
            return RollgateApp.Ok;
        });
        return cmd;
    }

    private static Option<string> By() =>
        new("--by") { Description = "Who does this (a user id), for the audit trail", DefaultValueFactory = _ => "cli" };

    private static string Db(string? path) => CliContext.StorePath(path, null);
}
