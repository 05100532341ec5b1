using System.Net;
using Docker.DotNet;
using PersonalCloud.Reconciler.Status;

namespace PersonalCloud.Reconciler.Tests.Status;

public sealed class RetryStatusTests
{
    private static readonly DateTimeOffset Next = new(2026, 12, 2, 18, 40, 1, TimeSpan.Zero);

    [Test]
    public void Describe_EngineError_GivesTheEnginesMessageTheAttemptAndTheNextRetry() =>
        RetryStatus.Describe(new DockerApiException(HttpStatusCode.Conflict, """{"message":"name already in use"}"""), 3, Next)
            .Should().Be("reconcile failed (attempt 3): the container engine answered 409: name already in use; next retry at 2026-12-02 18:40:01Z");

    [Test]
    public void Describe_OtherError_GivesItsMessage() =>
        RetryStatus.Describe(new TimeoutException("Caddy did not answer"), 1, Next)
            .Should().Be("reconcile failed (attempt 1): Caddy did not answer; next retry at 2026-12-02 18:40:01Z");
}
