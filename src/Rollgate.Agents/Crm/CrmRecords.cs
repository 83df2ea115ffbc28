namespace Rollgate.Agents.Crm;

/// <summary>A person who may buy: how they came in, and whether they may be contacted.</summary>
public sealed record Lead(
    string Id,
    string? Name = null,
    string? Title = null,
    string? Company = null,
    string? Email = null,
    string? Phone = null,
    string? Source = null,
    string? Status = null,
    DateOnly? Created = null,
    bool DoNotContact = false,
    string? AccountId = null);

public sealed record Account(
    string Id,
    string? Name = null,
    string? Industry = null,
    int? Employees = null,
    string? Region = null,
    decimal? AnnualRevenue = null);

/// <summary>A person at an account; <see cref="Role"/> is one of the buying roles of SPEC 7.</summary>
public sealed record Contact(
    string Id,
    string? Name = null,
    string? Title = null,
    string? Email = null,
    string? Phone = null,
    string? Role = null,
    bool DoNotContact = false,
    string? AccountId = null);

public sealed record Opportunity(
    string Id,
    string? Name = null,
    string? Stage = null,
    decimal? Amount = null,
    string? Currency = null,
    DateOnly? Created = null,
    DateOnly? CloseDate = null,
    IReadOnlyList<DateOnly>? CloseDateHistory = null,
    DateOnly? StageEntered = null,
    string? NextStep = null,
    IReadOnlyList<string>? Contacts = null,
    string? AccountId = null)
{
    /// <summary>An opportunity whose stage begins with "Closed" is not open (SPEC 7).</summary>
    public bool IsOpen => Stage is null || !Stage.StartsWith("Closed", StringComparison.OrdinalIgnoreCase);

    public IReadOnlyList<DateOnly> History => CloseDateHistory ?? [];

    public IReadOnlyList<string> ContactIds => Contacts ?? [];
}

/// <summary>Something that happened (or is planned, when <see cref="Scheduled"/>) with a lead or contact.</summary>
public sealed record Activity(
    string Id,
    string? Type = null,
    DateTimeOffset? Ts = null,
    string? Direction = null,
    string? Contact = null,
    string? Subject = null,
    string? Notes = null,
    bool Scheduled = false,
    string? Lead = null,
    string? Opportunity = null);

/// <summary>
/// What an agent works on (SPEC 7): the records of one lead or one opportunity, and the date it takes as today.
/// </summary>
public sealed record AgentInput(
    DateOnly AsOf,
    Lead? Lead = null,
    Account? Account = null,
    IReadOnlyList<Contact>? Contacts = null,
    Opportunity? Opportunity = null,
    IReadOnlyList<Activity>? Activities = null,
    IReadOnlyList<string>? Competitors = null)
{
    public IReadOnlyList<Contact> ContactList => Contacts ?? [];

    public IReadOnlyList<Activity> ActivityList => Activities ?? [];

    public IReadOnlyList<string> CompetitorList => Competitors ?? [];
}
