using System.Text.RegularExpressions;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;

namespace Rollgate.Server.Audit;

/// <summary>The data classes of what the server logs.</summary>
public static class DataClasses
{
    /// <summary>Free text from people (comments, notes, reasons), which may hold email addresses and phone numbers.</summary>
    public static DataClassification Personal { get; } = new("Rollgate", "Personal");
}

/// <summary>Marks a logged value as personal: the log shows it with emails and phone numbers masked.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PersonalDataAttribute() : DataClassificationAttribute(DataClasses.Personal);

/// <summary>
/// Masks email addresses and phone numbers inside free text and keeps the rest, so that a log line still says
/// what happened without saying whom to reach.
/// </summary>
public sealed partial class ContactDetailsRedactor : Redactor
{
    public const string Email = "[email]";
    public const string Phone = "[phone]";

    public static string Mask(string text) => PhonePattern().Replace(EmailPattern().Replace(text, Email), m => IsPhone(m.Value) ? Phone : m.Value);

    /// <summary>Eight digits or more, and not an ISO date such as 2026-11-26.</summary>
    private static bool IsPhone(string candidate) => candidate.Count(char.IsAsciiDigit) >= 8 && !IsoDate().IsMatch(candidate);

    public override int GetRedactedLength(ReadOnlySpan<char> input) => Mask(input.ToString()).Length;

    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        var masked = Mask(source.ToString());
        masked.AsSpan().CopyTo(destination);
        return masked.Length;
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailPattern();

    // Seven or more digits, optionally with a leading +, grouped by spaces, dots, dashes or parentheses.
    [GeneratedRegex(@"\+?\(?\d[\d\s().\-]{5,}\d")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}")]
    private static partial Regex IsoDate();
}
