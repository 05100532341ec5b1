namespace PersonalCloud.Contracts.Apps;

/// <summary>Phases an app moves through; written by the reconciler, read by the API.</summary>
public static class AppStatus
{
    public const string Created = "created";
    public const string Deploying = "deploying";
    public const string Running = "running";
    public const string Failed = "failed";
    public const string CrashLooping = "crash-looping";
    public const string Deleting = "deleting";

    /// <summary>The last reconcile pass failed for a reason that may pass (the engine refused for now): retried with backoff, reason in lastError.</summary>
    public const string Retrying = "retrying";
}

/// <summary>Why a release was made.</summary>
public static class ReleaseReasons
{
    public const string Deploy = "deploy";
    public const string EnvChange = "env";
    public const string Rollback = "rollback";
    public const string Settings = "settings";

    /// <summary>A process was created, changed or deleted: the same image with the new process definitions.</summary>
    public const string Processes = "processes";

    /// <summary>An add-on was added or removed: the same image with DATABASE_URL in or out of its env.</summary>
    public const string Addon = "addon";

    /// <summary>A volume was added or deleted: the same image with the new mounts.</summary>
    public const string Volumes = "volumes";
}

/// <summary>Where a release's image comes from.</summary>
public static class ReleaseSources
{
    public const string Image = "image";
    public const string Archive = "archive";
    public const string Git = "git";
}

/// <summary>Lifecycle of one release.</summary>
public static class ReleaseStatus
{
    public const string Pending = "pending";

    /// <summary>Waiting for its image to be built, on the build queue.</summary>
    public const string Building = "building";
    public const string Active = "active";
    public const string Superseded = "superseded";
    public const string Failed = "failed";

    /// <summary>A newer deploy won before this one went live.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>
/// Where a release is on its way to serving traffic, in order; a release skips what does not apply to it (building for an
/// image, draining when nothing served before). Queued is when the API accepted it; the reconciler records the others as
/// they begin. A failed release names the stage it failed at.
/// </summary>
public static class ReleaseStages
{
    public const string Queued = "queued";
    public const string Building = "building";

    /// <summary>The release's release command runs (once, before any of its processes start).</summary>
    public const string ReleaseCommand = "release-command";
    public const string Starting = "starting";
    public const string HealthChecking = "health-checking";
    public const string Switching = "switching";
    public const string Draining = "draining";
    public const string Live = "live";

    public static readonly IReadOnlyList<string> Order = [Queued, Building, ReleaseCommand, Starting, HealthChecking, Switching, Draining, Live];

    /// <summary>Position in <see cref="Order"/>; -1 for an unknown name.</summary>
    public static int IndexOf(string stage)
    {
        for (var i = 0; i < Order.Count; i++)
        {
            if (Order[i] == stage)
                return i;
        }

        return -1;
    }
}

/// <summary>Security profiles a container can run under.</summary>
public static class SecurityProfiles
{
    /// <summary>Every capability dropped except the few stock root-then-drop images need.</summary>
    public const string Default = "default";

    /// <summary>Every capability dropped, read-only root filesystem with a tmpfs on /tmp.</summary>
    public const string Strict = "strict";

    public static bool IsKnown(string value) => value is Default or Strict;
}
