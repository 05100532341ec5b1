using PersonalCloud.Contracts.Api;

namespace PersonalCloud.ControlPlane.Releases;

public sealed record ReleaseRow
{
    public Guid Id { get; init; }
    public Guid AppId { get; init; }
    public string Image { get; init; } = "";
    public string? ImageDigest { get; init; }
    public int? Port { get; init; }
    public string Status { get; init; } = "";
    public string? FailureReason { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? DeployedAt { get; init; }
    public DateTime? RolledBackAt { get; init; }

    public ReleaseResponse ToResponse() => new(
        Id, AppId, Image, ImageDigest, Port, Status, FailureReason,
        Utc(CreatedAt), DeployedAt is { } d ? Utc(d) : null, RolledBackAt is { } r ? Utc(r) : null);

    internal static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
