using PersonalCloud.ControlPlane.Logs;

namespace PersonalCloud.ControlPlane.Tests.Logs;

public sealed class ServerSentEventsTests
{
    [Test]
    public void Event_HasIdTypeDataAndABlankLine() =>
        ServerSentEvents.Event(42, "line", """{"id":42}""").Should().Be("id: 42\nevent: line\ndata: {\"id\":42}\n\n");

    [Test]
    public void Event_WithLineBreaksInData_GivesEachLineItsOwnDataField() =>
        ServerSentEvents.Event(1, "line", "a\r\nb\nc").Should().Be("id: 1\nevent: line\ndata: a\ndata: b\ndata: c\n\n");

    [Test]
    public void EventWithoutId_CommentAndRetry_AreWellFormed()
    {
        ServerSentEvents.Event("end", "{}").Should().Be("event: end\ndata: {}\n\n");
        ServerSentEvents.Comment("keep-alive").Should().Be(": keep-alive\n\n");
        ServerSentEvents.Retry(TimeSpan.FromSeconds(2)).Should().Be("retry: 2000\n\n");
    }
}
