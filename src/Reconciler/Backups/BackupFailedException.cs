namespace PersonalCloud.Reconciler.Backups;

/// <summary>A backup or restore that cannot succeed as asked (terminal): it fails once, with <see cref="Reason"/> in words, and is not retried.</summary>
public sealed class BackupFailedException(string reason, Exception? inner = null) : Exception(reason, inner)
{
    public string Reason => Message;
}
