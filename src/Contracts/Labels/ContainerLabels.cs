namespace PersonalCloud.Contracts.Labels;

/// <summary>Docker label names the reconciler stamps on everything it manages; observed state is read back through them.</summary>
public static class ContainerLabels
{
    public const string Managed = "io.personalcloud.managed";
    public const string AppId = "io.personalcloud.app-id";
    public const string AppName = "io.personalcloud.app-name";
    public const string ReleaseId = "io.personalcloud.release-id";
    public const string SpecHash = "io.personalcloud.spec-hash";

    /// <summary>Which platform instance owns it (PCLOUD_INSTANCE), so two platforms on one engine never touch each other's containers.</summary>
    public const string Instance = "io.personalcloud.instance";

    /// <summary>Value of <see cref="Managed"/>; anything without it is never touched.</summary>
    public const string ManagedValue = "true";
}
