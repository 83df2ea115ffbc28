using System.CommandLine;
using System.Text.Json.Nodes;
using Rollgate.Cli.Output;
using Rollgate.Storage.Sqlite;
using Spectre.Console;

namespace Rollgate.Cli.Commands;

/// <summary><c>rollgate audit verify|list</c>: the SHA-256-chained audit trail.</summary>
public static class AuditCommands
{
    public static Command Create(CliContext ctx)
    {
        var audit = new Command("audit", "Check or list the audit trail of changes of state");
        audit.Subcommands.Add(Verify(ctx));
        audit.Subcommands.Add(List(ctx));
        return audit;
    }

    private static Command Verify(CliContext ctx)
    {
        var db = RollgateApp.DbOption();
        var json = RollgateApp.Json();
        var cmd = new Command("verify", "Walk the chain and report every record changed or removed (exit 0 either way; see 'valid')") { db, json };
        cmd.SetAction(parse =>
        {
            using var log = SqliteAuditLog.Open(ctx.ExistingStorePath(parse.GetValue(db)));
            var result = log.Verify();
            if (parse.GetValue(json))
            {
                ctx.WriteJson(new JsonObject
                {
                    ["valid"] = result.Valid,
                    ["records"] = result.Records,
                    ["problems"] = new JsonArray([.. result.Problems.Select(p => (JsonNode)p)]),
                });
            }
            else if (result.Valid)
            {
                ctx.Console.MarkupLine($"[green]audit trail intact[/]: {result.Records} records, each linked to the one before");
            }
            else
            {
                ctx.Console.MarkupLine($"[bold red]audit trail broken[/] ({result.Records} records):");
                foreach (var p in result.Problems)
                {
                    ctx.Console.MarkupLine("  " + Markup.Escape(p));
                }
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    private static Command List(CliContext ctx)
    {
        var db = RollgateApp.DbOption();
        var json = RollgateApp.Json();
        var cmd = new Command("list", "List the audit records: when, who, what, why") { db, json };
        cmd.SetAction(parse =>
        {
            using var log = SqliteAuditLog.Open(ctx.ExistingStorePath(parse.GetValue(db)));
            var records = log.List();
            if (parse.GetValue(json))
            {
                ctx.WriteJson(new JsonObject
                {
                    ["records"] = new JsonArray([.. records.Select(r => (JsonNode)new JsonObject
                    {
                        ["seq"] = r.Seq, ["at"] = CliContext.Time(r.Entry.At), ["actor"] = r.Entry.Actor, ["action"] = r.Entry.Action,
                        ["subject"] = r.Entry.Subject, ["reason"] = r.Entry.Reason, ["hash"] = r.Hash,
                    })]),
                });
                return RollgateApp.Ok;
            }

            var table = new Table().AddColumn("#").AddColumn("When").AddColumn("Who").AddColumn("What").AddColumn("Subject").AddColumn("Why");
            foreach (var r in records)
            {
                table.AddRow(r.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), CliContext.Time(r.Entry.At), Markup.Escape(r.Entry.Actor),
                    Markup.Escape(r.Entry.Action), Markup.Escape(r.Entry.Subject ?? ""), Markup.Escape(r.Entry.Reason ?? ""));
            }

            ctx.Console.Write(table);
            return RollgateApp.Ok;
        });
        return cmd;
    }
}
