namespace PersonalCloud.ControlPlane.Addons;

/// <summary>One add-on as stored (desired) joined with the reconciler's status row (observed, absent until its first pass).</summary>
public sealed record AddonRow
{
    public Guid Id { get; init; }
    public Guid AppId { get; init; }
    public string Kind { get; init; } = "";
    public string Version { get; init; } = "";
    public string Host { get; init; } = "";
    public string DatabaseName { get; init; } = "";
    public string UserName { get; init; } = "";
    public string DatabaseUrlSealed { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public string? State { get; init; }
    public string? Message { get; init; }
    public DateTime? ReadyAt { get; init; }
    public bool EnvOverridden { get; init; }
}
