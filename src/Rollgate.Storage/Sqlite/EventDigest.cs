using System.IO.Hashing;
using System.Text;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// An event's identity in the store: a 64-bit hash of its line as received. With the event's ts beside it in
/// the unique index, two different lines clash only if they share the instant and the hash. XXH3 rather than a
/// cryptographic hash: the store trusts its importers, and hashing is on every imported line.
/// </summary>
internal static class EventDigest
{
    public static long Of(ReadOnlySpan<byte> line) => unchecked((long)XxHash3.HashToUInt64(line));

    public static long Of(string line) => Of(Encoding.UTF8.GetBytes(line));
}
