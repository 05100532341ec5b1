using System.Diagnostics;

namespace PersonalCloud.Integration.Tests.Support;

/// <summary>Runs one of the project's own scripts (the same ones run.sh uses) and returns its stdout.</summary>
public static class ShellScript
{
    public static async Task<string> RunAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
