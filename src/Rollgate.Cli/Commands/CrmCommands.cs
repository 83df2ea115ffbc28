using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rollgate.Agents.Crm;
using Rollgate.Cli.Output;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Cli.Commands;

/// <summary><c>rollgate crm generate|import</c>: the demo CRM written as files, and CRM files read into the store.</summary>
public static class CrmCommands
{
    public static Command Create(CliContext ctx)
    {
        var crm = new Command("crm", "Write the demo CRM as files, or import CRM files (accounts, contacts, leads, opportunities, activities) into the store");
        crm.Subcommands.Add(Generate(ctx));
        crm.Subcommands.Add(Import(ctx));
        return crm;
    }

    private static Command Generate(CliContext ctx)
    {
        var output = RollgateApp.Text("--out", "The folder to write the JSON files into (created when missing; files replaced whole)", required: true);
        var seed = new Option<ulong>("--seed") { Description = "The generator's seed: the same seed writes the same files", DefaultValueFactory = _ => DemoCrm.DefaultSeed };
        var cmd = new Command("generate", $"Write the demo CRM (as of {Day(DemoCrm.AsOf)}) as accounts.json, contacts.json, leads.json, opportunities.json, activities.json and competitors.json") { output, seed };
        cmd.SetAction(parse =>
        {
            var dir = parse.GetValue(output)!;
            var data = DemoCrm.Generate(parse.GetValue(seed));
            CrmFiles.Write(data, dir);
            ctx.Out.WriteLine($"wrote {Describe(data.Counts)} and {data.Competitors.Count} competitors to {dir} (seed {parse.GetValue(seed).ToString(CultureInfo.InvariantCulture)})");
            return RollgateApp.Ok;
        });
        return cmd;
    }

    private static Command Import(CliContext ctx)
    {
        var db = RollgateApp.Text("--db", "The store (SQLite file; created when missing, and shared with the events)", required: true);
        var folder = new Argument<string>("DIR") { Description = "A CRM folder: accounts, contacts, leads, opportunities, activities as .json or .csv, and competitors.json or competitors.txt" };
        var json = RollgateApp.Json();
        var cmd = new Command("import", "Import a CRM folder: every file checked first, then all or nothing; records are replaced by id, so importing again changes nothing") { db, folder, json };
        cmd.SetAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(folder)!;
            if (!Directory.Exists(dir))
            {
                throw new UsageException($"{dir}: no such folder");
            }

            CrmData data;
            try
            {
                data = CrmFiles.Read(dir);
            }
            catch (InvalidCrmException ex)
            {
                throw await ReportAsync(ctx, dir, ex.Errors);
            }

            using var store = SqliteCrmStore.Open(parse.GetValue(db)!);
            var result = await store.ImportAsync(data, ct);
            if (!result.Succeeded)
            {
                throw await ReportAsync(ctx, dir, result.Errors);
            }

            var n = result.Imported;
            if (parse.GetValue(json))
            {
                ctx.WriteJson(new JsonObject
                {
                    ["accounts"] = n.Accounts, ["contacts"] = n.Contacts, ["leads"] = n.Leads, ["opportunities"] = n.Opportunities, ["activities"] = n.Activities,
                });
            }
            else
            {
                var unchanged = n.Total - result.Added.Total - result.Changed.Total;
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"imported {Describe(n)} ({result.Added.Total:N0} new, {result.Changed.Total:N0} changed, {unchanged:N0} already stored)"));
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    /// <summary>Prints every problem on stderr; the exception it returns ends the command with exit status 2.</summary>
    private static async Task<UsageException> ReportAsync(CliContext ctx, string dir, IReadOnlyList<string> errors)
    {
        foreach (var error in errors)
        {
            await ctx.Error.WriteLineAsync(error);
        }

        return new UsageException($"{dir}: {errors.Count} problem{(errors.Count == 1 ? "" : "s")}; nothing was imported");
    }

    private static string Describe(CrmCounts n) => string.Create(CultureInfo.InvariantCulture,
        $"{n.Accounts:N0} accounts, {n.Contacts:N0} contacts, {n.Leads:N0} leads, {n.Opportunities:N0} opportunities, {n.Activities:N0} activities");

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
