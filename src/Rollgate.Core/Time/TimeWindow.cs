namespace Rollgate.Core.Time;

/// <summary>A half-open interval of instants, <c>[From, To)</c>.</summary>
public readonly record struct TimeWindow(DateTimeOffset From, DateTimeOffset To)
{
    public TimeSpan Length => To > From ? To - From : TimeSpan.Zero;

    public bool IsEmpty => To <= From;

    public bool Contains(DateTimeOffset t) => t >= From && t < To;

    /// <summary>The whole UTC minute an instant falls in (as in SPEC 3's <c>floor_to_minute</c>).</summary>
    public static DateTimeOffset FloorToMinute(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    public override string ToString() => $"[{Rfc3339.Format(From)}, {Rfc3339.Format(To)})";
}
