using PersonalCloud.Contracts.Api;

namespace PersonalCloud.ControlPlane.Runs;

public static class RunResponses
{
    public static RunResponse ToResponse(this RunRow r) => new(
        r.Id, r.AppId, r.Kind, r.Trigger, r.Command, r.Process, r.JobId, r.JobName, r.Status, r.Outcome, r.Reason, r.ExitCode,
        Utc(r.RequestedAt), Utc(r.ScheduledFor), Utc(r.StartedAt), Utc(r.EndedAt), Utc(r.StopRequestedAt), r.TimeoutSeconds, r.ReleaseId,
        r.ContainerId, LogsUrl(r.AppId, r.Id), OutputUrl(r.AppId, r.Id));

    public static RunSummaryResponse ToSummary(this RunRow r) => new(r.Id, r.Status, r.Outcome, Utc(r.ScheduledFor), Utc(r.RequestedAt), r.ExitCode);

    public static string RunUrl(Guid appId, Guid runId) => $"/api/apps/{appId}/runs/{runId}";

    public static string LogsUrl(Guid appId, Guid runId) => $"/api/apps/{appId}/logs?run={runId}";

    public static string OutputUrl(Guid appId, Guid runId) => $"/api/apps/{appId}/runs/{runId}/output";

    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}
