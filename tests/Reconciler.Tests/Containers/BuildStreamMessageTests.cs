using Docker.DotNet.Models;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Tests.Containers;

public sealed class BuildStreamMessageTests
{
    [Test]
    public void From_StreamText_IsOutputAsItCame() =>
        BuildStreamMessage.From(new JSONMessage { Stream = "Step 1/4 : FROM scratch" })
            .Should().Be(new BuildStreamMessage("Step 1/4 : FROM scratch", null));

    [Test]
    public void From_ErrorDetail_IsAFailure_EvenInsideA200Stream() =>
        BuildStreamMessage.From(new JSONMessage { Error = new JSONError { Code = 1, Message = "The command '/bin/false' returned a non-zero code: 1" } })
            .Should().Be(new BuildStreamMessage(null, "The command '/bin/false' returned a non-zero code: 1"));

    [Test]
    public void From_PullStatus_IsAnOutputLine() =>
        BuildStreamMessage.From(new JSONMessage { ID = "latest", Status = "Pulling from library/debian" })
            .Should().Be(new BuildStreamMessage("latest: Pulling from library/debian\n", null));

    [Test]
    public void From_AuxOnly_IsNothing() =>
        BuildStreamMessage.From(new JSONMessage()).Should().Be(new BuildStreamMessage(null, null));

    [Test]
    public void FromJson_EngineLines_ReadAsOutputAndErrors()
    {
        BuildStreamMessage.FromJson("""{"stream":"Step 1/3 : FROM scratch\n"}""").Should().Be(new BuildStreamMessage("Step 1/3 : FROM scratch\n", null));
        BuildStreamMessage.FromJson("""{"errorDetail":{"code":2,"message":"returned a non-zero code: 2"},"error":"returned a non-zero code: 2"}""")
            .Error.Should().Be("returned a non-zero code: 2");
    }

    [Test]
    public void FromJson_NotJson_IsKeptAsOutput() =>
        BuildStreamMessage.FromJson("not json").Should().Be(new BuildStreamMessage("not json\n", null));
}
