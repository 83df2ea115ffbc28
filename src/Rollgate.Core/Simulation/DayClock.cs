using Rollgate.Core.Time;

namespace Rollgate.Core.Simulation;

/// <summary>
/// The instants of the wall-clock minutes of one local date. Daylight saving makes some dates 23 or 25 hours
/// long: a skipped minute (02:30 on the spring-forward Sunday) is not <see cref="IsValid"/>, and a repeated one
/// is its first occurrence.
/// </summary>
internal sealed class DayClock
{
    public const int MinutesPerDay = 24 * 60;

    private readonly DateTimeOffset[] _minutes = new DateTimeOffset[MinutesPerDay];
    private readonly bool[] _valid = new bool[MinutesPerDay];
    private readonly DateTime _midnight;

    public DayClock(DateOnly date, TimeZoneInfo zone)
    {
        Date = date;
        _midnight = date.ToDateTime(TimeOnly.MinValue);
        var start = LocalCalendar.StartOf(date, zone);
        var next = LocalCalendar.StartOf(date.AddDays(1), zone);
        var regular = next - start == TimeSpan.FromDays(1) && start.Offset == next.Offset && start.TimeOfDay == TimeSpan.Zero;
        for (var m = 0; m < MinutesPerDay; m++)
        {
            if (regular)
            {
                _minutes[m] = start.AddMinutes(m);
                _valid[m] = true;
            }
            else if (!zone.IsInvalidTime(Local(m)))
            {
                _minutes[m] = LocalCalendar.AtLocal(Local(m), zone);
                _valid[m] = true;
            }
        }
    }

    public DateOnly Date { get; }

    public bool IsWeekend => Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    public bool IsValid(int minute) => _valid[minute];

    /// <summary>The instant local minute <paramref name="minute"/> of the date begins.</summary>
    public DateTimeOffset At(int minute) => _minutes[minute];

    /// <summary>The wall-clock time of the minute, as <see cref="Access.Availability.IsOpenLocal"/> judges it.</summary>
    public DateTime Local(int minute) => _midnight.AddMinutes(minute);
}
