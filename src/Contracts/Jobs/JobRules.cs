using System.Text.RegularExpressions;

namespace PersonalCloud.Contracts.Jobs;

/// <summary>What a job overlapping its own previous run does (Kubernetes CronJob's concurrencyPolicy).</summary>
public static class ConcurrencyPolicies
{
    /// <summary>A scheduled time that finds the previous run still running is skipped (recorded, with the reason).</summary>
    public const string Forbid = "forbid";

    /// <summary>Runs may overlap.</summary>
    public const string Allow = "allow";

    /// <summary>The running run is stopped (SIGTERM, then kill) and the new one starts.</summary>
    public const string Replace = "replace";

    public static readonly IReadOnlyList<string> All = [Forbid, Allow, Replace];
}

/// <summary>How a run ended. Every run gets exactly one, written by the reconciler.</summary>
public static class RunOutcomes
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string TimedOut = "timed-out";

    /// <summary>Not started, for a reason given with it (the previous run still running under forbid, no release serving).</summary>
    public const string Skipped = "skipped";

    /// <summary>Its scheduled time passed while the platform was down, beyond its starting deadline.</summary>
    public const string Missed = "missed";

    /// <summary>Stopped by the owner, or replaced by a newer run (concurrencyPolicy replace).</summary>
    public const string Stopped = "stopped";

    /// <summary>Outcomes that count as a failure in a row.</summary>
    public static bool IsFailure(string? outcome) => outcome is Failed or TimedOut;
}

/// <summary>Where a run stands, derived from its timestamps: queued (not started yet), running, ended (it has an outcome).</summary>
public static class RunStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Ended = "ended";
}

public static class RunTriggers
{
    public const string Schedule = "schedule";
    public const string Manual = "manual";
}

/// <summary>Why a job shows up as needing the owner's attention on its app and the apps list.</summary>
public static class JobAttentionKinds
{
    public const string Failing = "failing";
    public const string Missed = "missed";
    public const string AutoSuspended = "auto-suspended";
}

/// <summary>Limits and defaults of cron jobs and one-off runs, in one place (the README's tables say the same).</summary>
public static partial class JobRules
{
    public const int DefaultTimeoutSeconds = 3600;
    public const int MaxTimeoutSeconds = 86_400;
    public const int MaxStartingDeadlineSeconds = 86_400;
    public const int MaxCommandLength = 4096;
    public const int MaxJobsPerApp = 50;

    /// <summary>Runs kept per job (and one-off runs per app): the newest this many, none older than <see cref="HistoryDays"/> (the newest run of a job is always kept).</summary>
    public const int HistoryRuns = 100;

    public const int HistoryDays = 30;

    /// <summary>Failures in a row after which a job needs attention.</summary>
    public const int DefaultFailureAlertThreshold = 3;

    /// <summary>Failures in a row after which the platform suspends a job (0: never).</summary>
    public const int DefaultAutoSuspendAfterFailures = 10;

    /// <summary>Scheduled times shown in a job's response.</summary>
    public const int NextRunsShown = 5;

    public static string? Name(string? name) =>
        string.IsNullOrEmpty(name) ? "A job name is required."
        : !NamePattern().IsMatch(name) ? "A job name is 1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
        : null;

    public static string? Command(string? command) =>
        string.IsNullOrWhiteSpace(command) ? "A command is required: it runs as `/bin/sh -c <command>` in the release's image."
        : command.Length > MaxCommandLength ? $"A command is at most {MaxCommandLength} characters."
        : command.Contains('\0', StringComparison.Ordinal) ? "A command cannot hold a NUL character."
        : null;

    /// <summary>A process name (DNS label), as the processes of an app are named.</summary>
    public static string? Process(string? process) =>
        process is null || NamePattern().IsMatch(process) ? null : "A process name is 1-63 lowercase letters, digits and hyphens, starting with a letter.";

    public static string? Timeout(int? seconds) =>
        seconds is < 1 or > MaxTimeoutSeconds ? $"A timeout is between 1 and {MaxTimeoutSeconds} seconds (24 h); the default is {DefaultTimeoutSeconds} (1 h)." : null;

    public static string? StartingDeadline(int? seconds) =>
        seconds is < 1 or > MaxStartingDeadlineSeconds
            ? $"A starting deadline is between 1 and {MaxStartingDeadlineSeconds} seconds, or left out (a late start always runs)." : null;

    public static string? Policy(string? policy) =>
        policy is null || ConcurrencyPolicies.All.Contains(policy) ? null : "A concurrency policy is 'forbid' (the default), 'allow' or 'replace'.";

    [GeneratedRegex("^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex NamePattern();
}
