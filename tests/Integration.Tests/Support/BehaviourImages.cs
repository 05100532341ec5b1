using Docker.DotNet;

namespace PersonalCloud.Integration.Tests.Support;

/// <summary>FROM-scratch busybox images that misbehave on purpose, for failure paths.</summary>
public static class BehaviourImages
{
    public const int CrashExitCode = 3;
    public const string CrashLine = "crasher: giving up";

    /// <summary>Prints a line and exits with <see cref="CrashExitCode"/> a moment after starting.</summary>
    public const string CrashDockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        EXPOSE 8080
        CMD ["sh", "-c", "echo 'crasher: giving up'; exit 3"]
        """;

    /// <summary>Names a user the image does not have: the engine creates the container but refuses to start it.</summary>
    public const string NoSuchUserDockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        USER nosuchuser
        EXPOSE 8080
        CMD ["/bin/busybox", "httpd", "-f", "-p", "8080"]
        """;

    /// <summary>Serves /health.txt for a few seconds, then removes it: healthy at first, unhealthy for good after.
    /// Only the subshell is in the background (';' not '&&'): httpd must not start before /tmp/www exists.</summary>
    public const string FlappingDockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        EXPOSE 8080
        CMD ["sh", "-c", "mkdir -p /tmp/www; echo ok > /tmp/www/health.txt; echo up > /tmp/www/index.html; (sleep 6; rm /tmp/www/health.txt) & exec httpd -f -p 8080 -h /tmp/www"]
        """;

    /// <summary>Serves on 8080 but declares no port: nothing says where it listens.</summary>
    public const string NoExposeDockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        CMD ["sh", "-c", "mkdir -p /tmp/www; echo unexposed > /tmp/www/index.html; exec httpd -f -p 8080 -h /tmp/www"]
        """;

    public static Task<string> BuildNoExposeAsync(IDockerClient client) => Build(client, "pcloud-test/noexpose", NoExposeDockerfile);

    public static Task<string> BuildCrashAsync(IDockerClient client) => Build(client, "pcloud-test/crasher", CrashDockerfile);

    public static Task<string> BuildNoSuchUserAsync(IDockerClient client) => Build(client, "pcloud-test/nosuchuser", NoSuchUserDockerfile);

    public static Task<string> BuildFlappingAsync(IDockerClient client) => Build(client, "pcloud-test/flapping", FlappingDockerfile);

    private static Task<string> Build(IDockerClient client, string repository, string dockerfile)
    {
        var files = TestImages.BusyboxFiles();
        return TestImages.BuildAsync(client, TestImages.ContentTag(repository, dockerfile, files), dockerfile, files, CancellationToken.None);
    }
}
