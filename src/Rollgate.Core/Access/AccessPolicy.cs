using Rollgate.Core.Plans;

namespace Rollgate.Core.Access;

/// <summary>The reasons of SPEC 4, in the order they are checked.</summary>
public enum AccessReason { Ok, UnknownUser, NoActivePhase, NotInCohort, TaskNotEnabled, OutsideAvailability, RateLimited }

public static class AccessReasons
{
    public static string Of(AccessReason reason) => reason switch
    {
        AccessReason.Ok => "ok",
        AccessReason.UnknownUser => "unknown_user",
        AccessReason.NoActivePhase => "no_active_phase",
        AccessReason.NotInCohort => "not_in_cohort",
        AccessReason.TaskNotEnabled => "task_not_enabled",
        AccessReason.OutsideAvailability => "outside_availability",
        _ => "rate_limited",
    };

    public static string Explain(AccessReason reason) => reason switch
    {
        AccessReason.Ok => "allowed",
        AccessReason.UnknownUser => "the user is not in the plan's users file",
        AccessReason.NoActivePhase => "no phase is active (not started yet, rolled back, or the kill switch is off)",
        AccessReason.NotInCohort => "the user's role is not in the current phase's cohort",
        AccessReason.TaskNotEnabled => "the task is not enabled in the current phase",
        AccessReason.OutsideAvailability => "outside the phase's availability window",
        _ => "the user's hourly rate limit is spent",
    };
}

public readonly record struct AccessDecision(bool Allowed, AccessReason Reason, string? Phase)
{
    public string ReasonName => AccessReasons.Of(Reason);
}

/// <summary>Who may use which agent when (SPEC 4). Pure: the phase state and the clock come in.</summary>
public static class AccessPolicy
{
    public static AccessDecision Decide(RolloutPlan plan, PhaseState state, string userId, string task, DateTimeOffset at)
    {
        var user = plan.Users.Find(userId);
        var phase = state.Current;
        if (user is null)
        {
            return new AccessDecision(false, AccessReason.UnknownUser, phase?.Id);
        }

        if (phase is null)
        {
            return new AccessDecision(false, AccessReason.NoActivePhase, null);
        }

        if (!phase.Cohort.Admits(user.Role))
        {
            return new AccessDecision(false, AccessReason.NotInCohort, phase.Id);
        }

        if (!phase.IsEnabled(task))
        {
            return new AccessDecision(false, AccessReason.TaskNotEnabled, phase.Id);
        }

        if (!phase.Availability.IsOpen(at, plan.TimeZone))
        {
            return new AccessDecision(false, AccessReason.OutsideAvailability, phase.Id);
        }

        return new AccessDecision(true, AccessReason.Ok, phase.Id);
    }

    /// <summary>The hourly limit that applies to a user of <paramref name="phase"/> at <paramref name="at"/>; null when unlimited.</summary>
    public static int? HourlyLimit(RolloutPlan plan, Phase phase, DateTimeOffset at)
    {
        var limits = phase.RateLimits;
        if (limits.OffHoursPerUserPerHour is { } off && limits.PeakHours is { } peak && !peak.IsOpen(at, plan.TimeZone))
        {
            return off;
        }

        return limits.PerUserPerHour;
    }
}
