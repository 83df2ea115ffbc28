using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using Rollgate.Benchmarks.Traffic;
using Rollgate.Core.Access;
using Rollgate.Core.Plans;

namespace Rollgate.Benchmarks.Access;

/// <summary>
/// One access decision of SPEC 4 in-process, Rollgate's <see cref="AccessPolicy.Decide"/> against
/// Microsoft.FeatureManagement judging the same cohort and window. Goals: Rollgate at least 30 times faster,
/// under 100 ns a decision, and no allocation.
/// </summary>
/// <remarks>
/// The FeatureManagement side has one feature flag per task of the pilot, built from the GTM plan into an
/// in-memory <see cref="IConfiguration"/>: <c>Microsoft.Targeting</c> with the cohort's roles as groups at 100%
/// (default 0%), and <c>Microsoft.TimeWindow</c> with the pilot's hours recurring weekly on its days, both
/// required. Its bound filter settings are cached in a <see cref="MemoryCache"/>, and its targeting context (the user
/// and the user's role) is built once per case, outside the measured call. Not sealed: BenchmarkDotNet derives
/// from it.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class AccessBenchmarks
{
    /// <summary>Wednesday 15 April 2026, 10:00 PDT: inside the pilot's 9:00 to 17:00 Mon–Fri.</summary>
    private static readonly DateTimeOffset WeekdayMorning = new(2026, 4, 15, 10, 0, 0, TimeSpan.FromHours(-7));

    /// <summary>The same day at 18:00 PDT: after the pilot's hours.</summary>
    private static readonly DateTimeOffset WeekdayEvening = new(2026, 4, 15, 18, 0, 0, TimeSpan.FromHours(-7));

    private const string Task = "lead_summary";

    private RolloutPlan _plan = null!;
    private PhaseState _state = null!;
    private Phase _full = null!;
    private string _userId = null!;
    private DateTimeOffset _at;
    private IVariantFeatureManager _features = null!;
    private TargetingContext _targeting = null!;

    public enum AccessCase { Allowed, NotInCohort, OutsideAvailability }

    [Params(AccessCase.Allowed, AccessCase.NotInCohort, AccessCase.OutsideAvailability)]
    public AccessCase Case { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _plan = Repo.GtmPlan();
        var pilot = _plan.FindPhase("pilot") ?? throw new InvalidOperationException("the GTM plan has no 'pilot' phase");
        _state = new PhaseState(pilot, null, null);
        _full = _plan.FindPhase("full") ?? throw new InvalidOperationException("the GTM plan has no 'full' phase");
        (_userId, _at, var expected) = Case switch
        {
            AccessCase.Allowed => ("so-01", WeekdayMorning, AccessReason.Ok),
            AccessCase.NotInCohort => ("ae-01", WeekdayMorning, AccessReason.NotInCohort),
            _ => ("so-01", WeekdayEvening, AccessReason.OutsideAvailability),
        };

        var user = _plan.Users.Find(_userId) ?? throw new InvalidOperationException($"no user {_userId} in the GTM plan");
        _targeting = new TargetingContext { UserId = user.Id, Groups = [user.Role] };
        _features = FeatureManagerFor(pilot, _at);

        // Both sides must answer the case the same way, or the comparison means nothing.
        var decision = AccessPolicy.Decide(_plan, _state, _userId, Task, _at);
        var enabled = _features.IsEnabledAsync(Task, _targeting, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (decision.Reason != expected || enabled != decision.Allowed)
        {
            throw new InvalidOperationException($"{Case}: Rollgate says {decision.ReasonName}, FeatureManagement says {enabled}");
        }
    }

    [Benchmark(Baseline = true)]
    public AccessDecision Rollgate() => AccessPolicy.Decide(_plan, _state, _userId, Task, _at);

    [Benchmark]
    public ValueTask<bool> FeatureManagement() => _features.IsEnabledAsync(Task, _targeting, CancellationToken.None);

    /// <summary>The server's other question on each request: the full phase's limit, which is lower off-peak.</summary>
    [Benchmark]
    public int? HourlyLimit() => AccessPolicy.HourlyLimit(_plan, _full, _at);

    /// <summary>
    /// The phase's tasks as feature flags. FeatureManagement's recurring window keeps the fixed UTC offset of its
    /// start, so the start is put in the week being judged, at the offset then in force in the plan's zone.
    /// </summary>
    private IVariantFeatureManager FeatureManagerFor(Phase phase, DateTimeOffset at)
    {
        var window = phase.Availability;
        var zone = _plan.TimeZone;
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var monday = DateOnly.FromDateTime(local.Date).AddDays(-(((int)local.DayOfWeek + 6) % 7));
        var open = monday.ToDateTime(window.Open);
        var close = monday.ToDateTime(window.Close);
        var start = new DateTimeOffset(open, zone.GetUtcOffset(open));
        var end = new DateTimeOffset(close, zone.GetUtcOffset(close));

        var settings = new Dictionary<string, string?>();
        for (var f = 0; f < phase.Tasks.Count; f++)
        {
            var flag = $"feature_management:feature_flags:{f}";
            settings[$"{flag}:id"] = phase.Tasks[f];
            settings[$"{flag}:enabled"] = "true";
            settings[$"{flag}:conditions:requirement_type"] = "All";

            var targeting = $"{flag}:conditions:client_filters:0";
            settings[$"{targeting}:name"] = "Microsoft.Targeting";
            for (var g = 0; g < phase.Cohort.Roles.Count; g++)
            {
                settings[$"{targeting}:parameters:Audience:Groups:{g}:Name"] = phase.Cohort.Roles[g];
                settings[$"{targeting}:parameters:Audience:Groups:{g}:RolloutPercentage"] = "100";
            }

            settings[$"{targeting}:parameters:Audience:DefaultRolloutPercentage"] = "0";

            var time = $"{flag}:conditions:client_filters:1";
            settings[$"{time}:name"] = "Microsoft.TimeWindow";
            settings[$"{time}:parameters:Start"] = start.ToString("O", CultureInfo.InvariantCulture);
            settings[$"{time}:parameters:End"] = end.ToString("O", CultureInfo.InvariantCulture);
            settings[$"{time}:parameters:Recurrence:Pattern:Type"] = "Weekly";
            var d = 0;
            foreach (var day in window.Days)
            {
                settings[$"{time}:parameters:Recurrence:Pattern:DaysOfWeek:{d++}"] = day.ToString();
            }

            settings[$"{time}:parameters:Recurrence:Range:Type"] = "NoEnd";
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var cache = new MemoryCache(new MemoryCacheOptions());
        return new FeatureManager(new ConfigurationFeatureDefinitionProvider(configuration), new FeatureManagementOptions())
        {
            FeatureFilters =
            [
                new ContextualTargetingFilter(Options.Create(new TargetingEvaluationOptions())),
                new TimeWindowFilter { SystemClock = new FixedClock(at), Cache = cache },
            ],
            Cache = cache,
        };
    }

    /// <summary>FeatureManagement reads the time from its clock; Rollgate is told it.</summary>
    private sealed class FixedClock(DateTimeOffset at) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => at.ToUniversalTime();
    }
}
