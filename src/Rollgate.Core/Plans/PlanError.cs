namespace Rollgate.Core.Plans;

/// <summary>One thing wrong with a plan, where it is: printed as <c>FILE:LINE:COLUMN: message</c>.</summary>
public sealed record PlanError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>Thrown when a plan is refused; carries every error found, not only the first.</summary>
public sealed class InvalidPlanException(IReadOnlyList<PlanError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<PlanError> Errors { get; } = errors;
}
