using System.Text;
using Docker.DotNet;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>busybox httpd whose /cgi-bin/say prints "said: &lt;query string&gt;" to stderr: a line the test chooses, printed by the app.</summary>
public static class EchoImage
{
    private const string Dockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        COPY index.html /www/index.html
        COPY say /www/cgi-bin/say
        EXPOSE 8080
        CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
        """;

    private const string Say = "#!/bin/sh\necho \"said: $QUERY_STRING\" >&2\nprintf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'\n";

    public static Task<string> BuildAsync(IDockerClient docker)
    {
        var files = new Dictionary<string, byte[]>(TestImages.BusyboxFiles())
        {
            ["index.html"] = Encoding.UTF8.GetBytes("ok\n"),
            ["say"] = Encoding.UTF8.GetBytes(Say),
        };
        return TestImages.BuildAsync(docker, TestImages.ContentTag("pcloud-test/echo", Dockerfile, files), Dockerfile, files, CancellationToken.None);
    }
}
