using PersonalCloud.Contracts.Jobs;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary>One step for one run or run container.</summary>
public abstract record RunAction(Guid RunId, string Reason);

/// <summary>Create and start the queued run's container.</summary>
public sealed record StartRun(OpenRun Run) : RunAction(Run.Id, "the run is queued");

/// <summary>The container runs but its start was never recorded (the reconciler stopped in between): record it now.</summary>
public sealed record AdoptRun(OpenRun Run, RunContainer Container) : RunAction(Run.Id, "its container runs without a recorded start");

/// <summary>SIGTERM, then kill after the release's stop timeout; the run ends with <paramref name="Outcome"/> once the container exits.</summary>
public sealed record StopRun(OpenRun Run, RunContainer Container, string Outcome, string StopReason) : RunAction(Run.Id, StopReason);

/// <summary>Record how the run ended (from its container, or without one), keep its output, remove the container.</summary>
public sealed record FinishRun(OpenRun Run, RunContainer? Container, string Outcome, string? OutcomeReason, int? ExitCode) : RunAction(Run.Id, OutcomeReason ?? Outcome);

/// <summary>A run container whose run is over or unknown (its app or job was deleted): stop and remove it.</summary>
public sealed record RemoveRunContainer(RunContainer Container, string Why) : RunAction(Container.RunId, Why);

/// <summary>
/// Pure: open runs (from Postgres) and run containers (from the engine) in, the steps that move each run on out.
/// Level-triggered: a reconciler that stopped mid-run finds the same facts after its restart and picks up from them.
/// </summary>
public static class RunPlanner
{
    public static IReadOnlyList<RunAction> Plan(IReadOnlyList<OpenRun> openRuns, IReadOnlyList<RunContainer> containers, DateTimeOffset now)
    {
        var actions = new List<RunAction>();
        var byRun = containers.GroupBy(c => c.RunId).ToDictionary(g => g.Key, g => g.OrderByDescending(c => c.CreatedAt).First());
        var open = openRuns.Select(r => r.Id).ToHashSet();

        foreach (var run in openRuns)
        {
            if (Next(run, byRun.GetValueOrDefault(run.Id), now) is { } action)
                actions.Add(action);
        }

        actions.AddRange(containers.Where(c => !open.Contains(c.RunId))
            .Select(c => new RemoveRunContainer(c, "its run is over or was deleted (with its job or app)")));
        return actions;
    }

    private static RunAction? Next(OpenRun run, RunContainer? container, DateTimeOffset now)
    {
        if (container is null)
        {
            if (run.StartedAt is not null)
                return new FinishRun(run, null, RunOutcomes.Failed, "its container disappeared (removed outside the platform, or the engine lost it)", null);
            if (run.StopOutcome is { } stopOutcome)
                return new FinishRun(run, null, stopOutcome, $"{run.StopReason} before it started", null);
            if (run.StopRequestedAt is not null)
                return new FinishRun(run, null, RunOutcomes.Stopped, "stopped by the owner before it started", null);
            if (run.ScheduledFor is { } scheduled && run.StartingDeadlineSeconds is { } deadline && now - scheduled > TimeSpan.FromSeconds(deadline))
            {
                return new FinishRun(run, null, RunOutcomes.Missed,
                    $"queued for {scheduled:u} but not started within its starting deadline of {deadline} s (the scheduler was not running)", null);
            }

            return new StartRun(run);
        }

        switch (container.State)
        {
            case ContainerState.Running or ContainerState.Restarting or ContainerState.Paused:
                if (run.StartedAt is null || run.ContainerId != container.Id)
                    return new AdoptRun(run, container);
                if (run.StopOutcome is { } outcome)
                    return new StopRun(run, container, outcome, run.StopReason ?? outcome);
                if (run.StopRequestedAt is not null)
                    return new StopRun(run, container, RunOutcomes.Stopped, "stopped by the owner");
                var timeout = TimeSpan.FromSeconds(run.TimeoutSeconds);
                return now - run.StartedAt.Value >= timeout
                    ? new StopRun(run, container, RunOutcomes.TimedOut, $"ran longer than its timeout of {Duration(timeout)}: SIGTERM, then killed after the stop timeout")
                    : null;
            case ContainerState.Exited or ContainerState.Dead:
                return Finished(run, container);
            case ContainerState.Created when container.StartError is not null:
                return new FinishRun(run, container, RunOutcomes.Failed, $"the engine could not start it: {container.StartError}", null);
            default:
                // Created without an error (a start in flight) or being removed: look again next pass.
                return null;
        }
    }

    private static FinishRun Finished(OpenRun run, RunContainer container)
    {
        if (run.StopOutcome is { } stopOutcome)
            return new FinishRun(run, container, stopOutcome, run.StopReason, container.ExitCode);
        if (run.StopRequestedAt is not null)
            return new FinishRun(run, container, RunOutcomes.Stopped, "stopped by the owner", container.ExitCode);
        if (container.ExitCode == 0 && !container.OomKilled)
            return new FinishRun(run, container, RunOutcomes.Succeeded, null, 0);
        var why = container.OomKilled ? "killed: out of memory (over its memory limit)"
            : container.ExitCode is { } code ? ExitDescription(code)
            : "its container stopped with an unknown exit code";
        return new FinishRun(run, container, RunOutcomes.Failed, why, container.ExitCode);
    }

    /// <summary>A command's exit code in words: a shell's 126/127, a signal as 128 + n.</summary>
    public static string ExitDescription(int code) => code switch
    {
        126 => "exited with code 126 (the command could not be run)",
        127 => "exited with code 127 (command not found)",
        > 128 and <= 192 => $"killed by signal {code - 128} (exit code {code})",
        _ => $"exited with code {code}",
    };

    public static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 && span.TotalSeconds % 3600 == 0 ? $"{span.TotalHours:0} h"
        : span.TotalMinutes >= 1 && span.TotalSeconds % 60 == 0 ? $"{span.TotalMinutes:0} min"
        : $"{span.TotalSeconds:0} s";
}
