namespace PersonalCloud.Integration.Tests.Support;

/// <summary>
/// An exclusive lock file held for a whole test run, so two runs on one machine (two clones, or CI beside a developer)
/// take turns on the fixed ports and data directory instead of tearing down each other's platform.
/// </summary>
public sealed class RunLock : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private readonly FileStream _stream;

    private RunLock(FileStream stream) => _stream = stream;

    public static async Task<RunLock> AcquireAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new RunLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(PollInterval);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
