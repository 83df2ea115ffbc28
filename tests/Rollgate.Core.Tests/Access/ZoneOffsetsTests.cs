using System.Globalization;
using Rollgate.Core.Access;

namespace Rollgate.Core.Tests.Access;

/// <summary>
/// The zone's offsets by period must give the wall-clock time <see cref="TimeZoneInfo.ConvertTime(DateTimeOffset, TimeZoneInfo)"/>
/// gives, to the tick, or availability windows (SPEC 4) would open and close at the wrong local hour.
/// </summary>
public sealed class ZoneOffsetsTests
{
    private static readonly TimeZoneInfo Pacific = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

    private static void AssertLikeConvertTime(TimeZoneInfo zone, DateTimeOffset at) =>
        Assert.Equal(TimeZoneInfo.ConvertTime(at, zone).DateTime, ZoneOffsets.For(zone).ToLocal(at));

    [Fact]
    [Trait("spec", "4.outside_availability")]
    public void ToLocal_Pacific_MatchesConvertTimeEveryFiveMinutesOf2026()
    {
        for (var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero); at.Year < 2027; at = at.AddMinutes(5))
        {
            AssertLikeConvertTime(Pacific, at);
        }
    }

    [Theory]
    [Trait("spec", "4.outside_availability")]
    [InlineData("2026-03-08T10:00:00Z", "2026-03-08T01:59:59", "2026-03-08T03:00:00")] // clocks forward: 02:00 PST is 03:00 PDT
    [InlineData("2026-11-01T09:00:00Z", "2026-11-01T01:59:59", "2026-11-01T01:00:00")] // clocks back: 02:00 PDT is 01:00 PST
    public void ToLocal_Pacific_ChangesOffsetAtTheExactSecondOfTheClockChange(string change, string before, string after)
    {
        var at = DateTimeOffset.Parse(change, CultureInfo.InvariantCulture);
        var offsets = ZoneOffsets.For(Pacific);

        Assert.Equal(DateTime.Parse(before, CultureInfo.InvariantCulture), offsets.ToLocal(at.AddSeconds(-1)));
        Assert.Equal(DateTime.Parse(after, CultureInfo.InvariantCulture), offsets.ToLocal(at));
    }

    [Theory]
    [InlineData("America/Los_Angeles", "2026-03-08T10:00:00Z")]
    [InlineData("America/Los_Angeles", "2026-11-01T09:00:00Z")]
    [InlineData("Australia/Lord_Howe", "2026-10-03T15:30:00Z")] // 02:00 +10:30 becomes 02:30 +11:00, off the hour in UTC
    [InlineData("Asia/Kathmandu", "1985-12-31T18:30:00Z")]      // +05:30 became +05:45
    public void ToLocal_AroundAChange_MatchesConvertTimeToTheTick(string zoneId, string change)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var at = DateTimeOffset.Parse(change, CultureInfo.InvariantCulture);

        // The instant must really be a change, or the test proves nothing.
        Assert.NotEqual(zone.GetUtcOffset(at.AddTicks(-1)), zone.GetUtcOffset(at));
        AssertLikeConvertTime(zone, at.AddTicks(-1));
        AssertLikeConvertTime(zone, at);
    }

    [Theory]
    [InlineData("America/Los_Angeles")]
    [InlineData("Europe/London")]
    [InlineData("Australia/Lord_Howe")] // a half-hour daylight-saving shift
    [InlineData("America/Sao_Paulo")]   // daylight saving dropped in 2019
    [InlineData("Asia/Kolkata")]        // no daylight saving
    [InlineData("Pacific/Apia")]        // skipped a whole day at the end of 2011
    [InlineData("UTC")]
    public void ToLocal_MatchesConvertTimeAcrossTwoCenturies(string zoneId)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);

        // A stride of a prime number of seconds visits every hour of the day and every day of the week.
        for (var at = new DateTimeOffset(1950, 1, 1, 0, 0, 0, TimeSpan.Zero); at.Year < 2150; at = at.AddSeconds(86_399 * 3 + 7))
        {
            AssertLikeConvertTime(zone, at);
        }
    }

    [Fact]
    public void ToLocal_AtTheEndsOfTheCalendar_ClampsAsConvertTime()
    {
        AssertLikeConvertTime(Pacific, DateTimeOffset.MinValue);
        AssertLikeConvertTime(Pacific, DateTimeOffset.MaxValue);
        AssertLikeConvertTime(TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"), DateTimeOffset.MaxValue);
        AssertLikeConvertTime(TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"), DateTimeOffset.MinValue);
    }

    [Fact]
    [Trait("spec", "4.outside_availability")]
    public void ToLocal_YearsSharingACacheSlot_EachKeepTheirOwnOffsets()
    {
        // 2026 and 2034 fall in the same slot; asking in turn must rebuild, never reuse the other year's periods.
        var winter2026 = new DateTimeOffset(2026, 1, 15, 18, 0, 0, TimeSpan.Zero);
        var summer2034 = new DateTimeOffset(2034, 7, 15, 18, 0, 0, TimeSpan.Zero);
        var offsets = ZoneOffsets.For(Pacific);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(new DateTime(2026, 1, 15, 10, 0, 0), offsets.ToLocal(winter2026));
            Assert.Equal(new DateTime(2034, 7, 15, 11, 0, 0), offsets.ToLocal(summer2034));
        }
    }

    [Fact]
    public void For_SameZone_IsOneTable_OtherZone_IsAnother()
    {
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

        var pacific = ZoneOffsets.For(Pacific);
        var other = ZoneOffsets.For(london);

        Assert.Same(pacific, ZoneOffsets.For(Pacific));
        Assert.Same(other, ZoneOffsets.For(london));
        Assert.NotSame(pacific, other);
        var at = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTime(2026, 6, 1, 5, 0, 0), pacific.ToLocal(at));
        Assert.Equal(new DateTime(2026, 6, 1, 13, 0, 0), other.ToLocal(at));
    }
}
