using System.Runtime.CompilerServices;

namespace Rollgate.Core.Access;

/// <summary>
/// A time zone's UTC offset by period, so that turning an instant into wall-clock time is a table look-up
/// rather than a walk through the zone's adjustment rules on every access decision. The periods are read from
/// <see cref="TimeZoneInfo"/> itself, a UTC year at a time and only for the years asked about, so
/// <see cref="ToLocal"/> answers as <see cref="TimeZoneInfo.ConvertTime(DateTimeOffset, TimeZoneInfo)"/> does,
/// daylight-saving changes included.
/// </summary>
/// <remarks>
/// A year's periods are found by asking the zone its offset every hour and, where it changed, searching the hour
/// for the exact tick. That misses only a zone whose offset changes twice within one hour, which none does.
/// Safe to share between threads: a year, once built, never changes, and is published by a single reference write.
/// </remarks>
internal sealed class ZoneOffsets
{
    private const int Slots = 8;

    private static readonly ConditionalWeakTable<TimeZoneInfo, ZoneOffsets> ByZone = [];

    // Plans have one zone, so the last one asked for answers nearly every call without a table look-up.
    private static ZoneOffsets? s_last;

    private readonly TimeZoneInfo _zone;

    // Years by number modulo Slots: decisions are about now, so a handful of years covers them.
    private readonly Year?[] _years = new Year?[Slots];

    private ZoneOffsets(TimeZoneInfo zone) => _zone = zone;

    public static ZoneOffsets For(TimeZoneInfo zone)
    {
        var last = s_last;
        if (last is not null && ReferenceEquals(last._zone, zone))
        {
            return last;
        }

        last = ByZone.GetValue(zone, static z => new ZoneOffsets(z));
        s_last = last;
        return last;
    }

    /// <summary>The wall-clock time in the zone at <paramref name="at"/>: <c>TimeZoneInfo.ConvertTime(at, zone).DateTime</c>.</summary>
    public DateTime ToLocal(DateTimeOffset at)
    {
        var utc = at.UtcTicks;
        var local = utc + OffsetTicksAt(utc);

        // As ConvertTime, which clamps to DateTimeOffset's range at the ends of the calendar.
        return new DateTime(Math.Clamp(local, DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks));
    }

    private long OffsetTicksAt(long utcTicks)
    {
        var number = new DateTime(utcTicks, DateTimeKind.Utc).Year;
        var slot = number & (Slots - 1);
        var year = _years[slot];
        if (year is null || year.Number != number)
        {
            year = Year.Build(_zone, number);
            _years[slot] = year;
        }

        return year.OffsetTicksAt(utcTicks);
    }

    /// <summary>One UTC year: the ticks at which each period starts (the first at the year's start) and its offset.</summary>
    private sealed class Year
    {
        private readonly long[] _starts;
        private readonly long[] _offsets;

        private Year(int number, long[] starts, long[] offsets)
        {
            Number = number;
            _starts = starts;
            _offsets = offsets;
        }

        public int Number { get; }

        public long OffsetTicksAt(long utcTicks)
        {
            var i = _starts.Length - 1;
            while (utcTicks < _starts[i])
            {
                i--;
            }

            return _offsets[i];
        }

        public static Year Build(TimeZoneInfo zone, int number)
        {
            var from = new DateTime(number, 1, 1).Ticks;
            var last = number == DateTime.MaxValue.Year ? DateTime.MaxValue.Ticks : new DateTime(number + 1, 1, 1).Ticks - 1;
            var starts = new List<long> { from };
            var offsets = new List<long> { Offset(zone, from) };
            for (var t = from; t < last;)
            {
                var next = Math.Min(t + TimeSpan.TicksPerHour, last);
                var offset = Offset(zone, next);
                if (offset != offsets[^1])
                {
                    starts.Add(FirstTickOf(zone, t, next, offset));
                    offsets.Add(offset);
                }

                t = next;
            }

            return new Year(number, [.. starts], [.. offsets]);
        }

        /// <summary>The first tick in <c>(before, at]</c> with the offset found at <paramref name="at"/>.</summary>
        private static long FirstTickOf(TimeZoneInfo zone, long before, long at, long offset)
        {
            while (at - before > 1)
            {
                var mid = before + ((at - before) / 2);
                if (Offset(zone, mid) == offset)
                {
                    at = mid;
                }
                else
                {
                    before = mid;
                }
            }

            return at;
        }

        private static long Offset(TimeZoneInfo zone, long utcTicks) => zone.GetUtcOffset(new DateTime(utcTicks, DateTimeKind.Utc)).Ticks;
    }
}
