using System.Globalization;
using Rollgate.Core.Time;

namespace Rollgate.Core.Tests.Time;

public sealed class Rfc3339Tests
{
    /// <summary>What the format says, written with .NET's own custom format strings.</summary>
    private static string Expected(DateTimeOffset value)
    {
        var whole = value.Ticks % TimeSpan.TicksPerSecond == 0;
        var body = value.ToString(whole ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        return value.Offset == TimeSpan.Zero ? body + "Z" : body + value.ToString("zzz", CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("2026-03-02T09:00:00Z")]
    [InlineData("2026-03-02T09:00:00.5Z")]
    [InlineData("2026-03-02T09:00:00.1234567Z")]
    [InlineData("2026-03-02T09:00:00.0000001Z")]
    [InlineData("2026-03-02T09:00:00.120-08:00")]
    [InlineData("0001-01-02T00:00:00+05:30")]
    [InlineData("9999-12-31T23:59:59.9999999+14:00")]
    [InlineData("2026-11-27T07:56:49.9046761-00:30")]
    public void Format_WritesTheInstantAsParsed_FractionWithoutTrailingZeros(string text)
    {
        Assert.True(Rfc3339.TryParse(text, out var value));

        Assert.Equal(Expected(value), Rfc3339.Format(value));
        Assert.Equal(text.Replace(".120-", ".12-", StringComparison.Ordinal), Rfc3339.Format(value));
    }

    [Fact]
    public void Format_IsWhatTheCustomFormatWrites_ForRandomInstantsAndOffsets()
    {
        var random = new Random(11);
        for (var i = 0; i < 50_000; i++)
        {
            var ticks = random.NextInt64(DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay);
            if (i % 3 == 0)
            {
                ticks -= ticks % TimeSpan.TicksPerSecond;
            }

            var offset = TimeSpan.FromMinutes(i % 5 == 0 ? 0 : random.Next(-14 * 60, 14 * 60 + 1));
            var value = new DateTimeOffset(ticks, offset);
            Assert.Equal(Expected(value), Rfc3339.Format(value));
        }
    }

    [Fact]
    public void FormatDate_IsTheFullDate_ForEveryKindOfDate()
    {
        var random = new Random(5);
        DateOnly[] edges = [DateOnly.MinValue, DateOnly.MaxValue, new(2026, 2, 28), new(2024, 2, 29), new(999, 12, 31)];
        foreach (var date in edges.Concat(Enumerable.Range(0, 20_000).Select(_ => DateOnly.FromDayNumber(random.Next(DateOnly.MaxValue.DayNumber + 1)))))
        {
            Assert.Equal(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Rfc3339.FormatDate(date));
        }
    }
}
