using Docker.DotNet;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>Pure: a failed backup's or restore's reason in words, from what was thrown.</summary>
public static class FailureReasons
{
    private const int NoSpace = 28;
    private const int ReadOnlyFs = 30;
    private const int AccessDenied = 13;

    public static string Of(Exception e) => e switch
    {
        BackupFailedException f => f.Reason,
        ArchiveCorruptException c => c.Message,
        ZstdSharp.ZstdException z => $"the archive does not decompress ({z.Message}): it was changed or cut short",
        IOException io when (io.HResult & 0xFFFF) == NoSpace || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) =>
            "the backups directory is full (no space left on device): free space or move PCLOUD_BACKUP_DIR, then back up again",
        IOException io when (io.HResult & 0xFFFF) == ReadOnlyFs || io.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) =>
            "the backups directory is on a read-only file system",
        UnauthorizedAccessException => "the reconciler may not write to the backups directory (permission denied)",
        IOException io when (io.HResult & 0xFFFF) == AccessDenied => "the reconciler may not write to the backups directory (permission denied)",
        DockerApiException d => $"the Docker engine refused: {Containers.DockerObservedState.ErrorMessage(d.ResponseBody)} ({(int)d.StatusCode})",
        TimeoutException => "it took longer than PCLOUD_BACKUP_TIMEOUT_MINUTES allows",
        HttpRequestException or IOException => $"the connection to the Docker engine broke off mid-transfer ({e.Message}); the helper container may have been removed",
        FormatException or InvalidDataException => $"the engine's archive of the volume is not a valid tar stream ({e.Message})",
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
