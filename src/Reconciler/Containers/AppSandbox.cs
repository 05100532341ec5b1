namespace PersonalCloud.Reconciler.Containers;

/// <summary>
/// What an app may do to the host's disk and as whom it runs, in one place. The root filesystem is read-only in every
/// profile (overlay2 here has no project quotas, so a writable layer cannot be capped); the only writable paths are
/// size-capped tmpfs mounts, whose pages count against the container's memory limit.
/// </summary>
public static class AppSandbox
{
    /// <summary>nobody:nogroup, numeric so it works in images without /etc/passwd.</summary>
    public const string NonRootUser = "65534:65534";

    public const string RootUser = "0:0";

    /// <summary>Writable scratch paths and their caps (tmpfs pages are charged to the app's memory cgroup).</summary>
    public static readonly IReadOnlyList<(string Path, string Size)> ScratchMounts =
    [
        ("/tmp", "64m"),
        ("/var/tmp", "16m"),
        ("/run", "8m"),
    ];

    /// <summary>The user to run as: root when the app asked for it, the image's own when it names one, else nobody.</summary>
    public static string? UserFor(string? imageUser, bool runAsRoot) =>
        runAsRoot ? RootUser : string.IsNullOrWhiteSpace(imageUser) ? NonRootUser : null;

    /// <summary>World-writable with the sticky bit, as /tmp is; strict also forbids running binaries from them.</summary>
    public static Dictionary<string, string> Tmpfs(bool strict) =>
        ScratchMounts.ToDictionary(
            m => m.Path,
            m => $"rw,{(strict ? "noexec," : "")}nosuid,nodev,size={m.Size},mode=1777",
            StringComparer.Ordinal);
}
