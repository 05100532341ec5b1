using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PersonalCloud.Contracts.Jobs;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Events;
using PersonalCloud.Reconciler.Logs;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary>
/// Carries out the run planner's steps in the background, one at a time per run, so neither a slow start nor a 10 s stop
/// delays the next scheduled start.
/// </summary>
public sealed partial class RunExecutor(
    JobStore store,
    IRunContainers containers,
    RunReleases releases,
    LogShipper logs,
    EventJournal journal,
    TimeProvider time,
    IOptions<JobOptions> options,
    ILogger<RunExecutor> logger)
{
    /// <summary>A run whose container could not be started this often (the engine failing, not refusing) fails.</summary>
    public const int MaxStartAttempts = 3;

    private static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<Guid, Task> _inFlight = new();
    private readonly ConcurrentDictionary<Guid, int> _startFailures = new();

    /// <summary>
    /// Carries out the steps. Each goes on in the background, one at a time per run: a slow engine never holds up the
    /// scheduler's next pass (the next scheduled start), and a run with a step under way is left out of later passes until it is done.
    /// </summary>
    public void Act(IReadOnlyList<RunAction> actions, CancellationToken ct)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case StartRun a:
                    InBackground(a.RunId, token => StartAsync(a.Run, token), ct);
                    break;
                case AdoptRun a:
                    InBackground(a.RunId, token => AdoptAsync(a, token), ct);
                    break;
                case StopRun a:
                    InBackground(a.RunId, token => StopAsync(a, token), ct);
                    break;
                case FinishRun a:
                    InBackground(a.RunId, token => FinishAsync(a, token), ct);
                    break;
                case RemoveRunContainer a:
                    InBackground(a.RunId, token => RemoveAsync(a.Container, token), ct);
                    break;
            }
        }
    }

    /// <summary>Runs with a step under way now; a pass whose reads overlapped one leaves that run alone (what it read may be half before, half after).</summary>
    public IReadOnlySet<Guid> Busy() => _inFlight.Keys.ToHashSet();

    /// <summary>Whether a step of the run is still under way.</summary>
    public bool IsBusy(Guid runId) => _inFlight.ContainsKey(runId);

    private async Task StartAsync(OpenRun run, CancellationToken ct)
    {
        try
        {
            var release = await releases.ServingAsync(run.AppId, ct);
            if (release is null)
            {
                await FinishAsync(new FinishRun(run, null, run.Trigger == RunTriggers.Schedule ? RunOutcomes.Skipped : RunOutcomes.Failed,
                    "the app has no serving release to run it from: deploy it first", null), ct);
                return;
            }

            var image = await releases.ImageAsync(release, ct);
            var (profile, processError) = ProcessRunProfiles.For(release, image, run.Process);
            if (profile is null)
            {
                await FinishAsync(new FinishRun(run, null, RunOutcomes.Failed, processError!, null), ct);
                return;
            }

            var command = string.IsNullOrWhiteSpace(run.Command) ? profile.DefaultCommand ?? "" : run.Command;
            var user = RunReleases.UserFor(release, image);
            var spec = new RunSpec(run.Id, run.Kind, RunCreateParameters.ContainerName(run.Id), command, release, profile.Limits, user);
            var container = await containers.CreateAndStartAsync(spec, ct);
            var startedAt = container.StartedAt ?? time.GetUtcNow();
            await store.StartedAsync(run.Id, container.Id, release.ReleaseId, startedAt, ct);
            logs.Follow(container.ToObserved(), ct);
            _startFailures.TryRemove(run.Id, out _);
            LogStarted(logger, run.AppId, run.Id, run.Kind, container.Id);
        }
        catch (Exception e) when (e is ContainerRejectedException or ImageUnavailableException && !ct.IsCancellationRequested)
        {
            // Refused now, refused every time: the run fails with the engine's reason.
            await FinishAsync(new FinishRun(run, null, RunOutcomes.Failed, e.Message, null), ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var attempts = _startFailures.AddOrUpdate(run.Id, 1, (_, n) => n + 1);
            LogStartFailed(logger, e, run.AppId, run.Id, attempts);
            if (attempts >= MaxStartAttempts)
            {
                _startFailures.TryRemove(run.Id, out _);
                await FinishAsync(new FinishRun(run, null, RunOutcomes.Failed,
                    $"its container could not be started ({attempts} attempts): {DockerObservedState.FailureReason(e)}", null), ct);
            }
        }
    }

    private async Task AdoptAsync(AdoptRun adopt, CancellationToken ct)
    {
        await store.StartedAsync(adopt.Run.Id, adopt.Container.Id, adopt.Container.ReleaseId, adopt.Container.StartedAt ?? adopt.Container.CreatedAt, ct);
        logs.Follow(adopt.Container.ToObserved(), ct);
        LogAdopted(logger, adopt.Run.AppId, adopt.Run.Id, adopt.Container.Id);
    }

    private async Task StopAsync(StopRun stop, CancellationToken ct)
    {
        await store.StoppingAsync(stop.RunId, stop.Outcome, stop.StopReason, ct);
        LogStopping(logger, stop.Run.AppId, stop.RunId, stop.StopReason);
        await containers.StopAsync(stop.Container.Id, TimeSpan.FromSeconds(options.Value.StopGraceSeconds), ct);
    }

    private async Task FinishAsync(FinishRun finish, CancellationToken ct)
    {
        if (finish.Container is { } container)
            await logs.CatchUpAsync(container.ToObserved(), ct);
        var now = time.GetUtcNow();
        var (recorded, e, _) = await store.FinishAsync(finish, finish.Container?.FinishedAt ?? now, finish.Container?.ReleaseId, now, options.Value.Attention, ct);
        if (recorded)
            LogFinished(logger, finish.Run.AppId, finish.RunId, finish.Outcome, finish.OutcomeReason);
        if (e is not null)
        {
            await journal.RecordAsync(new AppEvent(finish.Run.AppId, finish.Container?.ReleaseId, null, e.Action, e.Reason,
                e.Failure ? EventJournal.Failed : EventJournal.Succeeded, e.Failure ? e.Reason : null, TimeSpan.Zero), ct);
        }

        if (finish.Container is not null)
            await containers.RemoveAsync(finish.Container.Id, ct);
    }

    private async Task RemoveAsync(RunContainer container, CancellationToken ct)
    {
        if (container.State is ContainerState.Running or ContainerState.Paused or ContainerState.Restarting)
            await containers.StopAsync(container.Id, OrphanGrace, ct);
        await containers.RemoveAsync(container.Id, ct);
        LogRemoved(logger, container.AppId, container.RunId, container.Id);
    }

    /// <summary>Runs <paramref name="work"/> unless the run already has work under way; failures are logged and the next pass plans again.</summary>
    private void InBackground(Guid runId, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        lock (_inFlight)
        {
            if (_inFlight.ContainsKey(runId))
                return;
            var task = Task.Run(async () =>
            {
                try
                {
                    await work(ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    LogStepFailed(logger, e, runId);
                }
            }, CancellationToken.None);
            _inFlight[runId] = task;
            _ = task.ContinueWith(_ => _inFlight.TryRemove(new KeyValuePair<Guid, Task>(runId, task)), TaskScheduler.Default);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: {Kind} run {RunId} started in container {ContainerId}")]
    private static partial void LogStarted(ILogger logger, Guid appId, Guid runId, string kind, string containerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: run {RunId} adopted (container {ContainerId} was running without a recorded start)")]
    private static partial void LogAdopted(ILogger logger, Guid appId, Guid runId, string containerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: stopping run {RunId} because {Reason}")]
    private static partial void LogStopping(ILogger logger, Guid appId, Guid runId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: run {RunId} ended: {Outcome} ({Reason})")]
    private static partial void LogFinished(ILogger logger, Guid appId, Guid runId, string outcome, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: removed container {ContainerId} of run {RunId} (its run is over or was deleted)")]
    private static partial void LogRemoved(ILogger logger, Guid appId, Guid runId, string containerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: starting run {RunId} failed (attempt {Attempt}); retrying next pass")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, Guid appId, Guid runId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: a step failed; the next pass plans it again")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, Guid runId);
}
