using Microsoft.Extensions.Options;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Events;
using PersonalCloud.Reconciler.Loop;

namespace PersonalCloud.Reconciler.Addons;

/// <summary>
/// The add-on controller's loop, level-triggered like the app reconciler: each pass reads every desired add-on from
/// Postgres and every add-on container from the engine (by labels, so a restarted reconciler adopts what runs), plans
/// (<see cref="AddonPlanner"/>, pure) and acts. Wakes on a change of desired state (NOTIFY) and every few seconds.
/// A server that fails to start or stops before it was ready is started again after a capped backoff.
/// </summary>
public sealed partial class AddonController(
    AddonStore store,
    IAddonRuntime addons,
    IContainerRuntime runtime,
    EventJournal journal,
    TimeProvider time,
    IOptions<AddonOptions> options,
    ILogger<AddonController> logger) : BackgroundService
{
    private const string WaitingMessage = "The server started; waiting until it accepts connections (a new one initialises its data first).";
    private static readonly TimeSpan FailedRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StartingPoll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private readonly Dictionary<Guid, (string State, string? Message, string? ContainerId)> _written = [];
    private readonly Dictionary<Guid, (int Attempts, DateTimeOffset NotBefore)> _starts = [];
    private readonly Dictionary<Guid, DateTimeOffset> _lastProbe = [];
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake() => _wake.TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = _wake;
            if (wake.Task.IsCompleted)
                _wake = wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var wait = TimeSpan.FromSeconds(options.Value.PollSeconds);
            try
            {
                // A server on its way up is asked again soon: "ready" should follow its first accepted connection closely.
                if (await PassAsync(stoppingToken) && wait > StartingPoll)
                    wait = StartingPoll;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Postgres or the engine may be away for a while: the next pass reads everything again.
                LogPassFailed(logger, e);
                wait = FailedRetry;
            }

            using var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            await Task.WhenAny(wake.Task, Task.Delay(wait, time, delay.Token));
            await delay.CancelAsync();
        }
    }

    /// <summary>One pass; true when a server is starting (not yet accepting connections).</summary>
    public async Task<bool> PassAsync(CancellationToken ct)
    {
        var reading = store.ReadDesiredAsync(ct);
        var listing = addons.ListAsync(ct);
        await Task.WhenAll(reading, listing);
        var (desired, observed) = (await reading, await listing);
        ForgetGone(desired);

        ResolvedImage? image = null;
        string? imageProblem = null;
        if (desired.Count > 0)
        {
            try
            {
                image = await runtime.EnsureImageAsync(options.Value.PostgresImage, ct);
            }
            catch (ImageUnavailableException e)
            {
                imageProblem = $"The Postgres image {options.Value.PostgresImage} is not available ({e.Message}): run scripts/build-postgres-image.sh, or set PCLOUD_ADDON_POSTGRES_IMAGE to an image the engine has.";
            }
        }

        var limits = options.Value.Limits;
        var imageId = image?.Id ?? "";
        var starting = false;
        foreach (var action in AddonPlanner.Plan(desired, observed, d => PostgresServerSpec.SpecHash(d, imageId, limits)))
        {
            switch (action)
            {
                case RemoveAddonContainer remove:
                    LogRemoving(logger, remove.Container.AddonId, remove.Container.ContainerId, remove.Reason);
                    await runtime.StopAndRemoveAsync(remove.Container.ContainerId, StopTimeout, ct);
                    break;
                case StartAddon start when imageProblem is not null:
                    await WriteAsync(start.Addon, AddonStates.Failed, imageProblem, null, ct);
                    break;
                case StartAddon start:
                    starting |= await StartAsync(start, imageId, PostgresServerSpec.SpecHash(start.Addon, imageId, limits), ct);
                    break;
                case ProbeAddon probe:
                    starting |= !await ProbeAsync(probe, ct);
                    break;
            }
        }

        return starting;
    }

    /// <summary>True when the server was started.</summary>
    private async Task<bool> StartAsync(StartAddon start, string imageId, string specHash, CancellationToken ct)
    {
        var addon = start.Addon;
        var now = time.GetUtcNow();
        var attempt = _starts.GetValueOrDefault(addon.AddonId);
        if (now < attempt.NotBefore)
            return false;
        _starts[addon.AddonId] = (attempt.Attempts + 1, now + RetryBackoff.Delay(attempt.Attempts + 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 0.2));
        var started = time.GetTimestamp();
        try
        {
            await WriteAsync(addon, AddonStates.Creating, start.Reason, null, ct);
            await runtime.EnsureNetworkAsync(ContainerSpecs.NetworkName(addon.AppId), addon.AppId, ct);
            await addons.EnsureVolumeAsync(addon, ct);
            var id = await addons.CreateAndStartAsync(addon, imageId, specHash, ct);
            LogStarted(logger, addon.AddonId, addon.AppId, id);
            await WriteAsync(addon, AddonStates.Starting, WaitingMessage, id, ct);
            await journal.RecordAsync(new AppEvent(addon.AppId, null, null, "addon-start", $"{addon.Kind}: {start.Reason}", EventJournal.Succeeded, null, time.GetElapsedTime(started)), ct);
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not OperationCanceledException)
        {
            var message = $"The {addon.Kind} server could not start: {e.Message}. Retrying after {(_starts[addon.AddonId].NotBefore - now).TotalSeconds:0} s.";
            LogStartFailed(logger, e, addon.AddonId, addon.AppId);
            await WriteAsync(addon, AddonStates.Failed, message, null, ct);
            await journal.RecordAsync(new AppEvent(addon.AppId, null, null, "addon-start", addon.Kind, EventJournal.Failed, message, time.GetElapsedTime(started)), ct);
            return false;
        }
    }

    /// <summary>True when the server is (still) ready.</summary>
    private async Task<bool> ProbeAsync(ProbeAddon probe, CancellationToken ct)
    {
        var addon = probe.Addon;
        var now = time.GetUtcNow();
        var wasReady = _written.TryGetValue(addon.AddonId, out var last) && last.State == AddonStates.Ready && last.ContainerId == probe.Container.ContainerId;
        if (wasReady && _lastProbe.TryGetValue(addon.AddonId, out var probed) && now - probed < TimeSpan.FromSeconds(options.Value.ReadyProbeSeconds))
            return true;
        _lastProbe[addon.AddonId] = now;
        var exit = await runtime.ExecAsync(probe.Container.ContainerId, PostgresServerSpec.ReadinessCommand(addon), ProbeTimeout, ct);
        if (exit == 0)
        {
            _starts.Remove(addon.AddonId);
            if (!wasReady)
                await journal.RecordAsync(new AppEvent(addon.AppId, null, null, "addon-ready", $"{addon.Kind} accepts connections", EventJournal.Succeeded, null, TimeSpan.Zero), ct);
            await WriteAsync(addon, AddonStates.Ready, null, probe.Container.ContainerId, ct);
            return true;
        }

        var message = wasReady
            ? $"The server stopped accepting connections (pg_isready {(exit is { } code ? $"exit {code}" : "timed out")})."
            : WaitingMessage;
        await WriteAsync(addon, AddonStates.Starting, message, probe.Container.ContainerId, ct);
        return false;
    }

    private async Task WriteAsync(DesiredAddon addon, string state, string? message, string? containerId, CancellationToken ct)
    {
        var entry = (state, message, containerId);
        if (_written.TryGetValue(addon.AddonId, out var last) && last == entry)
            return;
        await store.WriteAsync(addon.AddonId, addon.AppId, state, message, containerId, ct);
        _written[addon.AddonId] = entry;
        LogState(logger, addon.AddonId, addon.AppId, state);
    }

    private void ForgetGone(IReadOnlyList<DesiredAddon> desired)
    {
        var ids = desired.Select(d => d.AddonId).ToHashSet();
        foreach (var gone in _written.Keys.Concat(_starts.Keys).Concat(_lastProbe.Keys).Where(id => !ids.Contains(id)).ToList())
        {
            _written.Remove(gone);
            _starts.Remove(gone);
            _lastProbe.Remove(gone);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Add-on pass failed; looking again shortly")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Add-on {AddonId}: removing container {ContainerId} ({Reason})")]
    private static partial void LogRemoving(ILogger logger, Guid addonId, string containerId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Add-on {AddonId} of app {AppId}: server container {ContainerId} started")]
    private static partial void LogStarted(ILogger logger, Guid addonId, Guid appId, string containerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Add-on {AddonId} of app {AppId}: the server could not start")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, Guid addonId, Guid appId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Add-on {AddonId} of app {AppId}: {State}")]
    private static partial void LogState(ILogger logger, Guid addonId, Guid appId, string state);
}
