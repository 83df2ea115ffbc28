using System.Globalization;

namespace Rollgate.Core.Time;

/// <summary>Strict RFC 3339 timestamps: a date, a time and an explicit offset (<c>Z</c> or <c>±hh:mm</c>).</summary>
public static class Rfc3339
{
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || text.Length < 20)
        {
            return false;
        }

        var s = text.AsSpan();
        if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        var tz = s.Length - 1;
        TimeSpan offset;
        if (s[tz] is 'Z' or 'z')
        {
            offset = TimeSpan.Zero;
        }
        else
        {
            tz = s.Length - 6;
            if (tz < 19 || s[tz] is not ('+' or '-') || s[tz + 3] != ':'
                || !TryDigits(s.Slice(tz + 1, 2), out var oh) || !TryDigits(s.Slice(tz + 4, 2), out var om)
                || oh > 23 || om > 59)
            {
                return false;
            }

            offset = new TimeSpan(oh, om, 0);
            if (s[tz] == '-')
            {
                offset = -offset;
            }
        }

        if (!TryDigits(s[..4], out var year) || !TryDigits(s.Slice(5, 2), out var month) || !TryDigits(s.Slice(8, 2), out var day)
            || !TryDigits(s.Slice(11, 2), out var hour) || !TryDigits(s.Slice(14, 2), out var minute) || !TryDigits(s.Slice(17, 2), out var second))
        {
            return false;
        }

        long ticks = 0;
        var rest = s[19..tz];
        if (rest.Length > 0)
        {
            if (rest[0] != '.' || rest.Length < 2 || rest.Length > 10 || !TryDigits(rest[1..], out var frac))
            {
                return false;
            }

            ticks = frac;
            for (var i = rest.Length - 1; i < 7; i++)
            {
                ticks *= 10;
            }

            for (var i = rest.Length - 1; i > 7; i--)
            {
                ticks /= 10;
            }
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        try
        {
            value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(ticks);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    public static DateTimeOffset Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not an RFC 3339 timestamp with an offset (e.g. 2026-02-02T09:00:00-08:00)");

    /// <summary>Formats with the value's own offset, <c>Z</c> for UTC, and fractions only when present.</summary>
    public static string Format(DateTimeOffset value)
    {
        var frac = value.Ticks % TimeSpan.TicksPerSecond;
        var body = value.ToString(frac == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        return value.Offset == TimeSpan.Zero ? body + "Z" : body + value.ToString("zzz", CultureInfo.InvariantCulture);
    }

    private static bool TryDigits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return s.Length > 0;
    }
}
