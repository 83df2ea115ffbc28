using Rollgate.Core.Events;
using Rollgate.Core.Experiments;

namespace Rollgate.Core.Tests.Experiments;

/// <summary>
/// SPEC 5's split: GrowthBook's version-2 hash. Expected buckets were computed independently of this code (FNV-1a
/// and the formula written out).
/// </summary>
public sealed class ExperimentAssignmentTests
{
    [Theory]
    [Trait("spec", "5")]
    [InlineData("", 0x811c9dc5u)]
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    public void Fnv1a32_MatchesTheReferenceVectors(string text, uint expected)
    {
        Assert.Equal(expected, ExperimentAssignment.Fnv1a32(text));
    }

    [Theory]
    [Trait("spec", "5")]
    [InlineData("prompt-v2", "sdr-01", 0.7456, "treatment")]
    [InlineData("prompt-v2", "ae-17", 0.5544, "treatment")]
    [InlineData("risk-thresholds", "so-03", 0.4123, "control")]
    [InlineData("exp", "", 0.4206, "control")]
    public void Bucket_IsGrowthBooksVersion2Hash_AndBelowHalfIsControl(string experiment, string user, double bucket, string variant)
    {
        Assert.Equal(bucket, ExperimentAssignment.Bucket(experiment, user), 10);
        Assert.Equal(variant, WireNames.Of(ExperimentAssignment.Assign(experiment, user)));
    }

    [Fact]
    [Trait("spec", "5")]
    public void TenThousandUsers_SplitAboutEvenly_AndTheSameUserAlwaysGetsTheSameVariant()
    {
        var users = Enumerable.Range(0, 10_000).Select(i => $"user-{i}").ToList();
        var control = users.Count(u => ExperimentAssignment.Assign("prompt-v2", u) == Variant.Control);

        Assert.InRange(control, 4_800, 5_200);
        Assert.All(users.Take(100), u => Assert.Equal(ExperimentAssignment.Bucket("prompt-v2", u), ExperimentAssignment.Bucket("prompt-v2", u)));
        Assert.NotEqual(
            users.Select(u => ExperimentAssignment.Assign("prompt-v2", u)),
            users.Select(u => ExperimentAssignment.Assign("other-key", u)));
    }
}
