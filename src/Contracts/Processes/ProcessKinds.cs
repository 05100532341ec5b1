namespace PersonalCloud.Contracts.Processes;

/// <summary>What a process is for: <see cref="Web"/> takes the app's hostnames and keeps the HTTP health check; a <see cref="Worker"/> has no port.</summary>
public static class ProcessKinds
{
    public const string Web = "web";
    public const string Worker = "worker";

    public static bool IsKnown(string? kind) => kind is Web or Worker;
}

/// <summary>
/// How a worker's replicas are replaced (Docker Swarm's update order): <see cref="StartFirst"/> starts the new replica
/// before the old one stops; <see cref="StopFirst"/> stops the old first (a worker that must never run twice at once).
/// A web process is always start-first, so traffic never has nowhere to go.
/// </summary>
public static class UpdateOrders
{
    public const string StartFirst = "start-first";
    public const string StopFirst = "stop-first";

    public static bool IsKnown(string? order) => order is StartFirst or StopFirst;
}

/// <summary>Where a process's command comes from, as the API shows it.</summary>
public static class CommandSources
{
    public const string Api = "api";
    public const string Procfile = "procfile";

    /// <summary>No command given anywhere: the image's own CMD runs.</summary>
    public const string Image = "image";
}

/// <summary>The numbers of the process model, in one place.</summary>
public static class ProcessLimits
{
    /// <summary>The process every app starts with, and the one apps made before processes existed became.</summary>
    public const string DefaultWebName = "web";

    public const int MinReplicas = 0;
    public const int MaxReplicas = 20;

    /// <summary>A new web process's replicas when none are given; also a process a Procfile declares that the API does not.</summary>
    public const int DefaultReplicas = 1;

    public const int MaxProcesses = 20;
    public const int MaxCommandChars = 4096;

    /// <summary>The Procfile entry that names the release command (as on Heroku), not a process.</summary>
    public const string ReleaseEntry = "release";

    public const int DefaultReleaseCommandTimeoutSeconds = 600;
    public const int MaxReleaseCommandTimeoutSeconds = 3600;
}

/// <summary>Where one replica stands, as the reconciler writes it.</summary>
public static class ReplicaStatuses
{
    /// <summary>No container yet: it starts in this pass, or (stop-first) once the old one has stopped.</summary>
    public const string Pending = "pending";

    /// <summary>Its container runs but has not passed its gate yet (health check, liveness command, or the first seconds of a worker).</summary>
    public const string Starting = "starting";

    public const string Running = "running";

    /// <summary>It crashed and waits for its next start (backoff).</summary>
    public const string CrashLooping = "crash-looping";
}
