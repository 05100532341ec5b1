using System.Diagnostics;

namespace PersonalCloud.Integration.Tests.Support;

/// <summary>The exit code and the output (stdout, then stderr) of one command a test ran.</summary>
public sealed record CommandResult(int ExitCode, string Output);

/// <summary>Runs a command to its end and keeps its exit code and output, for drills that expect a refusal.</summary>
public static class CommandRun
{
    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not end within {timeout}.");
        }

        return new CommandResult(process.ExitCode, await stdout + await stderr);
    }
}
