namespace Rollgate.Core.Access;

/// <summary>A person from users.csv.</summary>
public sealed record User(string Id, string Name, string Email, string Role, string Team);

/// <summary>The people a plan knows, by id.</summary>
public sealed class UserDirectory
{
    private readonly Dictionary<string, User> _byId;

    public UserDirectory(IEnumerable<User> users)
    {
        _byId = new Dictionary<string, User>(StringComparer.Ordinal);
        foreach (var u in users)
        {
            _byId[u.Id] = u;
        }

        All = [.. _byId.Values];
    }

    public IReadOnlyList<User> All { get; }

    public int Count => _byId.Count;

    public User? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The ids of everybody whose role is one of <paramref name="roles"/>.</summary>
    public IReadOnlyList<string> WithRoles(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        return [.. All.Where(u => set.Contains(u.Role)).Select(u => u.Id)];
    }
}
