namespace Rollgate.Agents.Crm;

/// <summary>
/// Where CRM records live, and how an agent's input is composed from them. SQLite implements it in the event
/// store's file; <see cref="CrmData.LeadInput"/> and <see cref="CrmData.OpportunityInput"/> are the same rules
/// over records in memory.
/// </summary>
public interface ICrmStore
{
    /// <summary>
    /// Stores the records, all or nothing: when any record is bad or names a record found neither in
    /// <paramref name="data"/> nor in the store, nothing is written and the result lists every problem. Records are
    /// upserted by id and never deleted, so importing the same folder again changes nothing.
    /// </summary>
    Task<CrmImportResult> ImportAsync(CrmData data, CancellationToken ct = default);

    /// <summary>
    /// The lead, its account (by <c>account_id</c>, else the account named exactly as the lead's company), the
    /// account's contacts, the lead's activities up to and including <paramref name="asOf"/> (scheduled ones in the
    /// future too) and the competitors; null when there is no such lead.
    /// </summary>
    Task<AgentInput?> LeadInputAsync(string leadId, DateOnly asOf, CancellationToken ct = default);

    /// <summary>
    /// The opportunity, its account, its contacts (its own list, else the account's), the activities on it or with
    /// one of those contacts (and on no other opportunity) up to and including <paramref name="asOf"/> (scheduled
    /// ones in the future too) and the competitors; null when there is no such opportunity.
    /// </summary>
    Task<AgentInput?> OpportunityInputAsync(string opportunityId, DateOnly asOf, CancellationToken ct = default);

    /// <summary>How many records of each kind are stored.</summary>
    Task<CrmCounts> CountAsync(CancellationToken ct = default);
}

/// <summary>How many records of each kind.</summary>
public readonly record struct CrmCounts(long Accounts, long Contacts, long Leads, long Opportunities, long Activities)
{
    public long Total => Accounts + Contacts + Leads + Opportunities + Activities;

    public long this[CrmKind kind] => kind switch
    {
        CrmKind.Account => Accounts,
        CrmKind.Contact => Contacts,
        CrmKind.Lead => Leads,
        CrmKind.Opportunity => Opportunities,
        CrmKind.Activity => Activities,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Counts from one number per kind, in <see cref="CrmKind"/> order.</summary>
    public static CrmCounts Of(IReadOnlyList<long> byKind) => new(byKind[0], byKind[1], byKind[2], byKind[3], byKind[4]);
}

/// <summary>
/// The outcome of an import: the records it held, how many of them were new and how many replaced a different
/// stored version (the rest were already stored as they are), or every problem when nothing was written.
/// </summary>
public sealed record CrmImportResult(CrmCounts Imported, CrmCounts Added, CrmCounts Changed, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Errors.Count == 0;

    public static CrmImportResult Failed(IReadOnlyList<string> errors) => new(default, default, default, errors);
}
