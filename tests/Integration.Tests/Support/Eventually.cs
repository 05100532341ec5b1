namespace PersonalCloud.Integration.Tests.Support;

/// <summary>Waits for a condition by polling with a deadline, instead of sleeping a fixed time.</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Polls <paramref name="condition"/> every 50 ms until it returns true. An exception counts as "not yet"
    /// (a server still starting refuses connections); on timeout the last one is attached to the failure.
    /// </summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string because) =>
        UntilAsync(condition, timeout, () => because);

    /// <summary>As above, with the message built at the timeout, so it can show the last value seen.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> because)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        Exception? lastError = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                lastError = e;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException(
                    $"Not true within {timeout.TotalSeconds:0.#} s: {because()}"
                    + (lastError is null ? "" : $" (last error: {lastError.GetType().Name}: {lastError.Message})"),
                    lastError);
            }

            await Task.Delay(PollInterval);
        }
    }
}
