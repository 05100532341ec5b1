namespace PersonalCloud.Contracts.Api;

/// <summary>A volume to add (<c>POST /api/apps/{id}/volumes</c>).</summary>
/// <param name="Name">A DNS label, unique in the app (e.g. <c>data</c>).</param>
/// <param name="MountPath">An absolute directory inside the containers (e.g. <c>/data</c>); not <c>/</c>, not under /proc, /sys, /dev, /etc, /tmp, /var/tmp or /run.</param>
/// <param name="Processes">The processes that mount it; null: every process of the app.</param>
public sealed record VolumeRequest(string? Name = null, string? MountPath = null, IReadOnlyList<string>? Processes = null);

/// <summary>
/// One volume of the app: what was asked for and what the reconciler last saw. <see cref="State"/>: <c>missing</c> (not
/// made yet), <c>ready</c>, <c>orphaned</c> (deleted, its data kept: see <see cref="Reason"/>) or <c>removed</c>.
/// <see cref="UsageBytes"/> is measured periodically (<see cref="MeasuredAt"/>); <see cref="Warning"/> says when it is over
/// the platform's warning threshold. Volumes have no hard size cap here (<see cref="Quota"/>).
/// </summary>
public sealed record VolumeResponse(
    Guid Id,
    string Name,
    string? MountPath,
    IReadOnlyList<string>? Processes,
    string DockerName,
    DateTimeOffset? CreatedAt,
    string State,
    string? Reason,
    long? UsageBytes,
    DateTimeOffset? MeasuredAt,
    string? Warning,
    string Quota);
