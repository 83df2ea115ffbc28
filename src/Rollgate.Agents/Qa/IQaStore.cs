namespace Rollgate.Agents.Qa;

/// <summary>A QA run as recorded: when, which suite and engine, and its figures.</summary>
public sealed record QaRunRecord(DateTimeOffset At, string Suite, string Engine, int Total, int Passed, double? PassRate, double? Coverage);

/// <summary>A manual review verdict as recorded.</summary>
public sealed record QaReviewRecord(DateTimeOffset At, string Scenario, string Reviewer, string Verdict, string? Notes);

/// <summary>
/// Where QA evidence lives, so that the pre-launch checklist can prove "QA pass rate ≥ 95%" and "manual review of
/// 50 representative scenarios" from records rather than from someone's word.
/// </summary>
public interface IQaStore
{
    Task RecordRunAsync(QaRunRecord run, CancellationToken cancellationToken = default);

    Task<QaRunRecord?> LatestRunAsync(CancellationToken cancellationToken = default);

    /// <summary>Records verdicts all at once; a later verdict on the same scenario by the same reviewer replaces the earlier.</summary>
    Task RecordReviewsAsync(IReadOnlyList<QaReviewRecord> reviews, CancellationToken cancellationToken = default);

    /// <summary>How many distinct scenarios have at least one verdict.</summary>
    Task<int> ReviewedScenarioCountAsync(CancellationToken cancellationToken = default);
}
