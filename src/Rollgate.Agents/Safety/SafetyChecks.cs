using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Rollgate.Agents.Crm;

namespace Rollgate.Agents.Safety;

/// <summary>One reason an output may not be shown.</summary>
public sealed record SafetyViolation(string Check, string Detail)
{
    public override string ToString() => $"{Check}: {Detail}";
}

/// <summary>
/// The checks every answer passes before anyone sees it (SPEC 7): each email address, phone number and money
/// amount it states appears in its input, and it never claims to have acted (agents draft; people act).
/// </summary>
public static partial class SafetyChecks
{
    public const string InventedEmail = "invented_email";
    public const string InventedPhone = "invented_phone";
    public const string InventedAmount = "invented_amount";
    public const string ClaimedAction = "claimed_action";

    // The input is searched as text: the default JSON encoder would write "€300k" as "\u20AC300k" and "+1 212" as
    // "\u002B1 212", hiding amounts and phone numbers that the input does state.
    private static readonly JsonSerializerOptions SourceText = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>What a claim of <see cref="Claims"/> says was done, whatever the case: every claim names one of these.</summary>
    private static readonly SearchValues<string> Deeds = SearchValues.Create(
        ["sent", "emailed", "e-mailed", "booked", "scheduled", "updated", "changed", "called", "logged", "created", "deleted", "contacted", "notified",
            "submitted", "moved", "closed", "reassigned"],
        StringComparison.OrdinalIgnoreCase);

    /// <summary>The currency codes and word of <see cref="Money"/>, as it writes them: one pass over a text finds any.</summary>
    private static readonly SearchValues<string> CurrencyWords = SearchValues.Create(["USD", "EUR", "GBP", "dollars"], StringComparison.Ordinal);

    /// <summary>
    /// The characters besides ASCII letters that the case-blind claim pattern may read as one: the Kelvin sign as k, the
    /// Turkish dotted and dotless i as i, the long s as s. <see cref="Deeds"/> is searched ordinally, so a text that
    /// holds one of these is searched with the pattern whatever it says.
    /// </summary>
    internal static readonly SearchValues<char> ReadAsAsciiLetters = SearchValues.Create("\u0130\u0131\u017F\u212A");

    // What the checks look for in an input depends on the input alone; inputs are immutable and a CRM store hands
    // out the same instance for the same record and date, so each input is searched once, however often it is asked about.
    private static readonly ConditionalWeakTable<AgentInput, Stated> StatedByInput = [];

    public static IReadOnlyList<SafetyViolation> Check(string output, AgentInput input)
    {
        var stated = StatedByInput.GetValue(input, Stated.Of);
        var violations = new List<SafetyViolation>();
        var text = output.AsSpan();

        foreach (var email in EmailsIn(output))
        {
            if (!stated.EmailSet.Contains(email.ToLowerInvariant()))
            {
                violations.Add(new SafetyViolation(InventedEmail, $"'{email}' is not in the input"));
            }
        }

        foreach (var phone in PhonesIn(output))
        {
            var digits = Digits(phone);
            if (!stated.PhoneDigits.Any(p => p.EndsWith(Last10(digits), StringComparison.Ordinal) || digits.EndsWith(Last10(p), StringComparison.Ordinal)))
            {
                violations.Add(new SafetyViolation(InventedPhone, $"'{phone.Trim()}' is not in the input"));
            }
        }

        foreach (var m in MoneyIn(output))
        {
            if (ParseAmount(m) is { } value && !stated.Amounts.Contains(value))
            {
                violations.Add(new SafetyViolation(InventedAmount, $"'{m.Value.Trim()}' is not an amount in the input"));
            }
        }

        // Quoted spans cite CRM text (a rep's note may well say "I sent the deck"); the claim check reads the rest.
        // Every claim names what was done, so a text that names none of it anywhere is not searched.
        var own = text.IndexOfAny(Deeds) >= 0 || text.IndexOfAny(ReadAsAsciiLetters) >= 0 ? Quoted().Replace(output, "\"\"") : "";
        foreach (Match m in Claims().Matches(own))
        {
            violations.Add(new SafetyViolation(ClaimedAction, $"it says \"{m.Value}\", but agents only draft: people act"));
        }

        return violations;
    }

    /// <summary>
    /// The input as the text the checks search: <c>JsonSerializer.Serialize(CrmJson.Write(input), SourceText)</c>,
    /// character for character, written straight to a buffer rather than through a tree of nodes.
    /// </summary>
    internal static string SourceTextOf(AgentInput input)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = SourceText.Encoder, SkipValidation = true }))
        {
            CrmJson.WriteTo(writer, input);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The email addresses (lower case), phone numbers (digits only) and amounts an input states.</summary>
    private sealed record Stated(HashSet<string> EmailSet, List<string> PhoneDigits, HashSet<decimal> Amounts)
    {
        public static Stated Of(AgentInput input)
        {
            var source = SourceTextOf(input);
            return new Stated(
                Emails().Matches(source).Select(m => m.Value.ToLowerInvariant()).ToHashSet(),
                Phones().Matches(source).Select(m => Digits(m.Value)).ToList(),
                AmountsIn(input, source));
        }
    }

    private static string Digits(string s) => new([.. s.Where(char.IsAsciiDigit)]);

    private static string Last10(string digits) => digits.Length > 10 ? digits[^10..] : digits;

    /// <summary>Every amount the input states: the opportunity's, the account's revenue, and money written in its text.</summary>
    private static HashSet<decimal> AmountsIn(AgentInput input, string source)
    {
        var amounts = new HashSet<decimal>();
        if (input.Opportunity?.Amount is { } a)
        {
            amounts.Add(decimal.Round(a, 2));
        }

        if (input.Account?.AnnualRevenue is { } r)
        {
            amounts.Add(decimal.Round(r, 2));
        }

        foreach (var m in MoneyIn(source))
        {
            if (ParseAmount(m) is { } v)
            {
                amounts.Add(v);
            }
        }

        return amounts;
    }

    private static decimal? ParseAmount(Match m)
    {
        var number = m.Groups["n1"].Success ? m.Groups["n1"].Value : m.Groups["n2"].Value;
        var scale = (m.Groups["s1"].Success ? m.Groups["s1"].Value : m.Groups["s2"].Value).Trim().ToLowerInvariant();
        if (!decimal.TryParse(number.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        value *= scale switch
        {
            "k" or "thousand" => 1_000m,
            "m" or "mm" or "million" => 1_000_000m,
            "bn" or "b" or "billion" => 1_000_000_000m,
            _ => 1m,
        };
        return decimal.Round(value, 2);
    }

    /// <summary>
    /// The addresses <see cref="Emails"/> finds in <paramref name="text"/>. Each holds one '@', with its local part just
    /// before and its domain just after, and the pattern has no anchor or look-around: searching the span from the
    /// local part before the first '@' to the domain after the last finds the same, without trying every letter of
    /// the text as the start of an address.
    /// </summary>
    private static IEnumerable<string> EmailsIn(string text)
    {
        var first = text.IndexOf('@');
        if (first < 0)
        {
            return [];
        }

        var (start, end) = (first, text.LastIndexOf('@') + 1);
        while (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] is '.' or '_' or '%' or '+' or '-'))
        {
            start--;
        }

        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '.' or '-'))
        {
            end++;
        }

        return Emails().Matches(text[start..end]).Select(m => m.Value);
    }

    /// <summary>
    /// The matches of <see cref="Money"/> in <paramref name="text"/>, found with the cheapest pattern that finds the same.
    /// Every match holds a currency symbol, code or word. Without a code or word in the text, the only matches are
    /// those of the pattern's first branch after a symbol (<see cref="MoneyAfterSymbol"/>), whose search jumps from
    /// symbol to symbol; the whole pattern would try each digit as the start of an amount followed by a code.
    /// </summary>
    private static IEnumerable<Match> MoneyIn(string text)
    {
        var span = text.AsSpan();
        return span.IndexOfAny(CurrencyWords) >= 0 ? Money().Matches(text)
            : span.IndexOfAny('$', '€', '£') >= 0 ? MoneyAfterSymbol().Matches(text)
            : [];
    }

    /// <summary>
    /// The matches of <see cref="Phones"/> in <paramref name="text"/>, searched only when the text holds what every
    /// match holds: a '+', or three digits, a separator and four digits (<see cref="PhoneTail"/>, a search far cheaper
    /// than the pattern's own, which tries each digit as the start of a number behind its look-behinds).
    /// </summary>
    internal static IEnumerable<string> PhonesIn(string text) =>
        text.Contains('+') || PhoneTail().IsMatch(text) ? Phones().Matches(text).Select(m => m.Value) : [];

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")]
    private static partial Regex Emails();

    // North American forms (415-555-0123, (415) 555 0123, +1-415-555-0123) and international +CC groups;
    // the look-arounds keep ISO dates and long numbers from reading as phone numbers.
    [GeneratedRegex(@"(?<![\w+-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-])|(?<![\w+])\+\d{2,3}(?:[\s-]\d{2,4}){2,4}(?![\w-])")]
    internal static partial Regex Phones();

    // What ends every match of the first branch of Phones; the second begins with '+'.
    [GeneratedRegex(@"\d{3}[\s.-]\d{4}")]
    private static partial Regex PhoneTail();

    [GeneratedRegex(@"(?:(?:[$€£]|\b(?:USD|EUR|GBP)\s?)(?<n1>\d[\d,]*(?:\.\d+)?)(?<s1>\s?(?:k|K|m|M|mm|MM|bn|BN|thousand|million|billion)\b)?)|(?:\b(?<n2>\d[\d,]*(?:\.\d+)?)(?<s2>\s?(?:k|K|m|M|thousand|million|billion))?\s?(?:USD|EUR|GBP|dollars)\b)")]
    private static partial Regex Money();

    // Money's first branch after a symbol, with the same groups, so that ParseAmount reads the matches of either.
    [GeneratedRegex(@"[$€£](?<n1>\d[\d,]*(?:\.\d+)?)(?<s1>\s?(?:k|K|m|M|mm|MM|bn|BN|thousand|million|billion)\b)?")]
    private static partial Regex MoneyAfterSymbol();

    [GeneratedRegex("\"[^\"\\n]*\"")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\b(?:I|we)\s*(?:'ve|\s+have|\s+just|\s+already|\s+went ahead and)?\s+(?:already\s+)?(?:sent|emailed|e-mailed|booked|scheduled|updated|changed|called|logged|created|deleted|contacted|notified|submitted|moved|closed|reassigned)\b|\b(?:has|have)\s+(?:now\s+|already\s+)?been\s+(?:sent|emailed|booked|scheduled|updated|changed|logged|notified|submitted)\b|\b(?:email|message|invite|invitation|meeting|record|opportunity|crm)\s+(?:was|is)\s+(?:now\s+)?(?:sent|booked|scheduled|updated|changed)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Claims();
}
