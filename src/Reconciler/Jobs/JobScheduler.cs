using Microsoft.Extensions.Options;
using PersonalCloud.Reconciler.Events;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary>
/// The job executor's loop, level-triggered like the app reconciler: each pass reads every job and open run from
/// Postgres and every run container from the engine, plans (<see cref="SchedulePlanner"/>, <see cref="RunPlanner"/>,
/// both pure) and acts. It wakes at the next scheduled time, on a change of jobs or run requests (NOTIFY), and at least
/// every second (timeouts, ends). A due run's row is written before its container starts, and started before anything
/// else in the pass is looked at.
/// </summary>
public sealed partial class JobScheduler(
    JobStore store,
    IRunContainers containers,
    RunExecutor executor,
    EventJournal journal,
    TimeProvider time,
    IOptions<JobOptions> options,
    ILogger<JobScheduler> logger) : BackgroundService
{
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FailedRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TrimEvery = TimeSpan.FromMinutes(1);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _lastTrim = DateTimeOffset.MinValue;
    private string? _lastBroken;

    /// <summary>Runs a pass now (a job or run request changed).</summary>
    public void Wake() => _wake.TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = _wake;
            if (wake.Task.IsCompleted)
                _wake = wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            TimeSpan wait;
            try
            {
                var nextDue = await PassAsync(stoppingToken);
                var untilDue = nextDue is { } due ? due - time.GetUtcNow() : Poll;
                wait = untilDue < Poll ? untilDue : Poll;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Postgres or the engine may be away for a while: the next pass reads everything again.
                LogPassFailed(logger, e);
                wait = FailedRetry;
            }

            if (wait > TimeSpan.Zero)
            {
                using var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(wake.Task, Task.Delay(wait, time, delay.Token));
                await delay.CancelAsync();
            }
        }
    }

    /// <summary>One pass; returns the next scheduled time of any job.</summary>
    public async Task<DateTimeOffset?> PassAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // What has a step under way before the reads: for those runs the reads may straddle the step, so they wait a pass.
        var busy = executor.Busy();
        var reading = store.ReadAsync(ct);
        var listing = containers.ListAsync(ct);
        await Task.WhenAll(reading, listing);
        var (snapshot, observed) = (await reading, await listing);
        ReportBroken(snapshot.BrokenJobs);
        var open = snapshot.OpenRuns.ToDictionary(r => r.Id);
        var active = ActiveRunsByJob(snapshot.OpenRuns, observed);
        DateTimeOffset? nextDue = null;
        foreach (var listed in snapshot.Jobs)
        {
            var job = listed;
            if (job.Status?.AutoSuspendedAt is { } suspendedAt && job.ResumedAt > suspendedAt)
            {
                await store.ClearAutoSuspensionAsync(job, now, ct);
                job = job with { Status = JobAttention.Resumed(job.Status) };
            }

            var decision = SchedulePlanner.Plan(job, active[job.Id].ToList(), snapshot.AppsServing.Contains(job.AppId), now);
            if (decision.NextDue is { } next && (nextDue is null || next < nextDue))
                nextDue = next;
            if (!decision.Changes)
                continue;
            var (queued, events) = await store.RecordScheduleAsync(job, decision, now, options.Value.Attention, ct);
            foreach (var run in queued)
                open[run.Id] = run;
            foreach (var replaced in decision.Replace)
            {
                if (open.TryGetValue(replaced.RunId, out var run) && run.StopOutcome is null)
                    open[replaced.RunId] = run with { StopOutcome = Contracts.Jobs.RunOutcomes.Stopped, StopReason = replaced.Reason };
            }

            foreach (var e in events)
                await journal.RecordAsync(new AppEvent(job.AppId, null, null, e.Action, e.Reason, e.Failure ? EventJournal.Failed : EventJournal.Succeeded, e.Failure ? e.Reason : null, TimeSpan.Zero), ct);
        }

        // Due runs were just queued: their starts go first.
        var actions = RunPlanner.Plan(open.Values.ToList(), observed, time.GetUtcNow())
            .Where(a => !busy.Contains(a.RunId) && !executor.IsBusy(a.RunId))
            .OrderBy(a => a is StartRun ? 0 : 1)
            .ToList();
        executor.Act(actions, ct);

        if (now - _lastTrim >= TrimEvery)
        {
            _lastTrim = now;
            var trimmed = await store.TrimHistoryAsync(now, ct);
            if (trimmed > 0)
                LogTrimmed(logger, trimmed);
        }

        return nextDue;
    }

    /// <summary>A job's runs that still count as running for its concurrency policy: open, and not seen stopped by the engine.</summary>
    private static ILookup<Guid, OpenRun> ActiveRunsByJob(IReadOnlyList<OpenRun> open, IReadOnlyList<RunContainer> observed)
    {
        var stopped = observed.Where(c => c.State is Containers.ContainerState.Exited or Containers.ContainerState.Dead).Select(c => c.RunId).ToHashSet();
        return open.Where(r => r.JobId is not null && !stopped.Contains(r.Id)).ToLookup(r => r.JobId!.Value);
    }

    private void ReportBroken(IReadOnlyList<string> broken)
    {
        var text = broken.Count == 0 ? null : string.Join("; ", broken);
        if (text is not null && text != _lastBroken)
            LogBroken(logger, text);
        _lastBroken = text;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job pass failed; looking again shortly")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run history: removed {Count} runs beyond each job's newest 100 or older than 30 days")]
    private static partial void LogTrimmed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cron jobs that no longer parse are not scheduled: {Jobs}")]
    private static partial void LogBroken(ILogger logger, string jobs);
}
