namespace PersonalCloud.Reconciler.Loop;

/// <summary>How a pass ended, in the controller-runtime sense. A transient error is an exception: the worker backs off.</summary>
public abstract record ReconcileResult
{
    /// <summary>Desired equals observed; wait for the next trigger.</summary>
    public sealed record Converged : ReconcileResult;

    /// <summary>Progress is being made (a container is starting); look again after the delay.</summary>
    public sealed record RequeueAfter(TimeSpan Delay) : ReconcileResult;

    public static readonly ReconcileResult Done = new Converged();
}
