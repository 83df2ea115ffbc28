using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Rollgate.Core.Time;

namespace Rollgate.Storage.Sqlite;

/// <summary>A token as listed: never the token itself, which is shown only when it is created.</summary>
public sealed record TokenRecord(long Id, string User, DateTimeOffset Created, DateTimeOffset? Revoked)
{
    public bool IsActive => Revoked is null;
}

/// <summary>
/// Bearer tokens for the API: 256 random bits, shown once; the store keeps only their SHA-256, so a copy of the
/// store gives nobody a usable token.
/// </summary>
public sealed class SqliteTokenStore : IDisposable
{
    public const string Prefix = "rg_";

    private readonly string _connectionString;
    private readonly PreparedReads _reads;

    /// <summary>Users of the tokens seen, by the tokens' hashes.</summary>
    private readonly StampedCache<string, string> _known = new(capacity: 10_000);

    private SqliteTokenStore(string connectionString) => (_connectionString, _reads) = (connectionString, new PreparedReads(connectionString));

    public static SqliteTokenStore Open(string path) => new(SqliteFile.Open(path));

    public void Dispose()
    {
        _reads.Dispose();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Creates a token for <paramref name="user"/>; the returned text is the only copy there will be.</summary>
    public (TokenRecord Record, string Token) Create(string user, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        var token = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO tokens(user, hash, created) VALUES ($user, $hash, $created) RETURNING id";
        cmd.Parameters.AddWithValue("$user", user);
        cmd.Parameters.AddWithValue("$hash", Hash(token));
        cmd.Parameters.AddWithValue("$created", Rfc3339.Format(now));
        var id = (long)cmd.ExecuteScalar()!;
        return (new TokenRecord(id, user, now, null), token);
    }

    /// <summary>
    /// The user a token belongs to, or null when it is unknown or revoked, asked of the store (one prepared, indexed
    /// lookup), so that a revocation by any process holds from the next request on.
    /// </summary>
    public string? Authenticate(string token) => IsWellFormed(token) ? UserOf(Hash(token)) : null;

    /// <summary>
    /// The same answer, from memory while the store's token counter stays at <paramref name="stamp"/>'s: a token
    /// created or revoked by any process moves the counter up, so the answer holds from the next stamp on. Only known
    /// tokens are kept, so that unknown ones cannot fill the memory.
    /// </summary>
    public string? Authenticate(string token, StoreStamp stamp)
    {
        if (!IsWellFormed(token))
        {
            return null;
        }

        var hash = Hash(token);
        if (_known.TryGet(stamp.Tokens, hash, out var known))
        {
            return known;
        }

        var user = UserOf(hash);
        if (user is not null)
        {
            _known.Keep(stamp.Tokens, hash, user);
        }

        return user;
    }

    private static bool IsWellFormed(string token) => !string.IsNullOrEmpty(token) && token.StartsWith(Prefix, StringComparison.Ordinal);

    private string? UserOf(string hash)
    {
        using var lease = _reads.Rent();
        var cmd = lease.Command("SELECT user FROM tokens WHERE hash = $hash AND revoked IS NULL");
        cmd.Parameters.AddWithValue("$hash", hash);
        return cmd.ExecuteScalar() as string;
    }

    /// <summary>Revokes one token by id, or every active token of a user; returns the tokens revoked.</summary>
    public IReadOnlyList<TokenRecord> Revoke(long? id, string? user, DateTimeOffset now)
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE tokens SET revoked = $now WHERE revoked IS NULL AND (id = $id OR user = $user) RETURNING id, user, created, revoked";
        cmd.Parameters.AddWithValue("$now", Rfc3339.Format(now));
        cmd.Parameters.AddWithValue("$id", (object?)id ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$user", (object?)user ?? DBNull.Value);
        return Read(cmd);
    }

    public IReadOnlyList<TokenRecord> List()
    {
        using var c = SqliteFile.Connect(_connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, user, created, revoked FROM tokens ORDER BY id";
        return Read(cmd);
    }

    private static List<TokenRecord> Read(SqliteCommand cmd)
    {
        var result = new List<TokenRecord>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result.Add(new TokenRecord(r.GetInt64(0), r.GetString(1), Rfc3339.Parse(r.GetString(2)), r.IsDBNull(3) ? null : Rfc3339.Parse(r.GetString(3))));
        }

        return result;
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))).ToLower(CultureInfo.InvariantCulture);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
