using Rollgate.Core.Metrics;
using Rollgate.Core.Plans;
using Rollgate.Core.Tests.Support;

namespace Rollgate.Core.Tests.Plans;

public sealed class ExamplePlanTests
{
    [Fact]
    [Trait("spec", "1")]
    public void ExamplePlan_Loads_WithTheSeedsPhasesInOrder()
    {
        var plan = TestPlans.Gtm;
        Assert.Equal(["pilot", "sdr", "full"], plan.Phases.Select(p => p.Id));
        Assert.Equal("America/Los_Angeles", plan.TimeZone.Id);
        Assert.InRange(plan.Users.Count, 90, 110);
    }
}
