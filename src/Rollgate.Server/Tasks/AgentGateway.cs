using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Rollgate.Agents.Agents;
using Rollgate.Agents.Crm;
using Rollgate.Core.Access;
using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Core.Time;
using Rollgate.Server.Events;
using Rollgate.Server.Http;
using Rollgate.Storage;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Tasks;

/// <summary>What a person asks of an agent: a lead (lead_summary, follow_up) or an opportunity (risk_analysis, follow_up).</summary>
public sealed record TaskRequest(string? LeadId, string? OpportunityId);

/// <summary>
/// The gate in front of the agents: a request reaches an agent only when SPEC 4 allows it and the person's hourly
/// limit has room; every request that reaches one is a <c>run</c> event with its outcome, and its answer is kept
/// for the person and the reviewers.
/// </summary>
public sealed partial class AgentGateway(
    RolloutPlan plan,
    PhaseStates phases,
    SqliteStamps stamps,
    ICrmStore crm,
    AgentRunner agents,
    EventRecorder recorder,
    HourlyRateLimiter limiter,
    TimeProvider clock,
    ILogger<AgentGateway> logger)
{
    /// <summary>Inputs kept beyond this many are dropped, all at once: a day's requests rarely name more records.</summary>
    private const int MaxKeptInputs = 4096;

    private readonly StampedCache<(bool Lead, string Id, DateOnly AsOf), AgentInput> _inputs = new(MaxKeptInputs);

    public async Task<Results<RunAnswer, ProblemHttpResult>> RunAsync(string user, string task, TaskRequest? request, HttpResponse response, CancellationToken ct)
    {
        if (!AgentRunner.IsTask(task))
        {
            return Problems.NotFound($"unknown task '{task}' (the agents' tasks are {string.Join(", ", AgentTasks.All)})");
        }

        if (Check(task, request) is { } bad)
        {
            return Problems.BadRequest(bad);
        }

        var now = clock.GetUtcNow();
        var stamp = response.HttpContext.Features.Get<RequestStamp>()?.Stamp ?? stamps.Read();
        var state = await phases.AtAsync(stamp, EventRecorder.Through(now), ct);
        var decision = AccessPolicy.Decide(plan, state, user, task, now);
        if (!decision.Allowed)
        {
            LogDenied(logger, user, task, decision.ReasonName);
            return Problems.Denied(decision);
        }

        if (AccessPolicy.HourlyLimit(plan, state.Current!, now) is { } limit && !await limiter.TryAcquireAsync(user, now, limit, ct))
        {
            var next = limiter.NextHour(now);
            response.Headers.RetryAfter = Math.Ceiling((next - now).TotalSeconds).ToString(CultureInfo.InvariantCulture);
            LogDenied(logger, user, task, "rate_limited");
            return Problems.Denied(
                new AccessDecision(false, AccessReason.RateLimited, decision.Phase),
                $"the limit of {limit} runs an hour is spent; the next hour starts at {LocalCalendar.Describe(next, plan.TimeZone)}");
        }

        var asOf = LocalCalendar.DateOf(now, plan.TimeZone);
        var record = request!.LeadId ?? request.OpportunityId!;
        var input = await InputAsync(request.LeadId is not null, record, asOf, stamp, ct);
        if (input is null)
        {
            limiter.Release(user, now);
            return Problems.NotFound(request.LeadId is not null ? $"no lead '{record}' in the CRM" : $"no opportunity '{record}' in the CRM");
        }

        var started = clock.GetTimestamp();
        AgentOutcome outcome;
        try
        {
            outcome = await agents.RunAsync(task, input, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            outcome = AgentOutcome.Failed(task, "the agent failed unexpectedly: " + ex.GetType().Name);
            LogAgentFailed(logger, ex, task);
        }

        var runId = RunIds.Next(now);
        // One JSON text: the answer kept for the person and the reviewers is the response, character for character.
        var json = AgentOutcomeJson.Text(runId, outcome, asOf, decision.Phase);
        var usage = outcome.Usage;
        var latency = usage?.LatencyMs ?? clock.GetElapsedTime(started).TotalMilliseconds;
        var kind = outcome.Kind switch
        {
            OutcomeKind.Answered => RunOutcome.Completed,
            OutcomeKind.Abstained => RunOutcome.Abstained,
            _ => RunOutcome.Error,
        };

        // The run and its answer are stored together: a run event never points at an answer that is missing.
        await recorder.RecordRunAsync(
            new RunOutput(runId, now, user, task, outcome.RunOutcome, record, asOf, json),
            new Run(now, runId, user, task, kind, Math.Round(latency, 3), Engine: usage?.Engine ?? agents.Engine.Name, Model: usage?.Model,
                InputTokens: usage?.InputTokens, OutputTokens: usage?.OutputTokens));
        LogRun(logger, runId, user, task, outcome.RunOutcome);
        return new RunAnswer(json, outcome.RunOutcome);
    }

    /// <summary>
    /// The agent's input, composed from the CRM records or kept from an earlier request under the same CRM counter:
    /// requests that name the same record on the same day share it, as nothing that reads an input changes it.
    /// </summary>
    private async ValueTask<AgentInput?> InputAsync(bool lead, string record, DateOnly asOf, StoreStamp stamp, CancellationToken ct)
    {
        if (_inputs.TryGet(stamp.Crm, (lead, record, asOf), out var kept))
        {
            return kept;
        }

        var input = lead ? await crm.LeadInputAsync(record, asOf, ct) : await crm.OpportunityInputAsync(record, asOf, ct);
        if (input is not null)
        {
            _inputs.Keep(stamp.Crm, (lead, record, asOf), input);
        }

        return input;
    }

    /// <summary>The request names exactly one record, of a kind the task works on.</summary>
    private static string? Check(string task, TaskRequest? request)
    {
        if (request is null)
        {
            return "the body must be a JSON object with \"lead_id\" or \"opportunity_id\"";
        }

        var (lead, opportunity) = (request.LeadId, request.OpportunityId);
        if (string.IsNullOrWhiteSpace(lead) && string.IsNullOrWhiteSpace(opportunity))
        {
            return $"give \"lead_id\" or \"opportunity_id\" ({task} works on {Works(task)})";
        }

        if (lead is not null && opportunity is not null)
        {
            return "give only one of \"lead_id\" and \"opportunity_id\"";
        }

        return task switch
        {
            AgentTasks.LeadSummary when lead is null => "lead_summary works on a lead: give \"lead_id\"",
            AgentTasks.RiskAnalysis when opportunity is null => "risk_analysis works on an opportunity: give \"opportunity_id\"",
            _ => null,
        };
    }

    private static string Works(string task) => task switch
    {
        AgentTasks.LeadSummary => "a lead",
        AgentTasks.RiskAnalysis => "an opportunity",
        _ => "a lead or an opportunity",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {Run} by {User}: {Task} {Outcome}")]
    private static partial void LogRun(ILogger logger, string run, string user, string task, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Task} to {User}: {Reason}")]
    private static partial void LogDenied(ILogger logger, string user, string task, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Task} agent failed")]
    private static partial void LogAgentFailed(ILogger logger, Exception exception, string task);
}
