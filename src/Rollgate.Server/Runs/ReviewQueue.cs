using Rollgate.Storage;
using Rollgate.Storage.Sqlite;

namespace Rollgate.Server.Runs;

/// <summary>
/// Picks runs for reviewers so that task accuracy rests on a fair sample rather than on whatever was busiest:
/// strata of task and outcome take turns, and inside a stratum people take turns, newest run first. Plain
/// "latest N" would hand reviewers the heaviest user's lead summaries and hardly any abstention or error.
/// </summary>
public static class ReviewQueue
{
    public static IReadOnlyList<RunOutput> Sample(IReadOnlyList<RunOutput> candidates, int size)
    {
        var strata = candidates
            .GroupBy(c => (c.Task, c.Outcome))
            .OrderBy(g => g.Key.Task, StringComparer.Ordinal).ThenBy(g => g.Key.Outcome, StringComparer.Ordinal)
            .Select(g => new Stratum(g))
            .ToList();
        var picked = new List<RunOutput>(Math.Min(size, candidates.Count));
        while (picked.Count < size && strata.Count > 0)
        {
            for (var i = 0; i < strata.Count && picked.Count < size; i++)
            {
                if (strata[i].Next() is { } run)
                {
                    picked.Add(run);
                }
            }

            strata.RemoveAll(s => s.IsEmpty);
        }

        return picked;
    }

    /// <summary>The runs of one task and outcome, as queues per person that give up their newest run in turn.</summary>
    private sealed class Stratum
    {
        private readonly List<Queue<RunOutput>> _people;
        private int _turn;

        public Stratum(IEnumerable<RunOutput> runs)
        {
            _people = [.. runs
                .GroupBy(r => r.User, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new Queue<RunOutput>(g.OrderByDescending(r => r.Ts).ThenBy(r => r.Run, StringComparer.Ordinal)))];
        }

        public bool IsEmpty => _people.Count == 0;

        public RunOutput? Next()
        {
            if (_people.Count == 0)
            {
                return null;
            }

            _turn %= _people.Count;
            var queue = _people[_turn];
            var run = queue.Dequeue();
            if (queue.Count == 0)
            {
                _people.RemoveAt(_turn);
            }
            else
            {
                _turn++;
            }

            return run;
        }
    }
}
