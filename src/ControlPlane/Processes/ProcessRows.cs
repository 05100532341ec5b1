namespace PersonalCloud.ControlPlane.Processes;

/// <summary>An <c>app_processes</c> row: one process as the owner defined it.</summary>
public sealed record ProcessRow
{
    public string Name { get; init; } = "";
    public string Kind { get; init; } = "";
    public string? Command { get; init; }
    public int Replicas { get; init; }
    public int? MemoryMb { get; init; }
    public double? Cpus { get; init; }
    public int? PidsLimit { get; init; }
    public string? LivenessCommand { get; init; }
    public string UpdateOrder { get; init; } = Contracts.Processes.UpdateOrders.StartFirst;

    public Contracts.Processes.ProcessDefinition ToDefinition() =>
        new(Name, Kind, Command, Replicas, MemoryMb, Cpus, PidsLimit, LivenessCommand, UpdateOrder);
}

/// <summary>A <c>process_replicas</c> row: one replica as the reconciler last saw it.</summary>
public sealed record ReplicaRow
{
    public string Process { get; init; } = "";
    public int Replica { get; init; }
    public string Status { get; init; } = "";
    public string? ContainerId { get; init; }
    public Guid? ReleaseId { get; init; }
    public int CrashCount { get; init; }
    public int RestartCount { get; init; }
    public int? LastExitCode { get; init; }
    public string? LastReason { get; init; }
    public DateTime? RestartNotBefore { get; init; }
    public DateTime UpdatedAt { get; init; }
}

/// <summary>What the processes view reads in one go: the definitions, the Procfile of the release that runs (or is on its way), the app's limits and the replicas.</summary>
public sealed record ProcessesRows(
    IReadOnlyList<ProcessRow> Processes,
    string? Procfile,
    Contracts.Api.AppLimitsResponse AppLimits,
    IReadOnlyList<ReplicaRow> Replicas);

/// <summary>A process as a create or a whole replacement gives it, validated.</summary>
public sealed record ProcessInput(string Name, string Kind, string? Command, int Replicas, int? MemoryMb, double? Cpus, int? Pids, string? LivenessCommand,
    string UpdateOrder);
