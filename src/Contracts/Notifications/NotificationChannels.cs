namespace PersonalCloud.Contracts.Notifications;

/// <summary>Postgres LISTEN/NOTIFY channel names shared by the control plane (writer) and the reconciler (listener).</summary>
public static class NotificationChannels
{
    /// <summary>Payload: the app id whose desired state changed.</summary>
    public const string DesiredStateChanged = "pcloud_desired_changed";

    /// <summary>Payload: the app id a batch of log lines was just stored for (sent by the reconciler's log collector).</summary>
    public const string LogsAppended = "pcloud_logs";

    /// <summary>Payload: the app id whose row in <c>routes</c> changed (sent by a trigger; the route DNS responder reloads).</summary>
    public const string RoutesChanged = "pcloud_routes_changed";

    /// <summary>Payload: the release id that reached a stage, changed status or wrote build output (sent by triggers).</summary>
    public const string ReleaseProgress = "pcloud_release_progress";

    /// <summary>Payload: the app id whose cron jobs or run requests changed (sent by triggers on cron_jobs and job_runs); wakes the job scheduler.</summary>
    public const string JobsChanged = "pcloud_jobs_changed";

    /// <summary>Payload: the run id whose row changed (queued, started, ended; sent by a trigger); wakes live run output streams.</summary>
    public const string RunProgress = "pcloud_run_progress";

    /// <summary>Payload: the app id whose backups, restores, backup policies or volume switches were requested (sent by triggers); wakes the backup scheduler.</summary>
    public const string BackupsChanged = "pcloud_backups_changed";
}
