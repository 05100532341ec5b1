namespace PersonalCloud.Contracts.Labels;

/// <summary>Docker label names the reconciler stamps on everything it manages; observed state is read back through them.</summary>
public static class ContainerLabels
{
    public const string Managed = "io.personalcloud.managed";
    public const string AppId = "io.personalcloud.app-id";
    public const string AppName = "io.personalcloud.app-name";
    public const string ReleaseId = "io.personalcloud.release-id";
    public const string SpecHash = "io.personalcloud.spec-hash";

    /// <summary>
    /// What the container is to its app: <see cref="KindProcess"/> for a replica of one of its processes (the app planner's
    /// own; containers made before processes existed carry no kind and count as such), <see cref="KindReleaseCommand"/> for
    /// a release's one-off release command. Other kinds (one-off runs, cron jobs) belong to their own controllers: the app
    /// planner never removes them as unserved.
    /// </summary>
    public const string Kind = "io.personalcloud.kind";

    /// <summary>Value of <see cref="Kind"/> for a replica of one of the app's processes.</summary>
    public const string KindProcess = "process";

    /// <summary>Value of <see cref="Kind"/> for the container that runs a new release's release command.</summary>
    public const string KindReleaseCommand = "release-command";

    /// <summary>The process a replica belongs to (its name, e.g. <c>web</c>); absent on containers made before processes: <c>web</c>.</summary>
    public const string Process = "io.personalcloud.process";

    /// <summary>The process's kind, <c>web</c> or <c>worker</c>; absent: <c>web</c>.</summary>
    public const string ProcessKind = "io.personalcloud.process-kind";

    /// <summary>The replica's index within its process (0, 1, ...); absent: 0.</summary>
    public const string Replica = "io.personalcloud.replica";

    /// <summary>On an image the platform built: the Procfile its build context held, as JSON (<see cref="Processes.Procfile.ToJson"/>).</summary>
    public const string ImageProcfile = "io.personalcloud.procfile";

    /// <summary>Which platform instance owns it (PCLOUD_INSTANCE), so two platforms on one engine never touch each other's containers.</summary>
    public const string Instance = "io.personalcloud.instance";

    /// <summary>Value of <see cref="Managed"/>; anything without it is never touched.</summary>
    public const string ManagedValue = "true";
}
