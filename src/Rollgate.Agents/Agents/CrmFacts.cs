using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Rollgate.Agents.Crm;
using Rollgate.Core.Time;

namespace Rollgate.Agents.Agents;

/// <summary>Small facts about CRM records that several agents need.</summary>
internal static partial class CrmFacts
{
    public static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Patterns kept for <see cref="Names"/> beyond this many are dropped, all at once.</summary>
    private const int MaxWholeWords = 1024;

    private static readonly ConcurrentDictionary<string, Regex> WholeWords = new(StringComparer.Ordinal);

    public static DateOnly DateOf(Activity a) => a.Ts is { } t ? DateOnly.FromDateTime(t.DateTime) : default;

    /// <summary>Activities that happened (not planned), on or before as_of, newest first.</summary>
    public static List<Activity> Past(AgentInput input) =>
        [.. input.ActivityList.Where(a => !a.Scheduled && a.Ts is not null && DateOf(a) <= input.AsOf).OrderByDescending(a => a.Ts)];

    /// <summary>Planned activities, soonest first.</summary>
    public static List<Activity> Planned(AgentInput input) =>
        [.. input.ActivityList.Where(a => a.Scheduled).OrderBy(a => a.Ts ?? DateTimeOffset.MaxValue)];

    public static int DaysBetween(DateOnly from, DateOnly to) => to.DayNumber - from.DayNumber;

    public static string Day(DateOnly d) => Rfc3339.FormatDate(d);

    public static string Day(DateTimeOffset? t) => t is { } x ? Day(DateOnly.FromDateTime(x.DateTime)) : "an unknown date";

    public static string Money(decimal amount, string? currency)
    {
        var code = string.IsNullOrWhiteSpace(currency) ? "USD" : currency.ToUpperInvariant();
        return code == "USD" ? "$" + amount.ToString("#,##0.##", Inv) : amount.ToString("#,##0.##", Inv) + " " + code;
    }

    /// <summary>"an email", "a call": the noun with its indefinite article, for activity types.</summary>
    public static string Article(string noun) => ("aeiou".Contains(char.ToLowerInvariant(noun.FirstOrDefault('x')), StringComparison.Ordinal) ? "an " : "a ") + noun.Replace('_', ' ');

    /// <summary>Inbound touches a person made themselves (not a page view or a download), and so expect an answer.</summary>
    public static bool ExpectsReply(Activity a) => a.Direction == "inbound" && a.Type is not ("web_visit" or "content_download");

    public static string FirstName(string? name) => string.IsNullOrWhiteSpace(name) ? "there" : name.Trim().Split(' ')[0];

    /// <summary>
    /// Text from a CRM note that is safe to quote: instructions found in CRM text are data, so a sentence that
    /// reads like an instruction to the assistant is left out rather than repeated.
    /// </summary>
    public static bool LooksLikeInstruction(string sentence) => InstructionPattern().IsMatch(sentence);

    public static IEnumerable<string> Sentences(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : SentenceSplit().Split(text).Select(s => s.Trim()).Where(s => s.Length > 0);

    /// <summary>Whether <paramref name="text"/> names <paramref name="term"/> as a whole word (case-insensitive).</summary>
    public static bool Names(string? text, string term) =>
        !string.IsNullOrEmpty(text) && term.Length > 0 && WholeWord(term).IsMatch(text);

    /// <summary>
    /// The pattern for <paramref name="term"/>, built once: terms are competitors' names, a short list, and the static
    /// <see cref="Regex.IsMatch(string, string)"/> would build the pattern's text and look it up on every call.
    /// </summary>
    private static Regex WholeWord(string term)
    {
        if (WholeWords.TryGetValue(term, out var regex))
        {
            return regex;
        }

        if (WholeWords.Count >= MaxWholeWords)
        {
            WholeWords.Clear();
        }

        regex = new Regex($@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(term)}(?![\p{{L}}\p{{N}}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return WholeWords.GetOrAdd(term, regex);
    }

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceSplit();

    [GeneratedRegex(@"\b(ignore|disregard|forget)\b.{0,40}\b(instruction|instructions|prompt|rules|above|previous)\b|\bsystem prompt\b|\byou are now\b|\bact as\b|\bnew instructions\b", RegexOptions.IgnoreCase)]
    private static partial Regex InstructionPattern();
}
