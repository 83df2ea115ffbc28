using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Rollgate.Storage;

/// <summary>
/// Values read from a store, each kept under the counter of a <see cref="StoreStamp"/> that was read before it: a
/// value serves a lookup under the same counter only, and the first value kept under another counter starts over.
/// A value read while a change commits is at worst newer than its counter says, never older.
/// </summary>
public sealed class StampedCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private Generation _current = new(long.MinValue, new());

    /// <summary>How many values are kept under the current counter.</summary>
    public int Count => Volatile.Read(ref _current).Values.Count;

    public bool TryGet(long stamp, TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        var generation = Volatile.Read(ref _current);
        if (generation.Stamp == stamp)
        {
            return generation.Values.TryGetValue(key, out value);
        }

        value = default;
        return false;
    }

    /// <summary>Keeps <paramref name="value"/>, read after a stamp with this counter; past the capacity, everything kept is dropped at once.</summary>
    public void Keep(long stamp, TKey key, TValue value)
    {
        var generation = Volatile.Read(ref _current);
        if (generation.Stamp != stamp)
        {
            // Counters only move up, but a store replaced by a restore may start lower: any other counter starts over.
            var next = new Generation(stamp, new());
            generation = Interlocked.CompareExchange(ref _current, next, generation) == generation ? next : Volatile.Read(ref _current);
            if (generation.Stamp != stamp)
            {
                return;
            }
        }

        if (generation.Values.Count >= capacity)
        {
            generation.Values.Clear();
        }

        generation.Values[key] = value;
    }

    private sealed record Generation(long Stamp, ConcurrentDictionary<TKey, TValue> Values);
}
