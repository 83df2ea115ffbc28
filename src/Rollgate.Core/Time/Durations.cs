using System.Globalization;

namespace Rollgate.Core.Time;

/// <summary>Durations as plans write them: <c>90s</c>, <c>15m</c>, <c>1h</c>, <c>14d</c>, <c>2w</c>, or combined, <c>1h30m</c>.</summary>
public static class Durations
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var i = 0;
        var any = false;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (i == start || i == s.Length
                || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
            {
                return false;
            }

            TimeSpan unit = s[i] switch
            {
                's' => TimeSpan.FromSeconds(1),
                'm' => TimeSpan.FromMinutes(1),
                'h' => TimeSpan.FromHours(1),
                'd' => TimeSpan.FromDays(1),
                'w' => TimeSpan.FromDays(7),
                _ => TimeSpan.Zero,
            };
            if (unit == TimeSpan.Zero)
            {
                return false;
            }

            value += unit * n;
            i++;
            any = true;
        }

        return any;
    }

    /// <summary>The shortest plan-style spelling: <c>14d</c>, <c>1w</c>, <c>1h30m</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        if (value.Ticks % TimeSpan.FromDays(7).Ticks == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{value.Days / 7}w");
        }

        var parts = new List<string>();
        if (value.Days > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{value.Days}d"));
        }

        if (value.Hours > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{value.Hours}h"));
        }

        if (value.Minutes > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{value.Minutes}m"));
        }

        if (value.Seconds > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{value.Seconds}s"));
        }

        return parts.Count == 0 ? "under a second" : string.Concat(parts);
    }
}
