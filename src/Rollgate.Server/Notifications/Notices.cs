using Rollgate.Core.Plans;
using Rollgate.Core.Time;
using Rollgate.Core.Triggers;

namespace Rollgate.Server.Notifications;

/// <summary>The words of each notice: what happened, since when, and what to do meanwhile.</summary>
public static class Notices
{
    public static Notice RolledBack(RolloutPlan plan, Phase phase, string trigger, string reason, DateTimeOffset since, DateTimeOffset at, string incident, DateTimeOffset reviewDue, DateTimeOffset findingsDue)
    {
        var what = Describe(plan, trigger);
        return new Notice(
            $"Rollgate: the AI agents are off ({what})",
            $"""
            The AI agents (lead summary, follow-up suggestions, deal risk analysis) were switched off at {Local(plan, at)} for everyone in {phase.Name}.

            What happened: {what}: {reason}.
            Since: {Local(plan, since)}.

            What to do meanwhile: work as you did before the agents. Summarise leads from the CRM record, write your follow-ups yourself, and review deal risk with your manager. Answers you already have are unchanged; check any draft before you use it. Requests to the agents are refused until operations turns them back on; you will get a message when they are back.

            Incident {incident}: its review is due by {Local(plan, reviewDue)} and its findings by {Local(plan, findingsDue)}. All data is preserved.
            """);
    }

    public static Notice PartiallyRolledBack(RolloutPlan plan, Phase from, Phase to, string trigger, string reason, DateTimeOffset at) => new(
        $"Rollgate: back to {to.Name} ({Describe(plan, trigger)})",
        $"""
        The AI agents went back from {from.Name} to {to.Name} at {Local(plan, at)}: {Describe(plan, trigger)}: {reason}.

        Who may use them now: {string.Join(", ", to.Cohort.Roles)}, {to.Availability.Describe()} ({plan.TimeZone.Id}); tasks: {string.Join(", ", to.Tasks)}.
        If your role is not in that list, work as you did before the agents until operations tells you they are back.
        """);

    public static Notice Proposed(RolloutPlan plan, Phase from, Phase? to, TriggerStatus status, DateTimeOffset at) => new(
        $"Rollgate: partial rollback proposed ({Describe(plan, status.Id)})",
        $"""
        {Describe(plan, status.Id)} fired at {Local(plan, at)}: {status.Reason}.
        The plan asks sales ops to decide: {(to is null ? $"{from.Name} is the first phase; the kill switch stops the agents if needed" : $"go back from {from.Name} to {to.Name} with 'rollgate phase start --plan PLAN --db DB --phase {to.Id} --by YOU --reason ...' (or POST /v1/phases/{to.Id}/start), or keep {from.Name}")}.
        """);

    public static Notice Pending(RolloutPlan plan, TriggerStatus status, DateTimeOffset since, string firesWhen) => new(
        $"Rollgate warning: {Describe(plan, status.Id)} is pending",
        $"""
        {Describe(plan, status.Id)} has held since {Local(plan, since)}: {status.Reason}.
        {firesWhen}, the agents will be switched off for everyone.
        """);

    public static Notice Restored(RolloutPlan plan, Phase phase, string by, DateTimeOffset at) => new(
        $"Rollgate: the AI agents are available ({phase.Name})",
        $"""
        The AI agents are available since {Local(plan, at)} (turned on by {by}).
        Who may use them: {string.Join(", ", phase.Cohort.Roles)}, {phase.Availability.Describe()} ({plan.TimeZone.Id}); tasks: {string.Join(", ", phase.Tasks)}.
        Check each answer as before, and rate it: your ratings decide what happens next.
        """);

    public static Notice Overdue(RolloutPlan plan, string incident, string document, DateTimeOffset due) => new(
        $"Rollgate: the {document} of incident {incident} is overdue",
        $"""
        The {document} of incident {incident} was due by {Local(plan, due)} and has not been recorded.
        Record it with 'rollgate incident {(document == "review" ? "review" : "findings")} {incident} --file FILE --plan PLAN --db DB --by YOU'.
        """);

    private static string Describe(RolloutPlan plan, string trigger) =>
        trigger == "manual" ? "a manual rollback by operations" : plan.Rollback.Triggers.FirstOrDefault(t => t.Id == trigger)?.Description ?? trigger;

    private static string Local(RolloutPlan plan, DateTimeOffset t) => LocalCalendar.Describe(t, plan.TimeZone);
}
