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
}
