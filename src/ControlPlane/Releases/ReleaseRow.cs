using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;

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
    public string SourceKind { get; init; } = "image";
    public string? GitUrl { get; init; }

    /// <summary>Never in a response: the whole URL sealed, when it carried credentials.</summary>
    public string? GitUrlSealed { get; init; }
    public string? GitRef { get; init; }
    public string? GitCommit { get; init; }
    public string Reason { get; init; } = "deploy";
    public Guid? SourceReleaseId { get; init; }
    public string EnvSnapshot { get; init; } = "{}";
    public DateTime? StartedAt { get; init; }
    public DateTime? HealthyAt { get; init; }
    public DateTime? FailedAt { get; init; }
    public string? FailedStage { get; init; }

    /// <summary>The process definitions it snapshotted (JSON); null for a release made before processes (one web process).</summary>
    public string? Processes { get; init; }

    /// <summary>The Procfile its image's build declared (JSON), once the reconciler has the image.</summary>
    public string? Procfile { get; init; }
    public string? ReleaseCommand { get; init; }
    public int? ReleaseCommandTimeoutSeconds { get; init; }

    /// <summary>The stages the reconciler recorded (release_stages), with <see cref="StageAts"/> in the same order.</summary>
    public string[] StageNames { get; init; } = [];
    public DateTime[] StageAts { get; init; } = [];

    /// <summary>The names in the env snapshot; values stay sealed.</summary>
    public IReadOnlyList<string> EnvKeys() =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(EnvSnapshot)?.Keys.Order(StringComparer.Ordinal).ToList() ?? [];

    /// <summary>Queued (when the API accepted it) and every stage recorded since, in stage order.</summary>
    public IReadOnlyList<ReleaseStageResponse> Stages() =>
        [
            new(ReleaseStages.Queued, Utc(CreatedAt)),
            .. StageNames.Zip(StageAts)
                .Where(s => ReleaseStages.IndexOf(s.First) > 0)
                .OrderBy(s => ReleaseStages.IndexOf(s.First))
                .Select(s => new ReleaseStageResponse(s.First, Utc(s.Second))),
        ];

    /// <summary>Failed or cancelled, else the furthest stage reached.</summary>
    public string Stage() => Status switch
    {
        ReleaseStatus.Failed => ReleaseStatus.Failed,
        ReleaseStatus.Cancelled => ReleaseStatus.Cancelled,
        _ => Stages()[^1].Name,
    };

    public ReleaseResponse ToResponse() => new(
        Id, AppId, Image, ImageDigest, Port, Status, FailureReason,
        Utc(CreatedAt), Utc(DeployedAt), Utc(RolledBackAt),
        SourceKind, Reason, SourceReleaseId, EnvKeys(), Utc(StartedAt), Utc(HealthyAt), Utc(FailedAt),
        GitUrl, GitRef, GitCommit, Stage(), FailedStage, Stages(), ProcessNames(),
        Contracts.Processes.ProcessFormation.ReleaseCommand(ReleaseCommand, Contracts.Processes.Procfile.FromJson(Procfile)));

    /// <summary>The processes it runs: its snapshot's and its Procfile's names.</summary>
    public IReadOnlyList<string> ProcessNames() =>
        Contracts.Processes.ProcessFormation.Resolve(Processes is null ? null : JsonSerializer.Deserialize<List<Contracts.Processes.ProcessDefinition>>(Processes, SnapshotJson),
            Contracts.Processes.Procfile.FromJson(Procfile), null).Select(p => p.Name).ToList();

    internal static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web);

    internal static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    internal static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}
