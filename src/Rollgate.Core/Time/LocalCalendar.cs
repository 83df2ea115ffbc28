namespace Rollgate.Core.Time;

/// <summary>Calendar days of a time zone as instants, across daylight-saving changes.</summary>
public static class LocalCalendar
{
    /// <summary>The instant a local date begins (midnight; the first valid instant if midnight is skipped).</summary>
    public static DateTimeOffset StartOf(DateOnly date, TimeZoneInfo zone) => AtLocal(date.ToDateTime(TimeOnly.MinValue), zone);

    /// <summary>The instant of a local wall-clock time; a skipped time moves forward past the gap, an ambiguous one takes the first.</summary>
    public static DateTimeOffset AtLocal(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    public static DateOnly DateOf(DateTimeOffset t, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, zone).DateTime);

    public static TimeWindow Day(DateOnly date, TimeZoneInfo zone) => new(StartOf(date, zone), StartOf(date.AddDays(1), zone));

    public static TimeWindow Dates(DateOnly from, DateOnly toExclusive, TimeZoneInfo zone) => new(StartOf(from, zone), StartOf(toExclusive, zone));

    /// <summary>Formats an instant as local time with its offset, for people.</summary>
    public static string Describe(DateTimeOffset t, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd HH:mm zzz", System.Globalization.CultureInfo.InvariantCulture);
}
