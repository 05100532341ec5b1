namespace PersonalCloud.ControlPlane.Apps;

/// <summary>One app as stored, with its current release and domains joined in.</summary>
public sealed record AppRow
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string? Image { get; init; }
    public int? Port { get; init; }
    public int MemoryMb { get; init; }
    public double Cpus { get; init; }
    public int PidsLimit { get; init; }
    public string SecurityProfile { get; init; } = "";
    public string GeneratedHostname { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public long Generation { get; init; }
    public string Status { get; init; } = "";
    public long ObservedGeneration { get; init; }
    public Guid? CurrentReleaseId { get; init; }
    public Guid? DesiredReleaseId { get; init; }
    public DateTime? LastDeployedAt { get; init; }
    public int RestartCount { get; init; }
    public string? LastError { get; init; }
    public int CrashCount { get; init; }
    public int? LastExitCode { get; init; }
    public string[] Domains { get; init; } = [];
    public bool RunAsRoot { get; init; }
    public int DrainSeconds { get; init; }
    public int StopTimeoutSeconds { get; init; }
    public string? HealthPath { get; init; }
    public int HealthIntervalSeconds { get; init; }
    public int HealthTimeoutSeconds { get; init; }
    public int HealthyThreshold { get; init; }
    public int UnhealthyThreshold { get; init; }
    public int DeployDeadlineSeconds { get; init; }
}
