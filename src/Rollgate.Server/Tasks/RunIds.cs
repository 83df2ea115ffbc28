using System.Globalization;

namespace Rollgate.Server.Tasks;

/// <summary>
/// The ids of the server's agent runs: <c>run-</c>, then 12 hex digits of the Unix time in milliseconds and 8 of a
/// counter that starts at a random value in each process. Ids made later sort later, so each run the server records
/// goes at the end of the store's indexes by run id, where a batch of runs shares a page or two, instead of at a
/// random place in each, where every run dirties a page of its own that the commit writes whole. Within a process the
/// counter keeps ids unique; across replicas, two ids collide only when made in the same millisecond with the same
/// counter value, which the store's uniqueness check would refuse rather than confuse.
/// </summary>
public static class RunIds
{
    private static int _counter = System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue);

    public static string Next(DateTimeOffset now)
    {
        var millis = Math.Clamp(now.ToUnixTimeMilliseconds(), 0, 0xFFFF_FFFF_FFFF);
        var count = (uint)Interlocked.Increment(ref _counter);
        return string.Create(CultureInfo.InvariantCulture, $"run-{millis:x12}{count:x8}");
    }
}
