namespace PersonalCloud.Reconciler.Addons;

/// <summary>An add-on as the API wants it, with its password opened (never logged).</summary>
public sealed record DesiredAddon(Guid AddonId, Guid AppId, string AppName, string Kind, string Version, string Database, string User, string Password)
{
    public override string ToString() => $"{Kind} add-on {AddonId} of {AppName}";
}

/// <summary>An add-on's server container as the engine shows it (found by its labels).</summary>
public sealed record ObservedAddon(string ContainerId, Guid AddonId, Guid AppId, string SpecHash, Containers.ContainerState State, int? ExitCode);

/// <summary>What the controller writes to <c>addon_status</c>.</summary>
public static class AddonStates
{
    public const string Creating = "creating";
    public const string Starting = "starting";
    public const string Ready = "ready";
    public const string Failed = "failed";
}

public abstract record AddonAction(string Reason);

/// <summary>Create the volume (when missing) and start the server.</summary>
public sealed record StartAddon(DesiredAddon Addon, string Reason) : AddonAction(Reason);

/// <summary>Stop and remove a server container; its volume stays.</summary>
public sealed record RemoveAddonContainer(ObservedAddon Container, string Reason) : AddonAction(Reason);

/// <summary>Ask the running server whether it accepts connections.</summary>
public sealed record ProbeAddon(DesiredAddon Addon, ObservedAddon Container, string Reason) : AddonAction(Reason);
