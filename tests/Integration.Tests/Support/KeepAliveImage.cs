namespace PersonalCloud.Integration.Tests.Support;

/// <summary>The static keep-alive server from bench/ as an image: busybox httpd fails under load by itself (no keep-alive, backlog 9).</summary>
public static class KeepAliveImage
{
    public static async Task<string> BuildAsync()
    {
        var output = await ShellScript.RunAsync(Path.Combine(RepoPaths.Root, "bench", "build-keepalive-image.sh"),
            new Dictionary<string, string>(), TimeSpan.FromMinutes(5));
        return output.Trim().Split('\n')[^1];
    }
}
