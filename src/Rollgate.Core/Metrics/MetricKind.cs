namespace Rollgate.Core.Metrics;

/// <summary>The seven metrics of SPEC 3. Plans pick among them; their meaning is fixed.</summary>
public enum MetricKind
{
    TaskAccuracy,
    UserSatisfaction,
    ErrorRate,
    WeeklyActiveUsers,
    LeadResponseTimeImprovement,
    TimeSaved,
    CriticalIncidents,
}

public static class MetricCatalog
{
    public static readonly IReadOnlyList<MetricKind> All = Enum.GetValues<MetricKind>();

    public static string Name(MetricKind metric) => metric switch
    {
        MetricKind.TaskAccuracy => "task_accuracy",
        MetricKind.UserSatisfaction => "user_satisfaction",
        MetricKind.ErrorRate => "error_rate",
        MetricKind.WeeklyActiveUsers => "weekly_active_users",
        MetricKind.LeadResponseTimeImprovement => "lead_response_time_improvement",
        MetricKind.TimeSaved => "time_saved",
        _ => "critical_incidents",
    };

    public static bool TryParse(string name, out MetricKind metric)
    {
        foreach (var m in All)
        {
            if (Name(m) == name)
            {
                metric = m;
                return true;
            }
        }

        metric = default;
        return false;
    }

    /// <summary>SPEC 3's minimum samples; metrics that always have data have 0.</summary>
    public static int DefaultMinimumSample(MetricKind metric) => metric switch
    {
        MetricKind.TaskAccuracy => 30,
        MetricKind.UserSatisfaction => 30,
        MetricKind.ErrorRate => 100,
        MetricKind.LeadResponseTimeImprovement => 10,
        _ => 0,
    };

    /// <summary>How a person reads the value: a share, a rating, hours, a count.</summary>
    public static string FormatValue(MetricKind metric, double? value) => value is not { } v
        ? "—"
        : metric switch
        {
            MetricKind.TaskAccuracy or MetricKind.ErrorRate or MetricKind.WeeklyActiveUsers or MetricKind.LeadResponseTimeImprovement
                => v.ToString("0.0%", System.Globalization.CultureInfo.InvariantCulture),
            MetricKind.UserSatisfaction => v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
            MetricKind.TimeSaved => v.ToString("0.00' h/user/week'", System.Globalization.CultureInfo.InvariantCulture),
            _ => v.ToString("0", System.Globalization.CultureInfo.InvariantCulture),
        };
}
