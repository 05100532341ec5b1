namespace PersonalCloud.Reconciler.Volumes;

/// <summary>A Docker volume of this instance without a desired row any more (its row or its app was deleted), no longer mounted.</summary>
public sealed record OrphanVolume(Guid VolumeId, Guid AppId, string AppName, string Name, string DockerName);

/// <summary>Whether an orphan's Docker volume may go now; when not, <paramref name="Reason"/> says why (shown as its status).</summary>
public sealed record RemovalDecision(bool Remove, string Reason)
{
    public static RemovalDecision Allow(string reason) => new(true, reason);

    public static RemovalDecision Keep(string reason) => new(false, reason);

    /// <summary>The start of every reason a volume is kept for (shown as its status).</summary>
    public const string WaitingForFinalBackup = "waiting for the final backup: the data is kept until a verified backup of it exists";
}

/// <summary>
/// The one place that decides whether an orphaned volume's data may be deleted: only after a final verified backup of it
/// exists (Backups/FinalBackupGate). Asked on every monitor pass until it allows.
/// </summary>
public interface IVolumeRemovalGate
{
    ValueTask<RemovalDecision> CanRemoveAsync(OrphanVolume volume, CancellationToken ct);
}
