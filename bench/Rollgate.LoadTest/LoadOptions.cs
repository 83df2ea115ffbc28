using System.Globalization;

namespace Rollgate.LoadTest;

/// <summary>
/// <c>[--duration 20] [--warmup 3] [--slice 1] [--connections 16,64] [--repeat 1] [--separate]</c>: how long each
/// endpoint is measured in a run, how long each is warmed up first, how long the turns are in which the endpoints
/// are measured one after the other until each has had its duration, the concurrency levels, how many times the
/// whole set runs, and whether the server runs in a process of its own.
/// </summary>
public sealed record LoadOptions(TimeSpan Duration, TimeSpan Warmup, TimeSpan Slice, IReadOnlyList<int> Connections, int Repeat, bool Separate)
{
    public const string Usage = "usage: Rollgate.LoadTest [--duration SECONDS] [--warmup SECONDS] [--slice SECONDS] [--connections N,N,...] [--repeat R] [--separate]";

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), [16, 64], 1, false);
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Positive(Value(args, ref i))) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(double.Parse(Value(args, ref i), CultureInfo.InvariantCulture)) },
                "--slice" => options with { Slice = TimeSpan.FromSeconds(Positive(Value(args, ref i))) },
                "--connections" => options with { Connections = [.. Value(args, ref i).Split(',').Select(n => (int)Positive(n))] },
                "--repeat" => options with { Repeat = (int)Positive(Value(args, ref i)) },
                "--separate" => options with { Separate = true },
                _ => throw new ArgumentException($"unknown option '{args[i]}'\n{Usage}"),
            };
        }

        return options with { Slice = options.Slice < options.Duration ? options.Slice : options.Duration };
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"'{args[i - 1]}' needs a value\n{Usage}");

    private static double Positive(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"'{text}' is not a positive number\n{Usage}");
}
