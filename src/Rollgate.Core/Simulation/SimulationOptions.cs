namespace Rollgate.Core.Simulation;

/// <summary>
/// What to simulate: <paramref name="Days"/> local dates from <paramref name="From"/> in the plan's time zone,
/// <c>[From, From + Days)</c>, drawn from <paramref name="Seed"/>, under one of <see cref="Scenarios.All"/>.
/// </summary>
public sealed record SimulationOptions(DateOnly From, int Days, ulong Seed, string Scenario = "healthy");
