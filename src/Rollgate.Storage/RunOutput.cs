namespace Rollgate.Storage;

/// <summary>
/// What an agent answered in one run, as the person saw it: <see cref="Body"/> is the answer's JSON, or null once
/// the retention period for run payloads has purged it (the rest is kept: it is what the run event already says).
/// </summary>
public sealed record RunOutput(string Run, DateTimeOffset Ts, string User, string Task, string Outcome, string Record, DateOnly AsOf, string? Body);
