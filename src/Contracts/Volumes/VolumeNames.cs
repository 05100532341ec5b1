namespace PersonalCloud.Contracts.Volumes;

/// <summary>How the platform names and labels the Docker volumes it makes for apps (one place, read by every component).</summary>
public static class VolumeNames
{
    /// <summary>The Docker volume of one app volume: its id, so a volume re-created under the same name is a new volume.</summary>
    public static string DockerName(Guid volumeId) => $"pcloud-vol-{volumeId:N}";

    /// <summary>Label on the Docker volume: the app volume's id (<c>app_volumes.id</c>).</summary>
    public const string VolumeIdLabel = "io.personalcloud.volume-id";

    /// <summary>Label on the Docker volume: the app volume's name within its app (e.g. <c>data</c>).</summary>
    public const string VolumeNameLabel = "io.personalcloud.volume-name";
}
