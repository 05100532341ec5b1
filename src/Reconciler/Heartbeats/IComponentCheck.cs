namespace PersonalCloud.Reconciler.Heartbeats;

/// <summary>One component this process reports on: its name in <c>platform_components</c> and what is wrong with it now.</summary>
public interface IComponentCheck
{
    string Name { get; }

    /// <summary>Marks the row stopped when this process stops gracefully (false for a component it only watches).</summary>
    bool OwnedByThisProcess { get; }

    /// <summary>Null when it works; otherwise what failed and what to do, in one sentence.</summary>
    Task<string?> ProblemAsync(CancellationToken ct);
}
