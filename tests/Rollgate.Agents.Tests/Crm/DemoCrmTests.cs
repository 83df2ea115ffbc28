using System.Text.RegularExpressions;
using Rollgate.Agents.Crm;
using Xunit.Abstractions;

namespace Rollgate.Agents.Tests.Crm;

public sealed partial class DemoCrmTests(ITestOutputHelper output)
{
    private static readonly Lazy<CrmData> Demo = new(() => DemoCrm.Generate(DemoCrm.DefaultSeed));

    private static readonly Lazy<DemoCensus> Census = new(() => new DemoCensus(Demo.Value, DemoCrm.AsOf));

    public static string RepoRoot { get; } = FindRoot();

    [Fact]
    public void Generate_SameSeed_WritesTheSameFiles()
    {
        Assert.Equal(CrmFiles.Render(Demo.Value), CrmFiles.Render(DemoCrm.Generate(DemoCrm.DefaultSeed)));
    }

    [Fact]
    public void Generate_OtherSeed_WritesOtherRecords()
    {
        var other = CrmFiles.Render(DemoCrm.Generate(7));
        Assert.NotEqual(CrmFiles.Render(Demo.Value).Single(f => f.Name == "leads.json").Text, other.Single(f => f.Name == "leads.json").Text);
    }

    [Fact]
    public void CommittedExample_IsTheGeneratedDemo()
    {
        // examples/gtm/crm is written by 'rollgate crm generate --out examples/gtm/crm': regenerate it when DemoCrm changes.
        var dir = Path.Combine(RepoRoot, "examples", "gtm", "crm");
        foreach (var (name, text) in CrmFiles.Render(Demo.Value))
        {
            var path = Path.Combine(dir, name);
            Assert.True(File.Exists(path), $"{path} is missing");
            Assert.True(text == File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal), $"{path} differs from DemoCrm.Generate({DemoCrm.DefaultSeed}): run 'rollgate crm generate --out examples/gtm/crm'");
        }
    }

    [Fact]
    public void Generate_HasTheSizeOfASmallTeamsCrm()
    {
        var n = Demo.Value.Counts;
        Assert.Equal(300, n.Accounts);
        Assert.Equal(400, n.Leads);
        Assert.Equal(250, n.Opportunities);
        Assert.InRange(n.Contacts, 600, 1200);
        Assert.InRange(n.Activities, 2000, 6000);
        Assert.Equal(["Snowflake", "BigQuery", "Redshift", "Microsoft Fabric"], Demo.Value.Competitors);
    }

    [Fact]
    [Trait("spec", "7")]
    public void Generate_RecordsPassTheChecksOfAnImport()
    {
        Assert.Empty(Demo.Value.Check());
        Assert.All(Demo.Value.Contacts, c => Assert.Contains(c.Role, CrmData.Roles.Append(null)));
    }

    [Fact]
    public void Generate_ReachesOnlyReservedAddressesAndNumbers()
    {
        var data = Demo.Value;
        var emails = data.Leads.Select(l => l.Email).Concat(data.Contacts.Select(c => c.Email)).OfType<string>().ToList();
        Assert.NotEmpty(emails);
        Assert.All(emails, e => Assert.Matches(@"^[a-z0-9.]+@([a-z0-9]+\.)?example\.com$", e));
        var phones = data.Leads.Select(l => l.Phone).Concat(data.Contacts.Select(c => c.Phone)).OfType<string>().ToList();
        Assert.NotEmpty(phones);
        Assert.All(phones, p => Assert.Matches(@"^\+1-\d{3}-555-01\d\d$", p));
        Assert.All(data.Opportunities, o => Assert.Equal("USD", o.Currency));
        Assert.All(data.Activities.SelectMany(a => EmailIn().Matches(a.Notes ?? "")).Select(m => m.Value), e => Assert.EndsWith(".example.net", e));
    }

    [Fact]
    public void Generate_DatesActivitiesBeforeAsOf_AndOnlyPlannedOnesAfter()
    {
        foreach (var a in Demo.Value.Activities)
        {
            var day = CrmData.DayOf(a)!.Value;
            Assert.True(a.Scheduled ? day > DemoCrm.AsOf : day <= DemoCrm.AsOf, $"{a.Id} on {day}");
            Assert.InRange(day, DemoCrm.AsOf.AddDays(-400), DemoCrm.AsOf.AddDays(30));
        }

        Assert.All(Demo.Value.Opportunities, o => Assert.True(o.Created <= o.StageEntered || o.StageEntered is null, o.Id));
        Assert.All(Demo.Value.Opportunities, o => Assert.True(o.History.All(h => h > o.Created), o.Id));
    }

    [Fact]
    public void Generate_ActivityIdsFollowTime()
    {
        var ticks = Demo.Value.Activities.Select(a => a.Ts!.Value.UtcTicks).ToList();
        Assert.Equal(ticks.Order(), ticks);
    }

    /// <summary>Every situation the agents meet, counted by its definition (DemoCensus) and found at least a few times.</summary>
    [Theory]
    [Trait("spec", "7")]
    [InlineData("lead with full BANT notes", 20)]
    [InlineData("lead without name, company or activity (lead_summary abstains)", 5)]
    [InlineData("lead without name or company, with activity", 3)]
    [InlineData("lead with a company but no name", 3)]
    [InlineData("lead do_not_contact", 10)]
    [InlineData("contact do_not_contact", 10)]
    [InlineData("lead with only web visits", 20)]
    [InlineData("named lead with no activity", 5)]
    [InlineData("lead with a scheduled future activity", 10)]
    [InlineData("lead linked to an account by account_id", 50)]
    [InlineData("lead matching an account by company name only", 20)]
    [InlineData("lead source: webinar", 20)]
    [InlineData("lead source: demo request", 20)]
    [InlineData("lead source: trade show", 20)]
    [InlineData("lead source: content download", 20)]
    [InlineData("lead source: referral", 20)]
    [InlineData("lead source: outbound", 20)]
    [InlineData("opportunity open", 150)]
    [InlineData("opportunity Closed Won", 15)]
    [InlineData("opportunity Closed Lost", 10)]
    [InlineData("open opportunity with no stage (risk_analysis abstains)", 3)]
    [InlineData("open opportunity with no close date (risk_analysis abstains)", 3)]
    [InlineData("open opportunity with close date pushed 0 times", 50)]
    [InlineData("open opportunity with close date pushed 1 times", 10)]
    [InlineData("open opportunity with close date pushed 2 times", 10)]
    [InlineData("open opportunity with close date pushed 3 times", 3)]
    [InlineData("open opportunity whose close date also moved earlier", 3)]
    [InlineData("open opportunity in its stage exactly 45 days (not stalled)", 1)]
    [InlineData("open opportunity listing no contacts (the account's are used)", 3)]
    [InlineData("open opportunity whose every contact is do_not_contact", 3)]
    [InlineData("open opportunity with an economic buyer", 30)]
    [InlineData("open opportunity with a decision maker (no economic buyer)", 30)]
    [InlineData("open opportunity with neither", 15)]
    [InlineData("open opportunity with a scheduled future meeting", 30)]
    [InlineData("open opportunity naming a competitor only before the last 30 days", 3)]
    [InlineData("open opportunity with a prompt-injection note", 3)]
    [InlineData("factor: no_recent_activity", 20)]
    [InlineData("factor: close_date_pushed", 15)]
    [InlineData("factor: close_date_passed", 10)]
    [InlineData("factor: stage_stalled", 15)]
    [InlineData("factor: single_threaded", 20)]
    [InlineData("factor: no_economic_buyer", 15)]
    [InlineData("factor: competitor_mentioned", 10)]
    [InlineData("factor: no_next_step", 15)]
    [InlineData("risk level: low", 15)]
    [InlineData("risk level: medium", 30)]
    [InlineData("risk level: high", 30)]
    [InlineData("activity with a prompt-injection note", 6)]
    [InlineData("activity linked to a contact only", 50)]
    public void Generate_HoldsTheSituation(string situation, int atLeast)
    {
        Assert.True(Census.Value[situation] >= atLeast, $"'{situation}': {Census.Value[situation]} (want at least {atLeast})");
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(42UL)]
    [InlineData(99_999UL)]
    public void Generate_AnySeed_HoldsEverySituation(ulong seed)
    {
        var census = new DemoCensus(DemoCrm.Generate(seed), DemoCrm.AsOf);
        var wanted = Census.Value.Counts.Keys.Where(k => !k.StartsWith("contact role", StringComparison.Ordinal) && k != "lead source: (none)").ToList();
        Assert.All(wanted, k => Assert.True(census[k] > 0, $"seed {seed}: no '{k}'"));
    }

    [Fact]
    public void Census_CountsEveryRecord()
    {
        // The counts are also printed, for whoever tunes the generator (dotnet test --logger "console;verbosity=detailed").
        output.WriteLine(Census.Value.ToString());
        Assert.Equal(Demo.Value.Leads.Count, Census.Value["lead"]);
        Assert.Equal(Demo.Value.Opportunities.Count, Census.Value["opportunity open"] + Census.Value["opportunity Closed Won"] + Census.Value["opportunity Closed Lost"]);
    }

    [GeneratedRegex(@"[\w.+-]+@[\w-]+(\.[\w-]+)+")]
    private static partial Regex EmailIn();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Rollgate.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Rollgate.slnx)");
    }
}
