using Rollgate.Core.Access;

namespace Rollgate.Core.Tests.Access;

/// <summary>The plan's people by id: the look-up behind <c>unknown_user</c> (SPEC 4).</summary>
public sealed class UserDirectoryTests
{
    private static User Person(string id, string role = "sdr") => new(id, id + " Name", id + "@example.com", role, "Team");

    [Fact]
    [Trait("spec", "4.unknown_user")]
    public void Find_EveryKnownId_IsFound_AndNothingElse()
    {
        var users = Enumerable.Range(1, 120).Select(i => Person($"sdr-{i:00}")).ToList();
        var directory = new UserDirectory(users);

        foreach (var u in users)
        {
            Assert.Same(u, directory.Find(u.Id));
        }

        Assert.Null(directory.Find("sdr-121"));
        Assert.Null(directory.Find("sdr-1"));
        Assert.Null(directory.Find(""));
    }

    [Theory]
    [Trait("spec", "4.unknown_user")]
    [InlineData("SO-01")]
    [InlineData("so-01 ")]
    [InlineData("so-0l")]
    public void Find_IdsDifferingInCaseOrACharacter_AreUnknown(string id)
    {
        var directory = new UserDirectory([Person("so-01", "sales_ops"), Person("so-02", "sales_ops")]);

        Assert.Null(directory.Find(id));
    }

    [Fact]
    public void All_KeepsTheFileOrder_AndALaterRowWithTheSameIdReplacesTheEarlierInItsPlace()
    {
        var first = Person("ae-01", "ae");
        var again = Person("ae-01", "sales_ops");
        var directory = new UserDirectory([Person("sdr-02"), first, Person("sdr-01"), again]);

        Assert.Equal(["sdr-02", "ae-01", "sdr-01"], directory.All.Select(u => u.Id));
        Assert.Same(again, directory.All[1]);
        Assert.Same(again, directory.Find("ae-01"));
        Assert.Equal(3, directory.Count);
    }

    [Fact]
    public void Find_InAnEmptyDirectory_IsNull()
    {
        var directory = new UserDirectory([]);

        Assert.Null(directory.Find("so-01"));
        Assert.Equal(0, directory.Count);
    }
}
