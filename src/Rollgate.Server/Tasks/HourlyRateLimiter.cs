using System.Collections.Concurrent;
using Rollgate.Core.Events;
using Rollgate.Core.Time;

namespace Rollgate.Server.Tasks;

/// <summary>
/// Per-person hourly limits (SPEC 4 <c>rate_limited</c>): an hour is a whole clock hour in the plan's time zone,
/// and what counts is the runs a person made in it. The count lives in memory, seeded from the store the first
/// time a person is seen in an hour, so a restart forgets nothing; a slot is taken before the agent runs and given
/// back when the request does not reach it, so concurrent requests cannot overrun the limit.
/// </summary>
/// <remarks>With several replicas each counts its own requests after the seed; the limit then holds per replica.</remarks>
public sealed class HourlyRateLimiter(IEventHistory history, TimeZoneInfo zone)
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    /// <summary>The start of the clock hour that holds <paramref name="at"/>, in <see cref="zone"/>.</summary>
    public DateTimeOffset HourOf(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, local.Offset).ToUniversalTime();
    }

    /// <summary>Takes one of <paramref name="limit"/> slots of the hour; false when the hour's slots are spent.</summary>
    public async ValueTask<bool> TryAcquireAsync(string user, DateTimeOffset at, int limit, CancellationToken cancellationToken = default)
    {
        var hour = HourOf(at);
        var slot = _slots.GetOrAdd(user, _ => new Slot());
        lock (slot)
        {
            if (slot.Hour == hour)
            {
                return slot.TryTake(limit);
            }
        }

        var tally = await history.RunTallyAsync(new TimeWindow(hour, at.AddTicks(1)), new HashSet<string>(StringComparer.Ordinal) { user }, cancellationToken);
        lock (slot)
        {
            if (slot.Hour != hour)
            {
                slot.Hour = hour;
                slot.Used = tally.Runs;
            }

            return slot.TryTake(limit);
        }
    }

    /// <summary>Gives back a slot taken for a request that did not reach an agent.</summary>
    public void Release(string user, DateTimeOffset at)
    {
        if (_slots.TryGetValue(user, out var slot))
        {
            lock (slot)
            {
                if (slot.Hour == HourOf(at) && slot.Used > 0)
                {
                    slot.Used--;
                }
            }
        }
    }

    /// <summary>When the hour holding <paramref name="at"/> ends: what <c>Retry-After</c> points to.</summary>
    public DateTimeOffset NextHour(DateTimeOffset at) => HourOf(at).AddHours(1);

    private sealed class Slot
    {
        public DateTimeOffset Hour { get; set; } = DateTimeOffset.MinValue;

        public long Used { get; set; }

        public bool TryTake(int limit)
        {
            if (Used >= limit)
            {
                return false;
            }

            Used++;
            return true;
        }
    }
}
