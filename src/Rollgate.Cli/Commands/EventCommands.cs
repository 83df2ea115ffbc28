using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Rollgate.Cli.Output;
using Rollgate.Storage;

namespace Rollgate.Cli.Commands;

/// <summary><c>rollgate events import|export</c>: JSON Lines in and out of the store.</summary>
public static class EventCommands
{
    /// <summary>Files larger than this report their progress even when stderr is not a terminal.</summary>
    private const long LargeFileBytes = 16L << 20;

    public static Command Create(CliContext ctx)
    {
        var events = new Command("events", "Import events into the store, or export them");
        events.Subcommands.Add(Import(ctx));
        events.Subcommands.Add(Export(ctx));
        return events;
    }

    private static Command Import(CliContext ctx)
    {
        var db = RollgateApp.DbOption();
        var file = new Argument<string>("FILE") { Description = "A JSON Lines file of events (SPEC 2), or - for stdin" };
        var json = RollgateApp.Json();
        var cmd = new Command("import", "Import a JSON Lines file: all or nothing, and importing it again stores nothing twice") { db, file, json };
        cmd.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (path != "-" && !File.Exists(path))
            {
                throw new UsageException($"{path}: no such file");
            }

            using var store = ctx.OpenStore(parse.GetValue(db), create: true);
            await using var input = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            var progress = ProgressReporter(ctx, input);
            var result = await store.ImportAsync(input, path, progress, ct);
            if (progress is not null && ctx.Interactive)
            {
                await ctx.Error.WriteLineAsync();
            }

            if (!result.Succeeded)
            {
                foreach (var error in result.Errors)
                {
                    await ctx.Error.WriteLineAsync(error.ToString());
                }

                throw new UsageException($"{path}: {result.Errors.Count} bad line{(result.Errors.Count == 1 ? "" : "s")}; nothing was imported");
            }

            if (parse.GetValue(json))
            {
                ctx.WriteJson(new JsonObject { ["imported"] = result.Imported, ["duplicates"] = result.Duplicates });
            }
            else
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"imported {result.Imported:N0} events{(result.Duplicates > 0 ? $" ({result.Duplicates:N0} already stored, skipped)" : "")}"));
            }

            return RollgateApp.Ok;
        });
        return cmd;
    }

    private static Progress<ImportProgress>? ProgressReporter(CliContext ctx, Stream input)
    {
        var size = input.CanSeek ? input.Length : 0;
        if (!ctx.Interactive && size < LargeFileBytes)
        {
            return null;
        }

        var lastDecile = -1L;
        return new Progress<ImportProgress>(p =>
        {
            var share = p.TotalBytes is > 0 ? (double)p.BytesRead / p.TotalBytes.Value : (double?)null;
            var text = string.Create(CultureInfo.InvariantCulture, $"importing: {p.Lines:N0} lines{(share is { } s ? $" ({s:P0})" : "")}");
            if (ctx.Interactive)
            {
                ctx.Error.Write("\r" + text);
            }
            else if (share is { } s2 && (long)(s2 * 10) > lastDecile)
            {
                lastDecile = (long)(s2 * 10);
                ctx.Error.WriteLine(text);
            }
        });
    }

    private static Command Export(CliContext ctx)
    {
        var db = RollgateApp.DbOption();
        var output = RollgateApp.Text("--out", "Write to this file instead of stdout (replaced whole, never half-written)");
        var cmd = new Command("export", "Write every stored event as JSON Lines, in the order stored, fields as received") { db, output };
        cmd.SetAction(async (parse, ct) =>
        {
            using var store = ctx.OpenStore(parse.GetValue(db));
            var path = parse.GetValue(output);
            if (path is null)
            {
                await store.ExportAsync(ctx.Out, ct);
                return RollgateApp.Ok;
            }

            var temp = path + ".partial";
            long n;
            await using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false), 1 << 16))
            {
                n = await store.ExportAsync(writer, ct);
            }

            File.Move(temp, path, overwrite: true);
            await ctx.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"exported {n:N0} events to {path}"));
            return RollgateApp.Ok;
        });
        return cmd;
    }
}
