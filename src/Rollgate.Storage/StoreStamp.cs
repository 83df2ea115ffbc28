namespace Rollgate.Storage;

/// <summary>
/// Counters of a store that move up with every change to its API tokens, to its phase starts and rollbacks, and to
/// its CRM records, in the change's own transaction, whichever process makes it. What was read from the store
/// after a stamp was read is still true while the store shows the same counter: a process keeps such reads in
/// memory (<see cref="StampedCache{TKey, TValue}"/>) and reads only the stamp again.
/// </summary>
public readonly record struct StoreStamp(long Tokens, long Control, long Crm);
