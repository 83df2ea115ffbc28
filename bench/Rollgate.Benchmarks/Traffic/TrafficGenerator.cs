using Rollgate.Core.Events;
using Rollgate.Core.Plans;
using Rollgate.Core.Statistics;

namespace Rollgate.Benchmarks.Traffic;

/// <summary>
/// Streams the events of a rollout's traffic, day by day, without ever holding more than one day of runs:
/// a phase_started of <c>full</c>, then runs by the plan's SDRs, AEs and Sales Ops (weekdays busier, office
/// hours busier), each maybe followed by a rating (a few re-rated later), a review and a lead response, plus
/// the odd incident and bug with their resolutions.
/// </summary>
public sealed class TrafficGenerator(TrafficProfile profile, RolloutPlan plan)
{
    private static readonly string[] Roles = ["sdr", "ae", "sales_ops"];
    private static readonly string[] Comments = ["spot on", "missed the latest call notes", "saved me a lot of digging", "too long", "wrong contact"];
    private static readonly string[] IncidentTitles = ["summary quoted the wrong account", "CRM sync timeouts", "follow-up sent to an unsubscribed lead", "slow responses"];
    private static readonly string[] BugTitles = ["risk score ignores closed-lost deals", "time zone shown as UTC", "duplicate follow-up drafts", "empty summary for new leads"];

    /// <summary>Share of ratings that their author replaces later (the latest counts).</summary>
    private const double ReRated = 0.03;

    /// <summary>Weeks at the start during which half the runs belong to an A/B experiment.</summary>
    private const int ExperimentDays = 56;

    public IEnumerable<RolloutEvent> Events()
    {
        var rng = new SeededRandom(profile.Seed);
        var owners = plan.Users.WithRoles(Roles);
        var sdrs = plan.Users.WithRoles(["sdr"]);
        var reviewers = plan.Users.WithRoles(["reviewer"]) is { Count: > 0 } r ? r : owners;
        if (owners.Count == 0)
        {
            throw new InvalidOperationException("the plan's users have no sdr, ae or sales_ops");
        }

        // Some people lean on the agents far more than others.
        var weights = new double[owners.Count];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (i == 0 ? 0 : weights[i - 1]) + 0.3 + (1.7 * rng.NextDouble());
        }

        yield return new PhaseStarted(profile.Start, "full", "bench", "full GTM rollout");

        var perDay = RunsPerDay();
        long run = 0, lead = 0;
        int incident = 0, bug = 0;
        for (var day = 0; day < profile.Days; day++)
        {
            var dayStart = profile.Start.AddDays(day);
            if (rng.Chance(profile.IncidentsPerWeek / 7))
            {
                incident++;
                var at = dayStart.AddHours(8 + (10 * rng.NextDouble()));
                var id = $"inc-{incident:D4}";
                yield return new Incident(at, id, PickSeverity(rng), PickCategory(rng), rng.Pick(IncidentTitles));
                yield return new IncidentResolved(at.AddHours(1 + (35 * rng.NextDouble())), id);
            }

            if (rng.Chance(profile.BugsPerWeek / 7))
            {
                bug++;
                var at = dayStart.AddHours(8 + (10 * rng.NextDouble()));
                var id = $"bug-{bug:D4}";
                var priority = PickPriority(rng);
                yield return new Bug(at, id, priority, rng.Pick(BugTitles));

                // A backlog of minor bugs stays open; P0s and P1s are always fixed, within days.
                if (priority <= BugPriority.P1 || rng.Chance(0.85))
                {
                    yield return new BugResolved(at.AddHours(4 + (240 * rng.NextDouble())), id);
                }
            }

            var minutes = new double[perDay[day]];
            for (var i = 0; i < minutes.Length; i++)
            {
                minutes[i] = rng.Chance(0.85) ? (8 * 60) + (10 * 60 * rng.NextDouble()) : 24 * 60 * rng.NextDouble();
            }

            Array.Sort(minutes);
            foreach (var m in minutes)
            {
                run++;
                var ts = dayStart.AddMilliseconds(Math.Round(m * 60_000));
                var id = $"run-{run:D8}";
                var owner = owners[PickWeighted(rng, weights)];
                var outcome = rng.NextDouble() switch
                {
                    < 0.012 => RunOutcome.Error,
                    < 0.042 => RunOutcome.Abstained,
                    _ => RunOutcome.Completed,
                };
                var latency = Math.Round(Math.Max(120, 900 + (350 * rng.NextGaussian())));
                var inExperiment = day < ExperimentDays && rng.Chance(0.5);
                yield return new Run(ts, id, owner, rng.Pick(plan.Tasks), outcome, latency,
                    inExperiment ? "summary-prompt-v2" : null, inExperiment ? (rng.Chance(0.5) ? Variant.Treatment : Variant.Control) : null);

                if (rng.Chance(profile.FeedbackPerRun / (1 + ReRated)))
                {
                    var rated = ts.AddMinutes(1 + (119 * rng.NextDouble()));
                    yield return RateRun(rng, rated, id, owner);
                    if (rng.Chance(ReRated))
                    {
                        yield return RateRun(rng, rated.AddHours(1 + (23 * rng.NextDouble())), id, owner);
                    }
                }

                if (rng.Chance(profile.ReviewsPerRun))
                {
                    yield return new Review(ts.AddHours(1 + (71 * rng.NextDouble())), id, rng.Pick(reviewers), rng.Chance(0.91),
                        rng.Chance(0.1) ? "checked against the CRM" : null);
                }

                if (rng.Chance(profile.LeadResponsesPerRun))
                {
                    lead++;
                    var waited = TimeSpan.FromMinutes(Math.Round(Math.Exp(3 + (0.8 * rng.NextGaussian())), 1));
                    yield return new LeadResponse(ts, $"lead-{lead:D7}", sdrs.Count > 0 ? rng.Pick(sdrs) : owner, ts - waited, ts);
                }
            }
        }
    }

    /// <summary>The runs of each day: weekdays full, weekends at 15%, adding up to exactly the profile's runs.</summary>
    private int[] RunsPerDay()
    {
        var cumulative = new double[profile.Days + 1];
        for (var d = 0; d < profile.Days; d++)
        {
            var weekend = profile.Start.AddDays(d).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            cumulative[d + 1] = cumulative[d] + (weekend ? 0.15 : 1.0);
        }

        var total = cumulative[^1];
        var result = new int[profile.Days];
        for (var d = 0; d < profile.Days; d++)
        {
            result[d] = (int)(Math.Round(profile.Runs * cumulative[d + 1] / total) - Math.Round(profile.Runs * cumulative[d] / total));
        }

        return result;
    }

    private static Feedback RateRun(SeededRandom rng, DateTimeOffset at, string run, string user)
    {
        var rating = rng.NextDouble() switch
        {
            < 0.03 => 1,
            < 0.08 => 2,
            < 0.20 => 3,
            < 0.55 => 4,
            _ => 5,
        };
        double? minutes = rng.Chance(0.85) ? Math.Round(0.5 + (3.5 * rng.NextDouble()), 1) : null;
        return new Feedback(at, run, user, rating, minutes, rng.Chance(0.05) ? rng.Pick(Comments) : null);
    }

    private static int PickWeighted(SeededRandom rng, double[] cumulative)
    {
        var i = Array.BinarySearch(cumulative, rng.NextDouble() * cumulative[^1]);
        return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
    }

    private static Severity PickSeverity(SeededRandom rng) => rng.NextDouble() switch
    {
        < 0.03 => Severity.Critical,
        < 0.18 => Severity.High,
        < 0.58 => Severity.Medium,
        _ => Severity.Low,
    };

    private static IncidentCategory PickCategory(SeededRandom rng) => rng.NextDouble() switch
    {
        < 0.05 => IncidentCategory.Security,
        < 0.10 => IncidentCategory.Privacy,
        < 0.55 => IncidentCategory.Quality,
        < 0.90 => IncidentCategory.Availability,
        _ => IncidentCategory.Other,
    };

    private static BugPriority PickPriority(SeededRandom rng) => rng.NextDouble() switch
    {
        < 0.05 => BugPriority.P0,
        < 0.25 => BugPriority.P1,
        < 0.65 => BugPriority.P2,
        _ => BugPriority.P3,
    };
}
