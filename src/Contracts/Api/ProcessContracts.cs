namespace PersonalCloud.Contracts.Api;

/// <summary>
/// A process to create (<c>POST /api/apps/{id}/processes</c>) or the whole new definition of one (<c>PUT .../{name}</c>).
/// Left out: <paramref name="Command"/> runs the Procfile's command for this name, else the image's CMD;
/// <paramref name="Replicas"/> is 1; <paramref name="Limits"/> are the app's; no liveness check; start-first.
/// </summary>
/// <param name="Kind"><c>web</c> (takes the app's hostnames, at most one) or <c>worker</c> (no port); default worker, or web for the name <c>web</c>.</param>
/// <param name="Command">A shell command line (<c>sh -c</c>) that replaces the image's CMD (its ENTRYPOINT stays).</param>
/// <param name="UpdateOrder"><c>start-first</c> (default) or <c>stop-first</c> (a worker that must never run twice).</param>
public sealed record ProcessRequest(
    string? Name = null,
    string? Kind = null,
    string? Command = null,
    int? Replicas = null,
    AppLimits? Limits = null,
    LivenessSettings? Liveness = null,
    string? UpdateOrder = null);

/// <summary>A worker's liveness rule: <see cref="Command"/> is run inside each replica (exit 0 = alive); failing the app's unhealthy threshold in a row restarts it.</summary>
public sealed record LivenessSettings(string? Command = null);

/// <summary>One process of the app as it runs: its definition combined with the current release's Procfile, and its replicas.</summary>
/// <param name="CommandSource"><c>api</c>, <c>procfile</c> or <c>image</c> (the image's own CMD).</param>
/// <param name="DeclaredBy"><c>api</c>, <c>procfile</c> or <c>api+procfile</c>.</param>
/// <param name="Replicas">How many replicas are wanted.</param>
/// <param name="ReplicaStatus">Each wanted replica as the reconciler last saw it, by index.</param>
public sealed record ProcessResponse(
    string Name,
    string Kind,
    string? Command,
    string CommandSource,
    int Replicas,
    AppLimitsResponse Limits,
    LivenessSettings? Liveness,
    string UpdateOrder,
    string DeclaredBy,
    IReadOnlyList<ReplicaResponse> ReplicaStatus);

/// <summary>
/// One replica: <see cref="Status"/> is <c>starting</c>, <c>running</c>, <c>crash-looping</c> (waiting for its next start
/// until <see cref="RestartNotBefore"/>) or <c>pending</c> (not started yet); crashes in a row and restarts so far.
/// </summary>
public sealed record ReplicaResponse(
    int Index,
    string Status,
    string? ContainerId,
    Guid? ReleaseId,
    int CrashCount,
    int RestartCount,
    int? LastExitCode,
    string? LastReason,
    DateTimeOffset? RestartNotBefore,
    DateTimeOffset UpdatedAt);

/// <summary>An optional command run once per new release, before its processes start (database migrations).</summary>
/// <param name="TimeoutSeconds">How long it may run (default 600, at most 3600) before the release fails.</param>
public sealed record ReleaseCommandRequest(string? Command = null, int? TimeoutSeconds = null);

/// <param name="Source"><c>api</c>, <c>procfile</c> (the current release's Procfile <c>release:</c> entry) or null when there is none.</param>
public sealed record ReleaseCommandResponse(string? Command, int TimeoutSeconds, string? Source);
