using System.Text.Encodings.Web;
using System.Text.Json;
using Rollgate.Agents.Crm;
using Rollgate.Agents.Safety;

namespace Rollgate.Agents.Tests.Safety;

/// <summary>
/// SPEC 7's safety checks: each email address, phone number and money amount an output states appears in its
/// input, and it never says it acted. Each check catches a planted violation, and lets through what is in the input
/// however it is written.
/// </summary>
public sealed class SafetyChecksTests
{
    private static readonly AgentInput Input = new(
        new DateOnly(2026, 3, 16),
        new Lead("L-1", "Dana Whitfield", "Director of Data Engineering", "Crestview Mutual", "dana.whitfield@crestview.example", "+1 (415) 555-0142", "Webinar"),
        new Account("A-1", "Crestview Mutual", "Financial Services", 5400, "North America", 1_200_000m),
        [new Contact("C-1", "Marcus Cole", "CFO", "marcus.cole@crestview.example", "212-555-0177", "economic_buyer")],
        new Opportunity("O-1", "Crestview Claims Lakehouse", "Proposal", 2_400_000m, "USD", CloseDate: new DateOnly(2026, 4, 30)),
        [new Rollgate.Agents.Crm.Activity("ACT-1", "call", new DateTimeOffset(2026, 3, 10, 17, 0, 0, TimeSpan.Zero), "outbound", "C-1", "Discovery call",
            "I sent the pricing deck after the call. Budget of €300k approved; a second phase could add $150k.")]);

    private static IReadOnlyList<string> Checks(string output) => [.. SafetyChecks.Check(output, Input).Select(v => v.Check)];

    [Fact]
    [Trait("spec", "7.safety")]
    public void InventedEmail_IsCaught()
    {
        var violation = Assert.Single(SafetyChecks.Check("Write to dana.whitfield@crestview.example and cc ceo@crestview.example.", Input));

        Assert.Equal(SafetyChecks.InventedEmail, violation.Check);
        Assert.Contains("ceo@crestview.example", violation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("spec", "7.safety")]
    public void Emails_AtEitherEndOfTheText_AndBetween_AreEachJudged()
    {
        var violations = SafetyChecks.Check("ceo@crestview.example, then dana.whitfield@crestview.example;cfo@crestview.example. x@crestview.example", Input);

        Assert.Equal(["ceo@crestview.example", "cfo@crestview.example", "x@crestview.example"], violations.Select(v => v.Detail.Split('\'')[1]));
        Assert.All(violations, v => Assert.Equal(SafetyChecks.InventedEmail, v.Check));
        Assert.Empty(Checks("dana.whitfield@crestview.example"));
    }

    [Fact]
    [Trait("spec", "7.safety")]
    public void EmailFromTheInput_InAnotherCase_Passes()
    {
        Assert.Empty(Checks("Reach Marcus at Marcus.Cole@Crestview.example."));
    }

    [Fact]
    [Trait("spec", "7.safety")]
    public void AnInputJudgedBefore_AndACopyThatStatesMore_AreEachJudgedOnTheirOwnFacts()
    {
        const string Output = "Write to cfo@crestview.example about the $90k add-on; call +44 20 7946 0811.";
        var before = Checks(Output);

        var richer = Input with
        {
            Contacts = [.. Input.ContactList, new Contact("C-2", "Ana Ruiz", "CFO", "cfo@crestview.example", "+44 20 7946 0811", "champion")],
            Activities = [.. Input.ActivityList, new Rollgate.Agents.Crm.Activity("ACT-2", "email", new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero), "inbound", "C-2", "Add-on", "Quote the $90k add-on.")],
        };

        Assert.Equal([SafetyChecks.InventedEmail, SafetyChecks.InventedPhone, SafetyChecks.InventedAmount], before);
        Assert.Empty(SafetyChecks.Check(Output, richer));
        Assert.Equal(before, Checks(Output));
    }

    [Theory]
    [Trait("spec", "7.safety")]
    [InlineData("Call her on +1 415 555 9999.")]
    [InlineData("Her mobile is (646) 555-0187.")]
    [InlineData("Try +44 20 7946 0811 for the London office.")]
    public void InventedPhone_IsCaught(string output)
    {
        Assert.Equal([SafetyChecks.InventedPhone], Checks(output));
    }

    [Theory]
    [Trait("spec", "7.safety")]
    [InlineData("Call her on 415-555-0142.")]
    [InlineData("Call her on 415.555.0142.")]
    [InlineData("Call her on +1 415 555 0142.")]
    [InlineData("Call her on +1-415-555-0142.")]
    [InlineData("Marcus: (212) 555-0177.")]
    public void PhoneFromTheInput_FormattedDifferently_Passes(string output)
    {
        Assert.Empty(Checks(output));
    }

    [Theory]
    [Trait("spec", "7.safety")]
    [InlineData("The deal is worth $2.5M.")]
    [InlineData("They have a budget of $3,000,000.")]
    [InlineData("Expect 500k USD in year one.")]
    [InlineData("A discount to €250k would close it.")]
    public void InventedAmount_IsCaught(string output)
    {
        Assert.Equal([SafetyChecks.InventedAmount], Checks(output));
    }

    [Theory]
    [Trait("spec", "7.safety")]
    [InlineData("The deal is worth $2,400,000.")]
    [InlineData("The deal is worth $2.4M.")]
    [InlineData("The deal is worth $2.4 million.")]
    [InlineData("The deal is worth 2,400,000 USD.")]
    [InlineData("Annual revenue is $1,200,000.")]
    [InlineData("Annual revenue is $1.2M.")]
    [InlineData("Budget of €300k approved.")]
    [InlineData("A second phase could add $150k.")]
    public void AmountFromTheInput_WrittenDifferently_Passes(string output)
    {
        Assert.Empty(Checks(output));
    }

    [Theory]
    [Trait("spec", "7.safety")]
    [InlineData("Closing 2026-04-30, data as of 2026-03-16.")]
    [InlineData("Last touch 2026-03-10T17:00:00Z (call).")]
    [InlineData("The close date moved later 2 times (2026-02-27 → 2026-03-31 → 2026-04-30).")]
    [InlineData("Company: Crestview Mutual (Financial Services, 5,400 employees, North America).")]
    [InlineData("In stage Proposal since 2026-01-29, 46 days (more than 45).")]
    public void DatesAndCounts_AreNotPhonesOrAmounts(string output)
    {
        Assert.Empty(Checks(output));
    }

    [Theory]
    [Trait("spec", "7.safety")]
    [InlineData("I have sent the proposal.")]
    [InlineData("The meeting has been booked.")]
    [InlineData("I've updated the CRM with the new close date.")]
    [InlineData("We already booked a demo for Thursday.")]
    [InlineData("I sent Marcus the order form.")]
    [InlineData("The opportunity was updated to Negotiation.")]
    [InlineData("Your invite has now been sent.")]
    [InlineData("I changed the close date to 2026-04-30.")]
    [InlineData("WE HAVE ALREADY E-MAILED THE BUYER.")]
    [InlineData("I boo\u212Aed the demo.")]
    public void ClaimedAction_IsCaught(string output)
    {
        Assert.Equal([SafetyChecks.ClaimedAction], Checks(output));
    }

    [Theory]
    [InlineData("")]
    [InlineData("en-US")]
    [InlineData("tr-TR")]
    public void CaseBlindPatterns_ReadNoNonAsciiCharacterAsAnAsciiLetter_ButTheOnesTheClaimCheckKnows(string culture)
    {
        // The claim check skips its pattern when the text names no deed, ordinally; that is sound only if every other
        // character a case-blind pattern may read as an ASCII letter makes it search anyway.
        var before = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo(culture);
            var letter = new System.Text.RegularExpressions.Regex("^[a-zA-Z]$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
            var readAsLetters = Enumerable.Range(0x80, 0x10000 - 0x80).Select(c => (char)c)
                .Where(c => !char.IsSurrogate(c) && letter.IsMatch(c.ToString())).ToList();

            Assert.NotEmpty(readAsLetters);
            Assert.All(readAsLetters, c => Assert.True(SafetyChecks.ReadAsAsciiLetters.Contains(c), $"U+{(int)c:X4}"));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = before;
        }
    }

    [Theory]
    [InlineData("Call +1 (415) 555-0142 or 212-555-0177, or +44 20 7946 0958.")]
    [InlineData("415.555.0123 415 555 0123 (415)5550123 4155550123 2026-03-16")]
    [InlineData("Arabic-Indic ٤١٥-٥٥٥-٠١٤٢ and a thin space 415\u2009555\u20090142, line 415\n555\n0142.")]
    [InlineData("no number here at all, only 12 and 2026-03-10 and 30 days")]
    [InlineData("")]
    public void ThePhonesFound_AreThePatternsMatches(string text)
    {
        Assert.Equal(SafetyChecks.Phones().Matches(text).Select(m => m.Value), SafetyChecks.PhonesIn(text));
    }

    [Fact]
    public void ThePhonesFound_AreThePatternsMatches_InRandomTextOfDigitsAndSeparators()
    {
        // Texts of the characters the pattern turns on, so that near misses of every kind occur.
        const string alphabet = "0123456789٣ \u2009\n.-+()x";
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            Assert.Equal(SafetyChecks.Phones().Matches(text).Select(m => m.Value), SafetyChecks.PhonesIn(text));
        }
    }

    [Theory]
    [Trait("spec", "7.safety")]
    [InlineData("Budget: \"I sent the pricing deck after the call\" (call, 2026-03-10).")]
    [InlineData("Last touch: inbound email \"We have updated the RFP\".")]
    [InlineData("Draft email (review and send it yourself):")]
    [InlineData("Send the proposal, then book the meeting and update the close date.")]
    [InlineData("Would a short call this week work for you?")]
    public void QuotedCrmTextAndSuggestions_AreNotClaims(string output)
    {
        Assert.Empty(Checks(output));
    }

    [Theory]
    [Trait("spec", "7.safety")]
    [InlineData("Reach her at ceo@crestview.example.", SafetyChecks.InventedEmail)]
    [InlineData("Worth £90k to them.", SafetyChecks.InventedAmount)]
    [InlineData("Worth 90,000 dollars to them.", SafetyChecks.InventedAmount)]
    [InlineData("Worth EUR 90,000 to them.", SafetyChecks.InventedAmount)]
    public void EachPatternsMark_LetsItsSearchRun(string output, string check)
    {
        Assert.Equal([check], Checks(output));
    }

    [Fact]
    [Trait("spec", "7.safety")]
    public void EveryViolation_IsReported()
    {
        var checks = Checks("I have sent $2.5M to ceo@crestview.example; call +1 415 555 9999.");

        Assert.Equal([SafetyChecks.InventedEmail, SafetyChecks.InventedPhone, SafetyChecks.InventedAmount, SafetyChecks.ClaimedAction], checks);
    }

    /// <summary>Every demo lead and opportunity, and records with text the JSON encoder escapes or leaves alone.</summary>
    public static TheoryData<string> SourceInputs()
    {
        var data = new TheoryData<string>();
        var crm = DemoCrm.Generate(DemoCrm.DefaultSeed);
        foreach (var lead in crm.Leads)
        {
            data.Add("lead " + lead.Id);
        }

        foreach (var opp in crm.Opportunities)
        {
            data.Add("opportunity " + opp.Id);
        }

        data.Add("special");
        data.Add("sparse");
        return data;
    }

    [Theory]
    [MemberData(nameof(SourceInputs))]
    public void SourceText_IsTheInputsJson_CharacterForCharacter(string which)
    {
        var crm = DemoCrm.Generate(DemoCrm.DefaultSeed);
        var input = which switch
        {
            "special" => Input with
            {
                Lead = Input.Lead! with { Name = "Zoë \"Z\" O'Brien <ops>", Phone = "+44 20 7946 0958", DoNotContact = true, Created = new DateOnly(2025, 12, 1) },
                Activities = [.. Input.ActivityList, new Rollgate.Agents.Crm.Activity("ACT-2", Notes: "line\nbreak\ttab € £ ¥ 😀 & \u0001", Scheduled: true)],
                Opportunity = Input.Opportunity! with { CloseDateHistory = [new DateOnly(2026, 3, 1)], Contacts = ["C-1"], Amount = 1234.50m },
                Competitors = ["Acme", "Ünïcode Ltd"],
            },
            "sparse" => new AgentInput(new DateOnly(2026, 1, 1), new Lead("L-2")),
            _ when which.StartsWith("lead ", StringComparison.Ordinal) => crm.LeadInput(which[5..], DemoCrm.AsOf)!,
            _ => crm.OpportunityInput(which[12..], DemoCrm.AsOf)!,
        };
        var tree = JsonSerializer.Serialize(CrmJson.Write(input), new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        Assert.Equal(tree, SafetyChecks.SourceTextOf(input));
    }
}
