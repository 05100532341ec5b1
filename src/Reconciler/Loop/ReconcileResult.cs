namespace PersonalCloud.Reconciler.Loop;

/// <summary>How a pass ended, in the controller-runtime sense.</summary>
public abstract record ReconcileResult
{
    /// <summary>Desired equals observed; wait for the next trigger.</summary>
    public sealed record Converged : ReconcileResult;

    /// <summary>Progress is being made (a container is starting); look again after the delay.</summary>
    public sealed record RequeueAfter(TimeSpan Delay) : ReconcileResult;

    /// <summary>Something failed that may pass; retry with capped exponential backoff.</summary>
    public sealed record Transient(string Reason) : ReconcileResult;

    public static readonly ReconcileResult Done = new Converged();
}
