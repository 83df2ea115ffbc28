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

            What to do meanwhile: work as you did before the agents. Summarise leads from the CRM record, write your follow-ups yourself, and review deal risk with your manager. Answers you already have are unchanged; check any draft before you use it. Requests to the agents are refused until operations turns them back on, and you will be told when they do.

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
        The plan asks sales ops to decide: {(to is null ? $"{from.Name} is the first phase; the kill switch stops the agents if needed" : $"go back from {from.Name} to {to.Name} with 'rollgate phase start --phase {to.Id} --by YOU --override --reason ...' (an exec), or keep {from.Name}")}.
        """);

    public static Notice Pending(RolloutPlan plan, TriggerStatus status, DateTimeOffset since, TimeSpan sustain) => new(
        $"Rollgate warning: {Describe(plan, status.Id)} is pending",
        $"""
        {Describe(plan, status.Id)} has held since {Local(plan, since)}: {status.Reason}.
        If it holds until {Local(plan, since + sustain)}, the agents will be switched off for everyone.
        """);

    public static Notice Overdue(RolloutPlan plan, string incident, string document, DateTimeOffset due) => new(
        $"Rollgate: the {document} of incident {incident} is overdue",
        $"""
        The {document} of incident {incident} was due by {Local(plan, due)} and has not been recorded.
        Record it with 'rollgate incident {(document == "review" ? "review" : "findings")} {incident} --file FILE --by YOU'.
        """);

    private static string Describe(RolloutPlan plan, string trigger) =>
        trigger == "manual" ? "a manual rollback by operations" : plan.Rollback.Triggers.FirstOrDefault(t => t.Id == trigger)?.Description ?? trigger;

    private static string Local(RolloutPlan plan, DateTimeOffset t) => LocalCalendar.Describe(t, plan.TimeZone);
}
