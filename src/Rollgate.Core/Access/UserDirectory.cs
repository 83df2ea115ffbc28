using System.Collections.Frozen;

namespace Rollgate.Core.Access;

/// <summary>A person from users.csv.</summary>
public sealed record User(string Id, string Name, string Email, string Role, string Team);

/// <summary>The people a plan knows, by id.</summary>
public sealed class UserDirectory
{
    // Frozen: every access decision looks a user up, and the directory never changes once loaded.
    private readonly FrozenDictionary<string, User> _byId;

    public UserDirectory(IEnumerable<User> users)
    {
        // A later row with the same id replaces the earlier one but keeps its place, as a dictionary's order does.
        var byId = new Dictionary<string, User>(StringComparer.Ordinal);
        foreach (var u in users)
        {
            byId[u.Id] = u;
        }

        All = [.. byId.Values];
        _byId = byId.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyList<User> All { get; }

    public int Count => _byId.Count;

    public User? Find(string id) => _byId.TryGetValue(id, out var user) ? user : null;

    /// <summary>The ids of everybody whose role is one of <paramref name="roles"/>.</summary>
    public IReadOnlyList<string> WithRoles(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        return [.. All.Where(u => set.Contains(u.Role)).Select(u => u.Id)];
    }
}
