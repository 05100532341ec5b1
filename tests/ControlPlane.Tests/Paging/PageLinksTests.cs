using PersonalCloud.ControlPlane.Paging;

namespace PersonalCloud.ControlPlane.Tests.Paging;

public sealed class PageLinksTests
{
    [Test]
    public void NextUrl_ReplacesBefore_KeepsEveryOtherParameter_AndEncodesThem()
    {
        var url = PageLinks.NextUrl("/api/apps/1/logs",
            [new("limit", "1000"), new("q", "a b&c"), new("before", "900"), new("stream", "stderr")], 451);

        url.Should().Be("/api/apps/1/logs?limit=1000&q=a%20b%26c&stream=stderr&before=451");
    }

    [Test]
    public void NextUrl_WithoutQuery_AddsBefore() =>
        PageLinks.NextUrl("/api/audit", [], 7).Should().Be("/api/audit?before=7");
}
