using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Backups;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Backups;

public static class BackupsEndpoints
{
    private const int ListLimit = 100;

    public static RouteGroupBuilder MapBackups(this RouteGroupBuilder api)
    {
        var volume = api.MapGroup("/apps/{id:guid}/volumes/{name}").WithTags("Backups");
        volume.MapPost("/backups", Create).WithName("createBackup").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        volume.MapGet("/backups", List).WithName("listBackups").ProducesProblem(StatusCodes.Status404NotFound);
        volume.MapGet("/backup-policy", GetPolicy).WithName("getBackupPolicy").ProducesProblem(StatusCodes.Status404NotFound);
        volume.MapPut("/backup-policy", PutPolicy).WithName("putBackupPolicy").ProducesProblem(StatusCodes.Status404NotFound);
        volume.MapPost("/restores", Restore).WithName("createRestore").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        volume.MapGet("/restores", ListRestores).WithName("listRestores").ProducesProblem(StatusCodes.Status404NotFound);
        volume.MapPost("/restores/{restoreId:guid}/switch", Switch).WithName("switchRestore")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/apps/{id:guid}/backups/{backupId:guid}", Get).WithTags("Backups").WithName("getBackup").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/apps/{id:guid}/restores/{restoreId:guid}", GetRestore).WithTags("Backups").WithName("getRestore").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Back up a volume now</summary>
    /// <remarks>A helper container mounts the volume read-only; its files are archived (tar, zstd, AES-256-GCM) under the backups directory, then restored into a scratch volume and compared file by file: only then is the backup verified. 202 with the backup to follow; 409 while another backup of the volume is under way.</remarks>
    internal static async Task<Results<Accepted<BackupResponse>, ProblemHttpResult>> Create(Guid id, string name, BackupsStore store, TimeProvider time, CancellationToken ct)
    {
        if (await store.VolumeAsync(id, name, ct) is not { } volume)
            return ProblemTypes.NotFound("The volume");
        if ((await store.ListBackupsAsync(volume.Id, ListLimit, ct)).FirstOrDefault(b => b.Trigger == BackupRules.TriggerManual && BackupRules.IsOpen(b.State)) is { } open)
            return ProblemTypes.BackupUnderWay(open.Id);
        var backupId = Guid.CreateVersion7();
        await store.RequestBackupAsync(backupId, volume, time.GetUtcNow(), ct);
        var row = (await store.GetBackupAsync(id, backupId, ct))!;
        return TypedResults.Accepted($"/api/apps/{id}/backups/{backupId}", row.ToResponse());
    }

    /// <summary>List a volume's backups</summary>
    /// <remarks>Newest first (up to 100): trigger (manual, schedule, pre-restore, final), state (verified in green, failed with its reason), size, files, verified time, progress while under way.</remarks>
    internal static async Task<Results<Ok<IReadOnlyList<BackupResponse>>, ProblemHttpResult>> List(Guid id, string name, BackupsStore store, CancellationToken ct)
    {
        if (await store.VolumeAsync(id, name, ct) is not { } volume)
            return ProblemTypes.NotFound("The volume");
        IReadOnlyList<BackupResponse> list = (await store.ListBackupsAsync(volume.Id, ListLimit, ct)).Select(b => b.ToResponse()).ToList();
        return TypedResults.Ok(list);
    }

    /// <summary>Get a backup</summary>
    /// <remarks>Also the final backups of volumes that were deleted since: they are kept for the volume's keepDays.</remarks>
    internal static async Task<Results<Ok<BackupResponse>, ProblemHttpResult>> Get(Guid id, Guid backupId, BackupsStore store, CancellationToken ct) =>
        await store.GetBackupAsync(id, backupId, ct) is { } row ? TypedResults.Ok(row.ToResponse()) : ProblemTypes.NotFound("The backup");

    /// <summary>Get a volume's backup policy</summary>
    /// <remarks>Its schedule (cron, UTC) and retention, the defaults (daily at 03:00 UTC, keep 7, 30 days) when none was set, and the next scheduled backup.</remarks>
    internal static async Task<Results<Ok<BackupPolicyResponse>, ProblemHttpResult>> GetPolicy(Guid id, string name, BackupsStore store, TimeProvider time, CancellationToken ct)
    {
        if (await store.VolumeAsync(id, name, ct) is not { } volume)
            return ProblemTypes.NotFound("The volume");
        return TypedResults.Ok(await PolicyResponseAsync(volume, store, time, ct));
    }

    /// <summary>Set a volume's backup policy</summary>
    /// <remarks>schedule: cron (5 fields, or @daily etc., UTC); keepLast: verified backups kept; keepDays: how long a backup (and a deleted volume's final backup) is kept. The newest verified backup of an existing volume is never removed. Fields left out take the defaults.</remarks>
    internal static async Task<Results<Ok<BackupPolicyResponse>, ValidationProblem, ProblemHttpResult>> PutPolicy(
        Guid id, string name, BackupPolicyRequest request, BackupsStore store, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Check("schedule", BackupRules.Schedule(request.Schedule))
            .Check("keepLast", BackupRules.KeepLast(request.KeepLast))
            .Check("keepDays", BackupRules.KeepDays(request.KeepDays));
        if (errors.Any)
            return ProblemTypes.Validation(errors.ToDictionary());
        if (await store.VolumeAsync(id, name, ct) is not { } volume)
            return ProblemTypes.NotFound("The volume");
        await store.PutPolicyAsync(volume, request.Schedule?.Trim() ?? BackupRules.DefaultSchedule, request.KeepLast ?? BackupRules.DefaultKeepLast,
            request.KeepDays ?? BackupRules.DefaultKeepDays, time.GetUtcNow(), ct);
        return TypedResults.Ok(await PolicyResponseAsync(volume, store, time, ct));
    }

    /// <summary>Restore a backup</summary>
    /// <remarks>mode new-volume (default): into a fresh Docker volume, checked file by file; the app keeps its current data until POST .../switch. mode in-place: first a verified pre-restore backup of the current data, then the same restore, switched in at once (the app's containers roll). A failure stops once with its reason and leaves the current data as it was. 409 unless the backup is verified.</remarks>
    internal static async Task<Results<Accepted<RestoreResponse>, ValidationProblem, ProblemHttpResult>> Restore(
        Guid id, string name, RestoreRequest request, BackupsStore store, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Check("backupId", request.BackupId is null ? "backupId names the verified backup to restore." : null)
            .Check("mode", BackupRules.Mode(request.Mode));
        if (errors.Any)
            return ProblemTypes.Validation(errors.ToDictionary());
        if (await store.VolumeAsync(id, name, ct) is not { } volume)
            return ProblemTypes.NotFound("The volume");
        if (await store.GetBackupAsync(id, request.BackupId!.Value, ct) is not { } backup || backup.VolumeId != volume.Id)
            return ProblemTypes.NotFound("The backup of this volume");
        if (backup.State != BackupRules.Verified)
            return ProblemTypes.BackupNotVerified(backup.State, backup.Reason);
        var restoreId = Guid.CreateVersion7();
        await store.RequestRestoreAsync(restoreId, volume, backup.Id, request.Mode ?? BackupRules.ModeNewVolume, time.GetUtcNow(), ct);
        return TypedResults.Accepted($"/api/apps/{id}/restores/{restoreId}", (await store.GetRestoreAsync(id, restoreId, ct))!.ToResponse());
    }

    /// <summary>List a volume's restores</summary>
    /// <remarks>Newest first, with state and progress (bytes and files).</remarks>
    internal static async Task<Results<Ok<IReadOnlyList<RestoreResponse>>, ProblemHttpResult>> ListRestores(Guid id, string name, BackupsStore store, CancellationToken ct)
    {
        if (await store.VolumeAsync(id, name, ct) is not { } volume)
            return ProblemTypes.NotFound("The volume");
        IReadOnlyList<RestoreResponse> list = (await store.ListRestoresAsync(volume.Id, ListLimit, ct)).Select(r => r.ToResponse()).ToList();
        return TypedResults.Ok(list);
    }

    /// <summary>Get a restore</summary>
    /// <remarks>State (requested, backing-up, restoring, verifying, ready, switched, failed), progress, the new Docker volume and, in place, the pre-restore backup.</remarks>
    internal static async Task<Results<Ok<RestoreResponse>, ProblemHttpResult>> GetRestore(Guid id, Guid restoreId, BackupsStore store, CancellationToken ct) =>
        await store.GetRestoreAsync(id, restoreId, ct) is { } row ? TypedResults.Ok(row.ToResponse()) : ProblemTypes.NotFound("The restore");

    /// <summary>Switch a restored volume in</summary>
    /// <remarks>The app's containers roll to mount the restored volume; the volume they mounted until now is kept as it was (not deleted). 202; 409 unless the restore is ready.</remarks>
    internal static async Task<Results<Accepted<RestoreResponse>, ProblemHttpResult>> Switch(
        Guid id, string name, Guid restoreId, BackupsStore store, TimeProvider time, CancellationToken ct)
    {
        if (await store.GetRestoreAsync(id, restoreId, ct) is not { } restore || restore.VolumeName != name)
            return ProblemTypes.NotFound("The restore");
        if (!await store.RequestSwitchAsync(id, restoreId, time.GetUtcNow(), ct))
            return ProblemTypes.RestoreNotReady(restore.State, restore.Reason);
        return TypedResults.Accepted($"/api/apps/{id}/restores/{restoreId}", (await store.GetRestoreAsync(id, restoreId, ct))!.ToResponse());
    }

    private static async Task<BackupPolicyResponse> PolicyResponseAsync(BackupVolume volume, BackupsStore store, TimeProvider time, CancellationToken ct)
    {
        var policy = await store.PolicyAsync(volume.Id, ct);
        var schedule = policy?.Schedule ?? BackupRules.DefaultSchedule;
        var next = Contracts.Jobs.CronSchedule.ParseStored(schedule, Contracts.Jobs.CronSchedule.DefaultTimeZone).NextAfter(time.GetUtcNow());
        return new BackupPolicyResponse(volume.Id, schedule, policy?.KeepLast ?? BackupRules.DefaultKeepLast, policy?.KeepDays ?? BackupRules.DefaultKeepDays,
            policy is null, next);
    }
}
