using System.Globalization;
using Rollgate.Core.Events;

namespace Rollgate.Core.Experiments;

/// <summary>
/// Which variant of an experiment a person gets (SPEC 5): GrowthBook's version-2 hash, so that any GrowthBook SDK
/// reproduces the split from the experiment key and the user id alone.
/// </summary>
public static class ExperimentAssignment
{
    /// <summary>Below this bucket a person is in <c>control</c>.</summary>
    public const double Split = 0.5;

    /// <summary>
    /// FNV-1a, 32 bits, over the string's UTF-16 code units (as GrowthBook's JavaScript SDK hashes with
    /// <c>charCodeAt</c>).
    /// </summary>
    public static uint Fnv1a32(string text)
    {
        var hash = 2166136261u;
        foreach (var unit in text)
        {
            hash ^= unit;
            hash *= 16777619u;
        }

        return hash;
    }

    /// <summary><c>fnv1a32(str(fnv1a32(seed + user))) % 10000 / 10000</c>, the seed being the experiment key: in [0, 1).</summary>
    public static double Bucket(string experiment, string user)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(user);
        var inner = Fnv1a32(experiment + user).ToString(CultureInfo.InvariantCulture);
        return Fnv1a32(inner) % 10000 / 10000.0;
    }

    public static Variant Assign(string experiment, string user) => Bucket(experiment, user) < Split ? Variant.Control : Variant.Treatment;
}
