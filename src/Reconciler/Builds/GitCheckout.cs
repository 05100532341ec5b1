using System.ComponentModel;
using System.Diagnostics;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>
/// Checks out a repository into a directory with the git CLI: no shell, a bounded time, no prompts, and an environment of
/// its own (the reconciler's holds the master key and the database URL; git gets neither).
/// </summary>
public sealed class GitCheckout(TimeProvider time)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Returns the commit id checked out. Throws <see cref="ImageBuildFailedException"/> with git's last error line when a
    /// step fails or runs out of time.
    /// </summary>
    public async Task<string> CheckoutAsync(string url, string? reference, string directory, BuildLog log, CancellationToken ct)
    {
        var home = Path.Combine(Path.GetDirectoryName(directory)!, "home");
        Directory.CreateDirectory(home);
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        IReadOnlyList<IReadOnlyList<string>> steps;
        try
        {
            steps = GitCommands.Checkout(url, reference, directory);
        }
        catch (ArgumentException e)
        {
            throw new ImageBuildFailedException(e.Message, e);
        }

        void ToLog(string line) => log.AppendLine(GitCommands.Redact(line, url));
        foreach (var arguments in steps)
        {
            var exitCode = await RunAsync(arguments, home, url, ToLog, log, linked.Token, ct);
            if (exitCode != 0)
                throw new ImageBuildFailedException(log.LastLine() ?? $"git {Step(arguments)} exited with code {exitCode}");
        }

        string? commit = null;
        var revParse = await RunAsync(GitCommands.HeadCommit(directory), home, url, line => commit ??= line.Trim(), log, linked.Token, ct);
        if (revParse != 0 || !GitCommands.IsCommitId(commit))
            throw new ImageBuildFailedException($"git rev-parse HEAD exited with code {revParse}: the checked-out commit is unknown");
        log.AppendLine($"Checked out commit {commit}");
        return commit!;
    }

    private static string Step(IReadOnlyList<string> arguments) => arguments.FirstOrDefault(a => a is "clone" or "checkout") ?? "git";

    /// <summary>Runs one git step: its stdout lines go to <paramref name="output"/>, its stderr to the build log (credentials redacted).</summary>
    private static async Task<int> RunAsync(
        IReadOnlyList<string> arguments, string home, string url, Action<string> output, BuildLog log, CancellationToken token, CancellationToken outer)
    {
        var start = new ProcessStartInfo("git")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        start.Environment["HOME"] = home;
        start.Environment["LANG"] = "C";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_ASKPASS"] = "/bin/false";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_ALLOW_PROTOCOL"] = GitCommands.AllowedProtocols;

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) output(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) log.AppendLine(GitCommands.Redact(line, url)); };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new ImageBuildFailedException("the reconciler cannot run git (is it installed?)", e);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            if (outer.IsCancellationRequested)
                throw;
            log.AppendLine($"git {Step(arguments)} did not finish within {Timeout.TotalMinutes:0} minutes");
            throw new ImageBuildFailedException($"git {Step(arguments)} did not finish within {Timeout.TotalMinutes:0} minutes");
        }

        return process.ExitCode;
    }
}
