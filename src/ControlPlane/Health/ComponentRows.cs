namespace PersonalCloud.ControlPlane.Health;

/// <summary>A row of <c>platform_components</c> as its process last wrote it (timestamps UTC, Postgres's clock).</summary>
public sealed record ComponentRow
{
    public string Name { get; init; } = "";
    public int Pid { get; init; }
    public DateTime StartedAt { get; init; }
    public DateTime HeartbeatAt { get; init; }
    public bool Healthy { get; init; }
    public string? Detail { get; init; }
    public DateTime? UnhealthySince { get; init; }
    public DateTime? StoppedAt { get; init; }
}

/// <summary>What the supervisor (scripts/supervise.sh) says about a process it runs: one file per process under run/supervise.</summary>
/// <param name="State">running, restarting or stopped.</param>
/// <param name="LastExit">How the previous process ended ("status 137"), when one did.</param>
public sealed record SupervisedProcess(string State, int? Pid, DateTimeOffset? Since, int Restarts, string? LastExit, DateTimeOffset? NextStart);

/// <summary>One component in /healthz: up, down or unknown (its reporter is down), since when, what is wrong and what to do.</summary>
public sealed record ComponentHealth(string Status, DateTimeOffset? Since, string? Detail, string? Action, int? Restarts);

/// <summary>The /healthz body: "up" when every component is, else "down" with the ones that are not named first.</summary>
public sealed record PlatformHealth(string Status, IReadOnlyList<string> Down, IReadOnlyDictionary<string, ComponentHealth> Components);
