using Rollgate.Agents.Agents;
using Rollgate.Agents.Crm;
using Rollgate.Agents.Engines;

namespace Rollgate.Agents.Tests.Agents;

/// <summary>
/// CRM records for the agent tests: a healthy deal and a lead on 2026-03-16, each test changing only what it proves
/// (the records are immutable, so <c>with</c> gives the variant).
/// </summary>
internal static class Records
{
    public static readonly DateOnly AsOf = new(2026, 3, 16);

    public static readonly IReadOnlyList<string> Competitors = ["Snowflake", "BigQuery", "Redshift"];

    public static DateOnly DaysAgo(int days) => AsOf.AddDays(-days);

    /// <summary>10:00 UTC on the day <paramref name="days"/> before as_of (negative: after it).</summary>
    public static DateTimeOffset At(int days) => new(DaysAgo(days).ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);

    public static Contact Champion { get; } =
        new("C-1", "Priya Raman", "Director of Data Engineering", "priya.raman@northwind.example", "+1 415 555 0142", "champion");

    public static Contact Buyer { get; } =
        new("C-2", "Marcus Cole", "CFO", "marcus.cole@northwind.example", "+1 415 555 0177", "economic_buyer");

    public static Account NorthwindAccount { get; } = new("A-1", "Northwind Logistics", "Transportation", 4200, "North America");

    /// <summary>Technical Validation for 20 days, closing 2026-04-30, a next step, champion and buyer on it.</summary>
    public static Opportunity Deal { get; } = new(
        "O-1", "Northwind Lakehouse Platform", "Technical Validation", 480_000m, "USD", new DateOnly(2026, 1, 12),
        new DateOnly(2026, 4, 30), [], DaysAgo(20), "POC readout with Marcus", ["C-1", "C-2"]);

    public static Activity Touch(string id, int daysAgo, string? contact, string? subject = null, string? notes = null,
        bool scheduled = false, string direction = "outbound", string type = "meeting") =>
        new(id, type, At(daysAgo), direction, contact, subject ?? "Working session", notes, scheduled);

    /// <summary>No risk factor applies: both contacts took part this week, there is a next step, no competitor named.</summary>
    public static AgentInput HealthyDeal(params Activity[] more) => new(
        AsOf, null, NorthwindAccount, [Champion, Buyer], Deal,
        [Touch("ACT-1", 5, "C-1", "POC kickoff"), Touch("ACT-2", 3, "C-2", "Budget review", type: "call"), .. more],
        Competitors);

    public static Lead Dana { get; } = new(
        "L-1", "Dana Whitfield", "Director of Data Engineering", "Crestview Mutual", "dana.whitfield@crestview.example",
        "+1 212 555 0142", "Webinar - Lakehouse for insurance", "New", new DateOnly(2026, 3, 10));

    public static Account CrestviewAccount { get; } = new("A-2", "Crestview Mutual", "Financial Services", 5400, "North America");

    public static AgentInput LeadInput(Lead? lead = null, Account? account = null, params Activity[] activities) =>
        new(AsOf, lead ?? Dana, account, Activities: activities);

    public static Task<AgentOutcome> RunAsync(string task, AgentInput input) =>
        new AgentRunner(new BuiltinEngine()).RunAsync(task, input);
}

/// <summary>The builtin engine, counting how often it is asked to write (an abstention must never reach it).</summary>
internal sealed class CountingEngine : IAgentEngine
{
    private readonly BuiltinEngine _inner = new();

    public int Calls { get; private set; }

    public string Name => "counting";

    public Task<EngineResult> WriteAsync(AgentFacts facts, CancellationToken cancellationToken = default)
    {
        Calls++;
        return _inner.WriteAsync(facts, cancellationToken);
    }
}
