namespace Rollgate.Core.Access;

/// <summary>
/// When a phase serves people: local <c>[Open, Close)</c> on the listed days, in the plan's time zone,
/// or always. Local times are judged on the wall clock, so a window keeps its hours across daylight-saving changes.
/// </summary>
public sealed class Availability
{
    public static readonly Availability Always = new(null, TimeOnly.MinValue, TimeOnly.MinValue, true);

    private readonly bool[] _days = new bool[7];

    private Availability(IEnumerable<DayOfWeek>? days, TimeOnly open, TimeOnly close, bool always)
    {
        IsAlways = always;
        Open = open;
        Close = close;
        if (days is not null)
        {
            foreach (var d in days)
            {
                _days[(int)d] = true;
            }
        }
    }

    public static Availability Window(IEnumerable<DayOfWeek> days, TimeOnly open, TimeOnly close) => new(days, open, close, false);

    public bool IsAlways { get; }

    public TimeOnly Open { get; }

    /// <summary>The end of the window; <see cref="TimeOnly.MinValue"/> with a non-zero open means midnight at the end of the day.</summary>
    public TimeOnly Close { get; }

    public IEnumerable<DayOfWeek> Days => Enumerable.Range(0, 7).Where(i => _days[i]).Select(i => (DayOfWeek)i);

    public bool IsOpen(DateTimeOffset at, TimeZoneInfo zone)
    {
        if (IsAlways)
        {
            return true;
        }

        return IsOpenLocal(ZoneOffsets.For(zone).ToLocal(at));
    }

    public bool IsOpenLocal(DateTime local)
    {
        if (IsAlways)
        {
            return true;
        }

        if (!_days[(int)local.DayOfWeek])
        {
            return false;
        }

        var t = TimeOnly.FromDateTime(local);
        return t >= Open && (Close == TimeOnly.MinValue || t < Close);
    }

    /// <summary>Whether the window opens on this local date (every day when always open): a "service day" of SPEC 3.</summary>
    public bool OpensOn(DateOnly date) => IsAlways || _days[(int)date.DayOfWeek];

    public string Describe()
    {
        if (IsAlways)
        {
            return "24/7";
        }

        var close = Close == TimeOnly.MinValue ? "24:00" : Close.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        return $"{DescribeDays()} {Open.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)}–{close}";
    }

    private string DescribeDays()
    {
        string[] names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        if (_days[1] && _days[2] && _days[3] && _days[4] && _days[5] && !_days[0] && !_days[6])
        {
            return "Mon–Fri";
        }

        return _days.All(d => d) ? "every day" : string.Join(",", Enumerable.Range(0, 7).Where(i => _days[i]).Select(i => names[i]));
    }
}
