using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rollgate.Core.Access;
using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Core.Reports;
using Rollgate.Server.Audit;
using Rollgate.Server.Events;
using Rollgate.Server.Http;
using Rollgate.Server.Identity;
using Rollgate.Storage;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Runs;

/// <summary>A person's rating of a run: 1 to 5, minutes it saved, and a comment.</summary>
public sealed record FeedbackRequest(double? Rating, double? MinutesSaved, string? Comment);

/// <summary>A reviewer's label of a run: correct or not, and notes.</summary>
public sealed record ReviewRequest(bool? Correct, string? Notes);

/// <summary>Runs: read one's own (operations and reviewers read all), rate them, review them, and the review queue.</summary>
public static partial class RunApi
{
    public const int MaxCommentLength = 2000;

    public static RouteGroupBuilder MapRuns(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Runs");
        group.MapGet("/runs", Mine).RequireAuthorization(Roles.Person)
            .WithSummary("Your latest runs, newest first");
        group.MapGet("/runs/{id}", Read).RequireAuthorization(Roles.Person)
            .WithSummary("A run and its answer: its owner, operations and reviewers only");
        group.MapPost("/runs/{id}/feedback", Rate).RequireAuthorization(Roles.Person)
            .WithSummary("Rate your run 1 to 5, with the minutes it saved and a comment; a second rating replaces the first");
        group.MapPost("/runs/{id}/review", Review).RequireAuthorization(Roles.Reviewing)
            .WithSummary("Label a run correct or not (reviewers)");
        group.MapGet("/feedback", Latest).RequireAuthorization(Roles.Oversight)
            .WithSummary("The latest feedback, newest first, for the daily review (since: RFC 3339, default the last 24 hours)");
        group.MapGet("/reviews/queue", Queue).RequireAuthorization(Roles.Oversight)
            .WithSummary("Unreviewed runs sampled evenly across tasks, outcomes and people");
        return group;
    }

    private static Ok<JsonObject> Mine(ClaimsPrincipal who, SqliteRunOutputs outputs, int? limit)
    {
        var runs = outputs.OfUser(who.User(), Math.Clamp(limit ?? 50, 1, 500));
        return TypedResults.Ok(new JsonObject { ["runs"] = new JsonArray([.. runs.Select(r => (JsonNode)Summary(r))]) });
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> Read(string id, ClaimsPrincipal who, IEventStore store, SqliteRunOutputs outputs, CancellationToken ct)
    {
        var run = await store.FindRunAsync(id, ct);
        if (run is null)
        {
            return Problems.NotFound($"no run '{id}'");
        }

        if (run.User != who.User() && who.Role() is not (Roles.SalesOps or Roles.Reviewer))
        {
            return Problems.Forbidden("a run is read by its owner, operations (sales_ops) and reviewers only");
        }

        var output = outputs.Find(id);
        var body = new JsonObject
        {
            ["id"] = run.Id,
            ["ts"] = ReportJson.Time(run.Ts),
            ["user"] = run.User,
            ["task"] = run.Task,
            ["outcome"] = WireNames.Of(run.Outcome),
            ["latency_ms"] = ReportJson.Number(run.LatencyMs),
            ["record"] = output?.Record,
            ["answer"] = output?.Body is { } json ? JsonNode.Parse(json) : null,
            ["purged"] = output is not null && output.Body is null,
        };
        return TypedResults.Ok(body);
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> Rate(
        string id, FeedbackRequest? request, ClaimsPrincipal who, IEventStore store, EventRecorder recorder, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        if (request is null)
        {
            return Problems.BadRequest("the body must be a JSON object with \"rating\" (1 to 5), and optionally \"minutes_saved\" and \"comment\"");
        }

        if (request.Rating is not { } rating || rating != Math.Floor(rating) || rating < 1 || rating > 5)
        {
            return Problems.BadRequest($"\"rating\" must be a whole number from 1 to 5{(request.Rating is { } r ? $" (got {r})" : " (it is missing)")}");
        }

        if (request.MinutesSaved is { } minutes && (!double.IsFinite(minutes) || minutes < 0))
        {
            return Problems.BadRequest($"\"minutes_saved\" must be a number of minutes, 0 or more (got {minutes})");
        }

        if (request.Comment is { Length: > MaxCommentLength })
        {
            return Problems.BadRequest($"\"comment\" is {request.Comment.Length} characters long; at most {MaxCommentLength}");
        }

        var run = await store.FindRunAsync(id, ct);
        if (run is null)
        {
            return Problems.NotFound($"no run '{id}'");
        }

        var user = who.User();
        if (run.User != user)
        {
            return Problems.Forbidden($"only the run's owner ({run.User}) rates it");
        }

        var feedback = new Feedback(clock.GetUtcNow(), id, user, (int)rating, request.MinutesSaved, string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment);
        await recorder.RecordAsync(feedback);
        LogFeedback(logs.CreateLogger("Rollgate.Server.Runs"), id, user, (int)rating, feedback.Comment ?? "");
        return TypedResults.Ok(new JsonObject
        {
            ["run"] = id,
            ["user"] = user,
            ["rating"] = feedback.Rating,
            ["minutes_saved"] = ReportJson.Number(feedback.MinutesSaved),
            ["comment"] = feedback.Comment,
            ["ts"] = ReportJson.Time(feedback.Ts),
        });
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> Review(
        string id, ReviewRequest? request, ClaimsPrincipal who, IEventStore store, EventRecorder recorder, AuditTrail audit, TimeProvider clock, CancellationToken ct)
    {
        if (request?.Correct is not { } correct)
        {
            return Problems.BadRequest("the body must be a JSON object with \"correct\" (true or false), and optionally \"notes\"");
        }

        if (request.Notes is { Length: > MaxCommentLength })
        {
            return Problems.BadRequest($"\"notes\" is {request.Notes.Length} characters long; at most {MaxCommentLength}");
        }

        if (await store.FindRunAsync(id, ct) is null)
        {
            return Problems.NotFound($"no run '{id}'");
        }

        var reviewer = who.User();
        var review = new Review(clock.GetUtcNow(), id, reviewer, correct, string.IsNullOrWhiteSpace(request.Notes) ? null : request.Notes);
        await recorder.RecordAsync(review);
        audit.Record(reviewer, AuditActions.RunReviewed, id, correct ? "correct" : "incorrect");
        return TypedResults.Ok(new JsonObject { ["run"] = id, ["reviewer"] = reviewer, ["correct"] = correct, ["notes"] = review.Notes, ["ts"] = ReportJson.Time(review.Ts) });
    }

    private static async Task<Ok<JsonObject>> Queue(
        RolloutPlan plan, IEventStore store, SqliteRunOutputs outputs, TimeProvider clock, IOptions<RollgateOptions> options, int? size, CancellationToken ct)
    {
        var now = clock.GetUtcNow();

        // The current phase's runs (the runs its task accuracy counts), else those of the last two weeks.
        var state = await PhaseState.AtAsync(plan, store, EventRecorder.Through(now), ct);
        var from = state.Start?.Ts ?? now.AddDays(-14);
        var candidates = outputs.Unreviewed(from, EventRecorder.Through(now), 5000);
        var picked = ReviewQueue.Sample(candidates, Math.Clamp(size ?? options.Value.ReviewQueueSize, 1, 500));
        return TypedResults.Ok(new JsonObject
        {
            ["from"] = ReportJson.Time(from, plan),
            ["unreviewed"] = candidates.Count,
            ["runs"] = new JsonArray([.. picked.Select(r => (JsonNode)Summary(r))]),
        });
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> Latest(IEventStore store, TimeProvider clock, string? since, int? limit, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var from = now.AddDays(-1);
        if (since is not null && !Core.Time.Rfc3339.TryParse(since, out from))
        {
            return Problems.BadRequest($"\"since\" must be RFC 3339 with an offset, e.g. 2026-02-02T09:00:00-08:00 (got \"{since}\")");
        }

        var feedback = await store.LatestAsync(EventTypes.Feedback, new Core.Time.TimeWindow(from, EventRecorder.Through(now)), Math.Clamp(limit ?? 200, 1, 2000), ct);
        return TypedResults.Ok(new JsonObject
        {
            ["since"] = ReportJson.Time(from),
            ["feedback"] = new JsonArray([.. feedback.OfType<Feedback>().Select(f => (JsonNode)new JsonObject
            {
                ["run"] = f.Run, ["user"] = f.User, ["rating"] = f.Rating, ["minutes_saved"] = ReportJson.Number(f.MinutesSaved), ["comment"] = f.Comment, ["ts"] = ReportJson.Time(f.Ts),
            })]),
        });
    }

    private static JsonObject Summary(RunOutput r) => new()
    {
        ["id"] = r.Run,
        ["ts"] = ReportJson.Time(r.Ts),
        ["user"] = r.User,
        ["task"] = r.Task,
        ["outcome"] = r.Outcome,
        ["record"] = r.Record,
        ["text"] = r.Body is { } json ? JsonNode.Parse(json)?["text"]?.DeepClone() : null,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Feedback on {Run} by {User}: {Rating}, '{Comment}'")]
    private static partial void LogFeedback(ILogger logger, string run, string user, int rating, [PersonalData] string comment);
}
