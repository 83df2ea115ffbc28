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

    /// <summary>
    /// Formats with the value's own offset: <c>yyyy-MM-ddTHH:mm:ss</c>, the fraction of a second without its trailing zeros (none when whole), then
    /// <c>Z</c> or the offset as <c>±hh:mm</c>. Written digit by digit: every event written and exported is formatted.
    /// </summary>
    public static string Format(DateTimeOffset value)
    {
        var frac = (int)(value.Ticks % TimeSpan.TicksPerSecond);
        var fracDigits = 7;
        while (frac != 0 && frac % 10 == 0)
        {
            frac /= 10;
            fracDigits--;
        }

        var length = 19 + (frac == 0 ? 0 : 1 + fracDigits) + (value.Offset == TimeSpan.Zero ? 1 : 6);
        return string.Create(length, (value, frac, fracDigits), static (s, state) =>
        {
            var (v, fraction, digits) = state;
            var t = v.DateTime;
            Digits(s[..4], t.Year);
            s[4] = '-';
            Digits(s.Slice(5, 2), t.Month);
            s[7] = '-';
            Digits(s.Slice(8, 2), t.Day);
            s[10] = 'T';
            Digits(s.Slice(11, 2), t.Hour);
            s[13] = ':';
            Digits(s.Slice(14, 2), t.Minute);
            s[16] = ':';
            Digits(s.Slice(17, 2), t.Second);
            var at = 19;
            if (fraction != 0)
            {
                s[at] = '.';
                Digits(s.Slice(at + 1, digits), fraction);
                at += 1 + digits;
            }

            if (v.Offset == TimeSpan.Zero)
            {
                s[at] = 'Z';
                return;
            }

            var minutes = (int)v.Offset.TotalMinutes;
            s[at] = minutes < 0 ? '-' : '+';
            minutes = Math.Abs(minutes);
            Digits(s.Slice(at + 1, 2), minutes / 60);
            s[at + 3] = ':';
            Digits(s.Slice(at + 4, 2), minutes % 60);
        });
    }

    /// <summary>The date as RFC 3339's full-date, <c>yyyy-MM-dd</c>.</summary>
    public static string FormatDate(DateOnly date) => string.Create(10, date, static (s, d) =>
    {
        Digits(s[..4], d.Year);
        s[4] = '-';
        Digits(s.Slice(5, 2), d.Month);
        s[7] = '-';
        Digits(s.Slice(8, 2), d.Day);
    });

    /// <summary><paramref name="value"/> in exactly the width of <paramref name="into"/>, with leading zeros.</summary>
    private static void Digits(Span<char> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (char)('0' + (value % 10));
            value /= 10;
        }
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
