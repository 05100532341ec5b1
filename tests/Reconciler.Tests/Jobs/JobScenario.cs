using PersonalCloud.Contracts.Jobs;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Jobs;

namespace PersonalCloud.Reconciler.Tests.Jobs;

/// <summary>Builders for job and run planner scenarios.</summary>
internal static class JobScenario
{
    public static readonly Guid AppId = Guid.Parse("0197a000-0000-7000-8000-000000000001");
    public static readonly Guid JobId = Guid.Parse("0197a000-0000-7000-8000-0000000000a1");
    public static readonly DateTimeOffset Start = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static CronJob Job(
        string schedule = "* * * * * *", string policy = ConcurrencyPolicies.Forbid, int? deadline = null, bool suspended = false,
        DateTimeOffset? from = null, DateTimeOffset? through = null, DateTimeOffset? autoSuspendedAt = null, DateTimeOffset? resumedAt = null) =>
        new(JobId, AppId, "nightly", CronSchedule.ParseStored(schedule, "UTC"), "echo hi", policy, 3600, deadline, suspended,
            from ?? Start, resumedAt, through is null && autoSuspendedAt is null ? null : new JobStatus(through ?? Start, 0, null, null, null, autoSuspendedAt));

    public static OpenRun Run(
        Guid? id = null, DateTimeOffset? scheduledFor = null, DateTimeOffset? startedAt = null, string? containerId = null, int timeoutSeconds = 3600,
        int? deadline = null, DateTimeOffset? stopRequestedAt = null, string? stopOutcome = null, string? stopReason = null) =>
        new(id ?? Guid.CreateVersion7(), AppId, JobId, RunLabels.JobKind, RunTriggers.Schedule, "echo hi", null, timeoutSeconds, deadline,
            scheduledFor, scheduledFor ?? Start, stopRequestedAt, containerId, startedAt, stopOutcome, stopReason);

    public static RunContainer Container(OpenRun run, ContainerState state, int? exitCode = null, bool oom = false, string? startError = null, string id = "c1") =>
        new(id, "pcloud-run-x", run.Id, AppId, Guid.Empty, state, exitCode, Start, Start, state == ContainerState.Exited ? Start.AddSeconds(1) : null, oom, startError);
}
