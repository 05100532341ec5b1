namespace PersonalCloud.Contracts.Labels;

/// <summary>
/// What a managed container is for, beside <see cref="ContainerLabels.AppId"/>: a cron job's run or a one-off run
/// (the job executor's), as opposed to the app's own serving containers, which the app's reconcile pass owns.
/// </summary>
public static class RunLabels
{
    /// <summary>The container's kind; app containers carry none.</summary>
    public const string Kind = ContainerLabels.Kind;

    /// <summary>A scheduled or manual run of a cron job.</summary>
    public const string JobKind = "job";

    /// <summary>A one-off command (POST /api/apps/{id}/runs).</summary>
    public const string RunKind = "run";

    /// <summary>The job_runs row the container runs; the executor adopts a container by it after a restart.</summary>
    public const string RunId = "io.personalcloud.run-id";

    /// <summary>Whether the container is a run the job executor owns (its app's reconcile pass leaves it alone).</summary>
    public static bool IsRun(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(Kind, out var kind) && kind is JobKind or RunKind;
}
